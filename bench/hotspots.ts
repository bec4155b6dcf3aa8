/**
 * Hotspot detection cost per ticket (issue 4 benchmark): intake with 0 and with 1,000,000 tickets
 * stored must cost the same, because detection reads only the complaints of the new one's
 * neighbourhood and time through the (cell_id, category_id, reported_at) index (DESIGN §4).
 *
 *   node bin/run-ts.mjs bench/hotspots.ts [--stored 1000000 | --steps 0,100000,1000000] [--measure 400] [--cells 20000] [--pg postgres://…] [--sqlite-only]
 *
 * On each engine (SQLite; PostgreSQL when --pg or NETCARE_TEST_PG_URL names a server where a
 * database may be created): a fresh database with 20,000 cells in a grid (about 8 neighbours
 * each); then the same measured burst at each step — first with nothing stored, then after
 * bulk-inserting tickets up to the step's count, spread over a year around the bursts (same cells,
 * same categories). A burst is 400
 * complaints in 3 hours, 70 % spread over all cells and 30 % on four hot cells, so groups open,
 * grow and merge. Two costs per ticket: full intake (insertTicket in its own transaction, every
 * rule on) and detection alone (detectHotspots on a stored row). Prints one JSON document.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { sql, type Insertable } from 'kysely';
import type { TicketRow } from '../server/src/tickets/tables.ts';
import { openDb, type Db, type Engine } from '../server/src/db/connect.ts';
import { migrate } from '../server/src/db/migrate.ts';
import { loadConfig } from '../server/src/config.ts';
import { ManualClock } from '../server/src/shared/clock.ts';
import { testPii } from '../server/src/pii/pii.ts';
import { seedOrganisation } from '../server/src/demo/organisation.ts';
import { systemActor } from '../server/src/access/actor.ts';
import { insertTicket } from '../server/src/tickets/intake.ts';
import { detectHotspots } from '../server/src/hotspots/detect.ts';
import type { Deps } from '../server/src/http/deps.ts';

const args = process.argv.slice(2);
const flag = (name: string, dflt?: string) => { const i = args.indexOf(`--${name}`); return i < 0 ? dflt : (args[i + 1] && !args[i + 1].startsWith('--') ? args[i + 1] : 'true'); };
const STEPS = (flag('steps') ?? `0,${flag('stored', '1000000')}`).split(',').map(Number).sort((a, b) => a - b);
const MEASURE = Number(flag('measure', '400'));
const CELLS = Number(flag('cells', '20000'));
const PG_URL = flag('pg', process.env.NETCARE_TEST_PG_URL);
const ENGINES: Engine[] = flag('sqlite-only') === 'true' || !PG_URL ? ['sqlite'] : ['sqlite', 'postgres'];

const MIN = 60_000;
const DAY = 24 * 60 * MIN;
const COLS = 200;
const NETWORK_CATEGORIES = ['network.call_drop', 'network.slow_data', 'network.no_data', 'network.weak_indoor_coverage', 'network.voice_quality', 'network.no_coverage'];
const log = (s: string) => process.stderr.write(`${s}\n`);

/** Deterministic pseudo-random numbers (mulberry32). */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => { a = (a + 0x6d2b79f5) >>> 0; let t = a; t = Math.imul(t ^ (t >>> 15), t | 1); t ^= t + Math.imul(t ^ (t >>> 7), t | 61); return ((t ^ (t >>> 14)) >>> 0) / 4294967296; };
}

const cellId = (i: number) => `bc-${String(i).padStart(6, '0')}`;

async function freshDb(engine: Engine): Promise<{ db: Db; drop(): Promise<void> }> {
  if (engine === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'netcare-bench-hotspots-'));
    const db = openDb(`sqlite:${join(dir, 'bench.db')}`);
    await migrate(db);
    return { db, async drop() { await db.close(); rmSync(dir, { recursive: true, force: true }); } };
  }
  const name = `nc_bench_hotspots_${process.pid}`;
  const admin = new pg.Client({ connectionString: PG_URL });
  await admin.connect();
  await admin.query(`drop database if exists ${name} with (force)`);
  await admin.query(`create database ${name}`);
  await admin.end();
  const u = new URL(PG_URL!);
  u.pathname = `/${name}`;
  const db = openDb(u.toString());
  await migrate(db);
  return {
    db,
    async drop() {
      await db.close();
      const c = new pg.Client({ connectionString: PG_URL });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}

/** A grid of cells in Hangzhou; neighbours are the 8 around each (stored both ways, as the network import does). */
async function seedCells(db: Db): Promise<void> {
  const k = db.kysely;
  const now = Date.now();
  const rows = Array.from({ length: CELLS }, (_, i) => ({
    id: cellId(i), siteId: `bs-${Math.floor(i / 3)}`, name: `bench ${i}`, regionId: 'hz', network: 'LTE',
    lon: 120 + (i % COLS) * 0.002, lat: 30 + Math.floor(i / COLS) * 0.002, gridKey: 0, updatedAt: now,
  }));
  for (let i = 0; i < rows.length; i += 500) await k.insertInto('cell').values(rows.slice(i, i + 500)).execute();
  const pairs: { cellId: string; neighbourId: string }[] = [];
  for (let i = 0; i < CELLS; i++) {
    const r = Math.floor(i / COLS), c = i % COLS;
    for (const [dr, dc] of [[-1, -1], [-1, 0], [-1, 1], [0, -1], [0, 1], [1, -1], [1, 0], [1, 1]]) {
      const rr = r + dr, cc = c + dc;
      if (rr < 0 || cc < 0 || cc >= COLS || rr * COLS + cc >= CELLS) continue;
      pairs.push({ cellId: cellId(i), neighbourId: cellId(rr * COLS + cc) });
    }
  }
  for (let i = 0; i < pairs.length; i += 1000) await k.insertInto('cellNeighbour').values(pairs.slice(i, i + 1000)).execute();
}

/** Bulk-inserts `n` tickets reported over [from, to), on every cell and category, as an import of history would leave them. */
async function seedTickets(db: Db, deps: Deps, n: number, from: number, to: number, offset = 0): Promise<number> {
  const k = db.kysely;
  const r = rng(7 + offset);
  const enc = deps.pii.encrypt('13800000000');
  const started = performance.now();
  const chunk = db.engine === 'sqlite' ? 400 : 1000;
  for (let done = 0; done < n;) {
    const rows: Insertable<TicketRow>[] = [];
    for (let i = 0; i < chunk && done < n; i++, done++) {
      const at = from + Math.floor(r() * (to - from));
      const network = r() < 0.9;
      rows.push({
        externalId: null, channel: 'hotline', customerKey: `ck${offset + done}`, customerMsisdnEnc: enc, customerNameEnc: null, customerVip: 0,
        categoryId: network ? NETWORK_CATEGORIES[Math.floor(r() * NETWORK_CATEGORIES.length)] : 'billing.overcharge', isNetwork: network ? 1 : 0,
        network: 'LTE', cellId: cellId(Math.floor(r() * CELLS)), lon: null, lat: null, address: null, regionId: 'hz',
        reportedAt: at, reportedDay: 20250101, description: 'seeded', status: 'closed', grade: 'ordinary', gradeProposal: null,
        isRepeat: 0, hotspotId: null, nocDepartmentId: 'hz-noc', assigneeDepartmentId: null, prevDepartmentId: null,
        commitmentHours: null, resolution: 'explained', resolvedAtIntake: 0, nextDueAt: 253402300799000, clockState: 'ok',
        round: 1, version: 1, createdBy: 'bench', createdAt: at, updatedAt: at, closedAt: at + DAY,
      });
    }
    await k.transaction().execute((trx) => trx.insertInto('ticket').values(rows).execute());
    if (done % 100_000 < chunk) log(`  seeded ${offset + done} tickets (${Math.round((performance.now() - started) / 1000)} s)`);
  }
  // fresh statistics, as autovacuum / a routine ANALYZE would leave them after an import
  await sql`analyze`.execute(k);
  return Math.round((performance.now() - started) / 1000);
}

interface Stats { n: number; mean: number; p50: number; p95: number; p99: number; max: number }
function stats(xs: number[]): Stats {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))];
  const r2 = (x: number) => Math.round(x * 1000) / 1000;
  return { n: s.length, mean: r2(s.reduce((a, b) => a + b, 0) / s.length), p50: r2(q(0.5)), p95: r2(q(0.95)), p99: r2(q(0.99)), max: r2(s[s.length - 1]) };
}

/** The measured burst: 400 complaints in 3 hours from `start`, 30 % on four hot cells (seeded by `seed`). */
function burst(start: number, seed: number): { cell: string; at: number; category: string }[] {
  const r = rng(seed);
  const hot = [0, 1, 2, 3].map(() => Math.floor(r() * CELLS));
  return Array.from({ length: MEASURE }, () => {
    const isHot = r() < 0.3;
    return {
      cell: cellId(isHot ? hot[Math.floor(r() * hot.length)] : Math.floor(r() * CELLS)),
      at: start + Math.floor(r() * 180) * MIN,
      category: isHot ? 'network.call_drop' : NETWORK_CATEGORIES[Math.floor(r() * NETWORK_CATEGORIES.length)],
    };
  }).sort((a, b) => a.at - b.at);
}

/** Full intake of each complaint in its own transaction, and detection alone on a raw row (the same complaints, another category copy). */
async function measure(db: Db, deps: Deps & { clock: ManualClock }, start: number, seed: number) {
  const actor = systemActor('bench');
  deps.clock.set(start + 181 * MIN); // live: the burst has just happened (groups notify the NOC)
  const intakeMs: number[] = [];
  const detectMs: number[] = [];
  let i = 0;
  for (const c of burst(start, seed)) {
    const t0 = performance.now();
    await db.kysely.transaction().execute((trx) => insertTicket(trx, deps, actor, {
      channel: 'hotline', customer: { msisdn: `139${String(seed * 100000 + i++).padStart(8, '0')}` }, category: c.category, cellId: c.cell,
      reportedAt: new Date(c.at).toISOString(), description: 'bench',
    }, deps.clock.now()));
    intakeMs.push(performance.now() - t0);
  }
  // detection alone: a row as insertTicket leaves it, then detectHotspots (its own category so it never meets the rows above)
  for (const c of burst(start, seed + 1)) {
    await db.kysely.transaction().execute(async (trx) => {
      const r = await trx.insertInto('ticket').values({
        externalId: null, channel: 'hotline', customerKey: `d${i++}`, customerMsisdnEnc: 'x', customerNameEnc: null, customerVip: 0,
        categoryId: 'network.sms_failure', isNetwork: 1, network: 'LTE', cellId: c.cell, lon: null, lat: null, address: null, regionId: 'hz',
        reportedAt: c.at, reportedDay: 20260101, description: 'bench', status: 'new', grade: 'ordinary', gradeProposal: null, isRepeat: 0,
        hotspotId: null, nocDepartmentId: null, assigneeDepartmentId: null, prevDepartmentId: null, commitmentHours: null, resolution: null,
        resolvedAtIntake: 0, nextDueAt: 253402300799000, clockState: 'ok', round: 1, version: 1, createdBy: 'bench', createdAt: c.at, updatedAt: c.at, closedAt: null,
      }).returning('id').executeTakeFirstOrThrow();
      const t0 = performance.now();
      await detectHotspots(trx, deps, r.id, deps.clock.now());
      detectMs.push(performance.now() - t0);
    });
  }
  const groups = await db.kysely.selectFrom('hotspot').select((eb) => eb.fn.countAll<number>().as('n')).where('status', '!=', 'merged').executeTakeFirstOrThrow();
  return { intakeMs: stats(intakeMs), detectMs: stats(detectMs), openGroupsSoFar: Number(groups.n) };
}

/** The plans of detection's two reads (neighbours, complaints): index searches, never a scan of ticket. */
async function plansOf(db: Db): Promise<{ neighbours: string; complaints: string }> {
  const k = db.kysely;
  const cells = [cellId(1), cellId(2), cellId(3)];
  const neighbours = k.selectFrom('cellNeighbour as n1').leftJoin('cellNeighbour as n2', 'n2.cellId', 'n1.neighbourId')
    .select(['n1.neighbourId as y', 'n2.neighbourId as z']).where('n1.cellId', '=', cellId(1)).compile();
  const complaints = k.selectFrom('ticket').select(['id', 'cellId', 'reportedAt']).where('cellId', 'in', cells)
    .where('categoryId', '=', 'network.call_drop').where('reportedAt', '>', 0).where('reportedAt', '<', 1).compile();
  const explain = async (q: { sql: string; parameters: readonly unknown[] }) => {
    const text = q.sql.replace(/\$(\d+)|\?/g, (_m, n: string | undefined) => {
      const v = q.parameters[n ? Number(n) - 1 : explain.i++];
      return typeof v === 'number' ? String(v) : `'${String(v)}'`;
    });
    explain.i = 0;
    const r = await sql.raw(`${db.engine === 'sqlite' ? 'explain query plan' : 'explain'} ${text}`).execute(k);
    return (r.rows as Record<string, unknown>[]).map((x) => String(x.detail ?? x['QUERY PLAN']).trim()).join('; ');
  };
  explain.i = 0;
  return { neighbours: await explain(neighbours), complaints: await explain(complaints) };
}

const results: unknown[] = [];
for (const engine of ENGINES) {
  log(`${engine}: ${CELLS} cells, then ${MEASURE} complaints with ${STEPS.join(', ')} tickets stored…`);
  const { db, drop } = await freshDb(engine);
  try {
    const config = loadConfig({ NETCARE_DATA_DIR: join(tmpdir(), 'netcare-bench-unused'), NETCARE_DATABASE_URL: 'sqlite::memory:' });
    const clock = new ManualClock('2026-01-01T00:00:00+08:00');
    const deps: Deps & { clock: ManualClock } = { db, config, clock, pii: testPii() };
    await seedOrganisation(db, 'bench-password-1', clock.now());
    await seedCells(db);
    // the year of history: 2025-01-01 … 2026-01-01; the bursts fall inside it
    const yearFrom = Date.parse('2025-01-01T00:00:00+08:00');
    const yearTo = Date.parse('2026-01-01T00:00:00+08:00');
    const steps: Record<string, unknown> = {};
    let stored = 0;
    let seedSeconds = 0;
    const means: { stored: number; intake: number; detect: number }[] = [];
    for (const [i, target] of STEPS.entries()) {
      if (target > stored) { seedSeconds += await seedTickets(db, deps, target - stored, yearFrom, yearTo, stored); stored = target; }
      // each step's burst on its own day inside the year, the same pattern
      const r = await measure(db, deps, Date.parse('2025-06-10T09:00:00+08:00') + i * 17 * DAY, 101 + i * 100);
      log(`  ${stored} stored: intake ${r.intakeMs.mean} ms, detection ${r.detectMs.mean} ms per ticket (p50 ${r.intakeMs.p50} / ${r.detectMs.p50})`);
      steps[`stored${stored}`] = r;
      means.push({ stored, intake: r.intakeMs.mean, detect: r.detectMs.mean });
    }
    const first = means[0];
    results.push({
      engine, cells: CELLS, measuredPerStep: MEASURE, ...steps, seedSeconds,
      ratioToFirst: means.map((m) => ({ stored: m.stored, intakeMean: Math.round((m.intake / first.intake) * 100) / 100, detectMean: Math.round((m.detect / first.detect) * 100) / 100 })),
      plans: await plansOf(db),
    });
  } finally {
    await drop();
  }
}
console.log(JSON.stringify({ benchmark: 'hotspots', unit: 'ms per ticket', results }, null, 2));
