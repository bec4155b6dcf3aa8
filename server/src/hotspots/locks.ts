import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import type { Q } from '../db/types.ts';
import type { Engine } from '../db/connect.ts';

/**
 * Transaction-scoped locks that make concurrent detections give the groups a serial run would
 * (DESIGN §4 order independence, also with several server processes on one PostgreSQL).
 *
 * Two new complaints j and k can meet only in a window W(i) holding both: then x_j and x_k are
 * both in N(x_i), so (relations being symmetric) x_i is in N(x_j) and in N(x_k). Each detection
 * therefore locks (category, y) for every y in N(x) of its complaint before it reads: two that
 * can share a window share a lock and run one after the other; the second sees the first's
 * complaint. Writing group membership additionally takes the category's lock, so merges never
 * interleave. SQLite has one writer at a time: nothing to do there.
 */
export async function lockNeighbourhood(trx: Q, engine: Engine, categoryId: string, cellIds: readonly string[]): Promise<void> {
  if (engine !== 'postgres' || cellIds.length === 0) return;
  const keys = [...new Set(cellIds.map((c) => lockKey(`hotspot:${categoryId}:${c}`)))].sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : BigInt(a) > BigInt(b) ? 1 : 0));
  // one statement, in ascending key order (every detection takes them in the same order: no deadlock among them)
  await sql`select pg_advisory_xact_lock(k) from (select unnest(${keys}::bigint[]) as k order by 1) s`.execute(trx);
}

/**
 * lockNeighbourhood for several complaints at once (the history import, before it reads a batch's
 * neighbourhoods): every key in one statement, in the same ascending order.
 */
export async function lockNeighbourhoods(trx: Q, engine: Engine, sets: readonly { categoryId: string; cellIds: readonly string[] }[]): Promise<void> {
  if (engine !== 'postgres') return;
  const keys = [...new Set(sets.flatMap((s) => s.cellIds.map((c) => lockKey(`hotspot:${s.categoryId}:${c}`))))].sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : BigInt(a) > BigInt(b) ? 1 : 0));
  if (keys.length === 0) return;
  await sql`select pg_advisory_xact_lock(k) from (select unnest(${keys}::bigint[]) as k order by 1) s`.execute(trx);
}

/** The category-wide lock taken before group membership is read and changed. */
export async function lockGroups(trx: Q, engine: Engine, categoryId: string): Promise<void> {
  if (engine !== 'postgres') return;
  await sql`select pg_advisory_xact_lock(${lockKey(`hotspot-groups:${categoryId}`)}::bigint)`.execute(trx);
}

/** A signed 64-bit key (as text) for pg_advisory_xact_lock. */
function lockKey(name: string): string {
  return createHash('sha256').update(name).digest().readBigInt64BE(0).toString();
}
