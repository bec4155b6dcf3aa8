import { resolve } from 'node:path';
import { openDb, sqliteHandle } from '../db/connect.ts';
import { BackupError, backupSqlite, restoreSqlite, type Progress, type TableSummary } from './sqlite-backup.ts';
import { postgresCommands } from './postgres-commands.ts';

const progressLine = (what: string): Progress => (copied, total) => {
  const pct = total ? Math.floor((copied / total) * 100) : 100;
  process.stderr.write(`\r${what}: ${copied.toLocaleString('en')} / ${total.toLocaleString('en')} pages (${pct}%)`);
};

const printTables = (tables: TableSummary[]) => {
  const rows = tables.reduce((n, t) => n + t.rows, 0);
  console.log(`${tables.length} tables, ${rows.toLocaleString('en')} rows: ${tables.filter((t) => t.rows > 0).map((t) => `${t.table} ${t.rows}`).join(', ')}`);
};

function explainPostgres(url: string, file: string, what: 'backup' | 'restore'): number {
  const c = postgresCommands(url, file);
  console.error(`The database is PostgreSQL (${c.safeUrl}): ${what} it with PostgreSQL's own tools.`);
  if (what === 'backup') {
    console.error(`  back up (the servers keep running):  ${c.backup}`);
    console.error(`  check the file:                      ${c.check}`);
  } else {
    console.error('  stop every netcare server, then:');
    console.error(`  restore:  ${c.restore}`);
  }
  console.error('Give the password through PGPASSWORD or ~/.pgpass. Keep the personal-data keys (NETCARE_PII_KEYS or pii-keys.json) with the backup\'s records, not in it.');
  return 2;
}

/** `netcare backup FILE`: online SQLite backup with progress; PostgreSQL: the pg_dump command to use. */
export async function backupCommand(databaseUrl: string, file: string): Promise<number> {
  if (!databaseUrl.startsWith('sqlite:')) return explainPostgres(databaseUrl, file, 'backup');
  const db = openDb(databaseUrl);
  try {
    const tables = await backupSqlite(sqliteHandle(db)!, resolve(file), progressLine('backup'));
    process.stderr.write('\n');
    console.log(`backup written to ${resolve(file)}`);
    printTables(tables);
    console.log('The personal-data keys are not in the backup (by design): keep NETCARE_PII_KEYS or the data folder\'s pii-keys.json safely elsewhere; without them names and phone numbers cannot be read.');
    return 0;
  } catch (err) {
    process.stderr.write('\n');
    if (err instanceof BackupError) { console.error(`error: ${err.message}`); return 1; }
    throw err;
  } finally {
    await db.close();
  }
}

/** `netcare restore FILE`: validates the file, then replaces the stopped server's SQLite database. */
export async function restoreCommand(databaseUrl: string, file: string): Promise<number> {
  if (!databaseUrl.startsWith('sqlite:')) return explainPostgres(databaseUrl, file, 'restore');
  const dbPath = resolve(databaseUrl.slice('sqlite:'.length));
  try {
    const r = await restoreSqlite(dbPath, resolve(file), progressLine('restore'));
    process.stderr.write('\n');
    console.log(`restored ${resolve(file)} into ${dbPath}`);
    if (r.keptAs) console.log(`the database it replaced is kept as ${r.keptAs} (delete it once the restore is checked)`);
    printTables(r.tables);
    return 0;
  } catch (err) {
    process.stderr.write('\n');
    if (err instanceof BackupError) { console.error(`error: ${err.message}`); return 1; }
    throw err;
  }
}
