import { it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { eachEngine } from '../helpers/engines.ts';
import { testApp, type TestApp } from '../helpers/app.ts';
import { entryHash, verifyAuditChain } from '../../src/audit/repository.ts';
import { report } from '../reliability/figures.ts';

const BIN = resolve(import.meta.dirname, '../../../bin/netcare.mjs');

eachEngine('audit trail: hash chain, netcare audit verify, the auditor reads it', (ctx) => {
  let t: TestApp;
  let dir: string;
  before(async () => {
    t = await testApp(ctx.db);
    dir = mkdtempSync(join(tmpdir(), 'netcare-audit-'));
    // changes that are audited: sign-ins (good and bad), organisation edits, an API key
    for (const u of ['agent', 'noc', 'auditor']) await t.token(u);
    for (let i = 0; i < 4; i++) await t.as('admin', { method: 'PUT', url: `/api/v1/regions/a${i}`, payload: { name: `Audit ${i}`, parent: 'zj' } });
    await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'noc', password: 'not-the-password' } });
    await t.as('admin', { method: 'POST', url: '/api/v1/api-keys', payload: { name: 'nms', role: 'api', region: 'zj' } });
  });
  after(async () => { await t.close(); rmSync(dir, { recursive: true, force: true }); });

  const verify = () => spawnSync(process.execPath, [BIN, 'audit', 'verify'], {
    encoding: 'utf8', env: { ...process.env, NETCARE_DATABASE_URL: ctx.url, NETCARE_DATA_DIR: dir }, timeout: 120_000,
  });
  const rows = () => ctx.db.kysely.selectFrom('auditLog').selectAll().orderBy('id').execute();

  it('lets the auditor read the trail, newest first and filtered, and nobody below admin or auditor', async () => {
    const r = await t.as('auditor', { method: 'GET', url: '/api/v1/audit?limit=200' });
    assert.equal(r.statusCode, 200, r.body);
    const items = r.json().items;
    assert.ok(items.length >= 8);
    assert.ok(items[0].id > items[items.length - 1].id, 'newest first');
    const actions = new Set(items.map((i: any) => i.action));
    for (const a of ['auth.login', 'auth.login_failed', 'region.created', 'api_key.created']) assert.ok(actions.has(a), `${a} in ${[...actions].join(', ')}`);
    const failed = await t.as('auditor', { method: 'GET', url: '/api/v1/audit?action=auth.login_failed' });
    assert.ok(failed.json().items.length >= 1);
    assert.ok(failed.json().items.every((i: any) => i.action === 'auth.login_failed'));
    for (const who of ['agent', 'noc', 'maint', 'expert', 'supervisor']) {
      assert.equal((await t.as(who, { method: 'GET', url: '/api/v1/audit' })).statusCode, 403, who);
    }
    // the auditor only reads: it cannot change what it audits
    assert.equal((await t.as('auditor', { method: 'PUT', url: '/api/v1/regions/a9', payload: { name: 'X', parent: 'zj' } })).statusCode, 403);
    assert.equal((await t.as('auditor', { method: 'POST', url: '/api/v1/tickets/1/events', payload: { type: 'noted', text: 'x' } })).statusCode, 403);
  });

  it('verifies an intact chain, then reports the first broken link when a row is tampered with (exit 1)', async (tc) => {
    let detected = 0;
    const ok = verify();
    assert.equal(ok.status, 0, ok.stdout + ok.stderr);
    const all = await rows();
    assert.match(ok.stdout, new RegExp(`audit trail intact: ${all.length} entries`));

    // someone with database access rewrites who did something in the middle of the trail
    const victim = all[Math.floor(all.length / 2)];
    await ctx.db.kysely.updateTable('auditLog').set({ actor: 'someone-else' }).where('id', '=', victim.id).execute();
    const broken = verify();
    assert.equal(broken.status, 1);
    assert.match(broken.stdout, new RegExp(`BROKEN at entry ${victim.id}: entry content does not match its hash \\(${all.indexOf(victim)} entries before it are intact\\)`));
    detected++;
    // a later, second change is not what is reported: the first broken link is
    const later = all[all.length - 2];
    await ctx.db.kysely.updateTable('auditLog').set({ details: '{"forged":true}' }).where('id', '=', later.id).execute();
    assert.equal((await verifyAuditChain(ctx.db.kysely)).brokenAt, victim.id);
    detected++;

    // re-hashing the tampered row does not help: the next entry's link to it breaks
    const prevHash = victim.prevHash;
    const forged = { ...victim, actor: 'someone-else' };
    await ctx.db.kysely.updateTable('auditLog').set({ hash: entryHash(prevHash, forged) }).where('id', '=', victim.id).execute();
    const next = all[all.indexOf(victim) + 1];
    const r = await verifyAuditChain(ctx.db.kysely);
    assert.equal(r.brokenAt, next.id);
    assert.match(r.reason!, /previous-hash link/);
    detected++;
    report(tc, `audit chain [${ctx.engine}]`, { entries: all.length, tamperingsDetected: detected, firstBrokenAt: victim.id });
  });

  it('reports a deleted entry at the one after it', async () => {
    const all = await rows();
    // put the chain back as it was, then delete one entry
    for (const r of all) await ctx.db.kysely.deleteFrom('auditLog').where('id', '=', r.id).execute();
    const fresh = await ctx.db.kysely.selectFrom('auditLog').select('id').execute();
    assert.equal(fresh.length, 0);
    for (let i = 0; i < 5; i++) await t.as('admin', { method: 'PUT', url: `/api/v1/regions/b${i}`, payload: { name: `B ${i}`, parent: 'zj' } });
    const chain = await rows();
    assert.equal((await verifyAuditChain(ctx.db.kysely)).brokenAt, null);
    await ctx.db.kysely.deleteFrom('auditLog').where('id', '=', chain[2].id).execute();
    const r = await verifyAuditChain(ctx.db.kysely);
    assert.equal(r.brokenAt, chain[3].id);
    assert.equal(r.checked, 2);
  });
});
