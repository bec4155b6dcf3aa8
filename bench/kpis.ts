/**
 * KPI benchmark (issue 5: a province, one month, grouped by city and network in ≤ 100 ms with
 * 10,000,000 tickets; what the aggregates cost intake).
 *
 * 1. Seeds a fresh database — SQLite in a temp folder, or with `--pg URL` a throwaway database on
 *    that PostgreSQL server — with a province of 11 cities and N tickets over 36 months, written in
 *    bulk straight into the raw tables (ticket, ticket_clock, followed_up events, ticket_department:
 *    the rows the KPIs read), then builds the aggregates with rebuildKpis: the same contribution and
 *    upsert code the live hook runs (and that the property test checks against the raw tables).
 * 2. Times KPI queries through kpiReport and through the HTTP route: p50 / p99.
 * 3. Times live intake (createTicket, one transaction per ticket) on a fresh database with the KPI
 *    hook and without it (a child process whose module loader swaps kpis/hooks.ts for a no-op).
 *
 *   node bin/run-ts.mjs bench/kpis.ts [--tickets 1000000] [--queries 50] [--intake 2000] [--concurrency 16] [--skip-intake]
 *     [--pg postgres://…]   a throwaway database on that PostgreSQL server instead of SQLite
 *     [--sqlite FILE]       keep the SQLite database in FILE; a later run reuses it without seeding
 *
 * Progress on stderr, JSON results on stdout.
 */
import { register } from 'node:module';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import SQLite from 'better-sqlite3';

const args = process.argv.slice(2);
const opt = (name: string, dflt: string) => { const i = args.indexOf(`--${name}`); return i >= 0 ? args[i + 1] : dflt; };
const flag = (name: string) => args.includes(`--${name}`);
const TICKETS = Number(opt('tickets', '1000000'));
const QUERIES = Number(opt('queries', '50'));
const INTAKE = Number(opt('intake', '2000'));
const PG_URL = opt('pg', '');
const KEEP = opt('sqlite', '');
const say = (s: string) => process.stderr.write(s);

// the intake child without the hook: resolve kpis/hooks.ts to a module whose hook does nothing
if (flag('no-kpi-hook')) {
  const loader = `export async function resolve(spec, ctx, next) {
    if (/\\/kpis\\/hooks\\.ts$/.test(spec)) return { url: 'data:text/javascript,export async function kpiTicketHook() {}', shortCircuit: true };
    return next(spec, ctx);
  }`;
  register(`data:text/javascript,${encodeURIComponent(loader)}`);
}

const { openDb } = await import('../server/src/db/connect.ts');
type Db = Awaited<ReturnType<typeof openDb>>;
const { migrate } = await import('../server/src/db/migrate.ts');
const { seedOrganisation } = await import('../server/src/demo/organisation.ts');
const { loadConfig } = await import('../server/src/config.ts');
const { systemClock, ManualClock } = await import('../server/src/shared/clock.ts');
const { testPii } = await import('../server/src/pii/pii.ts');
const { dayKey, startOfLocalDay } = await import('../server/src/shared/time.ts');

const TZ = 'Asia/Shanghai';
const CITIES = ['hz', 'nb', 'wz', 'jx', 'hu', 'sx', 'jh', 'qz', 'zs', 'tz', 'ls'] as const;
const CITY_WEIGHT = [20, 14, 13, 7, 5, 7, 8, 4, 2, 9, 3];
const DEPT_KINDS = ['complaint_centre', 'noc', 'maintenance', 'optimisation', 'construction', 'network_management', 'expert'];
const NETWORKS: [string, number][] = [['LTE', 60], ['NR', 25], ['GSM', 10], ['WCDMA', 5]];
const NETWORK_CATEGORIES = ['network.no_coverage', 'network.weak_indoor_coverage', 'network.call_drop', 'network.slow_data', 'network.no_data', 'network.voice_quality'];
const OTHER_CATEGORIES = ['billing.overcharge', 'billing.package', 'service.attitude', 'vas.unwanted_subscription'];
const SOLVED = ['fault_repaired', 'optimised', 'customer_side'];
const UNSOLVED = ['construction_planned', 'no_investment', 'explained', 'cannot_reproduce'];
const HOUR = 3_600_000;
const MIN = 60_000;
const END = startOfLocalDay(2026, 7, 1, TZ);
const START = startOfLocalDay(2023, 7, 1, TZ);
const NOW = END - 12 * HOUR;
const NO_DUE = 253402300799000;

// deterministic randomness: runs are comparable
let seed = 42;
const rnd = () => { seed = (seed + 0x6d2b79f5) >>> 0; let t = seed; t = Math.imul(t ^ (t >>> 15), t | 1); t ^= t + Math.imul(t ^ (t >>> 7), t | 61); return ((t ^ (t >>> 14)) >>> 0) / 4294967296; };
const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)];
const weighted = <T>(xs: readonly T[], w: readonly number[]) => { const total = w.reduce((a, b) => a + b, 0); let x = rnd() * total; for (let i = 0; i < xs.length; i++) { x -= w[i]; if (x < 0) return xs[i]; } return xs[xs.length - 1]; };
const between = (a: number, b: number) => Math.round(a + rnd() * (b - a));

function progress(label: string, done: number, total: number, started: number): void {
  const s = (performance.now() - started) / 1000;
  say(`\r${label}: ${done.toLocaleString('en')} / ${total.toLocaleString('en')} (${Math.round(done / Math.max(s, 0.001)).toLocaleString('en')}/s)   `);
}

const percentile = (xs: number[], p: number) => { const s = [...xs].sort((a, b) => a - b); const h = (s.length - 1) * p; const lo = Math.floor(h); return s[lo] + (h - lo) * ((s[lo + 1] ?? s[lo]) - s[lo]); };
const round = (x: number) => Math.round(x * 100) / 100;

// ---------------------------------------------------------------- database

async function openFresh(): Promise<{ db: Db; url: string; engine: 'sqlite' | 'postgres'; drop: () => Promise<void>; size: () => number | null; reused: boolean }> {
  if (!PG_URL) {
    if (KEEP) {
      const reused = existsSync(KEEP);
      const db = openDb(`sqlite:${resolve(KEEP)}`);
      return { db, url: `sqlite:${resolve(KEEP)}`, engine: 'sqlite', drop: () => db.close(), size: () => statSync(KEEP).size, reused };
    }
    const dir = mkdtempSync(join(tmpdir(), 'netcare-kpi-bench-'));
    const file = join(dir, 'bench.db');
    const db = openDb(`sqlite:${file}`);
    return { db, url: `sqlite:${file}`, engine: 'sqlite', drop: async () => { await db.close(); rmSync(dir, { recursive: true, force: true }); }, size: () => statSync(file).size, reused: false };
  }
  const name = `nc_kpi_bench_${process.pid}_${Date.now().toString(36)}`;
  const admin = new pg.Client({ connectionString: PG_URL });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const u = new URL(PG_URL);
  u.pathname = `/${name}`;
  const db = openDb(u.toString(), { poolSize: 8 });
  return {
    db, url: u.toString(), engine: 'postgres', reused: false, size: () => null,
    drop: async () => {
      await db.close();
      const c = new pg.Client({ connectionString: PG_URL });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}

/** The demo organisation plus eight more cities, each with every department kind. */
async function seedProvince(db: Db): Promise<void> {
  await seedOrganisation(db, 'bench-password-1', Date.now());
  for (const c of CITIES.slice(3)) {
    await db.kysely.insertInto('region').values({ id: c, name: c, parentId: 'zj', updatedAt: 0 }).onConflict((oc) => oc.doNothing()).execute();
    for (const k of DEPT_KINDS) await db.kysely.insertInto('department').values({ id: `${c}-${k}`, name: `${c} ${k}`, kind: k, regionId: c, updatedAt: 0 }).onConflict((oc) => oc.doNothing()).execute();
  }
}

// ---------------------------------------------------------------- generated rows

interface Batch {
  tickets: unknown[][];
  clocks: unknown[][];
  events: unknown[][];
  departments: unknown[][];
}
const TICKET_COLS = ['id', 'channel', 'customer_key', 'customer_msisdn_enc', 'customer_vip', 'category_id', 'is_network', 'network', 'region_id', 'address',
  'reported_at', 'reported_day', 'description', 'status', 'grade', 'is_repeat', 'noc_department_id', 'assignee_department_id', 'resolution', 'resolved_at_intake',
  'next_due_at', 'clock_state', 'round', 'version', 'created_by', 'created_at', 'updated_at', 'closed_at'];
const TICKET_TYPES = ['bigint', 'text', 'text', 'text', 'int', 'text', 'int', 'text', 'text', 'text', 'bigint', 'int', 'text', 'text', 'text', 'int', 'text', 'text', 'text', 'int', 'bigint', 'text', 'int', 'int', 'text', 'bigint', 'bigint', 'bigint'];
const CLOCK_COLS = ['ticket_id', 'clock', 'round', 'calendar_id', 'duration_ms', 'started_at', 'warn_at', 'due_at', 'province_at', 'stopped_at', 'warned_at', 'breached_at', 'next_fire_at'];
const CLOCK_TYPES = ['bigint', 'text', 'int', 'text', 'bigint', 'bigint', 'bigint', 'bigint', 'bigint', 'bigint', 'bigint', 'bigint', 'bigint'];
const EVENT_COLS = ['ticket_id', 'type', 'at', 'recorded_at', 'actor', 'actor_role', 'data'];
const EVENT_TYPES = ['bigint', 'text', 'bigint', 'bigint', 'text', 'text', 'text'];
const DEPT_COLS = ['ticket_id', 'department_id'];
const DEPT_TYPES = ['bigint', 'text'];

const DURATIONS: Record<string, [number, number]> = { triage: [2 * HOUR, 30 * MIN], initial_reply: [24 * HOUR, 4 * HOUR], resolution: [72 * HOUR, 24 * HOUR], commitment: [48 * HOUR, 24 * HOUR], follow_up: [72 * HOUR, 24 * HOUR] };

/** One ticket's rows: a realistic path through the workflow, with breaches, follow-ups and open recent tickets. */
function generate(id: number, reportedAt: number, b: Batch): void {
  const city = weighted(CITIES, CITY_WEIGHT);
  const isNetwork = rnd() < 0.85;
  const network = isNetwork ? weighted(NETWORKS.map((n) => n[0]), NETWORKS.map((n) => n[1])) : null;
  const important = rnd() < 0.1;
  const g = important ? 1 : 0;
  const age = NOW - reportedAt;
  const open = age < 3 * 24 * HOUR ? rnd() < 0.6 : rnd() < 0.01;
  const atIntake = rnd() < 0.08;
  const channel = rnd() < 0.01 ? 'regulator' : pick(['hotline', 'hotline', 'hotline', 'app', 'web', 'store']);
  const noc = `${city}-noc`;
  let status = 'closed';
  let closedAt: number | null = null;
  let resolution: string | null = null;
  let assignee: string | null = null;
  let nextDue = NO_DUE;
  let clockState = 'ok';
  const clock = (name: string, start: number, stop: number | null) => {
    const dur = DURATIONS[name][g];
    const due = start + dur;
    const stopped = stop != null && stop <= NOW ? stop : null;
    const breached = stopped != null ? (stopped > due ? due : null) : due <= NOW ? due : null;
    if (stopped == null) {
      nextDue = Math.min(nextDue, due);
      if (due <= NOW) clockState = 'breached';
      else if (clockState === 'ok' && start + 0.8 * dur <= NOW) clockState = 'warned';
    }
    b.clocks.push([id, name, 1, '24x7', dur, start, start + 0.8 * dur, due, start + 1.5 * dur, stopped, stopped == null && start + 0.8 * dur <= NOW ? start + 0.8 * dur : null, breached,
      stopped == null ? (breached != null ? start + 1.5 * dur : due) : null]);
    return stopped;
  };
  if (atIntake) {
    const answered = reportedAt + between(5 * MIN, 30 * MIN);
    clock('commitment', reportedAt, answered);
    status = open ? 'customer_replied' : 'closed';
    closedAt = open ? null : answered + HOUR;
  } else {
    const dispatch = reportedAt + between(0, 10 * MIN);
    const dept = isNetwork ? noc : `${city}-maintenance`;
    b.departments.push([id, dept]);
    const forwarded = isNetwork && rnd() < 0.5 ? `${city}-${pick(['maintenance', 'optimisation', 'construction'])}` : null;
    if (forwarded) b.departments.push([id, forwarded]);
    const slow = rnd() < 0.12 ? 2.5 : 1;
    const triage = dispatch + between(5 * MIN, (important ? 40 * MIN : 2.5 * HOUR) * slow);
    const initial = dispatch + between(30 * MIN, (important ? 5 * HOUR : 28 * HOUR) * slow);
    const resolved = Math.max(initial, dispatch + between(2 * HOUR, (important ? 30 * HOUR : 90 * HOUR) * slow));
    const told = resolved + between(10 * MIN, 6 * HOUR);
    const followed = told + between(HOUR, (important ? 30 : 80) * HOUR);
    const cut = open ? reportedAt + Math.round(rnd() * Math.max(age, 1)) : Infinity;
    const upTo = (t: number) => (t <= cut ? t : null);
    if (isNetwork) clock('triage', dispatch, upTo(triage));
    clock('initial_reply', dispatch, upTo(initial));
    clock('resolution', dispatch, upTo(resolved));
    const toldAt = clock('commitment', reportedAt, upTo(told));
    if (toldAt != null) {
      const fu = clock('follow_up', told, upTo(followed));
      if (fu != null) {
        const responded = rnd() < 0.8;
        const score = responded ? weighted([10, 9, 8, 7, 6, 5, 3, 1], [60, 15, 10, 5, 4, 3, 2, 1]) : null;
        b.events.push([id, 'followed_up', followed, followed, 'agent', 'agent', JSON.stringify(responded ? { responded, score } : { responded })]);
      }
    }
    if (upTo(resolved) != null) resolution = rnd() < 0.75 ? pick(SOLVED) : pick(UNSOLVED);
    if (open) {
      status = upTo(followed) != null ? 'followed_up' : upTo(told) != null ? 'customer_replied' : upTo(resolved) != null ? 'replied' : upTo(triage) != null || !isNetwork ? 'in_progress' : 'dispatched';
      assignee = status === 'in_progress' || status === 'dispatched' ? forwarded ?? dept : null;
    } else closedAt = followed + 10 * MIN;
  }
  b.tickets.push([id, channel, `c${Math.floor(rnd() * TICKETS / 3)}`, 'enc', rnd() < 0.05 ? 1 : 0, isNetwork ? pick(NETWORK_CATEGORIES) : pick(OTHER_CATEGORIES), isNetwork ? 1 : 0, network, city, '地址',
    reportedAt, dayKey(reportedAt, TZ), '投诉', status, important ? 'important' : 'ordinary', rnd() < 0.07 ? 1 : 0, isNetwork && !atIntake ? noc : null, assignee, resolution, atIntake ? 1 : 0,
    status === 'closed' ? NO_DUE : nextDue, status === 'closed' ? 'ok' : clockState, 1, 3, 'bench', reportedAt, closedAt ?? reportedAt, closedAt]);
}

/** Writes one batch: better-sqlite3 prepared statements, or PostgreSQL `insert … select from unnest(arrays)`. */
function writer(engine: 'sqlite' | 'postgres', url: string) {
  if (engine === 'sqlite') {
    const raw = new SQLite(url.slice('sqlite:'.length));
    raw.pragma('journal_mode = WAL');
    raw.pragma('synchronous = OFF');
    const prep = (table: string, cols: string[]) => raw.prepare(`insert into ${table} (${cols.join(', ')}) values (${cols.map(() => '?').join(', ')})`);
    const st = { t: prep('ticket', TICKET_COLS), c: prep('ticket_clock', CLOCK_COLS), e: prep('ticket_event', EVENT_COLS), d: prep('ticket_department', DEPT_COLS) };
    const tx = raw.transaction((b: Batch) => {
      for (const r of b.tickets) st.t.run(r);
      for (const r of b.clocks) st.c.run(r);
      for (const r of b.events) st.e.run(r);
      for (const r of b.departments) st.d.run(r);
    });
    return { write: async (b: Batch) => { tx(b); }, close: async () => { raw.close(); } };
  }
  const client = new pg.Client({ connectionString: url });
  const ready = client.connect();
  const insert = async (table: string, cols: string[], types: string[], rows: unknown[][]) => {
    if (!rows.length) return;
    const arrays = cols.map((_, i) => rows.map((r) => r[i]));
    await client.query(`insert into ${table} (${cols.join(', ')}) select * from unnest(${types.map((t, i) => `$${i + 1}::${t}[]`).join(', ')})`, arrays);
  };
  return {
    write: async (b: Batch) => {
      await ready;
      await client.query('begin');
      await insert('ticket', TICKET_COLS, TICKET_TYPES, b.tickets);
      await insert('ticket_clock', CLOCK_COLS, CLOCK_TYPES, b.clocks);
      await insert('ticket_event', EVENT_COLS, EVENT_TYPES, b.events);
      await insert('ticket_department', DEPT_COLS, DEPT_TYPES, b.departments);
      await client.query('commit');
    },
    close: async () => {
      await ready;
      await client.query(`select setval(pg_get_serial_sequence('ticket', 'id'), (select max(id) from ticket))`);
      await client.end();
    },
  };
}

async function subscribers(db: Db): Promise<void> {
  const rows = [];
  for (let y = 2023, m = 7; y * 100 + m <= 202606; m === 12 ? (y++, m = 1) : m++) {
    for (const [i, c] of CITIES.entries()) {
      for (const [n, share] of NETWORKS) rows.push({ regionId: c, network: n, month: `${y}-${String(m).padStart(2, '0')}`, count: Math.round(CITY_WEIGHT[i] * 400_000 * share / 100), updatedAt: 0 });
    }
  }
  for (let i = 0; i < rows.length; i += 500) await db.kysely.insertInto('subscriberCount').values(rows.slice(i, i + 500)).execute();
}

// ---------------------------------------------------------------- intake (child process)

async function intakeRun(): Promise<void> {
  const { createTicket } = await import('../server/src/tickets/create-ticket.ts');
  const h = await openFresh();
  await migrate(h.db);
  await seedProvince(h.db);
  const config = { ...loadConfig({ NETCARE_DATA_DIR: tmpdir(), NETCARE_DATABASE_URL: h.url }), timeZone: TZ };
  const deps = { db: h.db, config, clock: systemClock, pii: testPii() };
  const actor = { kind: 'user' as const, id: 1, name: 'agent', role: 'agent' as const, regionId: 'hz', departmentId: 'hz-complaint_centre', isProvince: false, regionSubtreeIds: ['hz'] };
  const body = (i: number) => ({
    channel: 'hotline', customer: { msisdn: `138${String(i % 5000).padStart(8, '0')}` }, category: pick(NETWORK_CATEGORIES), network: 'LTE',
    region: 'hz', address: '杭州市西湖区文三路 100 号', description: '室内通话经常掉线',
  });
  // concurrent callers: SQLite group-commits them (db/group-commit.ts), PostgreSQL runs them on the pool
  const concurrency = Number(opt('concurrency', '16'));
  for (let i = 0; i < 50; i++) await createTicket(deps, actor, body(i), null);
  let next = 0;
  const started = performance.now();
  const cpu = process.cpuUsage();
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < INTAKE) { const i = next++; await createTicket(deps, actor, body(i + 50), null); }
  }));
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  // this process's CPU per ticket: on SQLite the whole intake, on PostgreSQL the client side only
  const cpuMsPerTicket = round((used.user + used.system) / 1000 / INTAKE);
  // proof of which variant ran: the hook stores one contribution per ticket
  const stored = Number((await h.db.kysely.selectFrom('kpiTicket').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
  await h.drop();
  process.stdout.write(JSON.stringify({ tickets: INTAKE, concurrency, seconds: round(seconds), perSecond: Math.round(INTAKE / seconds), cpuMsPerTicket, storedContributions: stored }));
}

function intakeChild(withHook: boolean): unknown {
  const script = resolve(import.meta.dirname, 'kpis.ts');
  const r = spawnSync(process.execPath, [resolve(import.meta.dirname, '../bin/run-ts.mjs'), script, '--intake-child', '--intake', String(INTAKE), '--concurrency', opt('concurrency', '16'),
    ...(PG_URL ? ['--pg', PG_URL] : []), ...(withHook ? [] : ['--no-kpi-hook'])], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  if (r.status !== 0) throw new Error(`intake child failed (${r.status})`);
  return JSON.parse(r.stdout);
}

// ---------------------------------------------------------------- main

async function main(): Promise<void> {
  if (flag('intake-child')) return intakeRun();
  const h = await openFresh();
  const started = performance.now();
  let loadSeconds = 0;
  let rebuildSeconds = 0;
  const { rebuildKpis } = await import('../server/src/kpis/rebuild.ts');
  const { kpiReport } = await import('../server/src/kpis/query.ts');
  if (!h.reused) {
    await migrate(h.db);
    await seedProvince(h.db);
    await subscribers(h.db);
    say(`${h.engine}: writing ${TICKETS.toLocaleString('en')} tickets over 36 months\n`);
    const w = writer(h.engine, h.url);
    const span = END - START;
    const t0 = performance.now();
    for (let i = 0; i < TICKETS; i += 10_000) {
      const b: Batch = { tickets: [], clocks: [], events: [], departments: [] };
      for (let j = i; j < Math.min(TICKETS, i + 10_000); j++) generate(j + 1, Math.floor(START + ((j + rnd()) * span) / TICKETS), b);
      await w.write(b);
      progress('raw rows', Math.min(TICKETS, i + 10_000), TICKETS, t0);
    }
    await w.close();
    loadSeconds = (performance.now() - t0) / 1000;
    say('\n');
    const t1 = performance.now();
    await rebuildKpis(h.db.kysely, TZ, { batch: 5000, onProgress: (n) => { if (n % 50_000 === 0 || n === TICKETS) progress('aggregates (rebuildKpis)', n, TICKETS, t1); } });
    rebuildSeconds = (performance.now() - t1) / 1000;
    say('\nanalyze\n');
    const { sql } = await import('kysely');
    await sql`analyze`.execute(h.db.kysely);
  }
  const counts = async (table: 'ticket' | 'ticketClock' | 'kpiDay' | 'kpiTicket' | 'kpiDurationDay' | 'kpiDurationMonth') =>
    Number((await h.db.kysely.selectFrom(table).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
  const rows = { ticket: await counts('ticket'), ticketClock: await counts('ticketClock'), kpiDay: await counts('kpiDay'), kpiDurationDay: await counts('kpiDurationDay'), kpiDurationMonth: await counts('kpiDurationMonth'), kpiTicket: await counts('kpiTicket') };

  const config = { ...loadConfig({ NETCARE_DATA_DIR: tmpdir(), NETCARE_DATABASE_URL: h.url }), timeZone: TZ };
  const deps = { db: h.db, config, clock: new ManualClock(NOW), pii: testPii() };
  const province = { kind: 'user' as const, id: 1, name: 'province', role: 'supervisor' as const, regionId: 'zj', departmentId: null, isProvince: true, regionSubtreeIds: ['zj', ...CITIES] };
  const shapes: [string, Record<string, string>][] = [
    ['province month by city and network', { from: '2026-05', to: '2026-06', groupBy: 'region,network' }],
    ['province month, no grouping', { from: '2026-05', to: '2026-06' }],
    ['province 12 months by month', { from: '2025-06', to: '2026-06', groupBy: 'month' }],
    ['city month by day', { from: '2026-05', to: '2026-06', region: 'hz', groupBy: 'day' }],
    ['province month by department', { from: '2026-05', to: '2026-06', groupBy: 'department' }],
    ['loose days (03-15..04-15) by city and network', { from: '2026-03-15', to: '2026-04-15', groupBy: 'region,network' }],
  ];
  const queries: Record<string, unknown> = {};
  for (const [name, q] of shapes) {
    for (let i = 0; i < 3; i++) await kpiReport(deps, province, q);
    const ms: number[] = [];
    const cpu: number[] = [];
    let groups = 0;
    for (let i = 0; i < QUERIES; i++) {
      const t = performance.now();
      const c = process.cpuUsage();
      groups = (await kpiReport(deps, province, q)).groups.length;
      ms.push(performance.now() - t);
      const used = process.cpuUsage(c);
      cpu.push((used.user + used.system) / 1000);
    }
    // SQLite runs inside this process: its CPU time is the query's work whatever else loads the machine
    queries[name] = { p50: round(percentile(ms, 0.5)), p99: round(percentile(ms, 0.99)), max: round(Math.max(...ms)), cpuP50: round(percentile(cpu, 0.5)), cpuP99: round(percentile(cpu, 0.99)), groups };
    say(`${name}: p50 ${round(percentile(ms, 0.5))} ms, p99 ${round(percentile(ms, 0.99))} ms, process CPU p50 ${round(percentile(cpu, 0.5))} ms (${groups} groups)\n`);
  }
  // the same first query through the HTTP route (authentication, validation, JSON)
  const { buildApp } = await import('../server/src/app.ts');
  const app = await buildApp(deps, { console: false });
  await app.ready();
  deps.clock.set(Date.now());
  const login = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'province', password: 'bench-password-1' } });
  const token = login.json().token;
  const http: number[] = [];
  for (let i = 0; i < QUERIES + 3; i++) {
    const t = performance.now();
    const r = await app.inject({ method: 'GET', url: '/api/v1/kpis?from=2026-05&to=2026-06&groupBy=region,network', headers: { authorization: `Bearer ${token}` } });
    if (r.statusCode !== 200) throw new Error(r.body);
    if (i >= 3) http.push(performance.now() - t);
  }
  queries['HTTP: province month by city and network'] = { p50: round(percentile(http, 0.5)), p99: round(percentile(http, 0.99)) };
  say(`HTTP: p50 ${round(percentile(http, 0.5))} ms, p99 ${round(percentile(http, 0.99))} ms\n`);
  await app.close();
  const size = h.size();
  await h.drop();

  let intake: unknown = 'skipped';
  if (!flag('skip-intake')) {
    say(`intake: ${INTAKE} tickets with the KPI hook, then without\n`);
    intake = { withHook: intakeChild(true), withoutHook: intakeChild(false) };
  }
  process.stdout.write(`${JSON.stringify({
    engine: h.engine, tickets: TICKETS, rows, databaseBytes: size, loadSeconds: round(loadSeconds), rebuildSeconds: round(rebuildSeconds),
    queriesEach: QUERIES, queryMs: queries, intake, loadavg: loadavg().map(round), totalSeconds: round((performance.now() - started) / 1000),
  }, null, 2)}\n`);
}

await main();
