import { it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { eachEngine } from '../helpers/engines.ts';
import { testApp, type TestApp } from '../helpers/app.ts';
import { intake } from '../helpers/factories.ts';


eachEngine('ticket workflow', (ctx) => {
  let t: TestApp;
  before(async () => { t = await testApp(ctx.db); });
  after(async () => { await t.close(); });

  const step = async (user: string, id: number, body: Record<string, unknown>) => t.as(user, { method: 'POST', url: `/api/v1/tickets/${id}/events`, payload: body });

  it('carries a network complaint from intake to close, with clocks and history', async () => {
    const r = await t.as('agent', { method: 'POST', url: '/api/v1/tickets', payload: intake() });
    assert.equal(r.statusCode, 201, r.body);
    const created = r.json();
    assert.equal(created.status, 'new');
    assert.equal(created.grade, 'ordinary');
    assert.equal(created.customer.msisdn, '13812345678');
    assert.deepEqual(created.clocks.map((c: any) => c.clock), ['commitment']);
    assert.ok(Array.isArray(created.knownIssues));
    const id = created.id;

    const d = await step('agent', id, { type: 'dispatched' });
    assert.equal(d.statusCode, 201, d.body);
    assert.equal(d.json().ticket.status, 'dispatched');
    assert.equal(d.json().ticket.assigneeDepartment, 'hz-noc');
    assert.deepEqual(d.json().ticket.clocks.map((c: any) => c.clock).sort(), ['commitment', 'initial_reply', 'resolution', 'triage']);

    t.clock.advance(10 * 60_000);
    assert.equal((await step('noc', id, { type: 'triaged', grade: 'ordinary' })).statusCode, 201);
    const fw = await step('noc', id, { type: 'forwarded', department: 'hz-maintenance', reason: '基站故障' });
    assert.equal(fw.statusCode, 201, fw.body);
    assert.equal(fw.json().ticket.assigneeDepartment, 'hz-maintenance');
    // the handler sees masked personal data
    const seen = await t.as('maint', { method: 'GET', url: `/api/v1/tickets/${id}` });
    assert.equal(seen.json().customer.msisdn, '138****5678');
    assert.equal(seen.json().customer.name, '王**');

    assert.equal((await step('maint', id, { type: 'department_replied', kind: 'initial', text: '已安排处理' })).statusCode, 201);
    assert.equal((await step('noc', id, { type: 'noc_replied', kind: 'initial', text: '初步答复' })).statusCode, 201);
    const fin = await step('maint', id, { type: 'department_replied', kind: 'final', text: '已修复', resolution: 'fault_repaired' });
    assert.equal(fin.statusCode, 201, fin.body);
    assert.equal(fin.json().ticket.assigneeDepartment, 'hz-noc');
    const nf = await step('noc', id, { type: 'noc_replied', kind: 'final', text: '故障已修复', resolution: 'fault_repaired' });
    assert.equal(nf.statusCode, 201, nf.body);
    assert.equal(nf.json().ticket.status, 'replied');
    const cc = await step('agent', id, { type: 'customer_contacted', kind: 'final', text: '已告知客户' });
    assert.equal(cc.json().ticket.status, 'customer_replied');
    const fu = await step('agent', id, { type: 'followed_up', responded: true, score: 10, comment: '满意' });
    assert.equal(fu.json().ticket.status, 'followed_up');
    const cl = await step('agent', id, { type: 'closed' });
    assert.equal(cl.statusCode, 201, cl.body);
    const final = cl.json().ticket;
    assert.equal(final.status, 'closed');
    assert.equal(final.resolution, 'fault_repaired');
    const byClock = Object.fromEntries(final.clocks.map((c: any) => [c.clock, c.state]));
    assert.deepEqual(byClock, { commitment: 'met', triage: 'met', initial_reply: 'met', resolution: 'met', follow_up: 'met' });
    const types = final.events.map((e: any) => e.type);
    assert.deepEqual(types, ['created', 'dispatched', 'triaged', 'forwarded', 'department_replied', 'noc_replied', 'department_replied', 'noc_replied', 'customer_contacted', 'followed_up', 'closed']);
    const fwd = final.events.find((e: any) => e.type === 'forwarded');
    assert.equal(fwd.fromDepartment, 'hz-noc');
    assert.equal(fwd.toDepartment, 'hz-maintenance');
    assert.equal(fwd.reason, '基站故障');
    assert.equal(fwd.actor, 'noc');
  });

  it('answers at intake: meets commitment, starts no other clock', async () => {
    const r = await t.as('agent', { method: 'POST', url: '/api/v1/tickets', payload: intake({ customer: { msisdn: '13900001111' } }) });
    const id = r.json().id;
    const a = await step('agent', id, { type: 'resolved_at_intake', text: '该区域正在割接，预计今晚恢复' });
    assert.equal(a.statusCode, 201, a.body);
    assert.equal(a.json().ticket.status, 'customer_replied');
    assert.deepEqual(a.json().ticket.clocks.map((c: any) => [c.clock, c.state]), [['commitment', 'met']]);
    assert.equal((await step('agent', id, { type: 'closed' })).statusCode, 201);
  });

  it('refuses the wrong role with 403 and the wrong state with 409, with reasons', async () => {
    const id = (await t.as('agent', { method: 'POST', url: '/api/v1/tickets', payload: intake({ customer: { msisdn: '13900002222' } }) })).json().id;
    const role = await step('maint', id, { type: 'dispatched' });
    assert.equal(role.statusCode, 403);
    const state = await step('noc', id, { type: 'triaged', grade: 'important' });
    assert.equal(state.statusCode, 409);
    assert.match(state.json().message, /triage/);
    await step('agent', id, { type: 'dispatched' });
    const fwdEarly = await step('noc', id, { type: 'forwarded', department: 'hz-maintenance', reason: 'x' });
    assert.equal(fwdEarly.statusCode, 409);
    assert.match(fwdEarly.json().message, /triage the ticket first/);
    const otherNoc = await step('noc.nb', id, { type: 'triaged', grade: 'ordinary' });
    assert.equal(otherNoc.statusCode, 404, 'another city does not see the ticket');
    const missing = await step('noc', id, { type: 'forwarded' });
    assert.equal(missing.statusCode, 400);
    assert.match(missing.json().message, /department/);
    const unknownType = await step('noc', id, { type: 'teleported' });
    assert.equal(unknownType.statusCode, 400);
  });

  it('checks If-Match against the ticket version', async () => {
    const r = await t.as('agent', { method: 'POST', url: '/api/v1/tickets', payload: intake({ customer: { msisdn: '13900003333' } }) });
    const id = r.json().id;
    const stale = await t.as('agent', { method: 'POST', url: `/api/v1/tickets/${id}/events`, headers: { 'if-match': '"99"' }, payload: { type: 'noted', text: 'x' } });
    assert.equal(stale.statusCode, 409);
    assert.equal(stale.json().code, 'stale_version');
    const ok = await t.as('agent', { method: 'POST', url: `/api/v1/tickets/${id}/events`, headers: { 'if-match': `"${r.json().version}"` }, payload: { type: 'noted', text: 'x' } });
    assert.equal(ok.statusCode, 201);
  });

  it('re-times running clocks when triage makes a ticket important', async () => {
    const r = await t.as('agent', { method: 'POST', url: '/api/v1/tickets', payload: intake({ customer: { msisdn: '13900004444' } }) });
    const id = r.json().id;
    await step('agent', id, { type: 'dispatched' });
    const tr = await step('noc', id, { type: 'triaged', grade: 'important' });
    const clocks = Object.fromEntries(tr.json().ticket.clocks.map((c: any) => [c.clock, c]));
    const hours = (c: any) => (Date.parse(c.dueAt) - Date.parse(c.startedAt)) / 3600_000;
    assert.equal(hours(clocks.initial_reply), 4);
    assert.equal(hours(clocks.resolution), 24);
    assert.equal(hours(clocks.commitment), 24);
    assert.equal(clocks.triage.state, 'met');
  });

  it('honours Idempotency-Key: the same key returns the same ticket', async () => {
    const body = intake({ customer: { msisdn: '13900005555' } });
    const a = await t.as('agent', { method: 'POST', url: '/api/v1/tickets', headers: { 'idempotency-key': 'k-1' }, payload: body });
    const b = await t.as('agent', { method: 'POST', url: '/api/v1/tickets', headers: { 'idempotency-key': 'k-1' }, payload: body });
    assert.equal(a.json().id, b.json().id);
    const list = await t.as('agent', { method: 'GET', url: '/api/v1/tickets?q=13900005555' });
    assert.equal(list.json().items.length, 1);
  });

  it('marks repeats and proposes important for VIP, repeat and regulator', async () => {
    const first = await t.as('agent', { method: 'POST', url: '/api/v1/tickets', payload: intake({ customer: { msisdn: '13900006666', vip: true }, channel: 'regulator' }) });
    assert.equal(first.json().isRepeat, false);
    assert.deepEqual(first.json().gradeProposal.reasons, ['vip', 'regulator']);
    assert.equal(first.json().grade, 'ordinary', 'a proposal is advice');
    t.clock.advance(3600_000);
    const second = await t.as('agent', { method: 'POST', url: '/api/v1/tickets', payload: intake({ customer: { msisdn: '+86 139-0000-6666' } }) });
    assert.equal(second.json().isRepeat, true);
    assert.deepEqual(second.json().gradeProposal.reasons, ['repeat']);
  });

  it('validates intake: unknown category, bad phone, region outside scope, missing place', async () => {
    const cat = await t.as('agent', { method: 'POST', url: '/api/v1/tickets', payload: intake({ category: 'network.teleport' }) });
    assert.equal(cat.statusCode, 400);
    assert.match(cat.json().message, /category/);
    const phone = await t.as('agent', { method: 'POST', url: '/api/v1/tickets', payload: intake({ customer: { msisdn: '12ab' } }) });
    assert.equal(phone.statusCode, 400);
    const scope = await t.as('agent', { method: 'POST', url: '/api/v1/tickets', payload: intake({ region: 'nb' }) });
    assert.equal(scope.statusCode, 403);
    const place = await t.as('agent', { method: 'POST', url: '/api/v1/tickets', payload: intake({ address: undefined }) });
    assert.equal(place.statusCode, 400);
    const long = await t.as('agent', { method: 'POST', url: '/api/v1/tickets', payload: intake({ description: 'x'.repeat(4001) }) });
    assert.equal(long.statusCode, 400);
    const cell = await t.as('agent', { method: 'POST', url: '/api/v1/tickets', payload: intake({ cellId: 'nope-1' }) });
    assert.equal(cell.statusCode, 400);
  });

  it('lists a department queue by nearest due time with keyset paging', async () => {
    const ids: number[] = [];
    for (let i = 0; i < 5; i++) {
      const r = await t.as('agent', { method: 'POST', url: '/api/v1/tickets', payload: intake({ customer: { msisdn: `1370000000${i}` } }) });
      ids.push(r.json().id);
      await step('agent', r.json().id, { type: 'dispatched' });
      t.clock.advance(60_000);
    }
    const seen: number[] = [];
    let cursor: string | null = null;
    do {
      const url: string = `/api/v1/tickets?department=hz-noc&status=dispatched&limit=2${cursor ? `&cursor=${cursor}` : ''}`;
      const p = await t.as('noc', { method: 'GET', url });
      assert.equal(p.statusCode, 200, p.body);
      seen.push(...p.json().items.map((x: any) => x.id));
      cursor = p.json().nextCursor;
    } while (cursor);
    const dues = seen.map((id) => id);
    assert.ok(ids.every((id) => dues.includes(id)));
    assert.equal(new Set(seen).size, seen.length, 'no ticket twice across pages');
  });
});
