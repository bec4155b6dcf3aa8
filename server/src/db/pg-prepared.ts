import { createHash } from 'node:crypto';
import type pg from 'pg';

/**
 * Named prepared statements for the writes of a PostgreSQL connection. Kysely sends every query
 * unnamed, so PostgreSQL parses, analyses and plans each insert and update anew — for the short
 * writes of intake and workflow steps that is much of their cost on the server. A write sent with
 * a name is parsed once per connection; later runs only bind and execute.
 *
 * Only inserts, updates and deletes, and none that return whole rows (`returning *`: a column added
 * by another process's migration would change its result type under the cached plan); reads keep
 * their per-query plans (the queue lists depend on the parameters' statistics). At most
 * PER_CONNECTION statements per connection are kept (texts differ with the number of rows or
 * values in a batch); past that, writes go unnamed as before. Behind a pooler in transaction mode
 * (named statements belong to one server connection) set NETCARE_PG_PREPARED_WRITES=0.
 */
const WRITE = /^\s*(insert|update|delete)\b|^\s*with\b[\s\S]*\binsert\s+into\b/i;
const WHOLE_ROWS = /\breturning\s+\*/i;
const PER_CONNECTION = 200;

const names = new Map<string, string>();
function nameOf(text: string): string {
  let n = names.get(text);
  if (!n) {
    n = `nc_${createHash('sha1').update(text).digest('hex').slice(0, 20)}`;
    if (names.size >= 5000) names.clear();
    names.set(text, n);
  }
  return n;
}

/** Makes `client` send its writes as named statements (pool 'connect' handler). */
export function prepareWrites(client: pg.PoolClient): void {
  const prepared = new Set<string>();
  const query = client.query.bind(client) as (...args: unknown[]) => unknown;
  (client as unknown as { query: (...args: unknown[]) => unknown }).query = (text: unknown, values?: unknown, callback?: unknown) => {
    if (typeof text === 'string' && Array.isArray(values) && values.length > 0 && callback === undefined && WRITE.test(text) && !WHOLE_ROWS.test(text)) {
      const name = nameOf(text);
      if (prepared.has(name) || prepared.size < PER_CONNECTION) {
        prepared.add(name);
        return query({ name, text, values });
      }
    }
    return callback === undefined ? (values === undefined ? query(text) : query(text, values)) : query(text, values, callback);
  };
}
