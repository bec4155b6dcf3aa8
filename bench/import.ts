/**
 * History import throughput (issue 3/8): generates realistic tickets with full event histories and
 * imports them into a fresh database through the same code as `POST /api/v1/import/tickets`.
 *
 *   node bin/run-ts.mjs bench/import.ts [--tickets 100000] [--days 180] [--batch 500] [--pg postgres://…] [--keep] [--queries]
 *
 * The database: SQLite in a temp folder (or a new database on the PostgreSQL server of --pg), the
 * demo organisation and the demo cells of the three cities with neighbours. The tickets: 70 %
 * network complaints at cells (a tenth of them in short outage bursts, so hotspots form), 30 % billing/service ones by
 * address; customers drawn from a pool a quarter the size (so repeats happen); histories:
 * answered at intake, the full NOC path with forwarding, replies, customer reply, follow-up and
 * close, some escalated to the experts, some triaged important, and the newest still open at every
 * stage (some overdue). Times spread over --days before now, in time order within each ticket,
 * the file shuffled. Rows are NDJSON text, so parsing is measured too. A progress line goes to
 * stderr; one JSON document (tickets/s, events/s, tickets per CPU second, outcome) to stdout. A second run of the same
 * file measures the skip path (every externalId already imported). With --queries the JSON also
 * lists the statements with the most total time during the import.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { LogEvent } from 'kysely';
import { openDb, type Db, type Engine } from '../server/src/db/connect.ts';
import { migrate } from '../server/src/db/migrate.ts';
import { loadConfig } from '../server/src/config.ts';
import { systemClock } from '../server/src/shared/clock.ts';
import { testPii } from '../server/src/pii/pii.ts';
import { toIso } from '../server/src/shared/time.ts';
import { systemActor } from '../server/src/access/actor.ts';
import { seedOrganisation, DEMO_CITIES } from '../server/src/demo/organisation.ts';
import { demoCells } from '../server/src/network/demo.ts';
import { importCells } from '../server/src/network/import-cells.ts';
import { importTickets } from '../server/src/imports/import-tickets.ts';
import type { Deps } from '../server/src/http/deps.ts';
import { flags } from './lib/server.ts';

const f = flags();
const N = Number(f.tickets ?? 100_000);
const DAYS = Number(f.days ?? 180);
const BATCH = Number(f.batch ?? 500);
const PG_URL = f.pg;
const engine: Engine = PG_URL ? 'postgres' : 'sqlite';
const TZ = 'Asia/Shanghai';
const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const log = (s: string) => process.stderr.write(s);

/** Deterministic pseudo-random numbers (mulberry32). */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => { a = (a + 0x6d2b79f5) >>> 0; let t = a; t = Math.imul(t ^ (t >>> 15), t | 1); t ^= t + Math.imul(t ^ (t >>> 7), t | 61); return ((t ^ (t >>> 14)) >>> 0) / 4294967296; };
}

/** Statement → count and total time, while recording (--queries). */
const statements = new Map<string, { n: number; ms: number }>();
let recording = false;
const dbOptions = f.queries ? {
  log: (e: LogEvent) => {
    if (!recording) return;
    const key = e.query.sql.replace(/\s+/g, ' ').slice(0, 140);
    const s = statements.get(key) ?? { n: 0, ms: 0 };
    s.n++; s.ms += e.queryDurationMillis;
    statements.set(key, s);
  },
} : {};

async function freshDb(): Promise<{ db: Db; size(): number | null; drop(): Promise<void> }> {
  if (engine === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'netcare-bench-import-'));
    const path = join(dir, 'bench.db');
    const db = openDb(`sqlite:${path}`, dbOptions);
    await migrate(db);
    return {
      db, size: () => statSync(path).size + (() => { try { return statSync(`${path}-wal`).size; } catch { return 0; } })(),
      async drop() { await db.close(); if (!f.keep) rmSync(dir, { recursive: true, force: true }); else log(`kept ${path}\n`); },
    };
  }
  const name = `nc_bench_import_${process.pid}_${Date.now().toString(36)}`;
  const admin = new pg.Client({ connectionString: PG_URL });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const u = new URL(PG_URL!);
  u.pathname = `/${name}`;
  const db = openDb(u.toString(), dbOptions);
  await migrate(db);
  return {
    db, size: () => null,
    async drop() {
      await db.close();
      if (f.keep) { log(`kept database ${name}\n`); return; }
      const c = new pg.Client({ connectionString: PG_URL });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}

type Ev = Record<string, unknown> & { type: string; at: string };

/** N tickets with full histories, as NDJSON lines (shuffled: the import must not depend on order). */
function generate(now: number, cellsByCity: Map<string, string[]>): { lines: string[]; events: number } {
  const r = rng(42);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(r() * xs.length)];
  const iso = (ms: number) => toIso(ms, TZ);
  const cities = DEMO_CITIES.map((c) => c.id);
  const customers = Math.max(10, Math.floor(N / 4));
  const netCats = ['network.call_drop', 'network.slow_data', 'network.no_data', 'network.weak_indoor_coverage', 'network.voice_quality', 'network.no_coverage', 'network.call_setup_failure'];
  const otherCats = ['billing.overcharge', 'billing.package', 'service.attitude', 'service.store', 'vas.unwanted_subscription'];
  const channels = ['hotline', 'hotline', 'hotline', 'app', 'web', 'store', 'social', 'regulator'];
  // bursts: 10 % of network complaints fall into short outages (about 8 complaints of one category
  // at one cell within 50 minutes), so hotspots form (§4)
  const bursts = Array.from({ length: Math.max(1, Math.round((N * 0.7 * 0.1) / 8)) }, () => {
    const city = pick(cities);
    return { city, cellId: pick(cellsByCity.get(city)!), category: pick(netCats), day: Math.floor(r() * DAYS), minute: 8 * 60 + Math.floor(r() * 12 * 60) };
  });
  const lines: string[] = [];
  let events = 0;
  for (let i = 0; i < N; i++) {
    const network = r() < 0.7;
    const burst = network && r() < 0.1 ? pick(bursts) : null;
    const city = burst?.city ?? pick(cities);
    // daytime-weighted report time over the period; the newest tickets are the ones still open
    const day = burst?.day ?? Math.floor(r() * DAYS);
    const reportedAt = burst
      ? now - (day + 1) * DAY + (burst.minute + Math.floor(r() * 50)) * MIN
      : now - (day + 1) * DAY + (8 + Math.floor(r() * 14)) * HOUR + Math.floor(r() * HOUR);
    const who = () => (r() < 0.3 && city === 'hz' ? null : `old-${city}-${Math.floor(r() * 40)}`);
    const user = (role: 'agent' | 'noc' | 'handler' | 'expert') => {
      // the demo Hangzhou users where they fit, otherwise names from the old system (recorded as import:bench)
      if (city === 'hz' && r() < 0.5) return { agent: 'agent', noc: 'noc', handler: 'maint', expert: 'expert' }[role];
      return who();
    };
    const ev: Ev[] = [];
    let t = reportedAt;
    const step = (minutes: number, type: string, fields: Record<string, unknown> = {}, role: 'agent' | 'noc' | 'handler' | 'expert' = 'agent') => {
      t += Math.max(1, Math.round(minutes * (0.5 + r()))) * MIN;
      if (t > now - MIN) return false;
      const actor = user(role);
      ev.push({ type, at: iso(t), ...(actor ? { actor } : {}), ...fields });
      return true;
    };
    const base = {
      externalId: `B-${String(i).padStart(8, '0')}`,
      channel: pick(channels),
      customer: { msisdn: `13${String(Math.floor(r() * customers)).padStart(9, '0')}`, ...(r() < 0.5 ? { name: '客户' } : {}), ...(r() < 0.05 ? { vip: true } : {}) },
      reportedAt: iso(reportedAt),
      description: network ? '室内信号差，通话经常中断，上网很慢' : '对本月账单有疑问，要求核实',
      ...(r() < 0.1 ? { commitmentHours: pick([4, 12, 24, 72]) } : {}),
    };
    let row: Record<string, unknown>;
    if (network) {
      row = { ...base, category: burst?.category ?? pick(netCats), cellId: burst?.cellId ?? pick(cellsByCity.get(city)!), events: ev };
      const fate = r();
      if (fate < 0.15) {
        step(3, 'resolved_at_intake', { text: '该区域正在割接，预计今晚恢复' });
        if (r() < 0.9) step(5, 'closed');
      } else {
        // open tickets stop somewhere along the way; the newest more often
        const stopAt = day < 5 ? Math.floor(r() * 10) : r() < 0.05 ? Math.floor(r() * 10) : 99;
        let k = 0;
        const go = (...a: Parameters<typeof step>) => (k++ < stopAt ? step(...a) : false);
        const dept = pick(['maintenance', 'optimisation', 'construction']);
        const important = r() < 0.15;
        void (go(8, 'dispatched', {}, 'agent')
          && go(25, 'triaged', { grade: important ? 'important' : 'ordinary' }, 'noc')
          && go(20, 'forwarded', { department: `${city}-${dept}`, reason: '定位为网络问题' }, 'noc')
          && go(90, 'department_replied', { kind: 'initial', text: '已安排处理' }, 'handler')
          && go(60, 'noc_replied', { kind: 'initial', text: '初步答复客户' }, 'noc')
          && (r() < 0.08
            ? go(120, 'escalated', { to: 'expert', reason: '首次方案未解决' }, 'handler') && go(600, 'department_replied', { kind: 'final', text: '专家方案' }, 'expert')
            : true)
          && go(important ? 600 : 1800, 'department_replied', { kind: 'final', text: '已处理', resolution: pick(['fault_repaired', 'optimised', 'construction_planned', 'explained']) }, 'handler')
          && go(120, 'noc_replied', { kind: 'final', text: '处理完毕', resolution: pick(['fault_repaired', 'optimised', 'customer_side', 'explained']) }, 'noc')
          && go(240, 'customer_contacted', { kind: 'final', text: '已告知客户处理结果' }, 'agent')
          && go(1440, 'followed_up', r() < 0.8 ? { responded: true, score: 6 + Math.floor(r() * 5) } : { responded: false }, 'agent')
          && go(5, 'closed', {}, 'agent'));
      }
    } else {
      row = { ...base, category: pick(otherCats), region: city, address: `${city} 市区某路 ${1 + Math.floor(r() * 300)} 号`, events: ev };
      const stopAt = day < 5 ? Math.floor(r() * 7) : 99;
      let k = 0;
      const go = (...a: Parameters<typeof step>) => (k++ < stopAt ? step(...a) : false);
      void (go(10, 'dispatched', { department: `${city}-complaint_centre` }, 'agent')
        && go(120, 'department_replied', { kind: 'initial', text: '核查中' }, 'handler')
        && go(1200, 'department_replied', { kind: 'final', text: '已核实并处理', resolution: pick(['not_network', 'explained']) }, 'handler')
        && go(60, 'customer_contacted', { kind: 'final', text: '已回复客户' }, 'agent')
        && go(1440, 'followed_up', { responded: true, score: 5 + Math.floor(r() * 6) }, 'agent')
        && go(5, 'closed', {}, 'agent'));
    }
    events += ev.length;
    lines.push(JSON.stringify(row));
  }
  for (let i = lines.length - 1; i > 0; i--) { const j = Math.floor(r() * (i + 1)); [lines[i], lines[j]] = [lines[j], lines[i]]; }
  return { lines, events };
}

const h = await freshDb();
try {
  const db = h.db;
  const config = { ...loadConfig({ NETCARE_DATA_DIR: tmpdir(), NETCARE_DATABASE_URL: 'sqlite::memory:' }), timeZone: TZ };
  const deps: Deps = { db, config, clock: systemClock, pii: testPii() };
  const now = Date.now();
  await seedOrganisation(db, 'bench-password-1', now);
  const actor = systemActor('bench', 'zj');
  const cellsByCity = new Map<string, string[]>();
  for (const city of DEMO_CITIES) {
    const cells = demoCells(city);
    cellsByCity.set(city.id, cells.map((c) => c.cellId));
    const r = await importCells({ deps, actor, address: null }, { rows: cells });
    if (r.rejected.length) throw new Error(`demo cells rejected: ${JSON.stringify(r.rejected.slice(0, 3))}`);
  }
  log(`generating ${N.toLocaleString('en')} tickets…\n`);
  const g0 = performance.now();
  const { lines, events } = generate(now, cellsByCity);
  const ndjson = lines.join('\n');
  const generateSeconds = (performance.now() - g0) / 1000;
  log(`${events.toLocaleString('en')} events, ${(ndjson.length / 1048576).toFixed(1)} MiB of NDJSON; importing into ${engine}…\n`);

  const progress = (label: string) => {
    const started = performance.now();
    let last = 0;
    return (done: number, total: number) => {
      const t = performance.now();
      if (t - last < 500 && done < total) return;
      last = t;
      log(`\r${label}: ${done.toLocaleString('en')} / ${total.toLocaleString('en')} rows, ${Math.round(done / Math.max(0.001, (t - started) / 1000)).toLocaleString('en')} rows/s   `);
    };
  };
  recording = true;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const result = await importTickets(deps, actor, { ndjson }, { batchSize: BATCH, onProgress: progress('import') });
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  // CPU time of this process (SQLite runs in it too): the measure that holds on a busy machine
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  recording = false;
  log('\n');
  const t1 = performance.now();
  const again = await importTickets(deps, actor, { ndjson }, { batchSize: BATCH, onProgress: progress('re-import') });
  const reimportSeconds = (performance.now() - t1) / 1000;
  log('\n');
  const k = db.kysely;
  const count = async (q: Promise<{ n: unknown } | undefined>) => Number((await q)?.n ?? 0);
  const stats = {
    open: await count(k.selectFrom('ticket').select((eb) => eb.fn.countAll().as('n')).where('status', '!=', 'closed').executeTakeFirst()),
    repeats: await count(k.selectFrom('ticket').select((eb) => eb.fn.countAll().as('n')).where('isRepeat', '=', 1).executeTakeFirst()),
    inHotspots: await count(k.selectFrom('ticket').select((eb) => eb.fn.countAll().as('n')).where('hotspotId', 'is not', null).executeTakeFirst()),
    breachedClocks: await count(k.selectFrom('ticketClock').select((eb) => eb.fn.countAll().as('n')).where('breachedAt', 'is not', null).executeTakeFirst()),
    clocks: await count(k.selectFrom('ticketClock').select((eb) => eb.fn.countAll().as('n')).executeTakeFirst()),
  };
  process.stdout.write(`${JSON.stringify({
    benchmark: 'import-tickets', engine, tickets: N, events, batchSize: BATCH, mib: Math.round(ndjson.length / 1048576 * 10) / 10,
    seconds: Math.round(seconds * 100) / 100, ticketsPerSecond: Math.round(N / seconds), eventsPerSecond: Math.round(events / seconds),
    cpuSeconds: Math.round(cpuSeconds * 100) / 100, ticketsPerCpuSecond: Math.round(N / cpuSeconds), loadAverage: loadavg()[0],
    created: result.created, skipped: result.skipped, rejected: result.rejected.length, rejectedSample: result.rejected.slice(0, 5),
    reimport: { seconds: Math.round(reimportSeconds * 100) / 100, skipped: again.skipped, created: again.created },
    generateSeconds: Math.round(generateSeconds * 100) / 100, databaseBytes: h.size(), stats,
    ...(f.queries ? {
      statementsPerTicket: Math.round([...statements.values()].reduce((a, s) => a + s.n, 0) / N),
      dbMsPerTicket: Math.round([...statements.values()].reduce((a, s) => a + s.ms, 0) / N * 1000) / 1000,
      topStatements: [...statements].sort((a, b) => b[1].ms - a[1].ms).slice(0, 25).map(([sql, s]) => `${s.ms.toFixed(0).padStart(7)} ms ${String(s.n).padStart(7)}×  ${sql}`),
    } : {}),
  }, null, 2)}\n`);
} finally {
  await h.drop();
}
