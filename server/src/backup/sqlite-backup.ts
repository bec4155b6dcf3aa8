import { createHash } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, openSync, renameSync, rmSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import SQLite from 'better-sqlite3';
import { migrations } from '../db/migrations/index.ts';

/** A backup or restore that cannot go ahead, with the reason for the operator. */
export class BackupError extends Error {
  override name = 'BackupError';
}

/** One table's fingerprint: row count and a SHA-256 over its rows in a fixed order. */
export interface TableSummary { table: string; rows: number; checksum: string }

/** Progress of a copy, in database pages. */
export type Progress = (copied: number, total: number) => void;

/** Tables that every netcare database has; a file without them is not one. */
const REQUIRED_TABLES = ['schema_migration', 'app_user', 'region', 'ticket', 'ticket_event', 'audit_log'];

/**
 * Row count and checksum of every table (sqlite_* excluded), rows ordered by all their columns
 * so the result depends on the content only. The backup test compares these before and after a
 * restore; `netcare restore` prints the counts.
 */
export function summariseTables(handle: SQLite.Database): TableSummary[] {
  const tables = handle.prepare("select name from sqlite_master where type = 'table' and name not like 'sqlite_%' order by name").pluck().all() as string[];
  return tables.map((table) => {
    const q = `"${table.replace(/"/g, '""')}"`;
    const cols = (handle.prepare(`select count(*) from pragma_table_info(?)`).pluck().get(table) as number);
    const order = Array.from({ length: cols }, (_, i) => String(i + 1)).join(', ');
    const hash = createHash('sha256');
    let rows = 0;
    for (const row of handle.prepare(`select * from ${q} order by ${order}`).raw(true).iterate() as Iterable<unknown[]>) {
      hash.update(JSON.stringify(row, (_k, v) => (Buffer.isBuffer(v) ? v.toString('base64') : typeof v === 'bigint' ? v.toString() : v)));
      hash.update('\n');
      rows++;
    }
    return { table, rows, checksum: hash.digest('hex') };
  });
}

function fsyncPath(path: string): void {
  const fd = openSync(path, 'r');
  try { fsyncSync(fd); } finally { closeSync(fd); }
}

/** Makes a copied database file self-contained: no WAL beside it, checked page by page. */
function finishCopy(path: string): void {
  const out = new SQLite(path);
  try {
    out.pragma('journal_mode = DELETE');
    const check = out.pragma('integrity_check', { simple: true });
    if (check !== 'ok') throw new BackupError(`the copy failed its integrity check: ${check}`);
  } finally {
    out.close();
  }
  fsyncPath(path);
}

/**
 * Online backup of a live SQLite database (`netcare backup FILE`) with SQLite's backup API:
 * the server keeps serving while pages are copied in steps. If another process writes
 * meanwhile SQLite restarts the copy; after one restart the rest is copied in a single step
 * (a consistent snapshot under one read lock, which in WAL mode blocks no writer). The copy is
 * written as FILE.partial and renamed only once complete and checked, so FILE is never half a
 * backup. Personal data stays encrypted: the keys are not in the database and must be kept
 * separately (README, "Reliability and data protection").
 */
export async function backupSqlite(handle: SQLite.Database, file: string, onProgress?: Progress): Promise<TableSummary[]> {
  if (existsSync(file)) throw new BackupError(`${file} exists already; give a new file name (backups are never overwritten)`);
  const partial = `${file}.partial`;
  rmSync(partial, { force: true });
  let lastRemaining = Infinity;
  let restarted = false;
  let total = 0;
  try {
    await handle.backup(partial, {
      progress({ totalPages, remainingPages }) {
        if (remainingPages > lastRemaining) restarted = true;
        lastRemaining = remainingPages;
        total = totalPages;
        onProgress?.(totalPages - remainingPages, totalPages);
        // 2,560 pages (10 MB at 4 KiB) a step; after a restart, everything at once
        return restarted ? Math.max(totalPages, 1) : 2560;
      },
    });
    onProgress?.(total, total);
    finishCopy(partial);
  } catch (err) {
    rmSync(partial, { force: true });
    throw err;
  }
  renameSync(partial, file);
  fsyncPath(dirname(file));
  const copy = new SQLite(file, { readonly: true, fileMustExist: true });
  try { return summariseTables(copy); } finally { copy.close(); }
}

/**
 * Checks that a file is a netcare database this version can run: a readable SQLite file that
 * passes the integrity check, has netcare's tables, and records no migration this version does
 * not know (a backup from a newer netcare). Returns its migrations and table summary.
 */
export function inspectBackup(file: string): { migrations: string[]; tables: TableSummary[] } {
  if (!existsSync(file)) throw new BackupError(`${file} does not exist`);
  let handle: SQLite.Database;
  try {
    handle = new SQLite(file, { readonly: true, fileMustExist: true });
  } catch (err: any) {
    throw new BackupError(`${basename(file)} cannot be opened as a database: ${err?.message}`);
  }
  try {
    let check: unknown;
    try {
      check = handle.pragma('integrity_check', { simple: true });
    } catch (err: any) {
      throw new BackupError(`${basename(file)} is not a SQLite database (${err?.message})`);
    }
    if (check !== 'ok') throw new BackupError(`${basename(file)} is damaged: ${check}`);
    const tables = new Set(handle.prepare("select name from sqlite_master where type = 'table'").pluck().all() as string[]);
    const missing = REQUIRED_TABLES.filter((t) => !tables.has(t));
    if (missing.length) throw new BackupError(`${basename(file)} is not a netcare database (no table ${missing.join(', ')})`);
    const applied = handle.prepare('select name from schema_migration order by name').pluck().all() as string[];
    const known = new Set(migrations.map((m) => m.name));
    const unknown = applied.filter((n) => !known.has(n));
    if (unknown.length) throw new BackupError(`${basename(file)} was made by a newer netcare (migration ${unknown.join(', ')}); restore it with that version`);
    return { migrations: applied, tables: summariseTables(handle) };
  } finally {
    handle.close();
  }
}

/**
 * Throws unless no other process has the database open. With `locking_mode = EXCLUSIVE` set
 * before the first access, SQLite takes a file lock that conflicts with every connection of a
 * running server (WAL connections hold a shared lock while open). While holding it, the WAL
 * is checkpointed into the main file, and on close SQLite removes the WAL: the file on disk is
 * then the whole database.
 */
export function assertNotInUse(dbPath: string): void {
  if (!existsSync(dbPath)) return;
  const h = new SQLite(dbPath, { fileMustExist: true });
  try {
    h.pragma('busy_timeout = 0');
    h.pragma('locking_mode = EXCLUSIVE');
    try {
      h.exec('BEGIN EXCLUSIVE');
      h.exec('COMMIT');
    } catch (err: any) {
      if (err?.code === 'SQLITE_BUSY' || err?.code === 'SQLITE_LOCKED') {
        throw new BackupError('the database is in use (a netcare server or command has it open): stop it, then restore');
      }
      throw err;
    }
    h.pragma('wal_checkpoint(TRUNCATE)');
  } finally {
    h.close();
  }
}

/**
 * Restores a backup over the SQLite database at `dbPath` (`netcare restore FILE`), while the
 * server is stopped: the backup is validated, copied beside the database through SQLite (never
 * a half-copied file under the real name), then swapped in with a rename. The replaced database
 * is kept as `PATH.before-restore-<time>` (with its WAL, if any, so a stale WAL can never be
 * applied to the restored file). Returns where the old file went and the restored tables.
 */
export async function restoreSqlite(dbPath: string, file: string, onProgress?: Progress, now = new Date()): Promise<{ keptAs: string | null; tables: TableSummary[] }> {
  const info = inspectBackup(file);
  assertNotInUse(dbPath);
  const incoming = `${dbPath}.restoring`;
  for (const s of ['', '-wal', '-shm', '-journal']) rmSync(incoming + s, { force: true });
  const src = new SQLite(file, { readonly: true, fileMustExist: true });
  try {
    let total = 0;
    await src.backup(incoming, {
      progress({ totalPages, remainingPages }) { total = totalPages; onProgress?.(totalPages - remainingPages, totalPages); return 2560; },
    });
    onProgress?.(total, total);
  } catch (err) {
    rmSync(incoming, { force: true });
    throw err;
  } finally {
    src.close();
  }
  finishCopy(incoming);

  let keptAs: string | null = null;
  if (existsSync(dbPath)) {
    keptAs = `${dbPath}.before-restore-${now.toISOString().replace(/[:.]/g, '-')}`;
    renameSync(dbPath, keptAs);
  }
  for (const s of ['-wal', '-shm', '-journal']) {
    if (existsSync(dbPath + s)) {
      if (keptAs) renameSync(dbPath + s, keptAs + s); else rmSync(dbPath + s, { force: true });
    }
  }
  renameSync(incoming, dbPath);
  fsyncPath(dirname(dbPath));
  return { keptAs, tables: info.tables };
}
