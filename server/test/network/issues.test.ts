import { it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { eachEngine } from '../helpers/engines.ts';
import { testApp, type TestApp } from '../helpers/app.ts';
import { verifyAuditChain } from '../../src/audit/repository.ts';
import { seedCells, site } from './fixtures.ts';

const HZ = { lon: 120.16, lat: 30.27 };
const NB = { lon: 121.55, lat: 29.87 };

eachEngine('network: issues CRUD and scope', (ctx) => {
  let t: TestApp;
  before(async () => {
    t = await testApp(ctx.db, { start: '2026-03-02T09:00:00+08:00' });
    await seedCells(t, [...site('hz-0001', 'hz', HZ), ...site('hz-0002', 'hz', { lon: 120.17, lat: 30.28 }), ...site('nb-0001', 'nb', NB)]);
  });
  after(async () => { await t.close(); });

  const post = (who: string, payload: object) => t.as(who, { method: 'POST', url: '/api/v1/network-issues', payload });
  let outageId = 0;

  it('records an outage on cells; the region comes from the cells; times come back with the +08:00 offset', async () => {
    const r = await post('noc', {
      kind: 'outage', title: '西湖基站断站', explanation: '该区域基站故障，正在抢修，预计两小时内恢复。',
      cells: ['hz-0001-1', 'hz-0001-2'], startsAt: '2026-03-02T08:30:00+08:00',
    });
    assert.equal(r.statusCode, 201, r.body);
    const i = r.json();
    outageId = i.id;
    assert.equal(i.regionId, 'hz');
    assert.deepEqual(i.cells, ['hz-0001-1', 'hz-0001-2']);
    assert.equal(i.startsAt, '2026-03-02T08:30:00.000+08:00');
    assert.equal(i.endsAt, null);
    assert.equal(i.status, 'open');
    assert.equal(i.source, 'manual');
    assert.equal(i.createdBy, 'noc');
    assert.equal(i.circle, null);
    const got = await t.as('agent', { method: 'GET', url: `/api/v1/network-issues/${i.id}` });
    assert.equal(got.statusCode, 200);
    assert.deepEqual(got.json(), i);
  });

  it('records a construction plan by circle (with region and planned date) and refuses one without a planned date', async () => {
    const ok = await post('supervisor', {
      kind: 'construction_plan', title: '城西新建基站', explanation: '该区域已列入2026年建设计划，预计6月底开通。', region: 'hz',
      circle: { lon: 120.1, lat: 30.3, radiusM: 800 }, startsAt: '2026-03-01T00:00:00+08:00', plannedDate: '2026-06-30',
    });
    assert.equal(ok.statusCode, 201, ok.body);
    assert.equal(ok.json().plannedDate, '2026-06-30');
    assert.deepEqual(ok.json().circle, { lon: 120.1, lat: 30.3, radiusM: 800 });
    const none = await post('noc', { kind: 'construction_plan', title: 'x', explanation: 'x', region: 'hz', circle: { lon: 120.1, lat: 30.3, radiusM: 800 }, startsAt: '2026-03-01T00:00:00+08:00' });
    assert.equal(none.statusCode, 400);
    assert.match(none.json().message, /plannedDate/);
    const badDate = await post('noc', { kind: 'construction_plan', title: 'x', explanation: 'x', region: 'hz', circle: { lon: 120.1, lat: 30.3, radiusM: 800 }, startsAt: '2026-03-01T00:00:00+08:00', plannedDate: '2026-02-30' });
    assert.equal(badDate.statusCode, 400);
  });

  it('refuses bad issues with a 4xx and a reason', async () => {
    const base = { kind: 'planned_work', title: '割接', explanation: '夜间割接', startsAt: '2026-03-03T00:00:00+08:00' };
    const unknown = await post('noc', { ...base, cells: ['hz-0001-1', 'ghost-1', 'nb-0001-1'] });
    assert.equal(unknown.statusCode, 400);
    assert.deepEqual(unknown.json().details.unknownCells, ['ghost-1', 'nb-0001-1'], 'a cell outside the scope is unknown to the caller');
    const nowhere = await post('noc', base);
    assert.equal(nowhere.statusCode, 400);
    assert.match(nowhere.json().message, /cells, a circle/);
    const noRegion = await post('noc', { ...base, circle: { lon: 120.1, lat: 30.3, radiusM: 500 } });
    assert.equal(noRegion.statusCode, 400);
    assert.match(noRegion.json().message, /region is required/);
    const otherCity = await post('noc', { ...base, region: 'nb', circle: { lon: 121.5, lat: 29.8, radiusM: 500 } });
    assert.equal(otherCity.statusCode, 403);
    const backwards = await post('noc', { ...base, cells: ['hz-0001-1'], endsAt: '2026-03-02T23:00:00+08:00' });
    assert.equal(backwards.statusCode, 400);
    assert.match(backwards.json().message, /endsAt must be after startsAt/);
    const noZone = await post('noc', { ...base, cells: ['hz-0001-1'], startsAt: '2026-03-03T00:00:00' });
    assert.equal(noZone.statusCode, 400);
    assert.match(noZone.json().message, /startsAt/);
    const badKind = await post('noc', { ...base, kind: 'weather', cells: ['hz-0001-1'] });
    assert.equal(badKind.statusCode, 400);
    const extra = await post('noc', { ...base, cells: ['hz-0001-1'], severity: 'high' });
    assert.equal(extra.statusCode, 400);
    assert.match(extra.json().message, /severity/);
    const hugeCircle = await post('noc', { ...base, region: 'hz', circle: { lon: 120.1, lat: 30.3, radiusM: 500_000 } });
    assert.equal(hugeCircle.statusCode, 400);
    const twoCities = await post('admin', { ...base, cells: ['hz-0001-1', 'nb-0001-1'] });
    assert.equal(twoCities.statusCode, 400);
    assert.match(twoCities.json().message, /regions hz, nb/);
    const agent = await post('agent', { ...base, cells: ['hz-0001-1'] });
    assert.equal(agent.statusCode, 403);
    const badId = await t.as('noc', { method: 'GET', url: '/api/v1/network-issues/abc' });
    assert.equal(badId.statusCode, 400);
    const missing = await t.as('noc', { method: 'GET', url: '/api/v1/network-issues/999999' });
    assert.equal(missing.statusCode, 404);
  });

  it('keeps issues in their region: a city user gets 404 for another city', async () => {
    const nb = await post('noc.nb', { kind: 'degradation', title: '宁波速率下降', explanation: '传输拥塞，正在扩容。', cells: ['nb-0001-1'], startsAt: '2026-03-02T07:00:00+08:00' });
    assert.equal(nb.statusCode, 201, nb.body);
    const id = nb.json().id;
    for (const [method, url, payload] of [
      ['GET', `/api/v1/network-issues/${id}`, undefined],
      ['PATCH', `/api/v1/network-issues/${id}`, { title: 'mine now' }],
      ['POST', `/api/v1/network-issues/${id}/close`, undefined],
    ] as const) {
      const r = await t.as('noc', { method, url, payload });
      assert.equal(r.statusCode, 404, `${method} ${url}`);
    }
    const list = await t.as('noc', { method: 'GET', url: '/api/v1/network-issues?limit=500' });
    assert.ok(list.json().items.length >= 2);
    assert.ok(list.json().items.every((i: any) => i.regionId === 'hz'));
    const province = await t.as('province', { method: 'GET', url: `/api/v1/network-issues/${id}` });
    assert.equal(province.statusCode, 200);
    const unscoped = await t.as('province', { method: 'GET', url: '/api/v1/network-issues?limit=500' });
    assert.ok(unscoped.json().items.some((i: any) => i.regionId === 'nb'));
  });

  it('changes an open issue: extends the window, replaces cells, sets a circle', async () => {
    const r = await t.as('noc', { method: 'PATCH', url: `/api/v1/network-issues/${outageId}`, payload: { endsAt: '2026-03-02T12:00:00+08:00', cells: ['hz-0001-3'], explanation: '抢修中，预计12点恢复。' } });
    assert.equal(r.statusCode, 200, r.body);
    assert.equal(r.json().endsAt, '2026-03-02T12:00:00.000+08:00');
    assert.deepEqual(r.json().cells, ['hz-0001-3']);
    assert.equal(r.json().explanation, '抢修中，预计12点恢复。');
    const extended = await t.as('noc', { method: 'PATCH', url: `/api/v1/network-issues/${outageId}`, payload: { endsAt: '2026-03-02T18:00:00+08:00', circle: { lon: HZ.lon, lat: HZ.lat, radiusM: 300 } } });
    assert.equal(extended.json().endsAt, '2026-03-02T18:00:00.000+08:00');
    assert.deepEqual(extended.json().circle, { lon: HZ.lon, lat: HZ.lat, radiusM: 300 });
    const grid = await ctx.db.kysely.selectFrom('networkIssueGrid').select('gridKey').where('issueId', '=', outageId).execute();
    assert.ok(grid.length >= 1);
    const emptied = await t.as('noc', { method: 'PATCH', url: `/api/v1/network-issues/${outageId}`, payload: { cells: null, circle: null } });
    assert.equal(emptied.statusCode, 400);
    const backwards = await t.as('noc', { method: 'PATCH', url: `/api/v1/network-issues/${outageId}`, payload: { endsAt: '2026-03-01T00:00:00+08:00' } });
    assert.equal(backwards.statusCode, 400);
    const unknownCell = await t.as('noc', { method: 'PATCH', url: `/api/v1/network-issues/${outageId}`, payload: { cells: ['zz-1'] } });
    assert.equal(unknownCell.statusCode, 400);
    assert.deepEqual(unknownCell.json().details.unknownCells, ['zz-1']);
    const nothing = await t.as('noc', { method: 'PATCH', url: `/api/v1/network-issues/${outageId}`, payload: {} });
    assert.equal(nothing.statusCode, 400);
    const openEnded = await t.as('noc', { method: 'PATCH', url: `/api/v1/network-issues/${outageId}`, payload: { endsAt: null } });
    assert.equal(openEnded.json().endsAt, null);
  });

  it('closes an issue: its window ends now; closing again or changing it is a 409', async () => {
    t.clock.set('2026-03-02T10:15:00+08:00');
    const r = await t.as('noc', { method: 'POST', url: `/api/v1/network-issues/${outageId}/close` });
    assert.equal(r.statusCode, 200, r.body);
    assert.equal(r.json().status, 'closed');
    assert.equal(r.json().closedAt, '2026-03-02T10:15:00.000+08:00');
    assert.equal(r.json().endsAt, '2026-03-02T10:15:00.000+08:00');
    const again = await t.as('noc', { method: 'POST', url: `/api/v1/network-issues/${outageId}/close` });
    assert.equal(again.statusCode, 409);
    const patch = await t.as('noc', { method: 'PATCH', url: `/api/v1/network-issues/${outageId}`, payload: { title: 'late' } });
    assert.equal(patch.statusCode, 409);
    assert.equal(patch.json().code, 'invalid_state');
  });

  it('an issue recorded after its window ended is stored closed', async () => {
    const r = await post('noc', { kind: 'outage', title: '昨夜断站', explanation: '已恢复。', cells: ['hz-0002-2'], startsAt: '2026-03-01T01:00:00+08:00', endsAt: '2026-03-01T03:00:00+08:00' });
    assert.equal(r.statusCode, 201);
    assert.equal(r.json().status, 'closed');
    assert.equal(r.json().endsAt, '2026-03-01T03:00:00.000+08:00');
    assert.ok(r.json().closedAt);
  });

  it('closing planned work before it starts leaves an empty window', async () => {
    const r = await post('noc', { kind: 'planned_work', title: '夜间割接', explanation: '凌晨割接，期间信号中断。', cells: ['hz-0002-1'], startsAt: '2026-03-03T00:00:00+08:00', endsAt: '2026-03-03T06:00:00+08:00' });
    const closed = await t.as('noc', { method: 'POST', url: `/api/v1/network-issues/${r.json().id}/close` });
    assert.equal(closed.json().endsAt, '2026-03-03T00:00:00.000+08:00');
  });

  it('lists with filters and keyset pages', async () => {
    const byStatus = await t.as('province', { method: 'GET', url: '/api/v1/network-issues?status=closed' });
    assert.ok(byStatus.json().items.length >= 3);
    assert.ok(byStatus.json().items.every((i: any) => i.status === 'closed'));
    const byKind = await t.as('province', { method: 'GET', url: '/api/v1/network-issues?kind=construction_plan' });
    assert.deepEqual(byKind.json().items.map((i: any) => i.kind), ['construction_plan']);
    const byRegion = await t.as('province', { method: 'GET', url: '/api/v1/network-issues?region=nb' });
    assert.deepEqual(byRegion.json().items.map((i: any) => i.regionId), ['nb']);
    const byProvince = await t.as('province', { method: 'GET', url: '/api/v1/network-issues?region=zj&limit=500' });
    assert.ok(byProvince.json().items.length >= 4, 'a region filter takes the regions below it');
    const byCell = await t.as('noc', { method: 'GET', url: '/api/v1/network-issues?cellId=hz-0002-1' });
    assert.equal(byCell.json().items.length, 1);
    assert.deepEqual(byCell.json().items[0].cells, ['hz-0002-1']);
    const seen: number[] = [];
    let cursor: string | null = null;
    do {
      const url: string = `/api/v1/network-issues?limit=2${cursor ? `&cursor=${cursor}` : ''}`;
      const p = await t.as('province', { method: 'GET', url });
      assert.equal(p.statusCode, 200);
      seen.push(...p.json().items.map((i: any) => i.id));
      cursor = p.json().nextCursor;
    } while (cursor);
    assert.deepEqual(seen, [...seen].sort((a, b) => b - a), 'newest first');
    assert.equal(new Set(seen).size, seen.length);
    const all = await t.as('province', { method: 'GET', url: '/api/v1/network-issues?limit=500' });
    assert.equal(seen.length, all.json().items.length);
    const badCursor = await t.as('province', { method: 'GET', url: '/api/v1/network-issues?cursor=nope' });
    assert.equal(badCursor.statusCode, 400);
    const badStatus = await t.as('province', { method: 'GET', url: '/api/v1/network-issues?status=pending' });
    assert.equal(badStatus.statusCode, 400);
  });

  it('reads cells with their neighbours, in scope', async () => {
    const one = await t.as('agent', { method: 'GET', url: '/api/v1/cells/hz-0001-1' });
    assert.equal(one.statusCode, 200);
    assert.equal(one.json().siteId, 'hz-0001');
    assert.deepEqual(one.json().neighbours, []);
    assert.equal((await t.as('agent', { method: 'GET', url: '/api/v1/cells/nb-0001-1' })).statusCode, 404);
    const list = await t.as('agent', { method: 'GET', url: '/api/v1/cells?siteId=hz-0001' });
    assert.deepEqual(list.json().items.map((c: any) => c.id), ['hz-0001-1', 'hz-0001-2', 'hz-0001-3']);
    const paged = await t.as('province', { method: 'GET', url: '/api/v1/cells?limit=4' });
    assert.equal(paged.json().items.length, 4);
    assert.ok(paged.json().nextCursor);
  });

  it('audits issue changes in the hash chain', async () => {
    const r = await t.as('admin', { method: 'GET', url: '/api/v1/audit?limit=500' });
    const actions = new Set(r.json().items.map((i: any) => i.action));
    for (const a of ['network_issue.created', 'network_issue.updated', 'network_issue.closed']) assert.ok(actions.has(a), a);
    assert.equal((await verifyAuditChain(ctx.db.kysely)).brokenAt, null);
  });
});
