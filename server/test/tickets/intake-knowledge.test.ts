import { it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { eachEngine } from '../helpers/engines.ts';
import { testApp, type TestApp } from '../helpers/app.ts';
import { intake } from '../helpers/factories.ts';

eachEngine('intake: known issues, categories, reply routing', (ctx) => {
  let t: TestApp;
  before(async () => {
    t = await testApp(ctx.db);
    const cells = [
      { cellId: 'hz-k-1', siteId: 'hz-k', name: 'K1', region: 'hz', network: 'LTE', lon: 120.16, lat: 30.27, neighbours: ['hz-k-2'] },
      { cellId: 'hz-k-2', siteId: 'hz-k', name: 'K2', region: 'hz', network: 'LTE', lon: 120.16, lat: 30.27, neighbours: [] },
    ];
    const r = await t.as('admin', { method: 'POST', url: '/api/v1/import/cells', payload: cells });
    assert.equal(r.statusCode, 200, r.body);
    const issue = await t.as('noc', { method: 'POST', url: '/api/v1/network-issues', payload: {
      kind: 'planned_work', title: '割接', explanation: '今晚割接，明早恢复', cells: ['hz-k-1'], startsAt: '2026-03-02T08:00:00+08:00', endsAt: '2026-03-03T08:00:00+08:00',
    } });
    assert.equal(issue.statusCode, 201, issue.body);
  });
  after(async () => { await t.close(); });

  it('answers intake with the network issues covering the cell at the report time', async () => {
    const r = await t.as('agent', { method: 'POST', url: '/api/v1/tickets', payload: intake({ cellId: 'hz-k-1', address: undefined, customer: { msisdn: '13512340000' } }) });
    assert.equal(r.statusCode, 201, r.body);
    assert.equal(r.json().knownIssues.length, 1);
    assert.equal(r.json().knownIssues[0].explanation, '今晚割接，明早恢复');
    const before = await t.as('agent', { method: 'POST', url: '/api/v1/tickets', payload: intake({ cellId: 'hz-k-1', address: undefined, reportedAt: '2026-03-02T07:00:00+08:00', customer: { msisdn: '13512340001' } }) });
    assert.equal(before.json().knownIssues.length, 0, 'not before the window starts');
    const billing = await t.as('agent', { method: 'POST', url: '/api/v1/tickets', payload: intake({ category: 'billing.overcharge', cellId: 'hz-k-1', address: undefined, customer: { msisdn: '13512340002' } }) });
    assert.equal(billing.json().knownIssues.length, 0, 'network issues explain network complaints only');
  });

  it('answers intake with the ticket, clocks and history exactly as a read of it shows them', async () => {
    // intake answers from the rows it wrote (no read-back): they must be the stored ones
    for (const payload of [
      intake({ cellId: 'hz-k-1', address: undefined, customer: { msisdn: '13512340010', name: '张三', vip: true } }),
      intake({ category: 'billing.overcharge', customer: { msisdn: '13512340011' }, commitmentHours: 4 }),
    ]) {
      const r = await t.as('agent', { method: 'POST', url: '/api/v1/tickets', payload });
      assert.equal(r.statusCode, 201, r.body);
      const { knownIssues: _k, hotspots: _h, recentTickets: _r, ...answered } = r.json();
      const read = await t.as('agent', { method: 'GET', url: `/api/v1/tickets/${answered.id}` });
      assert.deepEqual(answered, read.json());
      assert.equal(answered.events.length, 1);
      assert.equal(answered.clocks.length, 1);
    }
  });

  it('lists the seeded categories as a two-level tree', async () => {
    const r = await t.as('agent', { method: 'GET', url: '/api/v1/categories' });
    const ids = r.json().items.map((c: any) => c.id);
    for (const id of ['network.no_coverage', 'network.call_drop', 'billing.overcharge', 'vas.unwanted_subscription']) assert.ok(ids.includes(id), id);
    assert.equal(r.json().items.find((c: any) => c.id === 'network.call_drop').parentId, 'network');
  });

  it('records a NOC reply as going from the NOC to the complaint centre', async () => {
    const id = (await t.as('agent', { method: 'POST', url: '/api/v1/tickets', payload: intake({ customer: { msisdn: '13512340003' } }) })).json().id;
    await t.as('agent', { method: 'POST', url: `/api/v1/tickets/${id}/events`, payload: { type: 'dispatched' } });
    await t.as('noc', { method: 'POST', url: `/api/v1/tickets/${id}/events`, payload: { type: 'triaged', grade: 'ordinary' } });
    await t.as('noc', { method: 'POST', url: `/api/v1/tickets/${id}/events`, payload: { type: 'forwarded', department: 'hz-optimisation', reason: '参数优化' } });
    const r = await t.as('noc', { method: 'POST', url: `/api/v1/tickets/${id}/events`, payload: { type: 'noc_replied', kind: 'initial', text: '已受理' } });
    const ev = r.json().ticket.events.at(-1);
    assert.equal(ev.fromDepartment, 'hz-noc');
    assert.equal(ev.toDepartment, 'hz-complaint_centre');
  });
});

eachEngine('forwarding to construction checks plans first', (ctx) => {
  let t: TestApp;
  before(async () => {
    t = await testApp(ctx.db);
    await t.as('admin', { method: 'POST', url: '/api/v1/import/cells', payload: [{ cellId: 'hz-c-1', siteId: 'hz-c', name: 'C1', region: 'hz', network: 'LTE', lon: 120.2, lat: 30.3, neighbours: [] }] });
    const plan = await t.as('noc', { method: 'POST', url: '/api/v1/network-issues', payload: {
      kind: 'construction_plan', title: '新建站点', explanation: '已列入 2027 年建设计划', cells: ['hz-c-1'], startsAt: '2026-01-01T00:00:00+08:00', plannedDate: '2027-06-30',
    } });
    assert.equal(plan.statusCode, 201, plan.body);
  });
  after(async () => { await t.close(); });

  it('answers the matching construction plan with the forward and through the check route', async () => {
    const id = (await t.as('agent', { method: 'POST', url: '/api/v1/tickets', payload: intake({ category: 'network.no_coverage', cellId: 'hz-c-1', address: undefined, customer: { msisdn: '13512349999' } }) })).json().id;
    await t.as('agent', { method: 'POST', url: `/api/v1/tickets/${id}/events`, payload: { type: 'dispatched' } });
    await t.as('noc', { method: 'POST', url: `/api/v1/tickets/${id}/events`, payload: { type: 'triaged', grade: 'ordinary' } });
    const check = await t.as('noc', { method: 'GET', url: `/api/v1/tickets/${id}/construction-check` });
    assert.equal(check.statusCode, 200, check.body);
    assert.equal(check.json().items[0].explanation, '已列入 2027 年建设计划');
    const fw = await t.as('noc', { method: 'POST', url: `/api/v1/tickets/${id}/events`, payload: { type: 'forwarded', department: 'hz-construction', reason: '需新建站点' } });
    assert.equal(fw.statusCode, 201, fw.body);
    assert.equal(fw.json().constructionCheck.length, 1);
  });
});
