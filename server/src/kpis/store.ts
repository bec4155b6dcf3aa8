import { CompiledQuery, PostgresAdapter } from 'kysely';
import type { Q } from '../db/types.ts';
import { COUNTERS } from './catalogue.ts';
import { counterKeyOf, emptyDelta, histogramKeyOf, type Delta } from './contribution.ts';
import { beforeCommit, defersToCommit } from '../db/before-commit.ts';

/** True on PostgreSQL: the KPI writers ask it to shard hot rows, lock stored contributions and number placeholders. */
export function isPostgres(q: Q): boolean {
  return q.getExecutor().adapter instanceof PostgresAdapter;
}

/**
 * Counter rows per key on PostgreSQL. Every intake of a city and network on one day adds to the
 * same counters; with one row, concurrent intakes would wait on its row lock until commit.
 * Each transaction picks one shard at random, readers sum the shards. SQLite has one writer at a
 * time anyway and keeps one shard.
 */
export const PG_SHARDS = 8;
const shards = new WeakMap<object, number>();

/** The shard a transaction writes its counter deltas to (one per transaction, so it locks few rows). */
export function shardOf(q: Q): number {
  if (!isPostgres(q)) return 0;
  let s = shards.get(q);
  if (s === undefined) {
    s = Math.floor(Math.random() * PG_SHARDS);
    shards.set(q, s);
  }
  return s;
}

const snake = (c: string) => c.replace(/[A-Z]/g, (x) => `_${x.toLowerCase()}`);
const COUNTER_COLUMNS = ['department_id', 'day', 'region_id', 'network', 'shard', ...COUNTERS.map(snake)];
const COUNTER_TYPES = ['text', 'int', 'text', 'text', 'int', ...COUNTERS.map(() => 'bigint')];
/**
 * Rows per statement. SQLite: a flat `values` list (its parameter limit). PostgreSQL: one array
 * per column (`unnest($1::text[], …)`), a statement text of constant size whatever the number of
 * rows: a `values` list of thousands of tuples costs more to parse and plan than to run, and a
 * row-value `in (…)` list of hundreds of keys is a hundreds-way OR.
 */
const CHUNK = { sqlite: { counters: 1000, histograms: 500 }, postgres: { counters: 5000, histograms: 5000 } };
/** `unnest($k::type[], …)`, numbering from `from` (PostgreSQL). */
const unnest = (types: string[], from = 1) => `unnest(${types.map((t, i) => `$${from + i}::${t}[]`).join(', ')})`;
/** One array per column of `rows` (PostgreSQL `unnest` parameters). */
const columnsOf = (rows: unknown[][], width: number) => Array.from({ length: width }, (_, i) => rows.map((r) => r[i]));

/**
 * A multi-row upsert that adds to the existing row: `insert … on conflict (key) do update set
 * x = t.x + excluded.x`, written as text with a flat parameter list on SQLite, column arrays on
 * PostgreSQL (the query builder's per-value objects cost more than the database work for
 * thousands of rows).
 */
async function upsertAdd(q: Q, table: string, columns: string[], types: string[], keyCount: number, rows: unknown[][]): Promise<void> {
  const adds = columns.slice(keyCount).map((c) => `${c} = ${table}.${c} + excluded.${c}`).join(', ');
  const conflict = `on conflict (${columns.slice(0, keyCount).join(', ')}) do update set ${adds}`;
  if (isPostgres(q)) {
    await q.executeQuery(CompiledQuery.raw(`insert into ${table} (${columns.join(', ')}) select * from ${unnest(types)} ${conflict}`, columnsOf(rows, columns.length)));
    return;
  }
  const tuples = rows.map(() => `(${columns.map(() => '?').join(', ')})`).join(', ');
  await q.executeQuery(CompiledQuery.raw(`insert into ${table} (${columns.join(', ')}) values ${tuples} ${conflict}`, rows.flat()));
}

/** Deltas a transaction has asked for and will write just before its commit, summed. */
const pending = new WeakMap<object, { delta: Delta; shard: number }>();

function addInto(into: Delta, d: Delta): void {
  for (const [k, v] of d.counters) {
    const have = into.counters.get(k);
    if (have) v.forEach((x, i) => { have[i] += x; }); else into.counters.set(k, [...v]);
  }
  for (const kind of ['daily', 'monthly'] as const) {
    for (const [k, buckets] of d[kind]) {
      let have = into[kind].get(k);
      if (!have) into[kind].set(k, (have = new Map()));
      for (const [b, [c, ms]] of buckets) {
        const v = have.get(b);
        if (v) { v[0] += c; v[1] += ms; } else have.set(b, [c, ms]);
      }
    }
  }
}

/**
 * Adds a delta to the aggregate tables with upserts (`on conflict … do update set x = x + excluded.x`,
 * which both engines run). Keys are written in sorted (numeric key) order, so two transactions lock
 * shared rows in the same order. In a PostgreSQL `db.write` the deltas of the whole transaction
 * are summed and written once, just before its commit (db/before-commit.ts): the counter rows of a
 * city and day are shared by every intake there, and a row lock taken early is held until commit.
 */
export async function applyDelta(q: Q, delta: Delta, shard: number): Promise<void> {
  const waiting = pending.get(q);
  if (waiting && waiting.shard === shard) { addInto(waiting.delta, delta); return; }
  if (!waiting && defersToCommit(q)) {
    const p = { delta: emptyDelta(), shard };
    addInto(p.delta, delta);
    pending.set(q, p);
    await beforeCommit(q, () => { pending.delete(q); return writeDelta(q, p.delta, p.shard); });
    return;
  }
  await writeDelta(q, delta, shard);
}

async function writeDelta(q: Q, delta: Delta, shard: number): Promise<void> {
  const chunk = CHUNK[isPostgres(q) ? 'postgres' : 'sqlite'];
  const counterKeys = [...delta.counters.keys()].sort((a, b) => a - b);
  for (let i = 0; i < counterKeys.length; i += chunk.counters) {
    const rows = counterKeys.slice(i, i + chunk.counters).map((k) => {
      const key = counterKeyOf(k);
      return [key.departmentId, key.day, key.regionId, key.network, shard, ...delta.counters.get(k)!];
    });
    await upsertAdd(q, 'kpi_day', COUNTER_COLUMNS, COUNTER_TYPES, 5, rows);
  }
  for (const kind of ['day', 'month'] as const) {
    const map = kind === 'day' ? delta.daily : delta.monthly;
    const keys = [...map.keys()].sort((a, b) => a - b);
    for (let i = 0; i < keys.length; i += chunk.histograms) await addHistograms(q, kind, keys.slice(i, i + chunk.histograms), map);
  }
}

/** A stored histogram: `[bucket, count, sum ms, bucket, count, sum ms, …]` in bucket order (JSON text). */
export function parseBuckets(text: string | null | undefined): number[] {
  return text ? (JSON.parse(text) as number[]) : [];
}

/**
 * Adds bucket deltas to histogram rows (one row per department, day or month, region, network,
 * clock: a province month grouped by city and network reads a few hundred rows, whatever the
 * number of tickets). Read-modify-write: the rows are created if missing, read (locked on
 * PostgreSQL), merged here, and written back.
 */
async function addHistograms(q: Q, kind: 'day' | 'month', keys: number[], deltas: Delta['monthly']): Promise<void> {
  const pg = isPostgres(q);
  const table = kind === 'day' ? 'kpi_duration_day' : 'kpi_duration_month';
  const keyCols = ['department_id', kind, 'region_id', 'network', 'clock'];
  const keyTypes = ['text', 'int', 'text', 'text', 'text'];
  let n = 0;
  const p = () => (pg ? `$${++n}` : '?');
  const ks = keys.map((k) => histogramKeyOf(k, kind));
  const keyRows = ks.map((k) => [k.departmentId, k.period, k.regionId, k.network, k.clock]);
  const keyValues = pg ? columnsOf(keyRows, 5) : keyRows.flat();
  const cols = `${keyCols.join(', ')}, count, sum_ms, buckets`;
  const conflict = `on conflict (${keyCols.join(', ')})`;
  type Found = { departmentId: string; period: number; regionId: string; network: string; clock: string; buckets: string };
  let found;
  if (pg) {
    // the keys as a relation, each looked up through the primary key (a lateral subquery: a join
    // would hash the whole table for thousands of keys), rows locked in key order
    const k = `${unnest(keyTypes)} with ordinality as k(d, p, r, n, c, i)`;
    await q.executeQuery(CompiledQuery.raw(`insert into ${table} (${cols}) select d, p, r, n, c, 0, 0, '[]' from ${k} order by i ${conflict} do nothing`, keyValues));
    found = await q.executeQuery<Found>(CompiledQuery.raw(
      `select t.* from ${k} cross join lateral (select department_id, ${kind} as period, region_id, network, clock, buckets from ${table}
       where department_id = k.d and ${kind} = k.p and region_id = k.r and network = k.n and clock = k.c for update) t order by k.i`,
      keyValues));
  } else {
    await q.executeQuery(CompiledQuery.raw(`insert into ${table} (${cols}) values ${ks.map(() => `(${p()}, ${p()}, ${p()}, ${p()}, ${p()}, 0, 0, '[]')`).join(', ')} ${conflict} do nothing`, keyValues));
    found = await q.executeQuery<Found>(CompiledQuery.raw(
      `select department_id, ${kind} as period, region_id, network, clock, buckets from ${table} where (${keyCols.join(', ')}) in (${ks.map(() => `(${p()}, ${p()}, ${p()}, ${p()}, ${p()})`).join(', ')})`,
      keyValues));
  }
  const stored = new Map(found.rows.map((r) => [`${r.departmentId}|${Number(r.period)}|${r.regionId}|${r.network}|${r.clock}`, r.buckets]));
  const rows: unknown[][] = [];
  keys.forEach((key, i) => {
    const k = ks[i];
    const merged = new Map<number, [number, number]>();
    const flat = parseBuckets(stored.get(`${k.departmentId}|${k.period}|${k.regionId}|${k.network}|${k.clock}`));
    for (let j = 0; j < flat.length; j += 3) merged.set(flat[j], [flat[j + 1], flat[j + 2]]);
    for (const [b, [c, ms]] of deltas.get(key)!) {
      const v = merged.get(b);
      if (v) { v[0] += c; v[1] += ms; } else merged.set(b, [c, ms]);
    }
    const out: number[] = [];
    let count = 0;
    let sum = 0;
    for (const b of [...merged.keys()].sort((x, y) => x - y)) {
      const [c, ms] = merged.get(b)!;
      if (c === 0 && ms === 0) continue;
      out.push(b, c, ms);
      count += c;
      sum += ms;
    }
    rows.push([k.departmentId, k.period, k.regionId, k.network, k.clock, count, sum, JSON.stringify(out)]);
  });
  const update = `${conflict} do update set count = excluded.count, sum_ms = excluded.sum_ms, buckets = excluded.buckets`;
  if (pg) {
    await q.executeQuery(CompiledQuery.raw(`insert into ${table} (${cols}) select * from ${unnest([...keyTypes, 'bigint', 'bigint', 'text'])} ${update}`, columnsOf(rows, 8)));
    return;
  }
  n = 0;
  await q.executeQuery(CompiledQuery.raw(`insert into ${table} (${cols}) values ${rows.map(() => `(${p()}, ${p()}, ${p()}, ${p()}, ${p()}, ${p()}, ${p()}, ${p()})`).join(', ')} ${update}`, rows.flat()));
}

/** Stores many tickets' contributions at once (the rebuild). */
export async function insertStored(q: Q, rows: { ticketId: number; facts: string }[]): Promise<void> {
  if (isPostgres(q)) {
    if (rows.length) await q.executeQuery(CompiledQuery.raw('insert into kpi_ticket (ticket_id, facts) select * from unnest($1::bigint[], $2::text[])', [rows.map((r) => r.ticketId), rows.map((r) => r.facts)]));
    return;
  }
  for (let i = 0; i < rows.length; i += 2000) {
    const part = rows.slice(i, i + 2000);
    await q.executeQuery(CompiledQuery.raw(`insert into kpi_ticket (ticket_id, facts) values ${part.map(() => '(?, ?)').join(', ')}`, part.flatMap((r) => [r.ticketId, r.facts])));
  }
}
