import { it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { eachEngine } from '../helpers/engines.ts';
import { testApp, type TestApp } from '../helpers/app.ts';
import { driver, near } from './helpers.ts';

/**
 * Hand-computed fixtures for every KPI of DESIGN §7 (Asia/Shanghai):
 *
 * T1 hz LTE  reported 03-02 09:00, dispatched, triaged 09:30, forwarded to maintenance, NOC initial
 *            12:00, maintenance final 03-03 09:00, NOC final 10:00 fault_repaired (solved), customer
 *            told 11:00, followed up 03-04 09:00 score 10, closed 10:00.
 * T2 hz LTE  regulator channel, 03-05 10:00, resolved at intake 10:30, closed 11:00.
 * T3 hz NR   03-10 08:00, dispatched, triaged important 12:00 (triage 2 h: breached at 10:00; the
 *            re-timed initial reply is due 12:00, resolution and commitment 03-11 08:00), NOC initial
 *            13:00 (breached, decided 03-10), NOC final 03-12 09:00 explained (resolution breached,
 *            decided at its due time 03-11), customer told 03-12 10:00 (commitment breached, 03-11),
 *            followed up 03-13 10:00 without response (follow-up due 10:00: met), closed 11:00.
 * T6 nb LTE  03-15 12:00, dispatched, triaged 12:30; the timer breaches its initial reply 03-16 12:00,
 *            commitment (due 03-17 12:00) and resolution (due 03-18 12:00) at its 03-23 run. Open.
 * T7 hz —    billing, 03-20 09:00, never dispatched; commitment breached 03-22 09:00 (timer). Open.
 * T4 hz LTE  same customer and category as T1, 03-31 23:30+08:00 (March): a repeat. Open.
 * T5 hz LTE  same customer, 04-01 00:30+08:00 = 03-31 16:30 UTC (April here): a repeat. Open.
 *
 * Subscribers: hz LTE 20,000 (March) / 25,000 (April); hz NR 10,000 / 10,000; nb LTE 40,000 / 40,000.
 */
eachEngine('KPIs against hand-computed fixtures', (ctx) => {
  let t: TestApp;
  let d: ReturnType<typeof driver>;
  const ids: Record<string, number> = {};

  before(async () => {
    t = await testApp(ctx.db, { start: '2026-03-02T09:00:00+08:00' });
    d = driver(t);
    await ctx.db.kysely.insertInto('subscriberCount').values([
      { regionId: 'hz', network: 'LTE', month: '2026-03', count: 20000, updatedAt: 0 },
      { regionId: 'hz', network: 'NR', month: '2026-03', count: 10000, updatedAt: 0 },
      { regionId: 'nb', network: 'LTE', month: '2026-03', count: 40000, updatedAt: 0 },
      { regionId: 'hz', network: 'LTE', month: '2026-04', count: 25000, updatedAt: 0 },
      { regionId: 'hz', network: 'NR', month: '2026-04', count: 10000, updatedAt: 0 },
      { regionId: 'nb', network: 'LTE', month: '2026-04', count: 40000, updatedAt: 0 },
    ]).execute();

    const T1 = ids.T1 = await d.take('agent', '2026-03-02T09:00:00+08:00');
    await d.step('agent', T1, '2026-03-02T09:00:00+08:00', { type: 'dispatched' });
    await d.step('noc', T1, '2026-03-02T09:30:00+08:00', { type: 'triaged', grade: 'ordinary' });
    await d.step('noc', T1, '2026-03-02T10:00:00+08:00', { type: 'forwarded', department: 'hz-maintenance', reason: '基站故障' });
    await d.step('maint', T1, '2026-03-02T11:00:00+08:00', { type: 'department_replied', kind: 'initial', text: '已安排' });
    await d.step('noc', T1, '2026-03-02T12:00:00+08:00', { type: 'noc_replied', kind: 'initial', text: '初步答复' });
    await d.step('maint', T1, '2026-03-03T09:00:00+08:00', { type: 'department_replied', kind: 'final', text: '已修复', resolution: 'fault_repaired' });
    await d.step('noc', T1, '2026-03-03T10:00:00+08:00', { type: 'noc_replied', kind: 'final', text: '已修复', resolution: 'fault_repaired' });
    await d.step('agent', T1, '2026-03-03T11:00:00+08:00', { type: 'customer_contacted', kind: 'final', text: '已告知' });
    await d.step('agent', T1, '2026-03-04T09:00:00+08:00', { type: 'followed_up', responded: true, score: 10 });
    await d.step('agent', T1, '2026-03-04T10:00:00+08:00', { type: 'closed' });

    const T2 = ids.T2 = await d.take('agent', '2026-03-05T10:00:00+08:00', { channel: 'regulator', customer: { msisdn: '13900000002' } });
    await d.step('agent', T2, '2026-03-05T10:30:00+08:00', { type: 'resolved_at_intake', text: '割接已结束' });
    await d.step('agent', T2, '2026-03-05T11:00:00+08:00', { type: 'closed' });

    const T3 = ids.T3 = await d.take('agent', '2026-03-10T08:00:00+08:00', { network: 'NR', customer: { msisdn: '13900000003' } });
    await d.step('agent', T3, '2026-03-10T08:00:00+08:00', { type: 'dispatched' });
    await d.step('noc', T3, '2026-03-10T12:00:00+08:00', { type: 'triaged', grade: 'important' });
    await d.step('noc', T3, '2026-03-10T13:00:00+08:00', { type: 'noc_replied', kind: 'initial', text: '初步答复' });
    await d.step('noc', T3, '2026-03-12T09:00:00+08:00', { type: 'noc_replied', kind: 'final', text: '已解释', resolution: 'explained' });
    await d.step('agent', T3, '2026-03-12T10:00:00+08:00', { type: 'customer_contacted', kind: 'final', text: '已告知' });
    await d.step('agent', T3, '2026-03-13T10:00:00+08:00', { type: 'followed_up', responded: false });
    await d.step('agent', T3, '2026-03-13T11:00:00+08:00', { type: 'closed' });

    const T6 = ids.T6 = await d.take('agent.nb', '2026-03-15T12:00:00+08:00', { region: 'nb', address: '宁波市', customer: { msisdn: '13900000006' } });
    await d.step('agent.nb', T6, '2026-03-15T12:00:00+08:00', { type: 'dispatched' });
    await d.step('noc.nb', T6, '2026-03-15T12:30:00+08:00', { type: 'triaged', grade: 'ordinary' });
    assert.equal(await d.timer('2026-03-16T12:00:00+08:00'), 1);

    ids.T7 = await d.take('agent', '2026-03-20T09:00:00+08:00', { category: 'billing.overcharge', network: undefined, customer: { msisdn: '13900000007' } });
    assert.equal(await d.timer('2026-03-23T00:00:00+08:00'), 3);

    ids.T4 = await d.take('agent', '2026-03-31T23:30:00+08:00');
    ids.T5 = await d.take('agent', '2026-04-01T00:30:00+08:00');
    t.clock.set('2026-04-01T10:00:00+08:00');
  });
  after(async () => { await t.close(); });

  it('counts a province month: every KPI of §7', async () => {
    const r = await d.kpis('province', { from: '2026-03', to: '2026-04' });
    assert.equal(r.groups.length, 1);
    const g = r.groups[0];
    assert.deepEqual(g.key, {});
    assert.equal(g.tickets, 6, 'T1 T2 T3 T4 T6 T7');
    assert.equal(g.complaints, 5, 'the billing ticket is no network complaint');
    assert.equal(g.subscribers, 70000);
    near(g.complaintRatePer10k, 5 / 70000 * 10000, 'complaint rate');
    near(g.onTimeReplyRate, 1 / 3, 'initial replies: T1 met; T3 breached; T6 breached by the timer while running');
    near(g.commitmentComplianceRate, 2 / 5, 'commitments: T1 T2 met; T3 T6 T7 breached');
    near(g.resolutionRate, 1 / 2, 'closed: T1 solved, T3 explained; T2 resolved at intake is left out');
    near(g.firstContactResolutionRate, 1 / 6, 'T2');
    near(g.repeatRate, 1 / 6, 'T4');
    near(g.escalatedPerMillion, 1 / 70000 * 1e6, 'T2 regulator');
    near(g.satisfactionMean, 10, 'one response, 10');
    near(g.tenPointShare, 1, 'one response, 10');
    near(g.surveyResponseRate, 1 / 2, 'T1 responded, T3 did not');
    const h = g.handlingHours;
    near(h.triage.median, 0.5, 'triage median of 0.5 0.5 4');
    near(h.triage.p90, 0.5 + 0.8 * 3.5, 'triage p90: rank 1.8');
    near(h.initial_reply.median, 4, 'initial reply 3 h and 5 h');
    near(h.initial_reply.p90, 3 + 0.9 * 2, 'initial reply p90');
    near(h.resolution.median, 37, 'resolution 25 h and 49 h');
    near(h.resolution.p90, 25 + 0.9 * 24, 'resolution p90');
    near(h.commitment.median, 26, 'commitment 0.5 26 50');
    near(h.commitment.p90, 26 + 0.8 * 24, 'commitment p90');
    near(h.follow_up.median, 23, 'follow-up 22 h and 24 h');
    near(h.follow_up.p90, 22 + 0.9 * 2, 'follow-up p90');
    // the same month as loose days (03-01..03-31: no whole month) reads the stopped clocks: same answer
    const loose = (await d.kpis('province', { from: '2026-03-01', to: '2026-03-31' })).groups[0].handlingHours;
    assert.deepEqual(loose, h);
    assert.equal(g.counts.initialReplyMet, 1);
    assert.equal(g.counts.initialReplyBreached, 2);
    // backlog now (04-01 10:00) of March tickets: T4 ok and under a day; T6, T7 breached, 7–30 days
    assert.equal(g.backlog.total, 3);
    assert.equal(g.backlog.ok, 1);
    assert.equal(g.backlog.breached, 2);
    assert.deepEqual(g.backlog.byAge.map((c: any) => [c.age, c.total]), [['0-1d', 1], ['1-3d', 0], ['3-7d', 0], ['7-30d', 2], ['30d+', 0]]);
  });

  it('decides each clock once: met on its stop day, breached on its due day', async () => {
    const r = await d.kpis('province', { from: '2026-03-01', to: '2026-03-24', groupBy: 'day' });
    const day = (x: string) => r.groups.find((g: any) => g.key.day === x)?.counts ?? {};
    assert.equal(day('2026-03-02').initialReplyMet, 1, 'T1 met at its stop time');
    assert.equal(day('2026-03-10').initialReplyBreached, 1, 'T3 stopped late: breached at its due time');
    assert.equal(day('2026-03-11').resolutionBreached, 1, 'T3 resolution due 03-11, stopped 03-12: decided 03-11');
    assert.equal(day('2026-03-12').resolutionBreached ?? 0, 0);
    assert.equal(day('2026-03-11').commitmentBreached, 1, 'T3 commitment: decided at its due time');
    assert.equal(day('2026-03-13').followUpMet, 1, 'stopped exactly at its due time: met');
    assert.equal(day('2026-03-16').initialReplyBreached, 1, 'T6: still running, decided by the timer at its due time');
    assert.equal(day('2026-03-17').commitmentBreached, 1, 'T6 commitment, recorded by the later timer run on its due day');
    assert.equal(day('2026-03-22').commitmentBreached, 1, 'T7');
    const d16 = r.groups.find((g: any) => g.key.day === '2026-03-16');
    near(d16.onTimeReplyRate, 0, 'a day with one breached reply');
    const d02 = r.groups.find((g: any) => g.key.day === '2026-03-02');
    near(d02.onTimeReplyRate, 1, 'a day with one met reply');
    near(d02.commitmentComplianceRate, null, 'no commitment decided that day: null, not 0');
  });

  it('groups by region and network: rates per group, null without subscribers', async () => {
    const r = await d.kpis('province', { from: '2026-03', to: '2026-04', groupBy: 'region,network' });
    const g = (region: string, network: string | null) => r.groups.find((x: any) => x.key.region === region && x.key.network === network);
    assert.deepEqual(r.groups.map((x: any) => [x.key.region, x.key.network]), [['hz', null], ['hz', 'LTE'], ['hz', 'NR'], ['nb', 'LTE']]);
    assert.equal(g('hz', 'LTE').tickets, 3);
    near(g('hz', 'LTE').complaintRatePer10k, 3 / 20000 * 10000, 'hz LTE');
    near(g('hz', 'LTE').repeatRate, 1 / 3, 'hz LTE repeats');
    near(g('hz', 'LTE').escalatedPerMillion, 50, 'one regulator ticket per 20,000');
    near(g('hz', 'NR').complaintRatePer10k, 1, 'hz NR');
    near(g('nb', 'LTE').complaintRatePer10k, 0.25, 'nb LTE');
    assert.equal(g('hz', null).tickets, 1);
    assert.equal(g('hz', null).subscribers, 0);
    near(g('hz', null).complaintRatePer10k, null, 'no subscribers: null');
    near(g('hz', null).onTimeReplyRate, null, 'no clock decided');
    near(g('hz', null).commitmentComplianceRate, 0, 'T7 breached');
  });

  it('sums several regions and networks, and averages several months', async () => {
    const lte = await d.kpis('province', { from: '2026-03', to: '2026-04', network: 'LTE' });
    assert.equal(lte.groups[0].subscribers, 60000);
    near(lte.groups[0].complaintRatePer10k, 4 / 60000 * 10000, 'hz + nb LTE summed');
    const two = await d.kpis('province', { from: '2026-03', to: '2026-05', region: 'hz', network: 'LTE' });
    const g = two.groups[0];
    assert.equal(g.complaints, 4, 'T1 T2 T4 in March, T5 in April');
    near(g.complaintRatePer10k, (3 / 20000 * 10000 + 1 / 25000 * 10000) / 2, 'mean of the monthly rates');
    near(g.escalatedPerMillion, (1 / 20000 * 1e6 + 0) / 2, 'mean of the monthly values');
    assert.equal(g.subscribers, 22500);
    const byMonth = await d.kpis('province', { from: '2026-03', to: '2026-05', region: 'hz', network: 'LTE', groupBy: 'month' });
    near(byMonth.groups[0].complaintRatePer10k, 1.5, 'March');
    near(byMonth.groups[1].complaintRatePer10k, 0.4, 'April');
  });

  it('puts months in the configured zone: 03-31 23:30+08:00 is March, 04-01 00:30+08:00 April', async () => {
    const r = await d.kpis('province', { from: '2026-03', to: '2026-05', region: 'hz', groupBy: 'month' });
    assert.deepEqual(r.groups.map((g: any) => [g.key.month, g.tickets, g.counts.repeats]), [['2026-03', 5, 1], ['2026-04', 1, 1]]);
    const days = await d.kpis('province', { from: '2026-03-31', to: '2026-04-02', groupBy: 'day' });
    assert.deepEqual(days.groups.map((g: any) => [g.key.day, g.tickets]), [['2026-03-31', 1], ['2026-04-01', 1]]);
    assert.equal(r.from, '2026-03-01T00:00:00.000+08:00');
  });

  it('filters and groups by department: tickets ever forwarded to it', async () => {
    const maint = await d.kpis('province', { from: '2026-03', to: '2026-04', department: 'hz-maintenance' });
    assert.equal(maint.groups[0].tickets, 1, 'only T1 went to maintenance');
    near(maint.groups[0].onTimeReplyRate, 1, 'T1');
    const byDept = await d.kpis('province', { from: '2026-03', to: '2026-04', groupBy: 'department' });
    const of = (id: string) => byDept.groups.find((g: any) => g.key.department === id);
    assert.equal(of('hz-noc').tickets, 2, 'T1 T3');
    assert.equal(of('hz-maintenance').tickets, 1);
    assert.equal(of('nb-noc').tickets, 1);
    near(of('hz-noc').complaintRatePer10k, 2 / 30000 * 10000, "the department's city subscribers");
    assert.equal(of('hz-optimisation'), undefined);
  });

  it('answers null for every rate of an empty period', async () => {
    const r = await d.kpis('province', { from: '2025-01', to: '2025-02' });
    const g = r.groups[0];
    assert.equal(g.tickets, 0);
    for (const k of ['complaintRatePer10k', 'onTimeReplyRate', 'resolutionRate', 'commitmentComplianceRate', 'firstContactResolutionRate',
      'repeatRate', 'escalatedPerMillion', 'satisfactionMean', 'tenPointShare', 'surveyResponseRate']) assert.equal(g[k], null, k);
    assert.deepEqual(g.handlingHours.triage, { median: null, p90: null });
  });

  it('scopes to the caller: a city sees its city only, and nothing outside', async () => {
    const hz = await d.kpis('agent', { from: '2026-03', to: '2026-04', groupBy: 'region' });
    assert.deepEqual(hz.groups.map((g: any) => g.key.region), ['hz']);
    const nb = await t.as('agent', { method: 'GET', url: '/api/v1/kpis?from=2026-03&to=2026-04&region=nb' });
    assert.equal(nb.statusCode, 403);
    const dept = await t.as('agent', { method: 'GET', url: '/api/v1/kpis?from=2026-03&to=2026-04&department=nb-noc' });
    assert.equal(dept.statusCode, 403);
    const nbNoc = await d.kpis('noc.nb', { from: '2026-03', to: '2026-04' });
    assert.equal(nbNoc.groups[0].tickets, 1);
  });

  it('refuses bad input with 400 and a reason', async () => {
    const bad = async (q: string, re: RegExp) => {
      const r = await t.as('province', { method: 'GET', url: `/api/v1/kpis?${q}` });
      assert.equal(r.statusCode, 400, `${q}: ${r.body}`);
      assert.match(r.json().message, re, q);
    };
    await bad('from=2026-03&to=2026-04&groupBy=region,city', /unknown groupBy city/);
    await bad('from=2026-04&to=2026-03', /before/);
    await bad('from=2026-03&to=2026-03', /before/);
    await bad('from=2026-13&to=2027-01', /not a month/);
    await bad('from=2026-02-30&to=2026-03-01', /not a date/);
    await bad('from=yesterday&to=2026-03-01', /YYYY-MM/);
    await bad('from=2026-03-01T10:00:00%2B08:00&to=2026-03-02', /midnight/);
    await bad('from=2020-01&to=2026-01', /at most 1096 days/);
    await bad('from=2025-01&to=2026-03&groupBy=day', /grouped by day/);
    await bad('from=2026-03', /both/);
    await bad('from=2026-03&to=2026-04&network=5G', /unknown network/);
    await bad('from=2026-03&to=2026-04&region=xx', /unknown region/);
    const ok = await t.as('province', { method: 'GET', url: '/api/v1/kpis?from=2026-03-01T00:00:00%2B08:00&to=2026-03-31T16:00:00Z' });
    assert.equal(ok.statusCode, 200, 'ISO local midnights are accepted');
  });

  it('reports the current backlog by region and clock state', async () => {
    const r = await t.as('province', { method: 'GET', url: '/api/v1/kpis/backlog?groupBy=region' });
    assert.equal(r.statusCode, 200, r.body);
    const hz = r.json().groups.find((g: any) => g.key.region === 'hz').backlog;
    assert.equal(hz.total, 3, 'T4 T5 T7');
    assert.equal(hz.breached, 1, 'T7');
    const bad = await t.as('province', { method: 'GET', url: '/api/v1/kpis/backlog?groupBy=month' });
    assert.equal(bad.statusCode, 400);
  });
});
