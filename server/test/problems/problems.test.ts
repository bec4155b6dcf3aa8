// DESIGN §6 problem records over the API, on both engines: roles, scope, edits, linking, and the
// close that sends the NOC's final reply on every linked ticket that can take it.
import { it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { eachEngine } from '../helpers/engines.ts';
import { testApp, type TestApp } from '../helpers/app.ts';
import { intakeOf } from '../hotspots/helpers.ts';

eachEngine('problem records', (ctx) => {
  let t: TestApp;
  before(async () => { t = await testApp(ctx.db, { start: '2026-03-05T09:00:00+08:00' }); });
  after(async () => { await t.close(); });

  const newTicket = async (user = 'agent', region = 'hz') => {
    const r = await t.as(user, { method: 'POST', url: '/api/v1/tickets', payload: intakeOf({ at: t.clock.now() - 60_000, region }) });
    assert.equal(r.statusCode, 201, r.body);
    return r.json().id as number;
  };
  const step = async (user: string, id: number, body: object) => {
    const r = await t.as(user, { method: 'POST', url: `/api/v1/tickets/${id}/events`, payload: body });
    assert.equal(r.statusCode, 201, r.body);
    return r.json().ticket;
  };
  const call = (user: string, method: 'GET' | 'POST' | 'PATCH', url: string, payload?: object) => t.as(user, { method, url, ...(payload ? { payload } : {}) });

  let pid = 0;
  let linked: number[] = [];

  it('opens a problem record with linked tickets (noc, supervisor, admin), in their regions only', async () => {
    linked = [await newTicket(), await newTicket()];
    const r = await call('noc', 'POST', '/api/v1/problems', {
      title: '文三路室内覆盖弱', region: 'hz', category: 'network.weak_indoor_coverage', ownerDepartment: 'hz-optimisation', dueDate: '2026-03-31', ticketIds: linked,
    });
    assert.equal(r.statusCode, 201, r.body);
    const p = r.json();
    pid = p.id;
    assert.equal(p.status, 'open');
    assert.equal(p.ownerDepartment, 'hz-optimisation');
    assert.equal(p.ticketCount, 2);
    assert.deepEqual(p.tickets.map((x: any) => x.id), linked);
    assert.deepEqual(p.events.map((e: any) => e.type), ['created', 'tickets_linked']);
    const tk = (await call('noc', 'GET', `/api/v1/tickets/${linked[0]}`)).json();
    assert.equal(tk.events.at(-1).type, 'problem_linked');
    assert.equal(tk.events.at(-1).problemId, pid);

    assert.equal((await call('agent', 'POST', '/api/v1/problems', { title: 'x', region: 'hz' })).statusCode, 403);
    assert.equal((await call('auditor', 'POST', '/api/v1/problems', { title: 'x', region: 'hz' })).statusCode, 403);
    assert.equal((await call('noc', 'POST', '/api/v1/problems', { title: 'x', region: 'nb' })).statusCode, 403);
    assert.equal((await call('noc', 'POST', '/api/v1/problems', { title: 'x', region: 'hz', ownerDepartment: 'nb-optimisation' })).statusCode, 400);
    assert.equal((await call('noc', 'POST', '/api/v1/problems', { title: 'x', region: 'hz', dueDate: '2026-02-30' })).statusCode, 400);
    const foreign = await newTicket('agent.nb', 'nb');
    const bad = await call('noc', 'POST', '/api/v1/problems', { title: 'x', region: 'hz', ticketIds: [foreign, 999999] });
    assert.equal(bad.statusCode, 400);
    assert.deepEqual(bad.json().details.unknownTicketIds, [foreign, 999999]);
    assert.equal((await call('noc', 'POST', '/api/v1/problems', { title: 'x', region: 'hz', extra: 1 })).statusCode, 400);
  });

  it('lists in scope with filters and keyset pages; another city gets 404', async () => {
    const second = await call('supervisor', 'POST', '/api/v1/problems', { title: '另一个问题', region: 'hz' });
    assert.equal(second.statusCode, 201, second.body);
    const all = (await call('auditor', 'GET', '/api/v1/problems?region=hz')).json();
    assert.ok(all.items.length >= 2);
    const first = (await call('noc', 'GET', '/api/v1/problems?limit=1')).json();
    assert.equal(first.items.length, 1);
    assert.ok(first.nextCursor);
    const next = (await call('noc', 'GET', `/api/v1/problems?limit=1&cursor=${first.nextCursor}`)).json();
    assert.ok(next.items[0].id < first.items[0].id);
    const byText = (await call('noc', 'GET', `/api/v1/problems?q=${encodeURIComponent('文三路')}`)).json();
    assert.deepEqual(byText.items.map((p: any) => p.id), [pid]);
    const byOwner = (await call('noc', 'GET', '/api/v1/problems?ownerDepartment=hz-optimisation&status=active')).json();
    assert.deepEqual(byOwner.items.map((p: any) => p.id), [pid]);
    assert.equal((await call('noc', 'GET', '/api/v1/problems?status=nonsense')).statusCode, 400);
    assert.deepEqual((await call('noc.nb', 'GET', '/api/v1/problems')).json().items, []);
    assert.equal((await call('noc.nb', 'GET', `/api/v1/problems/${pid}`)).statusCode, 404);
    assert.equal((await call('agent', 'GET', '/api/v1/problems')).statusCode, 403);
  });

  it('lets the owner department write root cause and action, and managers the rest', async () => {
    const byOwner = await call('optim', 'PATCH', `/api/v1/problems/${pid}`, { rootCause: '室分天线故障', action: '更换室分天线' });
    assert.equal(byOwner.statusCode, 200, byOwner.body);
    assert.equal(byOwner.json().rootCause, '室分天线故障');
    assert.equal((await call('optim', 'PATCH', `/api/v1/problems/${pid}`, { dueDate: '2026-04-30' })).statusCode, 403);
    assert.equal((await call('maint', 'PATCH', `/api/v1/problems/${pid}`, { rootCause: 'x' })).statusCode, 403);
    assert.equal((await call('auditor', 'PATCH', `/api/v1/problems/${pid}`, { rootCause: 'x' })).statusCode, 403);
    const byNoc = await call('noc', 'PATCH', `/api/v1/problems/${pid}`, { status: 'in_progress', dueDate: '2026-04-30', ownerDepartment: 'hz-maintenance' });
    assert.equal(byNoc.statusCode, 200, byNoc.body);
    assert.equal(byNoc.json().status, 'in_progress');
    const last = byNoc.json().events.at(-1);
    assert.equal(last.type, 'updated');
    assert.deepEqual(last.data.ownerDepartment, { from: 'hz-optimisation', to: 'hz-maintenance' });
    assert.equal((await call('noc', 'PATCH', `/api/v1/problems/${pid}`, { status: 'closed' })).statusCode, 400);
    assert.equal((await call('noc', 'PATCH', `/api/v1/problems/${pid}`, {})).statusCode, 400);
  });

  it('links more tickets, telling which were linked already', async () => {
    const more = await newTicket();
    const r = await call('noc', 'POST', `/api/v1/problems/${pid}/tickets`, { ticketIds: [linked[0], more] });
    assert.equal(r.statusCode, 200, r.body);
    assert.deepEqual(r.json().linked, [more]);
    assert.deepEqual(r.json().alreadyLinked, [linked[0]]);
    linked.push(more);
    assert.equal((await call('maint', 'POST', `/api/v1/problems/${pid}/tickets`, { ticketIds: [more] })).statusCode, 403);
  });

  it('closes with the NOC\'s final reply on every ticket that can take it and lists the others with the reason', async () => {
    // linked[0]: at the NOC, triaged — takes the reply; linked[1]: never dispatched; linked[2]: with maintenance
    await step('agent', linked[0], { type: 'dispatched' });
    await step('noc', linked[0], { type: 'triaged', grade: 'ordinary' });
    await step('agent', linked[2], { type: 'dispatched' });
    await step('noc', linked[2], { type: 'triaged', grade: 'ordinary' });
    await step('noc', linked[2], { type: 'forwarded', department: 'hz-maintenance', reason: '基站故障' });

    const reply = { finalReply: { text: '室分天线已更换，覆盖恢复', resolution: 'fault_repaired' } };
    assert.equal((await call('supervisor', 'POST', `/api/v1/problems/${pid}/close`, reply)).statusCode, 403, 'the final reply is the NOC\'s');
    assert.equal((await call('noc', 'POST', `/api/v1/problems/${pid}/close`, { finalReply: { text: 'x', resolution: 'teleported' } })).statusCode, 400);
    t.clock.advance(30 * 60_000);
    const r = await call('noc', 'POST', `/api/v1/problems/${pid}/close`, { ...reply, action: '更换室分天线并复测' });
    assert.equal(r.statusCode, 200, r.body);
    const body = r.json();
    assert.deepEqual(body.replied.map((x: any) => x.ticketId), [linked[0]]);
    assert.deepEqual(body.skipped.map((x: any) => [x.ticketId, x.code]), [[linked[1], 'invalid_state'], [linked[2], 'invalid_state']]);
    assert.match(body.skipped[1].reason, /department/);
    assert.equal(body.problem.status, 'closed');
    assert.equal(body.problem.closedBy, 'noc');
    assert.equal(body.problem.action, '更换室分天线并复测');

    const done = (await call('noc', 'GET', `/api/v1/tickets/${linked[0]}`)).json();
    assert.equal(done.status, 'replied');
    assert.equal(done.resolution, 'fault_repaired');
    const last = done.events.at(-1);
    assert.deepEqual([last.type, last.kind, last.actor, Date.parse(last.at)], ['noc_replied', 'final', 'noc', t.clock.now()]);
    const clocks = Object.fromEntries(done.clocks.map((c: any) => [c.clock, c.state]));
    assert.equal(clocks.resolution, 'met');
    assert.equal(clocks.commitment, 'running', 'the customer still gets the final reply and the follow-up from the agent');
    assert.equal((await call('noc', 'GET', `/api/v1/tickets/${linked[1]}`)).json().status, 'new', 'a skipped ticket is left as it was');
    assert.equal((await call('noc', 'GET', `/api/v1/tickets/${linked[2]}`)).json().assigneeDepartment, 'hz-maintenance');

    assert.equal((await call('noc', 'POST', `/api/v1/problems/${pid}/close`, {})).statusCode, 409);
    assert.equal((await call('noc', 'PATCH', `/api/v1/problems/${pid}`, { rootCause: '再改' })).statusCode, 409);
    assert.equal((await call('noc', 'POST', `/api/v1/problems/${pid}/tickets`, { ticketIds: [linked[0]] })).statusCode, 409);
    const reopened = await call('noc', 'PATCH', `/api/v1/problems/${pid}`, { status: 'open' });
    assert.equal(reopened.statusCode, 200, reopened.body);
    assert.equal(reopened.json().status, 'open');
    assert.equal(reopened.json().closedAt, null);
    assert.equal(reopened.json().events.at(-1).type, 'reopened');
  });

  it('closes without a reply, leaving the tickets alone', async () => {
    const id = await newTicket();
    const p = (await call('supervisor', 'POST', '/api/v1/problems', { title: '无需回复', region: 'hz', ticketIds: [id] })).json();
    const r = await call('supervisor', 'POST', `/api/v1/problems/${p.id}/close`, {});
    assert.equal(r.statusCode, 200, r.body);
    assert.deepEqual([r.json().replied, r.json().skipped], [[], []]);
    assert.equal((await call('noc', 'GET', `/api/v1/tickets/${id}`)).json().status, 'new');
  });
});
