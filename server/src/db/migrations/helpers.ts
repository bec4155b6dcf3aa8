import type { CreateTableBuilder, Kysely } from 'kysely';
import { sql } from 'kysely';
import type { Engine } from '../connect.ts';

/** One migration: append-only, runs unchanged on SQLite and PostgreSQL. */
export interface Migration {
  name: string;
  up(db: Kysely<any>, engine: Engine): Promise<void>;
}

/** An auto-increment integer primary key, in each engine's own words. */
export function withId<T extends string>(tb: CreateTableBuilder<T, any>, engine: Engine, column = 'id'): CreateTableBuilder<T, any> {
  return engine === 'sqlite'
    ? tb.addColumn(column, 'integer', (c) => c.primaryKey().autoIncrement())
    : tb.addColumn(column, 'bigint', (c) => c.primaryKey().generatedByDefaultAsIdentity());
}

/** Creates an index (non-unique unless said), named after table and columns. */
export async function index(db: Kysely<any>, table: string, columns: string[], opts: { unique?: boolean; where?: string; name?: string } = {}): Promise<void> {
  const name = opts.name ?? `${table}_${columns.map((c) => c.replace(/\W+/g, '')).join('_')}_idx`;
  let b = db.schema.createIndex(name).on(table).columns(columns);
  if (opts.unique) b = b.unique();
  if (opts.where) b = b.where(sql.raw(opts.where) as any);
  await b.execute();
}
