import type { Q } from './types.ts';

/**
 * A memo of reference data that intake reads on every ticket but people change rarely (a city's
 * departments, a cell's neighbourhood), kept per database so that two databases in one process
 * (tests, tools) never see each other's rows (issue 8: fewer statements per intake).
 *
 * Entries end three ways: `clear()` when this process writes such rows (called by the code that
 * writes them), after `ttlMs` so that a change made by another server process on the same
 * PostgreSQL is seen within that time, and the oldest go first when `max` entries are held.
 */
export class ReferenceCache<V> {
  #byDb = new WeakMap<object, Map<string, { value: V; at: number }>>();
  constructor(private readonly ttlMs: number, private readonly max: number) {}

  async get(q: Q, key: string, load: () => Promise<V>): Promise<V> {
    const db = databaseOf(q);
    let entries = this.#byDb.get(db);
    if (!entries) { entries = new Map(); this.#byDb.set(db, entries); }
    const now = Date.now();
    const hit = entries.get(key);
    if (hit && now - hit.at < this.ttlMs) return hit.value;
    const value = await load();
    entries.delete(key);
    if (entries.size >= this.max) entries.delete(entries.keys().next().value!);
    entries.set(key, { value, at: now });
    return value;
  }

  /** Forget everything (every database): the rows behind it were written. */
  clear(): void { this.#byDb = new WeakMap(); }
}

/**
 * The database a query handle talks to: Kysely gives each database one dialect adapter, shared
 * by its transactions and connections, so it identifies the database for any handle.
 */
export function databaseOf(q: Q): object {
  return q.getExecutor().adapter;
}
