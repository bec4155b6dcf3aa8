import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import { CamelCasePlugin, Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import type { Database } from './database.ts';

export type Engine = 'sqlite' | 'postgres';

/** An open database: the Kysely handle plus which engine it is (the one place dialects differ). */
export interface Db {
  kysely: Kysely<Database>;
  engine: Engine;
  close(): Promise<void>;
}

// int8 (bigint) columns hold epoch milliseconds and ids: both fit a JS number exactly.
pg.types.setTypeParser(20, (v) => Number(v));
// numeric (averages) as numbers too
pg.types.setTypeParser(1700, (v) => Number(v));

/** Opens `sqlite:PATH` (WAL, synchronous=FULL, foreign keys on) or `postgres://…`. */
export function openDb(url: string, opts: { poolSize?: number } = {}): Db {
  if (url.startsWith('sqlite:')) {
    const path = url.slice('sqlite:'.length);
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    const sqlite = new SQLite(path);
    sqlite.pragma('journal_mode = WAL');
    // FULL: an acknowledged commit survives a power cut (DESIGN: nothing acknowledged is lost).
    sqlite.pragma('synchronous = FULL');
    sqlite.pragma('foreign_keys = ON');
    sqlite.pragma('busy_timeout = 5000');
    sqlite.pragma('cache_size = -65536');
    const kysely = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }), plugins: [new CamelCasePlugin()] });
    return { kysely, engine: 'sqlite', close: () => kysely.destroy() };
  }
  if (url.startsWith('postgres://') || url.startsWith('postgresql://')) {
    const pool = new pg.Pool({
      connectionString: url,
      max: opts.poolSize ?? 10,
      connectionTimeoutMillis: 2000,
      // a lost database must not hang requests (issue 9: answer 503 fast)
      query_timeout: 30000,
    });
    pool.on('error', () => { /* idle client lost; the pool replaces it on next use */ });
    const kysely = new Kysely<Database>({ dialect: new PostgresDialect({ pool }), plugins: [new CamelCasePlugin()] });
    return { kysely, engine: 'postgres', close: () => kysely.destroy() };
  }
  throw new Error(`NETCARE_DATABASE_URL must start with sqlite: or postgres://, got ${url.split(':')[0]}:…`);
}
