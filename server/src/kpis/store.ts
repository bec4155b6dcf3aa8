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
/**
 * A multi-row upsert that adds to the existing row: `insert … values (…), (…) on conflict (key)
 * do update set x = t.x + excluded.x`, written as text with a flat parameter list (the query
 * builder's per-value objects cost more than the database work for thousands of rows).
 */
async function upsertAdd(q: Q, table: string, columns: string[], keyCount: number, values: unknown[], rows: number): Promise<void> {
  const pg = isPostgres(q);
  let n = 0;
  const row = () => `(${columns.map(() => (pg ? `$${++n}` : '?')).join(', ')})`;
  const tuples = Array.from({ length: rows }, row).join(', ');
  const adds = columns.slice(keyCount).map((c) => `${c} = ${table}.${c} + excluded.${c}`).join(', ');
  const text = `insert into ${table} (${columns.join(', ')}) values ${tuples} on conflict (${columns.slice(0, keyCount).join(', ')}) do update set ${adds}`;
  await q.executeQuery(CompiledQuery.raw(text, values));
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
  const counterKeys = [...delta.counters.keys()].sort((a, b) => a - b);
  for (let i = 0; i < counterKeys.length; i += 1000) {
    const part = counterKeys.slice(i, i + 1000);
    const values: unknown[] = [];
    for (const k of part) {
      const key = counterKeyOf(k);
      values.push(key.departmentId, key.day, key.regionId, key.network, shard, ...delta.counters.get(k)!);
    }
    await upsertAdd(q, 'kpi_day', COUNTER_COLUMNS, 5, values, part.length);
  }
  for (const kind of ['day', 'month'] as const) {
    const map = kind === 'day' ? delta.daily : delta.monthly;
    const keys = [...map.keys()].sort((a, b) => a - b);
    for (let i = 0; i < keys.length; i += 500) await addHistograms(q, kind, keys.slice(i, i + 500), map);
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
  let n = 0;
  const p = () => (pg ? `$${++n}` : '?');
  const ks = keys.map((k) => histogramKeyOf(k, kind));
  const keyValues = ks.flatMap((k) => [k.departmentId, k.period, k.regionId, k.network, k.clock]);
  const cols = `${keyCols.join(', ')}, count, sum_ms, buckets`;
  const conflict = `on conflict (${keyCols.join(', ')})`;
  n = 0;
  await q.executeQuery(CompiledQuery.raw(`insert into ${table} (${cols}) values ${ks.map(() => `(${p()}, ${p()}, ${p()}, ${p()}, ${p()}, 0, 0, '[]')`).join(', ')} ${conflict} do nothing`, keyValues));
  n = 0;
  const found = await q.executeQuery<{ departmentId: string; period: number; regionId: string; network: string; clock: string; buckets: string }>(CompiledQuery.raw(
    `select department_id, ${kind} as period, region_id, network, clock, buckets from ${table} where (${keyCols.join(', ')}) in (${ks.map(() => `(${p()}, ${p()}, ${p()}, ${p()}, ${p()})`).join(', ')})${pg ? ' for update' : ''}`,
    keyValues));
  const stored = new Map(found.rows.map((r) => [`${r.departmentId}|${Number(r.period)}|${r.regionId}|${r.network}|${r.clock}`, r.buckets]));
  const values: unknown[] = [];
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
    values.push(k.departmentId, k.period, k.regionId, k.network, k.clock, count, sum, JSON.stringify(out));
  });
  n = 0;
  await q.executeQuery(CompiledQuery.raw(
    `insert into ${table} (${cols}) values ${ks.map(() => `(${p()}, ${p()}, ${p()}, ${p()}, ${p()}, ${p()}, ${p()}, ${p()})`).join(', ')} ${conflict} do update set count = excluded.count, sum_ms = excluded.sum_ms, buckets = excluded.buckets`,
    values));
}

/** Stores many tickets' contributions at once (the rebuild). */
export async function insertStored(q: Q, rows: { ticketId: number; facts: string }[]): Promise<void> {
  const pg = isPostgres(q);
  for (let i = 0; i < rows.length; i += 2000) {
    const part = rows.slice(i, i + 2000);
    const tuples = part.map((_, j) => (pg ? `($${2 * j + 1}, $${2 * j + 2})` : '(?, ?)')).join(', ');
    await q.executeQuery(CompiledQuery.raw(`insert into kpi_ticket (ticket_id, facts) values ${tuples}`, part.flatMap((r) => [r.ticketId, r.facts])));
  }
}
