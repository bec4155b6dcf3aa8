import { it, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import { freshDb } from '../helpers/engines.ts';
import { testApp, type TestApp } from '../helpers/app.ts';
import { intake } from '../helpers/factories.ts';
import { openDb, sqliteHandle } from '../../src/db/connect.ts';
import { BackupError, backupSqlite, inspectBackup, restoreSqlite, summariseTables } from '../../src/backup/sqlite-backup.ts';
import { verifyAuditChain } from '../../src/audit/repository.ts';
import { report } from './figures.ts';

const BIN = resolve(import.meta.dirname, '../../../bin/netcare.mjs');
const PG_BIN = '/usr/lib/postgresql/15/bin';

const cli = (url: string, dir: string, ...args: string[]) => spawnSync(process.execPath, [BIN, ...args], {
  encoding: 'utf8', env: { ...process.env, NETCARE_DATABASE_URL: url, NETCARE_DATA_DIR: dir }, timeout: 120_000,
});

/** Intake plus one workflow step, so tickets, events, clocks, outbox, KPI rows and audit all change. */
async function someWork(t: TestApp, n: number, tag: string): Promise<number[]> {
  const ids: number[] = [];
  for (let i = 0; i < n; i++) {
    const r = await t.as('agent', { method: 'POST', url: '/api/v1/tickets', payload: intake({ customer: { msisdn: `1390000${tag}${String(i).padStart(3, '0')}`.slice(0, 11), name: `客户${tag}${i}` } }) });
    assert.equal(r.statusCode, 201, r.body);
    ids.push(r.json().id);
    const d = await t.as('agent', { method: 'POST', url: `/api/v1/tickets/${r.json().id}/events`, payload: { type: 'dispatched' } });
    assert.equal(d.statusCode, 201, d.body);
  }
  await t.as('admin', { method: 'PUT', url: `/api/v1/regions/r${tag}`, payload: { name: `Region ${tag}`, parent: 'zj' } });
  return ids;
}

describe('backup and restore [sqlite]: netcare backup FILE / restore FILE', () => {
  let dir: string;
  let dbPath: string;
  let url: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'netcare-backup-'));
    dbPath = join(dir, 'netcare.db');
    url = `sqlite:${dbPath}`;
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('backs up online, restores over later changes, and the restored database equals the original table by table', async (tc) => {
    const { migrate } = await import('../../src/db/migrate.ts');
    let db = openDb(url);
    await migrate(db);
    let t = await testApp(db);
    await someWork(t, 12, '1');
    const original = summariseTables(sqliteHandle(db)!);
    const file = join(dir, 'nightly.db');

    const b = cli(url, dir, 'backup', file);
    assert.equal(b.status, 0, b.stderr + b.stdout);
    assert.match(b.stderr, /backup: [\d,]+ \/ [\d,]+ pages \(100%\)/);
    assert.match(b.stdout, /backup written to .*nightly\.db/);
    assert.match(b.stdout, /ticket 12/);
    assert.match(b.stdout, /keys are not in the backup/);
    assert.deepEqual(inspectBackup(file).tables, original, 'the backup holds exactly what the database held');
    assert.ok(!existsSync(`${file}.partial`));
    await assert.rejects(backupSqlite(sqliteHandle(db)!, file), /exists already/, 'a backup is never overwritten');

    // the server keeps working after the backup; these changes must vanish with the restore
    await someWork(t, 5, '2');
    const changed = summariseTables(sqliteHandle(db)!);
    assert.notDeepEqual(changed, original);

    await assert.rejects(restoreSqlite(dbPath, file), /in use.*stop it/, 'refused while the database is open');
    assert.deepEqual(summariseTables(sqliteHandle(db)!), changed, 'a refused restore changes nothing');

    await t.close();
    await db.close();
    const r = cli(url, dir, 'restore', file);
    assert.equal(r.status, 0, r.stderr + r.stdout);
    assert.match(r.stdout, /restored .*nightly\.db/);
    assert.match(r.stdout, /kept as .*before-restore-/);
    assert.ok(!existsSync(`${dbPath}-wal`) || !existsSync(`${dbPath}.restoring`));

    db = openDb(url);
    const restored = summariseTables(sqliteHandle(db)!);
    report(tc, 'backup [sqlite]', {
      tables: restored.length, rows: restored.reduce((n, x) => n + x.rows, 0),
      tablesEqualAfterRestore: restored.filter((x, i) => original[i] && x.table === original[i].table && x.rows === original[i].rows && x.checksum === original[i].checksum).length,
      tablesChangedAfterBackup: changed.filter((x, i) => !original[i] || x.checksum !== original[i].checksum).length,
    });
    assert.deepEqual(restored, original, 'every table: same rows, same checksum');
    // and it runs: sign in, read a ticket with its history, append to the audit chain, verify it
    t = await testApp(db);
    const list = await t.as('noc', { method: 'GET', url: '/api/v1/tickets?limit=200' });
    assert.equal(list.json().items.length, 12);
    const one = await t.as('noc', { method: 'GET', url: `/api/v1/tickets/${list.json().items[0].id}` });
    assert.ok(one.json().events.some((e: any) => e.type === 'dispatched'));
    await someWork(t, 1, '3');
    assert.equal((await verifyAuditChain(db.kysely)).brokenAt, null);
    await t.close();
    await db.close();
  });

  it('refuses files that are not netcare databases, and leaves the database alone', async (tc) => {
    const before = (() => { const h = new SQLite(dbPath, { readonly: true }); try { return summariseTables(h); } finally { h.close(); } })();
    const text = join(dir, 'notes.txt');
    writeFileSync(text, 'not a database at all\n'.repeat(100));
    const other = join(dir, 'other.db');
    const h = new SQLite(other);
    h.exec('create table things (id integer primary key, name text)');
    h.close();
    const newer = join(dir, 'newer.db');
    const src = new SQLite(dbPath, { readonly: true });
    await src.backup(newer);
    src.close();
    const n = new SQLite(newer);
    n.prepare('insert into schema_migration (name, applied_at) values (?, ?)').run('9999-from-the-future', Date.now());
    n.close();
    let refused = 0;
    for (const [file, why] of [[text, /not a SQLite database|cannot be opened/], [other, /not a netcare database/], [newer, /newer netcare/], [join(dir, 'missing.db'), /does not exist/]] as const) {
      await assert.rejects(restoreSqlite(dbPath, file), (e: Error) => e instanceof BackupError && why.test(e.message), file);
      refused++;
    }
    const r = cli(url, dir, 'restore', other);
    assert.equal(r.status, 1, 'the command exits 1 with the reason');
    assert.match(r.stderr, /not a netcare database/);
    const after = (() => { const h2 = new SQLite(dbPath, { readonly: true }); try { return summariseTables(h2); } finally { h2.close(); } })();
    report(tc, 'backup refusals [sqlite]', { filesRefused: refused + 1, tablesUnchanged: after.filter((x, i) => before[i] && x.checksum === before[i].checksum).length });
    assert.deepEqual(after, before);
  });

  it('takes a consistent backup while intake keeps writing', async (tc) => {
    const db = openDb(url);
    const t = await testApp(db);
    const file = join(dir, 'busy.db');
    let writing = true;
    const writer = (async () => {
      let n = 0;
      while (writing) { await someWork(t, 1, `9${n % 10}`); n++; }
      return n;
    })();
    const child = spawn(process.execPath, [BIN, 'backup', file], { env: { ...process.env, NETCARE_DATABASE_URL: url, NETCARE_DATA_DIR: dir }, stdio: 'ignore' });
    const code = await new Promise<number | null>((res) => child.on('exit', res));
    writing = false;
    const written = await writer;
    assert.equal(code, 0);
    assert.ok(written > 0);
    const copy = new SQLite(file, { readonly: true });
    try {
      // a snapshot: every ticket in it has its created event and its commitment clock
      const orphans = copy.prepare(`select count(*) from ticket t where not exists (select 1 from ticket_event e where e.ticket_id = t.id and e.type = 'created')
        or not exists (select 1 from ticket_clock c where c.ticket_id = t.id and c.clock = 'commitment')`).pluck().get();
      report(tc, 'backup under load [sqlite]', { ticketsWrittenWhileBackupRan: written, ticketsInBackup: copy.prepare('select count(*) from ticket').pluck().get() as number, orphans: orphans as number });
      assert.equal(orphans, 0);
    } finally {
      copy.close();
    }
    await t.close();
    await db.close();
  });
});

const pgAvailable = !!process.env.NETCARE_TEST_PG_URL && existsSync(join(PG_BIN, 'pg_dump'));

describe('backup and restore [postgres]: the documented pg_dump / pg_restore commands', { skip: !pgAvailable && 'needs NETCARE_TEST_PG_URL and pg_dump' }, () => {
  let handle: Awaited<ReturnType<typeof freshDb>>;
  let dir: string;
  before(async () => { handle = await freshDb('postgres'); dir = mkdtempSync(join(tmpdir(), 'netcare-pgbackup-')); });
  after(async () => { await handle.drop(); rmSync(dir, { recursive: true, force: true }); });

  /** row count and md5 over the rows' text, per table */
  async function summary(url: string) {
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    try {
      const tables = (await c.query(`select tablename from pg_tables where schemaname = 'public' order by tablename`)).rows.map((r) => r.tablename as string);
      const out: Record<string, string> = {};
      for (const tb of tables) {
        const r = await c.query(`select count(*)::int as n, md5(coalesce(string_agg(t::text, E'\\n' order by t::text), '')) as h from "${tb}" t`);
        out[tb] = `${r.rows[0].n}:${r.rows[0].h}`;
      }
      return out;
    } finally {
      await c.end();
    }
  }

  it('prints the commands; following them restores the database as it was', async (tc) => {
    const t = await testApp(handle.db);
    await someWork(t, 6, '5');
    const file = join(dir, 'netcare.dump');
    const b = cli(handle.url, dir, 'backup', file);
    assert.equal(b.status, 2, 'nothing was backed up by netcare itself');
    const dump = /back up.*?:\s+(pg_dump .*)$/m.exec(b.stderr)?.[1];
    const check = /check the file:\s+(pg_restore --list .*)$/m.exec(b.stderr)?.[1];
    assert.ok(dump && check, b.stderr);
    const sh = (cmd: string) => spawnSync('bash', ['-c', cmd], { encoding: 'utf8', env: { ...process.env, PATH: `${PG_BIN}:${process.env.PATH}` } });
    const original = await summary(handle.url);
    assert.equal(sh(dump).status, 0);
    assert.equal(sh(check).status, 0);

    await someWork(t, 3, '6');
    assert.notDeepEqual(await summary(handle.url), original);
    await t.close();
    await handle.db.close();

    const r = cli(handle.url, dir, 'restore', file);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /stop every netcare server/);
    const restore = /restore:\s+(pg_restore .*)$/m.exec(r.stderr)?.[1];
    assert.ok(restore, r.stderr);
    const done = sh(restore);
    assert.equal(done.status, 0, done.stderr);
    const back = await summary(handle.url);
    report(tc, 'backup [postgres]', {
      tables: Object.keys(back).length, rows: Object.values(back).reduce((n, v) => n + Number(v.split(':')[0]), 0),
      tablesEqualAfterRestore: Object.keys(original).filter((k) => back[k] === original[k]).length,
    });
    assert.deepEqual(back, original);
  });
});
