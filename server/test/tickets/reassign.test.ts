// The supervisor's reassignment (DESIGN §1 "reassigns"): POST /api/v1/tickets/{id}/assignment.
import { it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { eachEngine } from '../helpers/engines.ts';
import { testApp, type TestApp } from '../helpers/app.ts';
import { intake } from '../helpers/factories.ts';
import { reassignableKinds } from '../../src/tickets/reassign.ts';
import { STATUSES } from '../../src/tickets/workflow.ts';

it('names the department kinds that can hold a ticket in each state, or why none can', () => {
  const table: Record<string, [string | null, string | null]> = {
    // status: [network ticket, non-network ticket] — kinds joined, or null when none
    new: [null, null],
    dispatched: ['noc', null],
    in_progress: ['noc,maintenance,optimisation,construction,network_management,expert', 'complaint_centre,maintenance,optimisation,construction,network_management,expert'],
    replied: [null, null], customer_replied: [null, null], followed_up: [null, null], closed: [null, null],
  };
  for (const status of STATUSES) {
    for (const [i, isNetwork] of [true, false].entries()) {
      const r = reassignableKinds({ status, isNetwork });
      const got = 'kinds' in r ? r.kinds.join(',') : null;
      assert.equal(got, table[status][i], `${status} ${isNetwork ? 'network' : 'non-network'}`);
      if ('why' in r) assert.ok(r.why.length > 5);
    }
  }
});

eachEngine('tickets: supervisor reassignment', (ctx) => {
  let t: TestApp;
  const step = async (who: string, id: number, payload: Record<string, unknown>) => {
    const r = await t.as(who, { method: 'POST', url: `/api/v1/tickets/${id}/events`, payload });
    assert.equal(r.statusCode, 201, r.body);
    return r.json();
  };
  const reassign = (who: string, id: number, payload: Record<string, unknown>, headers: Record<string, string> = {}) =>
    t.as(who, { method: 'POST', url: `/api/v1/tickets/${id}/assignment`, payload, headers });
  const newTicket = async (over: Record<string, unknown> = {}) => {
    const r = await t.as('agent', { method: 'POST', url: '/api/v1/tickets', payload: intake(over) });
    assert.equal(r.statusCode, 201, r.body);
    return r.json().id as number;
  };
  /** A network ticket triaged and forwarded to maintenance. */
  const atMaintenance = async () => {
    const id = await newTicket();
    await step('agent', id, { type: 'dispatched' });
    await step('noc', id, { type: 'triaged', grade: 'ordinary' });
    await step('noc', id, { type: 'forwarded', department: 'hz-maintenance', reason: '疑似基站故障' });
    return id;
  };

  before(async () => { t = await testApp(ctx.db); });
  after(async () => { await t.close(); });

  it('moves a ticket to another department, records who, from where, to where and why, and keeps the clocks', async () => {
    const id = await atMaintenance();
    const before = (await t.as('supervisor', { method: 'GET', url: `/api/v1/tickets/${id}` })).json();
    const r = await reassign('supervisor', id, { department: 'hz-optimisation', reason: '维护核查无故障，转优化' }, { 'if-match': `"${before.version}"` });
    assert.equal(r.statusCode, 201, r.body);
    const body = r.json();
    assert.equal(body.ticket.assigneeDepartment, 'hz-optimisation');
    assert.equal(body.ticket.nocDepartment, 'hz-noc');
    assert.equal(body.ticket.version, before.version + 1);
    assert.equal(r.headers.etag, `"${body.ticket.version}"`);
    const ev = body.ticket.events.at(-1);
    assert.deepEqual(
      { id: ev.id, type: ev.type, actor: ev.actor, actorRole: ev.actorRole, from: ev.fromDepartment, to: ev.toDepartment, reason: ev.reason },
      { id: body.eventId, type: 'reassigned', actor: 'supervisor', actorRole: 'supervisor', from: 'hz-maintenance', to: 'hz-optimisation', reason: '维护核查无故障，转优化' },
    );
    assert.deepEqual(body.ticket.clocks.map((c: any) => [c.clock, c.dueAt, c.state]), before.clocks.map((c: any) => [c.clock, c.dueAt, c.state]));
    // the new department works it: its handler may reply, the old one may not
    const optim = await t.as('optim', { method: 'POST', url: `/api/v1/tickets/${id}/events`, payload: { type: 'department_replied', kind: 'initial', text: '已安排测试' } });
    assert.equal(optim.statusCode, 201, optim.body);
    const maint = await t.as('maint', { method: 'POST', url: `/api/v1/tickets/${id}/events`, payload: { type: 'department_replied', kind: 'initial', text: 'x' } });
    assert.equal(maint.statusCode, 403, maint.body);
    // one transaction wrote the outbox and a notification for the new department
    const out = await ctx.db.kysely.selectFrom('outbox').select(['topic']).where('ticketId', '=', id).where('topic', '=', 'ticket.reassigned').execute();
    assert.equal(out.length, 1);
    const note = await ctx.db.kysely.selectFrom('notification').select(['departmentId']).where('ticketId', '=', id).where('departmentId', '=', 'hz-optimisation').execute();
    assert.equal(note.length, 1);
  });

  it('lets the supervisor take a ticket back to the NOC, and the province supervisor act in any city', async () => {
    const id = await atMaintenance();
    const r = await reassign('province', id, { department: 'hz-noc', reason: '重新分析定位' });
    assert.equal(r.statusCode, 201, r.body);
    assert.equal(r.json().ticket.assigneeDepartment, 'hz-noc');
    // back at the NOC, which may forward it again
    await step('noc', id, { type: 'forwarded', department: 'hz-construction', reason: '需新建站点' });
  });

  it('refuses with 409 and the reason what the state or the department kind does not allow', async () => {
    const fresh = await newTicket();
    const notDispatched = await reassign('supervisor', fresh, { department: 'hz-maintenance', reason: 'x' });
    assert.equal(notDispatched.statusCode, 409, notDispatched.body);
    assert.match(notDispatched.json().message, /dispatch/);

    await step('agent', fresh, { type: 'dispatched' });
    const untriaged = await reassign('supervisor', fresh, { department: 'hz-maintenance', reason: 'x' });
    assert.equal(untriaged.statusCode, 409, untriaged.body);
    assert.deepEqual(untriaged.json().details.kinds, ['noc']);
    const same = await reassign('supervisor', fresh, { department: 'hz-noc', reason: 'x' });
    assert.equal(same.statusCode, 409, same.body);
    assert.match(same.json().message, /already/);

    const id = await atMaintenance();
    const centre = await reassign('supervisor', id, { department: 'hz-complaint_centre', reason: 'x' });
    assert.equal(centre.statusCode, 409, centre.body);
    assert.equal(centre.json().code, 'invalid_state');
    const otherCity = await reassign('province', id, { department: 'nb-maintenance', reason: 'x' });
    assert.equal(otherCity.statusCode, 409, otherCity.body);
    assert.match(otherCity.json().message, /nb/);
    const stale = await reassign('supervisor', id, { department: 'hz-optimisation', reason: 'x' }, { 'if-match': '"1"' });
    assert.equal(stale.statusCode, 409, stale.body);
    assert.equal(stale.json().code, 'stale_version');
    // nothing changed
    const now = (await t.as('supervisor', { method: 'GET', url: `/api/v1/tickets/${id}` })).json();
    assert.equal(now.assigneeDepartment, 'hz-maintenance');
    assert.equal(now.events.filter((e: any) => e.type === 'reassigned').length, 0);
  });

  it('answers 404 for a ticket or a department outside the scope, 403 for other roles, 400 without a reason', async () => {
    const nbTicket = (await t.as('agent.nb', { method: 'POST', url: '/api/v1/tickets', payload: intake({ region: 'nb', address: '宁波市海曙区' }) })).json().id as number;
    await step('agent.nb', nbTicket, { type: 'dispatched' });
    const outside = await reassign('supervisor', nbTicket, { department: 'nb-noc', reason: 'x' });
    assert.equal(outside.statusCode, 404, outside.body);

    const id = await atMaintenance();
    const deptOutside = await reassign('supervisor', id, { department: 'nb-optimisation', reason: 'x' });
    assert.equal(deptOutside.statusCode, 404, deptOutside.body);
    const unknown = await reassign('supervisor', id, { department: 'hz-nowhere', reason: 'x' });
    assert.equal(unknown.statusCode, 404, unknown.body);
    for (const who of ['noc', 'agent', 'maint', 'admin', 'auditor']) {
      const r = await reassign(who, id, { department: 'hz-optimisation', reason: 'x' });
      assert.equal(r.statusCode, 403, `${who}: ${r.body}`);
    }
    const noReason = await reassign('supervisor', id, { department: 'hz-optimisation' });
    assert.equal(noReason.statusCode, 400, noReason.body);
  });

  it('reassigns a non-network ticket between departments, never to a NOC', async () => {
    const id = await newTicket({ category: 'billing.overcharge' });
    await step('agent', id, { type: 'dispatched', department: 'hz-complaint_centre' });
    const toNoc = await reassign('supervisor', id, { department: 'hz-noc', reason: 'x' });
    assert.equal(toNoc.statusCode, 409, toNoc.body);
    const r = await reassign('supervisor', id, { department: 'hz-network_management', reason: '计费话单核查' });
    assert.equal(r.statusCode, 201, r.body);
    assert.equal(r.json().ticket.assigneeDepartment, 'hz-network_management');
    assert.equal(r.json().ticket.status, 'in_progress');
  });
});
