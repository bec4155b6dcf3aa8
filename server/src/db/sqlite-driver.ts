import SQLite from 'better-sqlite3';
import type { WalSync } from './wal-sync.ts';
import { CompiledQuery, SqliteAdapter, SqliteIntrospector, SqliteQueryCompiler, type DatabaseConnection, type Dialect, type Driver, type Kysely, type QueryResult } from 'kysely';

/**
 * SQLite for Kysely with one writer and one reader connection (issue 8).
 *
 * Kysely's own SQLite driver has a single connection behind a mutex: while a transaction is
 * open, even a plain read of another request waits for it. That kept group commit from ever
 * grouping (a request's reads before its write queued behind the running commit, so each
 * commit carried one ticket and paid its own fsync). Here a statement outside a transaction
 * that only reads runs at once on a second connection, which WAL lets see the last committed
 * state while the writer works; writes and transactions take the writer in turn.
 *
 * Transactions are recognised by their statements too (`begin…`, `commit`, `rollback` without
 * `to`), so a raw `begin immediate` on `kysely.connection()` holds the writer until it ends.
 * An in-memory database has no second connection: there every statement takes the writer.
 */
export class SplitSqliteDialect implements Dialect {
  constructor(private readonly handles: { writer: SQLite.Database; reader: SQLite.Database | null; wal: WalSync | null }) {}
  createDriver(): Driver { return new SplitDriver(this.handles.writer, this.handles.reader, this.handles.wal); }
  createQueryCompiler() { return new SqliteQueryCompiler(); }
  createAdapter() { return new SqliteAdapter(); }
  createIntrospector(db: Kysely<any>) { return new SqliteIntrospector(db); }
}

/** Waiters are served in arrival order. */
class Mutex {
  #held = false;
  #waiters: (() => void)[] = [];
  lock(): Promise<void> | void {
    if (!this.#held) { this.#held = true; return; }
    return new Promise((resolve) => this.#waiters.push(resolve));
  }
  unlock(): void {
    const next = this.#waiters.shift();
    if (next) next(); else this.#held = false;
  }
}

const BEGIN = /^\s*begin\b/i;
const END = /^\s*(commit|end|rollback)\b(?!\s+to\b)/i;
const ROLLBACK = /^\s*rollback\b/i;

/**
 * A commit whose caller flushes the WAL itself (group commit: it takes the next batch while the
 * flush runs, and acknowledges this one after it). Every other commit or write outside a
 * transaction waits here for the flush (db/wal-sync.ts) before it returns.
 */
export const COMMIT_CALLER_SYNCS = 'commit -- the caller waits for the WAL flush';

class SplitDriver implements Driver {
  readonly writeLock = new Mutex();
  /** sql text → whether it only reads (sqlite3_stmt_readonly), decided once per text */
  readonly #readOnly = new Map<string, boolean>();
  constructor(readonly writer: SQLite.Database, readonly reader: SQLite.Database | null, readonly wal: WalSync | null) {}

  async init(): Promise<void> {}
  async acquireConnection(): Promise<DatabaseConnection> { return new SplitConnection(this); }
  async beginTransaction(conn: DatabaseConnection): Promise<void> { await conn.executeQuery(CompiledQuery.raw('begin immediate')); }
  async commitTransaction(conn: DatabaseConnection): Promise<void> { await conn.executeQuery(CompiledQuery.raw('commit')); }
  async rollbackTransaction(conn: DatabaseConnection): Promise<void> { await conn.executeQuery(CompiledQuery.raw('rollback')); }
  async releaseConnection(conn: DatabaseConnection): Promise<void> { (conn as SplitConnection).abandon(); }
  async destroy(): Promise<void> { this.reader?.close(); this.writer.close(); this.wal?.close(); }

  /** true when the statement may run on the reader */
  readsOnly(text: string): boolean {
    if (!this.reader) return false;
    let ro = this.#readOnly.get(text);
    if (ro === undefined) {
      ro = !BEGIN.test(text) && !END.test(text) && this.reader.prepare(text).readonly;
      if (this.#readOnly.size > 5000) this.#readOnly.clear();
      this.#readOnly.set(text, ro);
    }
    return ro;
  }
}

class SplitConnection implements DatabaseConnection {
  /** this connection has the writer: inside a transaction */
  #holding = false;
  constructor(private readonly d: SplitDriver) {}

  async executeQuery<R>(q: CompiledQuery): Promise<QueryResult<R>> {
    const text = q.sql;
    if (this.#holding) {
      if (!END.test(text)) return run<R>(this.d.writer, q);
      let result: QueryResult<R>;
      try { result = run<R>(this.d.writer, q); } finally { if (!this.d.writer.inTransaction) this.#release(); }
      // the writer is free for the next transaction while this one's flush runs
      if (this.d.wal && !ROLLBACK.test(text) && text !== COMMIT_CALLER_SYNCS) await this.d.wal.sync();
      return result;
    }
    if (this.d.readsOnly(text)) return run<R>(this.d.reader!, q);
    await this.d.writeLock.lock();
    if (BEGIN.test(text)) {
      this.#holding = true;
      try { return run<R>(this.d.writer, q); } catch (err) { this.#release(); throw err; }
    }
    let result: QueryResult<R>;
    try { result = run<R>(this.d.writer, q); } finally { this.d.writeLock.unlock(); }
    // a write outside a transaction committed on its own
    if (this.d.wal) await this.d.wal.sync();
    return result;
  }

  async *streamQuery<R>(q: CompiledQuery): AsyncIterableIterator<QueryResult<R>> {
    // only selects stream (as in Kysely's driver): on the reader unless inside a transaction
    const db = this.#holding || !this.d.readsOnly(q.sql) ? this.d.writer : this.d.reader!;
    for (const row of db.prepare(q.sql).iterate(q.parameters as unknown[])) yield { rows: [row as R] };
  }

  /** Kysely gives the connection back: a transaction left open (an error path) is rolled back. */
  abandon(): void {
    if (!this.#holding) return;
    if (this.d.writer.inTransaction) this.d.writer.prepare('rollback').run();
    this.#release();
  }

  #release(): void {
    this.#holding = false;
    this.d.writeLock.unlock();
  }
}

function run<R>(db: SQLite.Database, q: CompiledQuery): QueryResult<R> {
  const stmt = db.prepare(q.sql);
  const params = q.parameters as unknown[];
  if (stmt.reader) return { rows: stmt.all(params) as R[] };
  const { changes, lastInsertRowid } = stmt.run(params);
  return { numAffectedRows: BigInt(changes), insertId: BigInt(lastInsertRowid), rows: [] };
}
