import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import { CamelCasePlugin, Kysely, PostgresDialect, type LogEvent } from 'kysely';
import type { Database } from './database.ts';
import { groupCommitter } from './group-commit.ts';
import { withBeforeCommit } from './before-commit.ts';
import { prepareWrites } from './pg-prepared.ts';
import { SplitSqliteDialect } from './sqlite-driver.ts';
import { WalSync } from './wal-sync.ts';

export type Engine = 'sqlite' | 'postgres';

/** An open database: the Kysely handle plus which engine it is (the one place dialects differ). */
export interface Db {
  kysely: Kysely<Database>;
  engine: Engine;
  /**
   * Runs a write in a transaction of its own (PostgreSQL) or, on SQLite, group-committed with
   * the writes waiting beside it (db/group-commit.ts). Resolves after the commit is durable.
   */
  write<T>(fn: (q: Kysely<Database>) => Promise<T>): Promise<T>;
  close(): Promise<void>;
  /** PostgreSQL: the address it was opened with (migrations open a connection of their own without the query timeout) */
  url?: string;
}

/**
 * better-sqlite3 with a cache of prepared statements: Kysely prepares every query it runs, and
 * preparing costs more than running most of ours. A statement still being iterated is busy: then
 * a fresh one is prepared. Past 2,000 texts (imports write batches of many sizes) the least recently used go.
 */
function withStatementCache(sqlite: SQLite.Database): SQLite.Database {
  const cache = new Map<string, SQLite.Statement>();
  return new Proxy(sqlite, {
    get(target, prop, receiver) {
      if (prop !== 'prepare') {
        const v = Reflect.get(target, prop, receiver);
        return typeof v === 'function' ? v.bind(target) : v;
      }
      return (sqlText: string) => {
        // Kysely opens transactions with a deferred `begin`; a write after a read then fails at once
        // (SQLITE_BUSY) when another process (a CLI backup, a migration) wrote meanwhile. `begin
        // immediate` takes the write lock up front and waits for it under busy_timeout instead.
        const text = sqlText === 'begin' ? 'begin immediate' : sqlText;
        const hit = cache.get(text);
        if (hit && !hit.busy) {
          // least recently used go first: the hot statements stay
          cache.delete(text);
          cache.set(text, hit);
          return hit;
        }
        const stmt = target.prepare(text);
        cache.delete(text);
        if (cache.size >= 2000) cache.delete(cache.keys().next().value!);
        cache.set(text, stmt);
        return stmt;
      };
    },
  });
}

/** The raw better-sqlite3 handle behind each SQLite Db (backup/ needs its online backup API). */
const sqliteHandles = new WeakMap<Db, SQLite.Database>();

/** The raw better-sqlite3 connection of a SQLite database, null on PostgreSQL. For backup/ only: queries go through Kysely. */
export function sqliteHandle(db: Db): SQLite.Database | null {
  return sqliteHandles.get(db) ?? null;
}

const walSyncs = new WeakMap<Db, WalSync>();
/** The WAL flusher of a SQLite file database (its `flushes` count is read by tests and benchmarks). */
export function walSync(db: Db): WalSync | null {
  return walSyncs.get(db) ?? null;
}

// int8 (bigint) columns hold epoch milliseconds and ids: both fit a JS number exactly.
pg.types.setTypeParser(20, (v) => Number(v));
// numeric (averages) as numbers too
pg.types.setTypeParser(1700, (v) => Number(v));

/** Opens `sqlite:PATH` (WAL flushed before every acknowledgement, foreign keys on) or `postgres://…`. */
export function openDb(url: string, opts: { poolSize?: number; log?: (e: LogEvent) => void; queryTimeoutMs?: number } = {}): Db {
  if (url.startsWith('sqlite:')) {
    const path = url.slice('sqlite:'.length);
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    const sqlite = new SQLite(path);
    sqlite.pragma('journal_mode = WAL');
    // An acknowledged commit survives a power cut (DESIGN: nothing acknowledged is lost): on a file,
    // netcare flushes the WAL itself off the event loop before acknowledging (db/wal-sync.ts), so
    // SQLite need not flush inside COMMIT; :memory: has nothing to flush.
    const wal = path === ':memory:' ? null : new WalSync(path);
    sqlite.pragma(wal ? 'synchronous = NORMAL' : 'synchronous = FULL');
    sqlite.pragma('foreign_keys = ON');
    sqlite.pragma('busy_timeout = 5000');
    sqlite.pragma('cache_size = -65536');
    // planner statistics from the start, so indexed plans are chosen on a database never analysed (SQLite's advice on open)
    sqlite.pragma('optimize = 0x10002');
    // a second connection for reads outside transactions (db/sqlite-driver.ts); none for :memory:, which is private to one
    let reader: SQLite.Database | null = null;
    if (path !== ':memory:') {
      reader = new SQLite(path, { readonly: true });
      reader.pragma('busy_timeout = 5000');
      reader.pragma('cache_size = -65536');
    }
    const dialect = new SplitSqliteDialect({ writer: withStatementCache(sqlite), reader: reader && withStatementCache(reader), wal });
    const kysely = new Kysely<Database>({ dialect, plugins: [new CamelCasePlugin()], log: opts.log });
    const db: Db = { kysely, engine: 'sqlite', write: groupCommitter(kysely, wal), close: () => kysely.destroy() };
    sqliteHandles.set(db, sqlite);
    if (wal) walSyncs.set(db, wal);
    return db;
  }
  if (url.startsWith('postgres://') || url.startsWith('postgresql://')) {
    const pool = new pg.Pool({
      connectionString: url,
      max: opts.poolSize ?? 10,
      connectionTimeoutMillis: 2000,
      // a lost database must not hang requests (issue 9: answer 503 fast)
      query_timeout: opts.queryTimeoutMs ?? 30000,
    });
    pool.on('error', () => { /* idle client lost; the pool replaces it on next use */ });
    // A client that loses its connection while checked out (the database stopped mid-transaction)
    // emits 'error' with no pool listener attached: without this one that would crash the process.
    // The failed query still rejects, and the pool drops the broken client when it is released.
    pool.on('connect', (client) => {
      client.on('error', () => {});
      // writes as named prepared statements (db/pg-prepared.ts); NETCARE_PG_PREPARED_WRITES=0 sends them unnamed
      if (process.env.NETCARE_PG_PREPARED_WRITES !== '0') prepareWrites(client);
    });
    const kysely = new Kysely<Database>({ dialect: new PostgresDialect({ pool }), plugins: [new CamelCasePlugin()], log: opts.log });
    // aggregate counters are written last in the transaction (db/before-commit.ts: shorter row locks)
    const write = <T>(fn: (q: Kysely<Database>) => Promise<T>) => kysely.transaction().execute((trx) => withBeforeCommit(trx, () => fn(trx)));
    return { kysely, engine: 'postgres', url, write, close: () => kysely.destroy() };
  }
  throw new Error(`NETCARE_DATABASE_URL must start with sqlite: or postgres://, got ${url.split(':')[0]}:…`);
}
