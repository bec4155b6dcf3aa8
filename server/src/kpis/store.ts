import { PostgresAdapter } from 'kysely';
import type { Q } from '../db/types.ts';
import { COUNTERS } from './catalogue.ts';
import type { Delta } from './contribution.ts';

/** True on PostgreSQL (the one dialect question the KPI writers ask: whether to shard hot rows). */
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

function* batches<T>(xs: T[], size: number): Generator<T[]> {
  for (let i = 0; i < xs.length; i += size) yield xs.slice(i, i + size);
}

/**
 * Adds a delta to the aggregate tables with upserts (`on conflict … do update set x = x + excluded.x`,
 * which both engines run). Keys are written in sorted order, so two transactions lock shared rows
 * in the same order.
 */
export async function applyDelta(q: Q, delta: Delta, shard: number): Promise<void> {
  if (delta.counters.size) {
    const rows = [...delta.counters.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, v]) => {
      const [departmentId, day, regionId, network] = k.split('|');
      const row: Record<string, string | number> = { departmentId, day: Number(day), regionId, network, shard };
      COUNTERS.forEach((c, i) => { row[c] = v[i]; });
      return row;
    });
    for (const part of batches(rows, 1000)) {
      await q.insertInto('kpiDay').values(part as any)
        .onConflict((oc) => oc.columns(['departmentId', 'day', 'regionId', 'network', 'shard'])
          .doUpdateSet((eb: any) => Object.fromEntries(COUNTERS.map((c) => [c, eb(`kpiDay.${c}`, '+', eb.ref(`excluded.${c}`))])) as any))
        .execute();
    }
  }
  if (delta.monthly.size) {
    const rows = [...delta.monthly.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, [count, sumMs]]) => {
      const [departmentId, month, regionId, network, clock, bucket] = k.split('|');
      return { departmentId, month: Number(month), regionId, network, clock, bucket: Number(bucket), count, sumMs };
    });
    for (const part of batches(rows, 2000)) {
      await q.insertInto('kpiDurationMonth').values(part)
        .onConflict((oc) => oc.columns(['departmentId', 'month', 'regionId', 'network', 'clock', 'bucket'])
          .doUpdateSet((eb) => ({ count: eb('kpiDurationMonth.count', '+', eb.ref('excluded.count')), sumMs: eb('kpiDurationMonth.sumMs', '+', eb.ref('excluded.sumMs')) })))
        .execute();
    }
  }
}
