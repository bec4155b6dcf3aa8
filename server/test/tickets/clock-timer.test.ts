import { it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { eachEngine } from '../helpers/engines.ts';
import { testApp, type TestApp } from '../helpers/app.ts';
import { scanClocks } from '../../src/tickets/clock-timer.ts';
import { openDb } from '../../src/db/connect.ts';
import { intake } from '../helpers/factories.ts';

eachEngine('clock timer and SLA policies', (ctx) => {
  let t: TestApp;
  before(async () => { t = await testApp(ctx.db, { start: '2025-03-07T16:00:00+08:00' }); });
  after(async () => { await t.close(); });

  const newTicket = async (msisdn: string, extra: Record<string, unknown> = {}) => {
    const r = await t.as('agent', { method: 'POST', url: '/api/v1/tickets', payload: intake({ customer: { msisdn }, ...extra }) });
    assert.equal(r.statusCode, 201, r.body);
    return r.json().id as number;
  };
  const eventsOf = async (id: number, type: string) =>
    (await ctx.db.kysely.selectFrom('ticketEvent').selectAll().where('ticketId', '=', id).where('type', '=', type).execute());

  it('validates SLA policies and calendars with 4xx reasons', async () => {
    const badDur = await t.as('admin', { method: 'PUT', url: '/api/v1/sla-policies/p-bad', payload: { grade: 'ordinary', clock: 'triage', duration: 'P1M', calendar: '24x7' } });
    assert.equal(badDur.statusCode, 400);
    const badCal = await t.as('admin', { method: 'PUT', url: '/api/v1/sla-policies/p-bad', payload: { grade: 'ordinary', clock: 'triage', duration: 'PT2H', calendar: 'nope' } });
    assert.equal(badCal.statusCode, 400);
    const badHours = await t.as('admin', { method: 'PUT', url: '/api/v1/calendars/bad', payload: { timeZone: 'Asia/Shanghai', workingDays: ['mon'], workingHours: [['12:00', '08:00']] } });
    assert.equal(badHours.statusCode, 400);
    const badZone = await t.as('admin', { method: 'PUT', url: '/api/v1/calendars/bad', payload: { timeZone: 'Mars/Olympus', workingDays: ['mon'], workingHours: [['08:00', '12:00']] } });
    assert.equal(badZone.statusCode, 400);
    const role = await t.as('noc', { method: 'PUT', url: '/api/v1/calendars/office', payload: { timeZone: 'Asia/Shanghai', workingDays: ['mon'], workingHours: [['08:00', '12:00']] } });
    assert.equal(role.statusCode, 403);
  });

  it('counts a triage clock in working hours over a weekend and warns once at 80 %', async () => {
    const cal = await t.as('admin', { method: 'PUT', url: '/api/v1/calendars/office', payload: {
      timeZone: 'Asia/Shanghai', workingDays: ['mon', 'tue', 'wed', 'thu', 'fri'], workingHours: [['08:30', '12:00'], ['13:30', '17:30']], official: 'cn',
    } });
    assert.equal(cal.statusCode, 201, cal.body);
    const p = await t.as('admin', { method: 'PUT', url: '/api/v1/sla-policies/triage-ordinary', payload: { grade: 'ordinary', clock: 'triage', duration: 'PT2H', calendar: 'office' } });
    assert.equal(p.statusCode, 201, p.body);
    const dup = await t.as('admin', { method: 'PUT', url: '/api/v1/sla-policies/triage-ordinary-2', payload: { grade: 'ordinary', clock: 'triage', duration: 'PT3H', calendar: '24x7' } });
    assert.equal(dup.statusCode, 409);
    const specific = await t.as('admin', { method: 'PUT', url: '/api/v1/sla-policies/triage-drop', payload: { category: 'network.call_drop', grade: 'ordinary', clock: 'triage', duration: 'PT2H', calendar: 'office' } });
    assert.equal(specific.statusCode, 201);

    t.clock.set('2025-03-07T17:00:00+08:00');
    const id = await newTicket('13611112222', { commitmentHours: 200 });
    const d = await t.as('agent', { method: 'POST', url: `/api/v1/tickets/${id}/events`, payload: { type: 'dispatched' } });
    const triage = d.json().ticket.clocks.find((c: any) => c.clock === 'triage');
    assert.equal(Date.parse(triage.warnAt), Date.parse('2025-03-10T09:36:00+08:00'));
    assert.equal(Date.parse(triage.dueAt), Date.parse('2025-03-10T10:00:00+08:00'));
    assert.equal(Date.parse(triage.provinceAt), Date.parse('2025-03-10T11:00:00+08:00'));

    t.clock.set('2025-03-10T09:35:59+08:00');
    await scanClocks(t.deps);
    const triageWarnings = async () => (await eventsOf(id, 'clock_warned')).filter((e) => JSON.parse(e.data!).clock === 'triage');
    assert.equal((await triageWarnings()).length, 0);
    t.clock.set('2025-03-10T09:36:00+08:00');
    await scanClocks(t.deps);
    await scanClocks(t.deps);
    assert.equal((await triageWarnings()).length, 1);
    const noc = await t.as('noc', { method: 'GET', url: '/api/v1/notifications' });
    assert.ok(noc.json().items.some((n: any) => n.ticketId === id && n.kind === 'clock_warned'));
    const afterWarn = await t.as('noc', { method: 'GET', url: `/api/v1/tickets/${id}` });
    const triageNow = afterWarn.json().clocks.find((c: any) => c.clock === 'triage');
    assert.equal(triageNow.warned, true);
    assert.equal(triageNow.state, 'running');

    t.clock.set('2025-03-10T10:00:01+08:00');
    await scanClocks(t.deps);
    const triageEscalations = async () => (await eventsOf(id, 'escalated')).map((e) => JSON.parse(e.data!)).filter((d) => d.clock === 'triage');
    assert.deepEqual((await triageEscalations()).map((d) => d.to), ['supervisor']);
    const overdue = await t.as('supervisor', { method: 'GET', url: '/api/v1/tickets?clock=breached' });
    assert.ok(overdue.json().items.some((x: any) => x.id === id));
    const sup = await t.as('supervisor', { method: 'GET', url: '/api/v1/notifications' });
    assert.ok(sup.json().items.some((n: any) => n.ticketId === id && n.kind === 'clock_breached'));

    t.clock.set('2025-03-10T11:00:00+08:00');
    await scanClocks(t.deps);
    await scanClocks(t.deps);
    assert.deepEqual((await triageEscalations()).map((d) => d.to), ['supervisor', 'province']);
    const prov = await t.as('province', { method: 'GET', url: '/api/v1/notifications' });
    assert.ok(prov.json().items.some((n: any) => n.ticketId === id && n.kind === 'province_escalated'));

    // triaging late: the clock stops breached (outcome decided at its due time)
    const tr = await t.as('noc', { method: 'POST', url: `/api/v1/tickets/${id}/events`, payload: { type: 'triaged', grade: 'ordinary' } });
    assert.equal(tr.json().ticket.clocks.find((c: any) => c.clock === 'triage').state, 'breached');
  });

  it('records a breach at the due time when a grade change puts the due time in the past', async () => {
    t.clock.set('2025-03-11T09:00:00+08:00');
    const id = await newTicket('13611113333', { category: 'network.slow_data' });
    await t.as('agent', { method: 'POST', url: `/api/v1/tickets/${id}/events`, payload: { type: 'dispatched' } });
    t.clock.set('2025-03-11T14:00:00+08:00'); // 5 h later: the important initial reply (4 h) is already past
    await t.as('noc', { method: 'POST', url: `/api/v1/tickets/${id}/events`, payload: { type: 'triaged', grade: 'important' } });
    await scanClocks(t.deps);
    const esc = (await eventsOf(id, 'escalated')).map((e) => ({ at: e.at, ...JSON.parse(e.data!) }));
    const ir = esc.find((e) => e.clock === 'initial_reply' && e.to === 'supervisor');
    assert.ok(ir, 'initial_reply breach recorded');
    assert.equal(ir.at, Date.parse('2025-03-11T13:00:00+08:00'));
  });

  it('fires each warning once when two processes race on one database', async () => {
    t.clock.set('2025-03-12T09:00:00+08:00');
    const ids: number[] = [];
    for (let i = 0; i < 20; i++) {
      const id = await newTicket(`1551111${String(i).padStart(4, '0')}`, { category: 'network.no_data' });
      await t.as('agent', { method: 'POST', url: `/api/v1/tickets/${id}/events`, payload: { type: 'dispatched' } });
      ids.push(id);
    }
    t.clock.set('2025-03-12T10:40:00+08:00'); // past 80 % of the 2 h triage (24x7 default for this category)
    const second = ctx.engine === 'postgres' ? openDb(ctx.url) : null;
    const other = second ? { ...t.deps, db: second } : t.deps;
    await Promise.all([scanClocks(t.deps, { batch: 7 }), scanClocks(other, { batch: 7 }), scanClocks(t.deps), scanClocks(other)]);
    await scanClocks(t.deps);
    await second?.close();
    for (const id of ids) {
      const w = (await eventsOf(id, 'clock_warned')).filter((e) => JSON.parse(e.data!).clock === 'triage');
      assert.equal(w.length, 1, `ticket ${id} warned once`);
    }
  });
});
