import { it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import ExcelJS from 'exceljs';
import { eachEngine } from '../helpers/engines.ts';
import { testApp, type TestApp } from '../helpers/app.ts';
import { driver, near } from './helpers.ts';
import { ticketPages } from '../../src/kpis/export.ts';
import { scoreFraction } from '../../src/kpis/scorecards.ts';

async function workbook(body: Buffer): Promise<ExcelJS.Workbook> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(body as any);
  return wb;
}

/** CSV rows without the byte order mark (fields here hold no commas or quotes). */
const csvRows = (text: string) => text.replace(/^\uFEFF/, '').trim().split('\r\n').map((l) => l.split(','));

/**
 * March 2026: hz LTE A1..A4 (A1 A2 answered at intake: commitment met; A3 A4 breached by the
 * timer); nb LTE B1 answered at intake. Subscribers hz LTE 20,000, nb LTE 40,000.
 * hz: complaint rate 2.0 per 10k (target 1.6 missed: 4 × 1.6/2.0 = 3.2 points), commitment 0.5
 * (target 0.95: 5 × 0.5/0.95 points). nb: 0.25 and 1.0, both met: 9 of 9 points.
 */
eachEngine('KPI targets, scorecards, exports and the monthly report', (ctx) => {
  let t: TestApp;
  let d: ReturnType<typeof driver>;
  before(async () => {
    t = await testApp(ctx.db, { start: '2026-03-02T09:00:00+08:00' });
    d = driver(t);
    await ctx.db.kysely.insertInto('subscriberCount').values([
      { regionId: 'hz', network: 'LTE', month: '2026-03', count: 20000, updatedAt: 0 },
      { regionId: 'nb', network: 'LTE', month: '2026-03', count: 40000, updatedAt: 0 },
    ]).execute();
    for (const [i, at] of ['2026-03-02T09:00:00+08:00', '2026-03-02T10:00:00+08:00', '2026-03-03T09:00:00+08:00', '2026-03-03T10:00:00+08:00'].entries()) {
      const id = await d.take('agent', at, { customer: { msisdn: `1390000001${i}`, name: '王小明' } });
      if (i < 2) await d.step('agent', id, at, { type: 'resolved_at_intake', text: '已答复' });
    }
    const b1 = await d.take('agent.nb', '2026-03-04T09:00:00+08:00', { region: 'nb', address: '宁波市', customer: { msisdn: '13900000020' } });
    await d.step('agent.nb', b1, '2026-03-04T09:10:00+08:00', { type: 'resolved_at_intake', text: '已答复' });
    assert.equal(await d.timer('2026-03-10T00:00:00+08:00'), 2);
  });
  after(async () => { await t.close(); });

  it('scores cities: points × (1 when met, else the achieved fraction)', async () => {
    near(scoreFraction('complaintRatePer10k', 2, 1.6), 0.8, 'lower is better: target / value');
    near(scoreFraction('onTimeReplyRate', 0.5, 0.95), 0.5 / 0.95, 'higher is better: value / target');
    near(scoreFraction('onTimeReplyRate', 0.97, 0.95), 1, 'met');
    const r = await t.as('province', { method: 'GET', url: '/api/v1/scorecards?from=2026-03&to=2026-04' });
    assert.equal(r.statusCode, 200, r.body);
    const body = r.json();
    assert.deepEqual(body.weights, [{ kpi: 'commitmentComplianceRate', points: 5 }, { kpi: 'complaintRatePer10k', points: 4 }]);
    const [first, second] = body.cities;
    assert.equal(first.key.region, 'nb');
    near(first.score, 9, 'nb meets both targets');
    assert.equal(first.rank, 1);
    assert.equal(second.key.region, 'hz');
    near(second.score, 4 * 0.8 + 5 * (0.5 / 0.95), 'hz');
    assert.equal(second.maxScore, 9);
    const rate = second.items.find((x: any) => x.kpi === 'complaintRatePer10k');
    assert.deepEqual([rate.value, rate.target, rate.met], [2, 1.6, false]);
    assert.ok(body.departments.some((x: any) => x.key.department === 'hz-complaint_centre') === false, 'only departments tickets reached');
  });

  it('lets admins set targets per region and weights, audited; others may only read', async () => {
    const denied = await t.as('province', { method: 'PUT', url: '/api/v1/kpi-targets', payload: { targets: [{ kpi: 'complaintRatePer10k', region: 'hz', value: 2.5 }] } });
    assert.equal(denied.statusCode, 403);
    const put = await t.as('admin', { method: 'PUT', url: '/api/v1/kpi-targets', payload: { targets: [{ kpi: 'complaintRatePer10k', region: 'hz', value: 2.5 }] } });
    assert.equal(put.statusCode, 200, put.body);
    const unknown = await t.as('admin', { method: 'PUT', url: '/api/v1/kpi-targets', payload: { targets: [{ kpi: 'happiness', region: 'hz', value: 1 }] } });
    assert.equal(unknown.statusCode, 400);
    assert.match(unknown.json().message, /unknown KPI/);
    const fraction = await t.as('admin', { method: 'PUT', url: '/api/v1/kpi-targets', payload: { targets: [{ kpi: 'onTimeReplyRate', region: '*', value: 95 }] } });
    assert.equal(fraction.statusCode, 400, 'rates are fractions');
    const w = await t.as('admin', { method: 'PUT', url: '/api/v1/kpi-weights', payload: { weights: [{ kpi: 'repeatRate', points: 1 }] } });
    assert.equal(w.statusCode, 200, w.body);
    const r = (await t.as('province', { method: 'GET', url: '/api/v1/scorecards?from=2026-03&to=2026-04' })).json();
    const hz = r.cities.find((c: any) => c.key.region === 'hz');
    near(hz.score, 4 + 5 * (0.5 / 0.95), 'hz meets its own complaint-rate target now');
    const repeat = hz.items.find((x: any) => x.kpi === 'repeatRate');
    assert.equal(repeat.target, null, 'no target: shown, not scored');
    assert.equal(repeat.score, null);
    assert.equal(hz.maxScore, 9);
    const list = (await t.as('agent', { method: 'GET', url: '/api/v1/kpi-targets' })).json().items;
    assert.ok(list.some((x: any) => x.kpi === 'complaintRatePer10k' && x.region === 'hz' && x.value === 2.5));
    const audit = await ctx.db.kysely.selectFrom('auditLog').select(['action', 'target']).where('action', 'like', 'kpi_%').execute();
    assert.deepEqual(audit.map((a) => a.target).sort(), ['kpi_target:complaintRatePer10k:hz', 'kpi_weight:repeatRate']);
    await t.as('admin', { method: 'PUT', url: '/api/v1/kpi-weights', payload: { weights: [{ kpi: 'repeatRate', points: null }] } });
    await t.as('admin', { method: 'PUT', url: '/api/v1/kpi-targets', payload: { targets: [{ kpi: 'complaintRatePer10k', region: 'hz', value: null }] } });
  });

  it('exports the KPI table as CSV (Chinese by default, English on request) and Excel', async () => {
    const csv = await t.as('province', { method: 'GET', url: '/api/v1/kpis/export?format=csv&from=2026-03&to=2026-04&groupBy=region' });
    assert.equal(csv.statusCode, 200, csv.body);
    assert.match(csv.headers['content-type'] as string, /text\/csv/);
    assert.match(csv.headers['content-disposition'] as string, /kpis\.csv/);
    const rows = csvRows(csv.body);
    assert.equal(rows[0][0], '地市');
    assert.deepEqual(rows.slice(1).map((r) => [r[0], r[1]]), [['hz', '4'], ['nb', '1']]);
    const en = await t.as('province', { method: 'GET', url: '/api/v1/kpis/export?from=2026-03&to=2026-04&groupBy=region', headers: { 'accept-language': 'en-GB,en' } });
    const header = csvRows(en.body)[0];
    assert.deepEqual(header.slice(0, 3), ['Region', 'Tickets', 'Network complaints']);
    const col = header.indexOf('Commitment compliance');
    assert.equal(Number(csvRows(en.body)[1][col]), 0.5);
    const xlsx = await t.as('province', { method: 'GET', url: '/api/v1/kpis/export?format=xlsx&from=2026-03&to=2026-04&groupBy=region' });
    assert.equal(xlsx.statusCode, 200);
    const wb = await workbook(xlsx.rawPayload);
    const ws = wb.worksheets[0];
    assert.equal(ws.getCell('A2').value, 'hz');
    assert.equal(ws.getCell('B2').value, 4);
    const bad = await t.as('province', { method: 'GET', url: '/api/v1/kpis/export?format=pdf&from=2026-03&to=2026-04' });
    assert.equal(bad.statusCode, 400);
  });

  it('exports ticket lists masked per role, with the list filters, capped', async () => {
    const clear = await t.as('agent', { method: 'GET', url: '/api/v1/tickets/export?format=csv&order=newest' });
    assert.equal(clear.statusCode, 200, clear.body);
    const rows = csvRows(clear.body);
    const phone = rows[0].indexOf('号码');
    assert.equal(rows.length, 5, 'header and the four hz tickets');
    assert.ok(rows.slice(1).every((r) => /^139\d{8}$/.test(r[phone])), 'the agent sees phone numbers');
    const masked = await t.as('maint', { method: 'GET', url: '/api/v1/tickets/export?format=xlsx&order=newest' });
    assert.equal(masked.statusCode, 200);
    const wb = await workbook(masked.rawPayload);
    const ws = wb.worksheets[0];
    const col = (ws.getRow(1).values as any[]).indexOf('号码');
    const phones = [2, 3, 4, 5].map((r) => String(ws.getRow(r).getCell(col).value));
    assert.ok(phones.every((p) => /^139\*{4}\d{4}$/.test(p)), `a handler sees masked numbers: ${phones}`);
    const name = (ws.getRow(1).values as any[]).indexOf('客户');
    assert.equal(ws.getRow(2).getCell(name).value, '王**');
    const filtered = await t.as('province', { method: 'GET', url: '/api/v1/tickets/export?region=nb' });
    assert.equal(csvRows(filtered.body).length, 2, 'filters apply');
    const bad = await t.as('agent', { method: 'GET', url: '/api/v1/tickets/export?status=lost' });
    assert.equal(bad.statusCode, 400, 'a bad filter answers 400 before anything is streamed');
    const actor = { kind: 'user' as const, id: 1, name: 'province', role: 'supervisor' as const, regionId: 'zj', departmentId: null, isProvince: true, regionSubtreeIds: ['zj', 'hz', 'nb', 'wz'] };
    const pages = await ticketPages(t.deps, actor, { order: 'newest' }, { page: 2, max: 3 });
    const got: number[] = [];
    for await (const p of pages) got.push(...p.map((x) => x.id));
    assert.equal(got.length, 3);
    assert.equal(pages.truncated, true);
  });

  it('writes the monthly report workbook: cities with targets, departments, trends', async () => {
    const r = await t.as('province', { method: 'GET', url: '/api/v1/reports/monthly?month=2026-03' });
    assert.equal(r.statusCode, 200, r.body);
    assert.match(r.headers['content-disposition'] as string, /report-zj-2026-03\.xlsx/);
    const wb = await workbook(r.rawPayload);
    assert.deepEqual(wb.worksheets.map((w) => w.name), ['指标', '部门', '月度趋势', '日趋势']);
    const kpi = wb.getWorksheet('指标')!;
    assert.match(String(kpi.getCell('A1').value), /2026-03/);
    assert.deepEqual([3, 4, 5].map((i) => kpi.getRow(i).getCell(1).value), ['hz', 'nb', '合计']);
    assert.equal(kpi.getRow(5).getCell(2).value, 5, 'province total tickets');
    const trend = wb.getWorksheet('月度趋势')!;
    assert.equal(trend.getRow(2).getCell(1).value, '2026-03', 'months with data');
    const outside = await t.as('agent', { method: 'GET', url: '/api/v1/reports/monthly?month=2026-03&region=nb' });
    assert.equal(outside.statusCode, 403);
    const bad = await t.as('agent', { method: 'GET', url: '/api/v1/reports/monthly?month=2026-3' });
    assert.equal(bad.statusCode, 400);
  });
});

eachEngine('KPI months in another time zone', (ctx) => {
  let t: TestApp;
  before(async () => { t = await testApp(ctx.db, { start: '2026-03-31T23:30:00+08:00', config: { timeZone: 'UTC' } }); });
  after(async () => { await t.close(); });

  it('counts 2026-04-01T00:30+08:00 in March when the zone is UTC', async () => {
    const d = driver(t);
    await d.take('agent', '2026-03-31T23:30:00+08:00');
    await d.take('agent', '2026-04-01T00:30:00+08:00');
    t.clock.set('2026-04-02T00:00:00Z');
    const r = await d.kpis('province', { from: '2026-03', to: '2026-05', groupBy: 'month' });
    assert.deepEqual(r.groups.map((g: any) => [g.key.month, g.tickets]), [['2026-03', 2]]);
    assert.equal(r.from, '2026-03-01T00:00:00.000+00:00');
  });
});
