import { it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { eachEngine } from '../helpers/engines.ts';
import { testApp, TEST_PASSWORD, type TestApp } from '../helpers/app.ts';
import { verifyAuditChain } from '../../src/audit/repository.ts';

eachEngine('foundation: sign-in, access, organisation, audit', (ctx) => {
  let t: TestApp;
  before(async () => { t = await testApp(ctx.db); });
  after(async () => { await t.close(); });

  it('answers /healthz while the database is reachable', async () => {
    const r = await t.app.inject({ method: 'GET', url: '/healthz' });
    assert.equal(r.statusCode, 200);
    assert.equal(r.json().database, ctx.engine);
  });

  it('signs in with a token and an HttpOnly SameSite cookie, and refuses a wrong password', async () => {
    const ok = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'noc', password: TEST_PASSWORD } });
    assert.equal(ok.statusCode, 200);
    assert.match(ok.json().token, /^ncs_/);
    const cookie = String(ok.headers['set-cookie']);
    assert.match(cookie, /HttpOnly/);
    assert.match(cookie, /SameSite=Strict/);
    const bad = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'noc', password: 'nope-nope' } });
    assert.equal(bad.statusCode, 401);
    assert.equal(bad.json().code, 'bad_credentials');
  });

  it('locks an account after five failures in a row, even for the right password', async () => {
    for (let i = 0; i < 5; i++) {
      const r = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', remoteAddress: `10.0.0.${i}`, payload: { username: 'agent.nb', password: 'wrong-password' } });
      assert.equal(r.statusCode, 401);
    }
    const r = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', remoteAddress: '10.0.1.1', payload: { username: 'agent.nb', password: TEST_PASSWORD } });
    assert.equal(r.statusCode, 423);
    t.clock.advance(16 * 60 * 1000);
    const later = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', remoteAddress: '10.0.1.1', payload: { username: 'agent.nb', password: TEST_PASSWORD } });
    assert.equal(later.statusCode, 200);
  });

  it('requires the CSRF header for cookie-authenticated changes but not for bearer tokens', async () => {
    const login = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'admin', password: TEST_PASSWORD } });
    const cookie = { netcare_session: login.json().token };
    const body = { name: 'Lishui', parent: 'zj' };
    const noHeader = await t.app.inject({ method: 'PUT', url: '/api/v1/regions/ls', cookies: cookie, payload: body });
    assert.equal(noHeader.statusCode, 403);
    assert.equal(noHeader.json().details.reason, 'csrf');
    const withHeader = await t.app.inject({ method: 'PUT', url: '/api/v1/regions/ls', cookies: cookie, headers: { 'x-requested-with': 'netcare' }, payload: body });
    assert.equal(withHeader.statusCode, 201);
    const me = await t.app.inject({ method: 'GET', url: '/api/v1/auth/me', cookies: cookie });
    assert.equal(me.json().user.username, 'admin');
    assert.equal(me.json().abilities.admin, true);
  });

  it('refuses anonymous calls with 401 and the wrong role with 403', async () => {
    assert.equal((await t.as(null, { method: 'GET', url: '/api/v1/users' })).statusCode, 401);
    const r = await t.as('agent', { method: 'PUT', url: '/api/v1/regions/x1', payload: { name: 'X' } });
    assert.equal(r.statusCode, 403);
    assert.equal(r.json().code, 'role_not_allowed');
  });

  it('scopes records to the caller region: a city user gets 404 for another city', async () => {
    const own = await t.as('noc', { method: 'GET', url: '/api/v1/departments/hz-noc' });
    assert.equal(own.statusCode, 200);
    const other = await t.as('noc', { method: 'GET', url: '/api/v1/departments/nb-noc' });
    assert.equal(other.statusCode, 404);
    const list = await t.as('noc', { method: 'GET', url: '/api/v1/departments?limit=500' });
    assert.ok(list.json().items.length > 0);
    assert.ok(list.json().items.every((d: any) => d.regionId === 'hz'));
    const province = await t.as('province', { method: 'GET', url: '/api/v1/departments/nb-noc' });
    assert.equal(province.statusCode, 200);
    const regionOther = await t.as('supervisor', { method: 'GET', url: '/api/v1/regions/nb' });
    assert.equal(regionOther.statusCode, 404);
    const users = await t.as('supervisor', { method: 'GET', url: '/api/v1/users?limit=500' });
    assert.ok(users.json().items.every((u: any) => u.regionId === 'hz'));
  });

  it('creates and updates departments and users, validating references', async () => {
    const d = await t.as('admin', { method: 'PUT', url: '/api/v1/departments/hz-maint2', payload: { name: '杭州维护二部', kind: 'maintenance', region: 'hz' } });
    assert.equal(d.statusCode, 201);
    const d2 = await t.as('admin', { method: 'PUT', url: '/api/v1/departments/hz-maint2', payload: { name: '杭州维护2部', kind: 'maintenance', region: 'hz' } });
    assert.equal(d2.statusCode, 200);
    assert.equal(d2.json().name, '杭州维护2部');
    const badKind = await t.as('admin', { method: 'PUT', url: '/api/v1/departments/x', payload: { name: 'x', kind: 'sales', region: 'hz' } });
    assert.equal(badKind.statusCode, 400);
    const badRegion = await t.as('admin', { method: 'PUT', url: '/api/v1/departments/x', payload: { name: 'x', kind: 'noc', region: 'nowhere' } });
    assert.equal(badRegion.statusCode, 400);
    assert.match(badRegion.json().message, /nowhere/);
    const noPw = await t.as('admin', { method: 'PUT', url: '/api/v1/users/newbie', payload: { role: 'agent', region: 'hz' } });
    assert.equal(noPw.statusCode, 400);
    const wrongDept = await t.as('admin', { method: 'PUT', url: '/api/v1/users/newbie', payload: { password: 'long-enough-1', role: 'handler', region: 'hz', department: 'nb-maintenance' } });
    assert.equal(wrongDept.statusCode, 400);
    const u = await t.as('admin', { method: 'PUT', url: '/api/v1/users/newbie', payload: { password: 'long-enough-1', role: 'handler', region: 'hz', department: 'hz-maint2' } });
    assert.equal(u.statusCode, 201);
    const login = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'newbie', password: 'long-enough-1' } });
    assert.equal(login.statusCode, 200);
    const none = await t.as('admin', { method: 'GET', url: '/api/v1/users/nobody' });
    assert.equal(none.statusCode, 404);
  });

  it('refuses a region cycle', async () => {
    await t.as('admin', { method: 'PUT', url: '/api/v1/regions/d1', payload: { name: 'District 1', parent: 'hz' } });
    const cyc = await t.as('admin', { method: 'PUT', url: '/api/v1/regions/hz', payload: { name: '杭州市', parent: 'd1' } });
    assert.equal(cyc.statusCode, 400);
    assert.match(cyc.json().message, /cycle/);
  });

  it('issues API keys shown once, usable as bearer, scoped to their region, revocable', async () => {
    const r = await t.as('admin', { method: 'POST', url: '/api/v1/api-keys', payload: { name: 'crm', role: 'api', region: 'nb' } });
    assert.equal(r.statusCode, 201);
    const key = r.json().key as string;
    assert.match(key, /^nck_/);
    const list = await t.as('admin', { method: 'GET', url: '/api/v1/api-keys' });
    assert.ok(!JSON.stringify(list.json()).includes(key));
    const use = await t.app.inject({ method: 'GET', url: '/api/v1/departments/nb-noc', headers: { authorization: `Bearer ${key}` } });
    assert.equal(use.statusCode, 200);
    const outside = await t.app.inject({ method: 'GET', url: '/api/v1/departments/hz-noc', headers: { authorization: `Bearer ${key}` } });
    assert.equal(outside.statusCode, 404);
    const del = await t.as('admin', { method: 'DELETE', url: `/api/v1/api-keys/${r.json().id}` });
    assert.equal(del.statusCode, 204);
    const after = await t.app.inject({ method: 'GET', url: '/api/v1/departments/nb-noc', headers: { authorization: `Bearer ${key}` } });
    assert.equal(after.statusCode, 401);
  });

  it('answers bad input with a 4xx and a reason: unknown fields, wrong types, malformed JSON, oversize bodies', async () => {
    const unknown = await t.as('admin', { method: 'PUT', url: '/api/v1/regions/q1', payload: { name: 'Q', colour: 'red' } });
    assert.equal(unknown.statusCode, 400);
    assert.match(unknown.json().message, /colour/);
    const wrongType = await t.as('admin', { method: 'PUT', url: '/api/v1/regions/q1', payload: { name: 42 } });
    assert.equal(wrongType.statusCode, 400);
    const malformed = await t.as('admin', { method: 'PUT', url: '/api/v1/regions/q1', headers: { 'content-type': 'application/json' }, payload: '{"name":' });
    assert.equal(malformed.statusCode, 400);
    assert.equal(malformed.json().code, 'malformed_json');
    const huge = await t.as('admin', { method: 'PUT', url: '/api/v1/regions/q1', headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ name: 'x'.repeat(1_100_000) }) });
    assert.equal(huge.statusCode, 413);
    const exists = await t.as('admin', { method: 'GET', url: '/api/v1/regions/q1' });
    assert.equal(exists.statusCode, 404, 'nothing half-written');
  });

  it('records sign-ins, failures and reference changes in an intact hash chain', async () => {
    const r = await t.as('auditor', { method: 'GET', url: '/api/v1/audit?limit=500' });
    assert.equal(r.statusCode, 200);
    const actions = new Set(r.json().items.map((i: any) => i.action));
    for (const a of ['auth.login', 'auth.login_failed', 'region.created', 'department.created', 'department.updated', 'user.created', 'api_key.created', 'api_key.revoked']) assert.ok(actions.has(a), a);
    const failed = r.json().items.find((i: any) => i.action === 'auth.login_failed');
    assert.ok(failed.address);
    const v = await verifyAuditChain(ctx.db.kysely);
    assert.equal(v.brokenAt, null);
    assert.ok(v.checked > 10);
    const forbidden = await t.as('agent', { method: 'GET', url: '/api/v1/audit' });
    assert.equal(forbidden.statusCode, 403);
  });

  it('detects a tampered audit entry', async () => {
    const row = await ctx.db.kysely.selectFrom('auditLog').select('id').orderBy('id').offset(3).limit(1).executeTakeFirstOrThrow();
    await ctx.db.kysely.updateTable('auditLog').set({ actor: 'someone-else' }).where('id', '=', row.id).execute();
    const v = await verifyAuditChain(ctx.db.kysely);
    assert.equal(v.brokenAt, row.id);
  });

  it('declares an access rule for every API route', () => {
    const api = t.app.routeTable.filter((r) => r.url.startsWith('/api/'));
    assert.ok(api.length >= 10);
    assert.ok(api.every((r) => r.access === 'public' || r.access.length > 0));
  });
});
