import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { openDb, sqliteHandle, walSync } from '../../src/db/connect.ts';
import { WalSync } from '../../src/db/wal-sync.ts';

// SQLite only: PostgreSQL flushes its own WAL inside COMMIT.

async function scratchDb() {
  const dir = mkdtempSync(join(tmpdir(), 'netcare-durable-'));
  const db = openDb(`sqlite:${join(dir, 'db.sqlite')}`);
  await sql`create table t (id integer primary key, v text not null)`.execute(db.kysely);
  return { db, wal: walSync(db)!, done: async () => { await db.close(); rmSync(dir, { recursive: true, force: true }); } };
}

test('SQLite leaves the flush to netcare: synchronous=NORMAL on a file, FULL in memory', async () => {
  const { db, done } = await scratchDb();
  assert.equal(sqliteHandle(db)!.pragma('synchronous', { simple: true }), 1);
  await done();
  const mem = openDb('sqlite::memory:');
  assert.equal(sqliteHandle(mem)!.pragma('synchronous', { simple: true }), 2);
  assert.equal(walSync(mem), null);
  await mem.close();
});

test('a sync asked for while a flush runs waits for the next flush; the callers of one wait share it', async () => {
  const { wal, done } = await scratchDb();
  const before = wal.flushes;
  const first = wal.sync();
  const later = Array.from({ length: 9 }, () => wal.sync());
  let firstSeen = -1;
  await first.then(() => { firstSeen = wal.flushes; });
  await Promise.all(later);
  assert.equal(firstSeen - before, 1, 'the first caller waits for the flush it started');
  assert.equal(wal.flushes - before, 2, 'the nine callers that came during it share one more flush');
  await done();
});

test('every kind of write is acknowledged only after a WAL flush that followed it', async () => {
  const { db, wal, done } = await scratchDb();
  const k = db.kysely;
  let n = wal.flushes;
  const flushedSince = () => { const d = wal.flushes - n; n = wal.flushes; return d; };

  await sql`insert into t (v) values ('autocommit')`.execute(k);
  assert.ok(flushedSince() >= 1, 'a write outside a transaction');

  await k.transaction().execute(async (trx) => { await sql`insert into t (v) values ('kysely transaction')`.execute(trx); });
  assert.ok(flushedSince() >= 1, 'Kysely transaction');

  // group commit: each promise resolves after a flush that started after its batch committed
  const order: string[] = [];
  const writes = Array.from({ length: 40 }, (_, i) => db.write(async (q) => {
    await sql`insert into t (v) values (${`group ${i}`})`.execute(q);
    return i;
  }).then((i) => { order.push(`ack ${i} after ${wal.flushes - n} flushes`); return i; }));
  assert.deepEqual(await Promise.all(writes), Array.from({ length: 40 }, (_, i) => i));
  const flushes = flushedSince();
  assert.ok(flushes >= 1 && flushes < 40, `40 grouped writes took ${flushes} flushes`);
  assert.ok(order.every((o) => !o.endsWith(' 0 flushes')), 'no write acknowledged before a flush');

  // a failing write in a batch rolls back alone, the others still commit and flush
  const bad = db.write(async (q) => { await sql`insert into t (v) values (null)`.execute(q); });
  const good = db.write(async (q) => { await sql`insert into t (v) values ('after a failure')`.execute(q); });
  await assert.rejects(bad, /NOT NULL/);
  await good;
  assert.ok(flushedSince() >= 1);

  const rows = await sql<{ c: number }>`select count(*) as c from t`.execute(k);
  assert.equal(rows.rows[0].c, 43);
  await done();
});

test('a replaced WAL file is reopened, not flushed through a stale descriptor', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'netcare-durable-'));
  const path = join(dir, 'db.sqlite');
  const wal = new WalSync(path);
  const first = openDb(`sqlite:${path}`);
  await sql`create table t (id integer primary key)`.execute(first.kysely);
  await wal.sync();
  const firstInode = wal.inode;
  assert.equal(firstInode, statSync(`${path}-wal`).ino);
  await first.close(); // the last connection removes the WAL file
  const again = openDb(`sqlite:${path}`);
  await sql`insert into t default values`.execute(again.kysely);
  await wal.sync();
  assert.notEqual(wal.inode, firstInode);
  assert.equal(wal.inode, statSync(`${path}-wal`).ino);
  wal.close();
  await again.close();
  // no WAL file at all: the flush fails (and so does the write waiting for it) instead of flushing nothing
  await assert.rejects(new WalSync(join(dir, 'none.sqlite')).sync(), /ENOENT/);
  rmSync(dir, { recursive: true, force: true });
});
