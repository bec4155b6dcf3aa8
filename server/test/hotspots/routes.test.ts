// GET /api/v1/hotspots (DESIGN §11), /hotspots/{id}, /hotspots/map: shape, period and region filters, scope.
import { it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { eachEngine } from '../helpers/engines.ts';
import { testApp, type TestApp } from '../helpers/app.ts';
import { MIN, hotspotIds, iso, put, seedCells } from './helpers.ts';

eachEngine('hotspots: API', (ctx) => {
  let t: TestApp;
  let hz = 0;
  let nb = 0;
  let hzIds: number[] = [];
  const day = Date.parse('2026-03-04T10:00:00+08:00');
  before(async () => {
    t = await testApp(ctx.db, { start: '2026-03-05T09:00:00+08:00' });
    await seedCells(ctx.db, [
      { id: 'api-hz-1', lon: 120.15, lat: 30.28 }, { id: 'api-hz-2', lon: 120.16, lat: 30.28 }, { id: 'api-hz-3', lon: 120.2, lat: 30.3 },
      { id: 'api-nb-1', region: 'nb', lon: 121.55, lat: 29.87 },
    ], [['api-hz-1', 'api-hz-2']]);
    hzIds = await put(t.deps, [0, 5, 10, 15, 20, 25].map((m, i) => ({ cell: i % 2 ? 'api-hz-2' : 'api-hz-1', at: day + m * MIN })));
    hz = (await hotspotIds(ctx.db, hzIds))[0]!;
    const nbIds = await put(t.deps, [0, 5, 10, 15, 20, 25].map((m) => ({ cell: 'api-nb-1', at: day + 60 * MIN + m * MIN })));
    nb = (await hotspotIds(ctx.db, nbIds))[0]!;
    await put(t.deps, [{ cell: 'api-hz-3', at: day + 5 * MIN }, { cell: 'api-hz-3', at: day + 6 * MIN, category: 'billing.package' }]);
  });
  after(async () => { await t.close(); });

  it('lists groups as { items: [{ id, category, cells, ticketIds, firstReportedAt, lastReportedAt, status, problemId }], nextCursor }', async () => {
    const r = await t.as('province', { method: 'GET', url: `/api/v1/hotspots?from=${encodeURIComponent(iso(day))}&to=${encodeURIComponent(iso(day + 3 * 60 * MIN))}` });
    assert.equal(r.statusCode, 200, r.body);
    const body = r.json();
    assert.equal(body.nextCursor, null);
    assert.deepEqual(body.items.map((h: any) => h.id), [nb, hz]);
    const h = body.items[1];
    assert.deepEqual(
      { id: h.id, category: h.category, cells: h.cells, ticketIds: h.ticketIds, status: h.status, region: h.region },
      { id: hz, category: 'network.call_drop', cells: ['api-hz-1', 'api-hz-2'], ticketIds: hzIds, status: 'open', region: 'hz' },
    );
    assert.equal(Date.parse(h.firstReportedAt), day);
    assert.equal(Date.parse(h.lastReportedAt), day + 25 * MIN);
    assert.match(h.firstReportedAt, /\+08:00$/);
    assert.equal(typeof h.problemId, 'number');
  });

  it('filters by period (half-open), region and status, and pages', async () => {
    const q = async (user: string, qs: string) => (await t.as(user, { method: 'GET', url: `/api/v1/hotspots?${qs}` })).json();
    assert.deepEqual((await q('province', `from=${encodeURIComponent(iso(day + 26 * MIN))}&to=${encodeURIComponent(iso(day + 60 * MIN))}`)).items, [], 'hz ended before, nb starts at to');
    assert.deepEqual((await q('province', `from=${encodeURIComponent(iso(day + 25 * MIN))}&to=${encodeURIComponent(iso(day + 60 * MIN + 1))}`)).items.map((h: any) => h.id), [nb, hz]);
    assert.deepEqual((await q('province', 'region=nb')).items.map((h: any) => h.id), [nb]);
    assert.deepEqual((await q('noc', '')).items.map((h: any) => h.id).filter((id: number) => id === nb || id === hz), [hz], 'a Hangzhou user sees Hangzhou groups');
    assert.deepEqual((await q('province', 'status=closed')).items, []);
    const p1 = await q('province', 'limit=1');
    assert.equal(p1.items.length, 1);
    const p2 = await q('province', `limit=1&cursor=${p1.nextCursor}`);
    assert.ok(p2.items[0].id < p1.items[0].id);
    assert.equal((await t.as('province', { method: 'GET', url: '/api/v1/hotspots?from=yesterday' })).statusCode, 400);
    assert.equal((await t.as('province', { method: 'GET', url: '/api/v1/hotspots?status=gone' })).statusCode, 400);
  });

  it('answers one group, 404 outside the scope or when unknown', async () => {
    const r = await t.as('noc', { method: 'GET', url: `/api/v1/hotspots/${hz}` });
    assert.equal(r.statusCode, 200);
    assert.deepEqual(r.json().ticketIds, hzIds);
    assert.equal((await t.as('noc', { method: 'GET', url: `/api/v1/hotspots/${nb}` })).statusCode, 404);
    assert.equal((await t.as('noc', { method: 'GET', url: '/api/v1/hotspots/999999' })).statusCode, 404);
    assert.equal((await t.as(null, { method: 'GET', url: `/api/v1/hotspots/${hz}` })).statusCode, 401);
  });

  it('lists the members through the ticket list filter hotspot=', async () => {
    const r = await t.as('noc', { method: 'GET', url: `/api/v1/tickets?hotspot=${hz}&limit=50` });
    assert.deepEqual(r.json().items.map((x: any) => x.id).sort((a: number, b: number) => a - b), hzIds);
  });

  it('gives the map its cells with complaint counts, the groups, and the region\'s other cells', async () => {
    const from = encodeURIComponent(iso(day - 60 * MIN));
    const to = encodeURIComponent(iso(day + 3 * 60 * MIN));
    const r = await t.as('noc', { method: 'GET', url: `/api/v1/hotspots/map?from=${from}&to=${to}&region=hz` });
    assert.equal(r.statusCode, 200, r.body);
    const m = r.json();
    const cell = (id: string) => m.cells.find((c: any) => c.id === id);
    assert.deepEqual([cell('api-hz-1').complaints, cell('api-hz-1').openComplaints, cell('api-hz-1').hotspotIds], [3, 3, [hz]]);
    assert.equal(cell('api-hz-3').complaints, 1, 'network complaints only');
    assert.equal(cell('api-hz-3').hotspotIds.length, 0);
    assert.equal(cell('api-nb-1'), undefined, 'region hz only');
    assert.equal(typeof cell('api-hz-1').lon, 'number');
    assert.deepEqual(m.hotspots.map((h: any) => h.id), [hz]);
    assert.deepEqual(m.hotspots[0].cells, ['api-hz-1', 'api-hz-2']);
    const nbView = (await t.as('noc.nb', { method: 'GET', url: `/api/v1/hotspots/map?from=${from}&to=${to}&region=hz` })).json();
    assert.deepEqual([nbView.cells, nbView.hotspots], [[], []], 'another city sees nothing of Hangzhou');
    assert.equal((await t.as('noc', { method: 'GET', url: `/api/v1/hotspots/map?from=${to}&to=${from}` })).statusCode, 400);
  });
});
