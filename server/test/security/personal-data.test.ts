import { it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import type { FastifyInstance, InjectOptions } from 'fastify';
import { eachEngine } from '../helpers/engines.ts';
import { testApp, TEST_PASSWORD, type TestApp } from '../helpers/app.ts';
import { intake } from '../helpers/factories.ts';
import { buildApp } from '../../src/app.ts';
import { DEFAULT_SECURITY } from '../../src/security/settings.ts';
import { loadKeyRing } from '../../src/security/key-ring.ts';
import { redactUrl } from '../../src/security/log-redaction.ts';
import { erasePersonalData, retentionLoop, RETENTION_ACTION } from '../../src/security/retention.ts';
import { ERASED } from '../../src/security/erasure.ts';
import { verifyAuditChain } from '../../src/audit/repository.ts';
import type { Deps } from '../../src/http/deps.ts';
import { report } from '../reliability/figures.ts';

const PHONE = '13987654321';
const NAME = '欧阳秘密';

/** every row of every table as text: a clear phone number or name must appear nowhere */
async function dumpAll(t: TestApp): Promise<{ text: string; tables: number; rows: number }> {
  const db = t.deps.db;
  const names = db.engine === 'sqlite'
    ? (await sql<{ name: string }>`select name from sqlite_master where type = 'table' and name not like 'sqlite_%'`.execute(db.kysely)).rows
    : (await sql<{ name: string }>`select tablename as name from pg_tables where schemaname = current_schema()`.execute(db.kysely)).rows;
  let text = '';
  let rows = 0;
  for (const { name } of names) {
    const r = (await sql`select * from ${sql.table(name)}`.execute(db.kysely)).rows;
    rows += r.length;
    text += JSON.stringify(r);
  }
  return { text, tables: names.length, rows };
}

eachEngine('personal data: encrypted at rest, blind index, masking per role, logs, retention', (ctx) => {
  let t: TestApp;
  let dir: string;
  let deps: Deps;
  let app: FastifyInstance;
  const logs: string[] = [];
  let ticketId: number;
  let apiKey: string;

  before(async () => {
    t = await testApp(ctx.db);
    dir = mkdtempSync(join(tmpdir(), 'netcare-pii-'));
    // the server's key ring (reads the retention marker) over a key file, and a logger writing here
    deps = { ...t.deps, pii: loadKeyRing({}, dir) };
    const stream = new Writable({ write(chunk, _enc, cb) { logs.push(chunk.toString()); cb(); } });
    app = await buildApp(deps, { console: false, security: DEFAULT_SECURITY, logger: { level: 'trace', stream } });
    await app.ready();
    const k = await t.as('admin', { method: 'POST', url: '/api/v1/api-keys', payload: { name: 'crm', role: 'api', region: 'hz' } });
    apiKey = k.json().key;
  });
  after(async () => { await app.close(); await t.close(); rmSync(dir, { recursive: true, force: true }); });

  const tokens = new Map<string, string>();
  const tokenOf = async (username: string, fresh = false) => {
    if (fresh || !tokens.has(username)) {
      const r = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username, password: TEST_PASSWORD } });
      tokens.set(username, r.json().token);
    }
    return tokens.get(username)!;
  };
  /** a request as a demo user (or the API key, or anonymous); signs in again when the moved clock ended the session */
  const as = async (username: string | null, o: InjectOptions) => {
    const send = async (fresh: boolean) => {
      const headers: Record<string, string> = { ...(o.headers as Record<string, string> | undefined) };
      if (username === 'api') headers.authorization = `Bearer ${apiKey}`;
      else if (username) headers.authorization = `Bearer ${await tokenOf(username, fresh)}`;
      return app.inject({ ...o, headers });
    };
    const r = await send(false);
    return r.statusCode === 401 && username && username !== 'api' ? send(true) : r;
  };

  it('stores phone number and name encrypted (AES-256-GCM with a key id) and indexes the number with an HMAC', async (tc) => {
    const r = await as('agent', { method: 'POST', url: '/api/v1/tickets', headers: { 'idempotency-key': 'pii-1' }, payload: intake({ customer: { msisdn: `+86 ${PHONE}`, name: NAME } }) });
    assert.equal(r.statusCode, 201, r.body);
    ticketId = r.json().id;
    const raw = await ctx.db.kysely.selectFrom('ticket').select(['customerMsisdnEnc', 'customerNameEnc', 'customerKey']).where('id', '=', ticketId).executeTakeFirstOrThrow();
    assert.match(raw.customerMsisdnEnc, /^k1:[A-Za-z0-9_-]{40,}$/);
    assert.match(raw.customerNameEnc!, /^k1:[A-Za-z0-9_-]{20,}$/);
    assert.match(raw.customerKey, /^[0-9a-f]{40}$/);
    // two encryptions of the same number differ (random IV), the blind index does not
    const again = await as('agent', { method: 'POST', url: '/api/v1/tickets', payload: intake({ customer: { msisdn: PHONE } }) });
    const raw2 = await ctx.db.kysely.selectFrom('ticket').select(['customerMsisdnEnc', 'customerKey']).where('id', '=', again.json().id).executeTakeFirstOrThrow();
    assert.notEqual(raw2.customerMsisdnEnc, raw.customerMsisdnEnc);
    assert.equal(raw2.customerKey, raw.customerKey);
    const dump = await dumpAll(t);
    const everything = dump.text;
    report(tc, `pii at rest [${ctx.engine}]`, { tablesSearched: dump.tables, rowsSearched: dump.rows, clearPhoneFound: everything.includes(PHONE), clearNameFound: everything.includes(NAME) });
    assert.ok(!everything.includes(PHONE), 'the phone number is nowhere in clear: no table, no event, no outbox row');
    assert.ok(!everything.includes(NAME), 'the name is nowhere in clear');
    assert.ok(!everything.includes(PHONE.slice(3)), 'not even its last eight digits');
  });

  it('finds tickets by phone number through the blind index, whatever the number\'s spelling', async () => {
    for (const q of [PHONE, `+86${PHONE}`, `0086${PHONE}`, '139-8765-4321']) {
      const r = await as('agent', { method: 'GET', url: `/api/v1/tickets?q=${encodeURIComponent(q)}` });
      assert.equal(r.statusCode, 200, r.body);
      assert.ok(r.json().items.length >= 2, q);
      assert.ok(r.json().items.every((i: any) => i.customer.msisdn === PHONE), q);
    }
    const none = await as('agent', { method: 'GET', url: '/api/v1/tickets?q=13900000000' });
    assert.equal(none.json().items.length, 0);
  });

  it('masks phone number and name for handler, expert and auditor, and only for them, in every answer', async (tc) => {
    let answersChecked = 0;
    let masked = 0;
    const expected: Record<string, boolean> = {
      agent: true, noc: true, supervisor: true, province: true, admin: true, api: true, maint: false, optim: false, build: false, expert: false, auditor: false,
    };
    for (const [user, clear] of Object.entries(expected)) {
      const one = await as(user, { method: 'GET', url: `/api/v1/tickets/${ticketId}` });
      assert.equal(one.statusCode, 200, `${user}: ${one.body}`);
      const list = await as(user, { method: 'GET', url: `/api/v1/tickets?q=${ticketId}` });
      const csv = await as(user, { method: 'GET', url: '/api/v1/tickets/export?format=csv' });
      for (const [where, customer] of [['one', one.json().customer], ['list', list.json().items[0]?.customer]] as const) {
        assert.deepEqual(customer, clear
          ? { msisdn: PHONE, name: NAME, vip: false }
          : { msisdn: '139****4321', name: '欧***', vip: false }, `${user} ${where}`);
        answersChecked++;
        if (!clear) masked++;
      }
      assert.equal(csv.statusCode, 200, `${user} export: ${csv.body}`);
      assert.equal(csv.body.includes(PHONE), clear, `${user} export`);
      if (!clear) assert.ok(csv.body.includes('139****4321') && !csv.body.includes(NAME), `${user} export masked`);
      answersChecked++;
      if (!clear) masked++;
      // nothing in the answer holds the clear number for a masked role
      if (!clear) assert.ok(!one.body.includes(PHONE) && !one.body.includes(NAME), user);
    }
    // TMF621 answers mask the same way, for every role that may read them
    let tmfReaders = 0;
    for (const [user, clear] of Object.entries(expected)) {
      const tmf = await as(user, { method: 'GET', url: `/tmf-api/troubleTicket/v4/troubleTicket/${ticketId}` });
      if (tmf.statusCode === 403) continue;
      assert.equal(tmf.statusCode, 200, `${user}: ${tmf.body}`);
      tmfReaders++;
      assert.equal(tmf.body.includes(PHONE), clear, `${user} TMF621`);
      assert.equal(tmf.body.includes(NAME), clear, `${user} TMF621 name`);
      answersChecked++;
      if (!clear) masked++;
    }
    report(tc, `pii masking [${ctx.engine}]`, { users: Object.keys(expected).length, answersChecked, maskedAnswers: masked, clearAnswers: answersChecked - masked, tmf621Readers: tmfReaders });
    assert.ok(tmfReaders >= 1);
  });

  it('never writes a clear phone number or name to the logs (searches, errors, steps)', async (tc) => {
    logs.length = 0;
    await as('agent', { method: 'POST', url: '/api/v1/tickets', payload: intake({ customer: { msisdn: PHONE, name: NAME } }) });
    await as('agent', { method: 'GET', url: `/api/v1/tickets?q=${PHONE}` });
    await as('agent', { method: 'GET', url: `/api/v1/tickets?q=%2B86${PHONE}` });
    await as('agent', { method: 'GET', url: `/api/v1/users/${PHONE}` });
    await as('agent', { method: 'POST', url: '/api/v1/tickets', payload: intake({ customer: { msisdn: `x${PHONE}`, name: NAME } }) });
    await as('agent', { method: 'POST', url: '/api/v1/tickets', payload: { ...intake(), customer: { msisdn: PHONE, name: NAME, extra: PHONE } } });
    await as('agent', { method: 'POST', url: `/api/v1/tickets/${ticketId}/events`, payload: { type: 'noted', text: `customer ${PHONE} called back` } });
    await as(null, { method: 'POST', url: '/api/v1/auth/login', payload: { username: PHONE, password: 'wrong-wrong' } });
    const text = logs.join('');
    report(tc, `pii logs [${ctx.engine}]`, { logLines: logs.length, logBytes: text.length, clearValuesFound: [PHONE, NAME, PHONE.slice(3)].filter((x) => text.includes(x)).length });
    assert.ok(logs.length >= 8, `logs were captured (${logs.length} lines)`);
    assert.ok(text.includes('139****4321'), 'the masked number shows where the URL had it');
    for (const secret of [PHONE, NAME, PHONE.slice(3)]) assert.ok(!text.includes(secret), `found ${secret} in the logs:\n${text}`);
    assert.equal(redactUrl('/api/v1/tickets/1234567?q=13812345678&limit=50'), '/api/v1/tickets/1234567?q=138****5678&limit=50');
    assert.equal(redactUrl('/api/v1/users/13812345678'), '/api/v1/users/138****5678');
  });

  it('erases personal data of tickets closed longer ago than the retention, keeping every statistic', async (tc) => {
    // three tickets closed at intake now, one still open; the retention runs three years and a day later
    const closed: number[] = [];
    for (let i = 0; i < 3; i++) {
      const r = await as('agent', { method: 'POST', url: '/api/v1/tickets', payload: intake({ customer: { msisdn: `1370000000${i}`, name: `旧客户${i}` }, description: `回电 1370000000${i} 或 0571-8888 7777` }) });
      const id = r.json().id;
      assert.equal((await as('agent', { method: 'POST', url: `/api/v1/tickets/${id}/events`, payload: { type: 'resolved_at_intake', text: '已解释' } })).statusCode, 201);
      assert.equal((await as('agent', { method: 'POST', url: `/api/v1/tickets/${id}/events`, payload: { type: 'closed' } })).statusCode, 201);
      closed.push(id);
    }
    const kpiUrl = '/api/v1/kpis?from=2026-03-01T00:00:00%2B08:00&to=2026-04-01T00:00:00%2B08:00&groupBy=region';
    const loop = retentionLoop(() => 1095);
    t.clock.advance(1094 * 86_400_000);
    const early = await erasePersonalData(deps, 1095);
    assert.equal(early.erased, 0, 'nothing is older than the retention yet');
    t.clock.advance(2 * 86_400_000);
    // (the backlog part of the answer is "as of now": compare at one moment)
    const kpisBefore = (await as('province', { method: 'GET', url: kpiUrl })).json();
    const wait = await loop.tick(deps);
    assert.ok(wait > 0);
    const entries = await ctx.db.kysely.selectFrom('auditLog').selectAll().where('action', '=', RETENTION_ACTION).orderBy('id').execute();
    assert.equal(entries.length, 2, 'one audit entry per run');
    assert.equal(JSON.parse(entries[1].details!).erased, 3);
    assert.equal(JSON.parse(entries[1].details!).retentionDays, 1095);
    assert.equal((await loop.tick(deps)) > 0 && (await ctx.db.kysely.selectFrom('auditLog').select('id').where('action', '=', RETENTION_ACTION).execute()).length, 2, 'it runs once a day');

    const rows = await ctx.db.kysely.selectFrom('ticket').selectAll().where('id', 'in', closed).execute();
    for (const r of rows) {
      assert.equal(r.customerMsisdnEnc, ERASED);
      assert.equal(r.customerNameEnc, ERASED);
      assert.match(r.customerKey, /^erased-[0-9a-f]{32}$/);
      assert.doesNotMatch(r.description, /1370000000|8888/);
      assert.equal(r.status, 'closed');
    }
    assert.equal(new Set(rows.map((r) => r.customerKey)).size, 3, 'erased customers cannot be linked to each other');
    report(tc, `pii retention [${ctx.engine}]`, { closedTickets: closed.length, erased: rows.filter((r) => r.customerMsisdnEnc === ERASED).length, retentionDays: 1095, auditEntries: entries.length });
    const open = await ctx.db.kysely.selectFrom('ticket').select('customerMsisdnEnc').where('id', '=', ticketId).executeTakeFirstOrThrow();
    assert.notEqual(open.customerMsisdnEnc, ERASED, 'open tickets keep their data');

    const shown = await as('agent', { method: 'GET', url: `/api/v1/tickets/${closed[0]}` });
    assert.equal(shown.statusCode, 200, shown.body);
    assert.deepEqual(shown.json().customer, { msisdn: '', name: '', vip: false });
    assert.ok(shown.json().events.some((e: any) => e.type === 'closed'), 'the history stays');
    assert.equal((await as('agent', { method: 'GET', url: '/api/v1/tickets?q=13700000000' })).json().items.length, 0, 'no longer found by phone');
    assert.deepEqual((await as('province', { method: 'GET', url: kpiUrl })).json(), kpisBefore, 'KPIs are unchanged');
    assert.equal((await verifyAuditChain(ctx.db.kysely)).brokenAt, null);
  });
});
