/**
 * Bulk seeder shared by the scale benchmarks (bench/kpis.ts, bench/queue.ts, bench/memory.ts).
 *
 * A province of 11 cities (the demo organisation plus eight more, each with every department kind)
 * and N tickets over 36 months, written in bulk straight into the raw tables (ticket, ticket_clock,
 * followed_up events, ticket_department) — better-sqlite3 prepared statements in one transaction
 * per 10,000 tickets, or PostgreSQL `insert … select from unnest(arrays)`. Each ticket takes a
 * realistic path through the workflow: most are closed; tickets of the last three days are mostly
 * open, older ones open with probability `openShare` (default 3 %), stopped at a random step
 * (dispatched, with a department, replied, …), so every department has a queue. The KPI
 * aggregates are then built with rebuildKpis (the live hook's own code) unless `aggregates: false`.
 *
 * Phone numbers are really encrypted with the key ring of `BENCH_PII_ENV`, so a server started
 * with that environment presents the seeded tickets; `BENCH_SERVER_ENV` also keeps the server's
 * background work off the seeded history (no retention erasure of tickets closed three years
 * before the real today; the clocks carry no pending timer work). Randomness is deterministic: runs compare.
 * A database that finished seeding carries a `bench_seed` row; a kept database (`--sqlite FILE`,
 * `--pg-db NAME`) with that row is reused without seeding.
 */
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import SQLite from 'better-sqlite3';
import { sql } from 'kysely';
import { openDb } from '../../server/src/db/connect.ts';
import { migrate } from '../../server/src/db/migrate.ts';
import { seedOrganisation } from '../../server/src/demo/organisation.ts';
import { testPii } from '../../server/src/pii/pii.ts';
import { dayKey, startOfLocalDay } from '../../server/src/shared/time.ts';

export type Db = Awaited<ReturnType<typeof openDb>>;
export const TZ = 'Asia/Shanghai';
export const BENCH_PASSWORD = 'bench-password-1';
export const CITIES = ['hz', 'nb', 'wz', 'jx', 'hu', 'sx', 'jh', 'qz', 'zs', 'tz', 'ls'] as const;
const CITY_WEIGHT = [20, 14, 13, 7, 5, 7, 8, 4, 2, 9, 3];
const DEPT_KINDS = ['complaint_centre', 'noc', 'maintenance', 'optimisation', 'construction', 'network_management', 'expert'];
const NETWORKS: [string, number][] = [['LTE', 60], ['NR', 25], ['GSM', 10], ['WCDMA', 5]];
export const NETWORK_CATEGORIES = ['network.no_coverage', 'network.weak_indoor_coverage', 'network.call_drop', 'network.slow_data', 'network.no_data', 'network.voice_quality'];
const OTHER_CATEGORIES = ['billing.overcharge', 'billing.package', 'service.attitude', 'vas.unwanted_subscription'];
const SOLVED = ['fault_repaired', 'optimised', 'customer_side'];
const UNSOLVED = ['construction_planned', 'no_investment', 'explained', 'cannot_reproduce'];
const HOUR = 3_600_000;
const MIN = 60_000;
export const END = startOfLocalDay(2026, 7, 1, TZ);
export const START = startOfLocalDay(2023, 7, 1, TZ);
/** "now" of the seeded data: half a day before the end of the 36 months */
export const NOW = END - 12 * HOUR;
const NO_DUE = 253402300799000;

/** The environment under which a server decrypts the seeded phone numbers: testPii()'s fixed keys. */
export const BENCH_PII_ENV = { NETCARE_PII_KEYS: `t1:${Buffer.alloc(32, 7).toString('base64')}`, NETCARE_PII_INDEX_KEY: Buffer.alloc(32, 9).toString('base64') };
/** The environment of a server benchmarked on a seeded database: its keys, no demo data, no retention run, no console build. */
export const BENCH_SERVER_ENV = { ...BENCH_PII_ENV, NETCARE_DEMO: '0', NETCARE_RETENTION_DAYS: 'off', NETCARE_BUILD_CONSOLE: '0' };

export const say = (s: string) => process.stderr.write(s);
export const percentile = (xs: number[], p: number) => { const s = [...xs].sort((a, b) => a - b); const h = (s.length - 1) * p; const lo = Math.floor(h); return s[lo] + (h - lo) * ((s[lo + 1] ?? s[lo]) - s[lo]); };

/** Runs `fn` n times, timing each run in wall milliseconds and this process's CPU milliseconds; `last` is the final answer. */
export async function timeRuns<T>(n: number, fn: () => Promise<T>): Promise<{ ms: number[]; cpu: number[]; last: T }> {
  const ms: number[] = [];
  const cpu: number[] = [];
  let last!: T;
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    const c = process.cpuUsage();
    last = await fn();
    ms.push(performance.now() - t);
    const used = process.cpuUsage(c);
    cpu.push((used.user + used.system) / 1000);
  }
  return { ms, cpu, last };
}
export const round = (x: number) => Math.round(x * 100) / 100;

// deterministic randomness: runs are comparable
let seed = 42;
export const rnd = () => { seed = (seed + 0x6d2b79f5) >>> 0; let t = seed; t = Math.imul(t ^ (t >>> 15), t | 1); t ^= t + Math.imul(t ^ (t >>> 7), t | 61); return ((t ^ (t >>> 14)) >>> 0) / 4294967296; };
export const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)];
const weighted = <T>(xs: readonly T[], w: readonly number[]) => { const total = w.reduce((a, b) => a + b, 0); let x = rnd() * total; for (let i = 0; i < xs.length; i++) { x -= w[i]; if (x < 0) return xs[i]; } return xs[xs.length - 1]; };
const between = (a: number, b: number) => Math.round(a + rnd() * (b - a));

/** A progress line on stderr (one line each, so a log file stays readable). */
export function progress(label: string, done: number, total: number, started: number): void {
  const s = (performance.now() - started) / 1000;
  say(`${label}: ${done.toLocaleString('en')} / ${total.toLocaleString('en')} (${Math.round(done / Math.max(s, 0.001)).toLocaleString('en')}/s, ${Math.round(s)} s)\n`);
}

// ---------------------------------------------------------------- database

/** `close` keeps the database; `drop` closes and removes it unless it is a kept one (`sqlite` FILE, `pgDb`). */
export interface BenchDb { db: Db; url: string; engine: 'sqlite' | 'postgres'; drop: () => Promise<void>; close: () => Promise<void>; size: () => number | null; seeded: { tickets: number; aggregates: boolean } | null }

/**
 * Opens the benchmark's database: a fresh SQLite file in a temp folder (removed by `drop`), the
 * SQLite file `sqlite` (kept), a fresh throwaway database on the PostgreSQL server `pg` (dropped
 * by `drop`), or with `pgDb` that named database on it (created if missing, kept).
 */
export async function openBenchDb(o: { sqlite?: string; pg?: string; pgDb?: string; poolSize?: number }): Promise<BenchDb> {
  if (!o.pg) {
    const keep = !!o.sqlite;
    const dir = keep ? null : mkdtempSync(join(tmpdir(), 'netcare-bench-db-'));
    const file = keep ? resolve(o.sqlite!) : join(dir!, 'bench.db');
    const existed = existsSync(file);
    if (existed) quickStats(file);
    const db = openDb(`sqlite:${file}`);
    const close = once(() => db.close());
    return {
      db, url: `sqlite:${file}`, engine: 'sqlite', close, size: () => statSync(file).size, seeded: existed ? await seededMark(db) : null,
      drop: async () => { await close(); if (dir) rmSync(dir, { recursive: true, force: true }); },
    };
  }
  const keep = !!o.pgDb;
  const name = o.pgDb ?? `nc_bench_${process.pid}_${Date.now().toString(36)}`;
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`bad database name ${name}`);
  const admin = new pg.Client({ connectionString: o.pg });
  await admin.connect();
  const exists = (await admin.query('select 1 from pg_database where datname = $1', [name])).rowCount === 1;
  if (!exists) await admin.query(`create database ${name}`);
  await admin.end();
  const u = new URL(o.pg);
  u.pathname = `/${name}`;
  // no 30 s query timeout (the server's): analyze and the aggregate flushes of 10M tickets take longer
  const db = openDb(u.toString(), { poolSize: o.poolSize ?? 8, queryTimeoutMs: 3_600_000 });
  const close = once(() => db.close());
  const dropIt = async () => {
    await close();
    const c = new pg.Client({ connectionString: o.pg });
    await c.connect();
    await c.query(`drop database if exists ${name} with (force)`);
    await c.end();
  };
  return {
    db, url: u.toString(), engine: 'postgres', size: () => null, close, seeded: exists ? await seededMark(db) : null,
    drop: keep ? close : dropIt,
  };
}

/**
 * A kept SQLite file never analysed (a load stopped before its final `analyze`): openDb's
 * `pragma optimize` on open would analyse its indexes, which at 10M tickets on a busy disk is
 * hours of random reads (even with an `analysis_limit`). Rough statistics instead: each table's
 * row count (its highest rowid) and every index taken as selective, enough for the rebuild's
 * range reads; the aggregate build analyses the KPI tables it writes.
 */
function quickStats(file: string): void {
  const raw = new SQLite(file);
  try {
    if (raw.prepare(`select 1 from sqlite_master where name = 'sqlite_stat1'`).get()) return;
    say('no planner statistics: rough ones (row counts, selective indexes)\n');
    raw.exec('analyze sqlite_schema');
    const indexes = raw.prepare(`select m.tbl_name as tbl, m.name as idx, (select count(*) from pragma_index_info(m.name)) as cols
      from sqlite_master m where m.type = 'index' and m.tbl_name not like 'kpi%' and m.tbl_name not like 'sqlite%'`).all() as { tbl: string; idx: string; cols: number }[];
    const rows = new Map<string, number>();
    const insert = raw.prepare('insert into sqlite_stat1 (tbl, idx, stat) values (?, ?, ?)');
    for (const i of indexes) {
      if (!rows.has(i.tbl)) {
        let n = 1000;
        try { n = Number((raw.prepare(`select max(rowid) as n from ${i.tbl}`).get() as { n: number | null }).n ?? 0); } catch { /* without rowid */ }
        rows.set(i.tbl, Math.max(n, 1));
      }
      insert.run(i.tbl, i.idx, [rows.get(i.tbl), ...Array.from({ length: i.cols }, () => 1)].join(' '));
    }
  } finally { raw.close(); }
}

/** `close` may be called again after `drop` or before it: the second call does nothing. */
const once = (fn: () => Promise<void>) => { let p: Promise<void> | null = null; return () => (p ??= fn()); };

async function seededMark(db: Db): Promise<{ tickets: number; aggregates: boolean } | null> {
  try {
    const r = await sql<{ tickets: number | string; aggregates: number | string; aggregatesAfter?: number | string | null }>`select * from bench_seed`.execute(db.kysely);
    const after = Number(r.rows[0]?.aggregatesAfter ?? 0);
    if (after) say(`the aggregates hold only the tickets after id ${after.toLocaleString('en')} (bench/seed.ts --aggregates-from)\n`);
    return r.rows[0] ? { tickets: Number(r.rows[0].tickets), aggregates: Number(r.rows[0].aggregates) === 1 } : null;
  } catch { return null; }
}

/** The demo organisation plus eight more cities, each with every department kind. */
export async function seedProvince(db: Db): Promise<void> {
  await seedOrganisation(db, BENCH_PASSWORD, Date.now());
  for (const c of CITIES.slice(3)) {
    await db.kysely.insertInto('region').values({ id: c, name: c, parentId: 'zj', updatedAt: 0 }).onConflict((oc) => oc.doNothing()).execute();
    for (const k of DEPT_KINDS) await db.kysely.insertInto('department').values({ id: `${c}-${k}`, name: `${c} ${k}`, kind: k, regionId: c, updatedAt: 0 }).onConflict((oc) => oc.doNothing()).execute();
  }
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

// ---------------------------------------------------------------- generated rows

interface Batch { tickets: unknown[][]; clocks: unknown[][]; events: unknown[][]; departments: unknown[][] }
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

/** 1,000 really encrypted phone numbers, reused round the tickets (encryption per row would dominate the load). */
const PHONES = (() => { const pii = testPii(); return Array.from({ length: 1000 }, (_, i) => pii.encrypt(`1380000${String(i).padStart(4, '0')}`)); })();

/** One ticket's rows: a realistic path through the workflow, with breaches, follow-ups and open tickets. */
function generate(id: number, reportedAt: number, total: number, openShare: number, b: Batch): void {
  const city = weighted(CITIES, CITY_WEIGHT);
  const isNetwork = rnd() < 0.85;
  const network = isNetwork ? weighted(NETWORKS.map((n) => n[0]), NETWORKS.map((n) => n[1])) : null;
  const important = rnd() < 0.1;
  const g = important ? 1 : 0;
  const age = NOW - reportedAt;
  const open = age < 3 * 24 * HOUR ? rnd() < 0.6 : rnd() < openShare;
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
    // next_fire_at null: no pending work for the clock timer (bench/timer.ts measures it), which
    // would otherwise fire months of escalations the moment a server starts on this data
    b.clocks.push([id, name, 1, '24x7', dur, start, start + 0.8 * dur, due, start + 1.5 * dur, stopped, stopped == null && start + 0.8 * dur <= NOW ? start + 0.8 * dur : null, breached, null]);
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
    // an open ticket stopped at a random point of its own path (and no later than now)
    const cut = open ? reportedAt + Math.round(rnd() * Math.min(Math.max(age, 1), followed - reportedAt + 12 * HOUR)) : Infinity;
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
      // dispatched: with the city's NOC; in progress: with the department it was forwarded to, else still at the NOC
      assignee = status === 'dispatched' ? dept : status === 'in_progress' ? forwarded ?? dept : null;
    } else closedAt = followed + 10 * MIN;
  }
  b.tickets.push([id, channel, `c${Math.floor(rnd() * total / 3)}`, PHONES[id % PHONES.length], rnd() < 0.05 ? 1 : 0, isNetwork ? pick(NETWORK_CATEGORIES) : pick(OTHER_CATEGORIES), isNetwork ? 1 : 0, network, city, '地址',
    reportedAt, dayKey(reportedAt, TZ), '投诉', status, important ? 'important' : 'ordinary', rnd() < 0.07 ? 1 : 0, isNetwork && !atIntake ? noc : null, assignee, resolution, atIntake ? 1 : 0,
    status === 'closed' ? NO_DUE : nextDue, status === 'closed' ? 'ok' : clockState, 1, 3, 'bench', reportedAt, closedAt ?? reportedAt, closedAt]);
}

/** Writes one batch: better-sqlite3 prepared statements, or PostgreSQL `insert … select from unnest(arrays)`. */
function writer(engine: 'sqlite' | 'postgres', url: string) {
  const TABLES = ['ticket', 'ticket_clock', 'ticket_event', 'ticket_department'];
  if (engine === 'sqlite') {
    const raw = new SQLite(url.slice('sqlite:'.length));
    raw.pragma('journal_mode = WAL');
    raw.pragma('synchronous = OFF');
    // bulk load: secondary indexes are dropped first and built once at the end (far faster than row by row)
    const indexes = raw.prepare(`select name, sql from sqlite_master where type = 'index' and sql is not null and tbl_name in (${TABLES.map(() => '?').join(', ')})`).all(...TABLES) as { name: string; sql: string }[];
    for (const i of indexes) raw.exec(`drop index ${i.name}`);
    const prep = (table: string, cols: string[]) => raw.prepare(`insert into ${table} (${cols.join(', ')}) values (${cols.map(() => '?').join(', ')})`);
    const st = { t: prep('ticket', TICKET_COLS), c: prep('ticket_clock', CLOCK_COLS), e: prep('ticket_event', EVENT_COLS), d: prep('ticket_department', DEPT_COLS) };
    const tx = raw.transaction((b: Batch) => {
      for (const r of b.tickets) st.t.run(r);
      for (const r of b.clocks) st.c.run(r);
      for (const r of b.events) st.e.run(r);
      for (const r of b.departments) st.d.run(r);
    });
    return {
      write: async (b: Batch) => { tx(b); },
      replicate: async (base: number, k: number) => { raw.transaction(() => { for (const q of replicaSql(base, k)) raw.exec(q); })(); },
      close: async () => {
        for (const [n, i] of indexes.entries()) { say(`index ${n + 1}/${indexes.length}: ${i.name}\n`); raw.exec(i.sql); }
        raw.pragma('wal_checkpoint(TRUNCATE)');
        raw.close();
      },
    };
  }
  const client = new pg.Client({ connectionString: url });
  let indexes: { indexname: string; indexdef: string }[] = [];
  const ready = (async () => {
    await client.connect();
    await client.query('set synchronous_commit = off');
    // bulk load of rows generated consistent: skip the per-row foreign-key triggers (a superuser
    // session, as on the throwaway servers; elsewhere the load runs with them)
    await client.query("set session_replication_role = replica").catch(() => say('foreign-key triggers stay on (not a superuser)\n'));
    indexes = (await client.query(`select indexname, indexdef from pg_indexes where schemaname = current_schema() and tablename = any($1)
      and indexname not in (select conname from pg_constraint)`, [TABLES])).rows;
    for (const i of indexes) await client.query(`drop index ${i.indexname}`);
  })();
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
    replicate: async (base: number, k: number) => {
      await ready;
      await client.query('begin');
      for (const q of replicaSql(base, k)) await client.query(q);
      await client.query('commit');
    },
    close: async () => {
      await ready;
      await client.query('set maintenance_work_mem = \'512MB\'');
      for (const [n, i] of indexes.entries()) { say(`index ${n + 1}/${indexes.length}: ${i.indexname}\n`); await client.query(i.indexdef); }
      await client.query(`select setval(pg_get_serial_sequence('ticket', 'id'), (select max(id) from ticket))`);
      await client.end();
    },
  };
}

/**
 * Copy k of the first `base` tickets with their rows (ids + k × base; running due times + k ms so
 * copies do not tie): a database `replicate` times as dense as the generated one, with the same
 * mix, written by the database itself in a fraction of the generator's time.
 */
function replicaSql(base: number, k: number): string[] {
  const cols = (list: string[], shift: Record<string, string>) => list.map((c) => shift[c] ?? c).join(', ');
  const off = k * base;
  const due = `case when next_due_at = ${NO_DUE} then next_due_at else next_due_at + ${k} end`;
  return [
    `insert into ticket (${TICKET_COLS.join(', ')}) select ${cols(TICKET_COLS, { id: `id + ${off}`, next_due_at: due })} from ticket where id <= ${base}`,
    `insert into ticket_clock (${CLOCK_COLS.join(', ')}) select ${cols(CLOCK_COLS, { ticket_id: `ticket_id + ${off}` })} from ticket_clock where ticket_id <= ${base}`,
    `insert into ticket_event (${EVENT_COLS.join(', ')}) select ${cols(EVENT_COLS, { ticket_id: `ticket_id + ${off}` })} from ticket_event where ticket_id <= ${base}`,
    `insert into ticket_department (${DEPT_COLS.join(', ')}) select ${cols(DEPT_COLS, { ticket_id: `ticket_id + ${off}` })} from ticket_department where ticket_id <= ${base}`,
  ];
}

export interface SeedResult { tickets: number; loadSeconds: number; rebuildSeconds: number; reused: boolean }

/**
 * Migrates and fills the database with `tickets` tickets (and the KPI aggregates unless
 * `aggregates` is false), then analyzes. A database already marked seeded with as many tickets
 * (and aggregates when asked for) is reused as it is.
 */
export async function seedBench(h: BenchDb, o: { tickets: number; aggregates?: boolean; aggregatesOnly?: boolean; aggregatesFrom?: number; openShare?: number; replicate?: number }): Promise<SeedResult> {
  const aggregates = o.aggregates ?? true;
  if (o.aggregatesOnly) {
    // raw rows written: a load whose aggregate build was interrupted (no seed mark; the raw rows
    // and their indexes are complete once the aggregates have started), or one seeded without
    // aggregates; build them afresh, for every ticket or (aggregatesFrom) those reported from then on.
    // Ids are 1…N by construction: the highest one is the count (a count(*) reads the whole table).
    const n = Number((await sql<{ n: number | string }>`select max(id) as n from ticket`.execute(h.db.kysely)).rows[0].n);
    if (n !== o.tickets) throw new Error(`the database holds ${n} tickets, not ${o.tickets}: seed it again`);
    // ids follow the report times (generate(): START + (j + rnd) × span / N); 1,000 ids of margin
    const afterId = o.aggregatesFrom ? Math.max(0, Math.floor(((o.aggregatesFrom - START) / (END - START)) * n) - 1000) : 0;
    say(`${h.engine}: building the aggregates of the raw tickets${afterId ? ` after id ${afterId.toLocaleString('en')} (reported from ${new Date(o.aggregatesFrom!).toISOString()} on)` : ''}\n`);
    const rebuildSeconds = await aggregate(h, n - afterId, afterId);
    await sql`drop table if exists bench_seed`.execute(h.db.kysely);
    await sql`create table bench_seed (tickets bigint, aggregates integer, aggregates_after bigint)`.execute(h.db.kysely);
    await sql`insert into bench_seed values (${o.tickets}, 1, ${afterId})`.execute(h.db.kysely);
    return { tickets: o.tickets, loadSeconds: 0, rebuildSeconds: round(rebuildSeconds), reused: true };
  }
  if (h.seeded) {
    if (h.seeded.tickets !== o.tickets) throw new Error(`the kept database holds ${h.seeded.tickets} tickets, not ${o.tickets}`);
    say(`${h.engine}: reusing the seeded database (${h.seeded.tickets.toLocaleString('en')} tickets)\n`);
    // databases seeded before the clocks were written without timer work
    await sql`update ticket_clock set next_fire_at = null where next_fire_at is not null`.execute(h.db.kysely);
    if (!aggregates || h.seeded.aggregates) return { tickets: o.tickets, loadSeconds: 0, rebuildSeconds: 0, reused: true };
    // seeded without aggregates: build them now
    const rebuildSeconds = await aggregate(h, o.tickets);
    await sql`update bench_seed set aggregates = 1`.execute(h.db.kysely);
    return { tickets: o.tickets, loadSeconds: 0, rebuildSeconds: round(rebuildSeconds), reused: true };
  }
  await migrate(h.db);
  await seedProvince(h.db);
  await subscribers(h.db);
  const copies = o.replicate ?? 1;
  const generated = Math.ceil(o.tickets / copies);
  if (generated * copies !== o.tickets) throw new Error('--replicate must divide --tickets');
  say(`${h.engine}: writing ${generated.toLocaleString('en')} tickets over 36 months${copies > 1 ? `, then ${copies - 1} copies of them` : ''}\n`);
  const w = writer(h.engine, h.url);
  const span = END - START;
  const t0 = performance.now();
  const step = Math.max(10_000, Math.round(generated / 20 / 10_000) * 10_000);
  for (let i = 0; i < generated; i += 10_000) {
    const b: Batch = { tickets: [], clocks: [], events: [], departments: [] };
    for (let j = i; j < Math.min(generated, i + 10_000); j++) generate(j + 1, Math.floor(START + ((j + rnd()) * span) / generated), generated, o.openShare ?? 0.03, b);
    await w.write(b);
    const done = Math.min(generated, i + 10_000);
    if (done % step === 0 || done === generated) progress('raw rows', done, generated, t0);
  }
  for (let k = 1; k < copies; k++) { await w.replicate(generated, k); progress('copies', (k + 1) * generated, o.tickets, t0); }
  await w.close();
  const loadSeconds = (performance.now() - t0) / 1000;
  const rebuildSeconds = aggregates ? await aggregate(h, o.tickets) : 0;
  say('analyze\n');
  await sql`analyze`.execute(h.db.kysely);
  await sql`create table bench_seed (tickets bigint, aggregates integer)`.execute(h.db.kysely);
  await sql`insert into bench_seed values (${o.tickets}, ${aggregates ? 1 : 0})`.execute(h.db.kysely);
  return { tickets: o.tickets, loadSeconds: round(loadSeconds), rebuildSeconds: round(rebuildSeconds), reused: false };
}

/** Builds the KPI aggregates with rebuildKpis (the live hook's code), then analyzes; seconds taken. */
async function aggregate(h: BenchDb, tickets: number, afterId = 0): Promise<number> {
  const { rebuildKpis } = await import('../../server/src/kpis/rebuild.ts');
  const t1 = performance.now();
  const every = Math.max(50_000, Math.round(tickets / 20 / 5000) * 5000);
  await rebuildKpis(h.db.kysely, TZ, { batch: 5000, afterId, onProgress: (n) => { if (n % every === 0 || n === tickets) progress('aggregates (rebuildKpis)', n, tickets, t1); } });
  const seconds = (performance.now() - t1) / 1000;
  // the tables it wrote (the raw ones were analysed after their load)
  for (const t of ['kpi_day', 'kpi_duration_day', 'kpi_duration_month', 'kpi_ticket']) await sql`analyze ${sql.table(t)}`.execute(h.db.kysely);
  return seconds;
}
