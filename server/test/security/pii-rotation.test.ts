import { it, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { sql } from 'kysely';
import type { FastifyInstance } from 'fastify';
import { eachEngine, freshDb } from '../helpers/engines.ts';
import { testApp, type TestApp } from '../helpers/app.ts';
import { intake } from '../helpers/factories.ts';
import { buildApp } from '../../src/app.ts';
import { DEFAULT_SECURITY } from '../../src/security/settings.ts';
import { keyFilePath, loadKeyRing, readKeyFile } from '../../src/security/key-ring.ts';
import { rotatePiiKeys } from '../../src/security/pii-rotation.ts';
import { countByKey } from '../../src/security/reencrypt.ts';
import { ENCRYPTED_TABLES } from '../../src/security/encrypted-columns.ts';
import { report } from '../reliability/figures.ts';

const BIN = resolve(import.meta.dirname, '../../../bin/netcare.mjs');

eachEngine('personal data: key rotation (netcare pii rotate)', (ctx) => {
  let t: TestApp;
  let dir: string;
  let app: FastifyInstance;
  let token: string;
  const phones = new Map<number, string>();

  before(async () => {
    t = await testApp(ctx.db);
    dir = mkdtempSync(join(tmpdir(), 'netcare-rotate-'));
    // a running server: its key ring follows the key file in the data folder
    app = await buildApp({ ...t.deps, pii: loadKeyRing({}, dir) }, { console: false, security: { ...DEFAULT_SECURITY, rateLimit: { user: null, address: null, login: null } } });
    await app.ready();
    token = await t.token('agent');
    for (let i = 0; i < 40; i++) await intakeOne(i);
  });
  after(async () => { await app.close(); await t.close(); rmSync(dir, { recursive: true, force: true }); });

  const auth = () => ({ authorization: `Bearer ${token}` });
  async function intakeOne(i: number): Promise<number> {
    const msisdn = `1361234${String(i).padStart(4, '0')}`;
    const r = await app.inject({ method: 'POST', url: '/api/v1/tickets', headers: auth(), payload: intake({ customer: { msisdn, ...(i % 2 ? { name: `客户${i}` } : {}) } }) });
    assert.equal(r.statusCode, 201, r.body);
    phones.set(r.json().id, msisdn);
    return r.json().id;
  }
  /** tickets read back and found with their own phone number (counted for the figures) */
  let readBacks = 0;
  /** every ticket still reads back with its own phone number, through the running server */
  async function everyTicketReadable(): Promise<void> {
    for (const [id, msisdn] of phones) {
      const r = await app.inject({ method: 'GET', url: `/api/v1/tickets/${id}`, headers: auth() });
      assert.equal(r.statusCode, 200, `ticket ${id}: ${r.body}`);
      assert.equal(r.json().customer.msisdn, msisdn);
      readBacks++;
    }
  }

  it('knows every encrypted column (a new *_enc column must join the registry)', async (tc) => {
    const cols = ctx.engine === 'sqlite'
      ? (await sql<{ t: string; c: string }>`select m.name as t, p.name as c from sqlite_master m, pragma_table_info(m.name) p where m.type = 'table'`.execute(ctx.db.kysely)).rows
      : (await sql<{ t: string; c: string }>`select table_name as t, column_name as c from information_schema.columns where table_schema = current_schema()`.execute(ctx.db.kysely)).rows;
    const known = new Set(ENCRYPTED_TABLES.flatMap((e) => e.columns.map((c) => `${e.table}.${c}`)));
    const enc = cols.filter((r) => r.c.endsWith('_enc')).map((r) => `${r.t}.${r.c}`);
    report(tc, `pii columns [${ctx.engine}]`, { encryptedColumns: enc.length, known: enc.filter((c) => known.has(c)).length });
    assert.ok(enc.length >= 3);
    for (const c of enc) assert.ok(known.has(c), `${c} holds ciphertext but key rotation does not know it (security/encrypted-columns.ts)`);
  });

  it('adds a new current key and re-encrypts every value in batches while the server keeps taking tickets', async (tc) => {
    const ticketsBefore = phones.size;
    readBacks = 0;
    const before = await countByKey(ctx.db, ['k1', 'k2']);
    assert.ok(before.k1 >= 60, `values under k1: ${before.k1}`);
    const progress: [number, number][] = [];
    const said: string[] = [];
    let writing = true;
    const during = (async () => { let n = 40; while (writing) { await intakeOne(n++); await everyTicketReadable().catch((e) => { writing = false; throw e; }); } })();
    const code = await rotatePiiKeys(ctx.db, {}, dir, { say: (m) => said.push(m), progress: (d, tot) => progress.push([d, tot]), graceMs: 1100, batch: 10 });
    writing = false;
    await during;
    assert.equal(code, 0, said.join('\n'));
    assert.match(said.join('\n'), /New key k2 is current/);
    assert.match(said.join('\n'), /Rotation finished: \d+ values re-encrypted under k2/);
    assert.ok(progress.some(([d, tot]) => tot >= 60 && d === tot), 'progress reached the total');
    assert.ok(progress.filter(([d, tot]) => d > 0 && d < tot).length >= 2, `in several batches: ${JSON.stringify(progress)}`);

    const after = await countByKey(ctx.db, ['k1', 'k2']);
    report(tc, `pii rotation [${ctx.engine}]`, {
      valuesUnderOldKeyBefore: before.k1, valuesUnderOldKeyAfter: after.k1, valuesUnderNewKey: after.k2, batches: progress.filter(([d]) => d > 0).length,
      ticketsTakenDuringRotation: phones.size - ticketsBefore, ticketReadsDuringRotation: readBacks,
    });
    assert.equal(after.k1, 0, 'nothing is left under the old key');
    assert.ok(after.k2 > before.k1);
    const file = readKeyFile(keyFilePath(dir));
    assert.deepEqual(Object.keys(file.keys), ['k2'], 'the old key left the active key file');
    assert.equal(file.current, 'k2');
    assert.equal(file.rotation, undefined);
    const retired = readdirSync(dir).filter((f) => f.startsWith('pii-keys.retired-'));
    assert.equal(retired.length, 1);
    assert.deepEqual(Object.keys(readKeyFile(join(dir, retired[0])).keys), ['k1']);
    await everyTicketReadable();
    const found = await app.inject({ method: 'GET', url: `/api/v1/tickets?q=${phones.get([...phones.keys()][3])}`, headers: auth() });
    assert.equal(found.json().items.length, 1, 'the blind index is unchanged: search still works');
    const audit = await ctx.db.kysely.selectFrom('auditLog').selectAll().where('action', '=', 'pii.keys_rotated').execute();
    assert.equal(audit.length, 1);
    assert.deepEqual(JSON.parse(audit[0].details!).from, ['k1']);
  });

  it('resumes a rotation cut short instead of adding another key; until it ends both keys decrypt', async () => {
    let calls = 0;
    await assert.rejects(rotatePiiKeys(ctx.db, {}, dir, {
      say: () => {}, graceMs: 0, batch: 10,
      progress: (done) => { if (done > 0 && ++calls >= 1) throw new Error('killed mid-rotation'); },
    }), /killed mid-rotation/);
    const mid = readKeyFile(keyFilePath(dir));
    assert.equal(mid.current, 'k3');
    assert.deepEqual(mid.rotation?.from, ['k2']);
    const counts = await countByKey(ctx.db, ['k2', 'k3']);
    assert.ok(counts.k2 > 0 && counts.k3 > 0, `half done: ${JSON.stringify(counts)}`);
    await everyTicketReadable();
    const said: string[] = [];
    assert.equal(await rotatePiiKeys(ctx.db, {}, dir, { say: (m) => said.push(m), progress: () => {}, graceMs: 0 }), 0);
    assert.match(said[0], /Resuming the rotation to k3/);
    assert.deepEqual(await countByKey(ctx.db, ['k2', 'k3', 'k4']), { k2: 0, k3: counts.k2 + counts.k3, k4: 0 });
    assert.deepEqual(Object.keys(readKeyFile(keyFilePath(dir)).keys), ['k3']);
    await everyTicketReadable();
  });

  it('with NETCARE_PII_KEYS: says how to add a key, then re-encrypts under the last one', async () => {
    const f = readKeyFile(keyFilePath(dir));
    const env = { NETCARE_PII_KEYS: `k3:${f.keys.k3}`, NETCARE_PII_INDEX_KEY: f.indexKey };
    const said: string[] = [];
    assert.equal(await rotatePiiKeys(ctx.db, env, dir, { say: (m) => said.push(m), progress: () => {} }), 2);
    const line = said.find((s) => s.includes('append'))!;
    const added = /",(k4:[A-Za-z0-9+/=]+)"/.exec(line)![1];
    const env2 = { ...env, NETCARE_PII_KEYS: `${env.NETCARE_PII_KEYS},${added}` };
    assert.equal(await rotatePiiKeys(ctx.db, env2, dir, { say: () => {}, progress: () => {} }), 0);
    const c = await countByKey(ctx.db, ['k3', 'k4']);
    assert.equal(c.k3, 0);
    assert.ok(c.k4 > 0);
  });
});

describe('personal data: `netcare pii rotate` [sqlite]', () => {
  it('rotates from the command line with a progress line', async () => {
    const h = await freshDb('sqlite');
    const dir = mkdtempSync(join(tmpdir(), 'netcare-rotate-cli-'));
    try {
      const t = await testApp(h.db);
      const app = await buildApp({ ...t.deps, pii: loadKeyRing({}, dir) }, { console: false });
      const token = await t.token('agent');
      for (let i = 0; i < 7; i++) {
        const r = await app.inject({ method: 'POST', url: '/api/v1/tickets', headers: { authorization: `Bearer ${token}` }, payload: intake({ customer: { msisdn: `1351234000${i}`, name: `客户${i}` } }) });
        assert.equal(r.statusCode, 201);
      }
      await app.close();
      await t.close();
      const env = { ...process.env, NETCARE_DATABASE_URL: h.url, NETCARE_DATA_DIR: dir };
      const r = spawnSync(process.execPath, [BIN, 'pii', 'rotate'], { encoding: 'utf8', env, timeout: 120_000 });
      assert.equal(r.status, 0, r.stderr + r.stdout);
      assert.match(r.stderr, /re-encrypting: 14 \/ 14 values \(100%\)/);
      assert.match(r.stdout, /Rotation finished: 14 values re-encrypted under k2/);
      assert.deepEqual(await countByKey(h.db, ['k1', 'k2']), { k1: 0, k2: 14 });
    } finally {
      await h.drop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
