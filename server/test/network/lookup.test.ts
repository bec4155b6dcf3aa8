import { it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { eachEngine } from '../helpers/engines.ts';
import { testApp, type TestApp } from '../helpers/app.ts';
import { findIssues, nearbySiteCells } from '../../src/network/lookup.ts';
import { moved, seedCells, site } from './fixtures.ts';

const A = { lon: 120.16, lat: 30.27 };            // site hz-0001
const B = moved(A.lon, A.lat, 600, 0);             // site hz-0002, 600 m east
const C = moved(A.lon, A.lat, 0, 5000);            // site hz-0003, 5 km north
const FAR = moved(A.lon, A.lat, 0, -20000);        // nothing within 2 km
const NB = { lon: 121.55, lat: 29.87 };

eachEngine('network: lookup by cell, place and time', (ctx) => {
  let t: TestApp;
  const ids: Record<string, number> = {};
  before(async () => {
    t = await testApp(ctx.db, { start: '2026-03-02T09:00:00+08:00' });
    await seedCells(t, [...site('hz-0001', 'hz', A), ...site('hz-0002', 'hz', B, 'NR'), ...site('hz-0003', 'hz', C), ...site('nb-0001', 'nb', NB)]);
    const make = async (name: string, who: string, body: object) => {
      const r = await t.as(who, { method: 'POST', url: '/api/v1/network-issues', payload: { title: name, explanation: `${name}的解释口径`, ...body } });
      assert.equal(r.statusCode, 201, r.body);
      ids[name] = r.json().id;
    };
    await make('window', 'noc', { kind: 'outage', cells: ['hz-0001-1'], startsAt: '2026-03-02T10:00:00+08:00', endsAt: '2026-03-02T12:00:00+08:00' });
    await make('openEnded', 'noc', { kind: 'no_investment', cells: ['hz-0003-2'], startsAt: '2026-01-01T00:00:00+08:00' });
    await make('circle', 'noc', { kind: 'coverage_gap', region: 'hz', circle: { ...moved(B.lon, B.lat, 0, 300), radiusM: 400 }, startsAt: '2026-02-01T00:00:00+08:00' });
    await make('siteB', 'noc', { kind: 'planned_work', cells: ['hz-0002-1', 'hz-0002-2', 'hz-0002-3'], startsAt: '2026-03-02T08:00:00+08:00', endsAt: '2026-03-02T20:00:00+08:00' });
    await make('nb', 'noc.nb', { kind: 'outage', cells: ['nb-0001-1'], region: 'nb', circle: { ...NB, radiusM: 3000 }, startsAt: '2026-03-01T00:00:00+08:00' });
  });
  after(async () => { await t.close(); });

  const lookup = (who: string, query: string) => t.as(who, { method: 'GET', url: `/api/v1/network-issues/lookup?${query}` });
  const titles = (r: any) => r.json().issues.map((i: any) => i.title).sort();

  it('by cell: only inside the window [startsAt, endsAt)', async () => {
    const at = (iso: string) => lookup('agent', `cellId=hz-0001-1&at=${encodeURIComponent(iso)}`);
    assert.deepEqual(titles(await at('2026-03-02T09:59:59+08:00')), [], 'before start');
    assert.deepEqual(titles(await at('2026-03-02T10:00:00+08:00')), ['window'], 'at start');
    assert.deepEqual(titles(await at('2026-03-02T03:30:00Z')), ['window'], 'another zone, same instant inside');
    assert.deepEqual(titles(await at('2026-03-02T11:59:59+08:00')), ['window']);
    assert.deepEqual(titles(await at('2026-03-02T12:00:00+08:00')), [], 'at the end: over');
    const r = await at('2026-03-02T11:00:00+08:00');
    assert.equal(r.statusCode, 200);
    const body = r.json();
    assert.deepEqual(body.cells.map((c: any) => c.id), ['hz-0001-1']);
    assert.deepEqual(body.hotspots, []);
    assert.equal(body.at, '2026-03-02T11:00:00.000+08:00');
    assert.deepEqual(body.issues[0].matchedBy, ['cell']);
    assert.equal(body.issues[0].explanation, 'window的解释口径');
    assert.equal((await lookup('agent', 'cellId=hz-0001-2&at=2026-03-02T11:00:00%2B08:00')).json().issues.length, 0, 'other sectors are not covered');
  });

  it('open-ended issues cover every time after their start; `at` defaults to now', async () => {
    assert.deepEqual(titles(await lookup('agent', 'cellId=hz-0003-2&at=2030-01-01T00:00:00%2B08:00')), ['openEnded']);
    assert.deepEqual(titles(await lookup('agent', 'cellId=hz-0003-2&at=2025-12-31T23:59:59%2B08:00')), []);
    t.clock.set('2026-03-02T11:00:00+08:00');
    const now = await lookup('agent', 'cellId=hz-0001-1');
    assert.deepEqual(titles(now), ['window']);
    assert.equal(now.json().at, '2026-03-02T11:00:00.000+08:00');
  });

  it('by lon/lat: the nearest site within 2 km and its issues, plus circles around the point', async () => {
    const p = moved(B.lon, B.lat, 50, 20);
    const r = await lookup('agent', `lon=${p.lon}&lat=${p.lat}&at=2026-03-02T11:00:00%2B08:00`);
    assert.equal(r.statusCode, 200, r.body);
    const body = r.json();
    assert.deepEqual(body.cells.map((c: any) => c.id), ['hz-0002-1', 'hz-0002-2', 'hz-0002-3']);
    assert.ok(body.cells.every((c: any) => c.distanceM > 40 && c.distanceM < 60));
    assert.deepEqual(titles(r), ['circle', 'siteB']);
    assert.deepEqual(body.issues.find((i: any) => i.title === 'circle').matchedBy, ['circle']);
    // at A: the window outage on A's sector 1; the circle (400 m around a point 300 m north of B) is ~670 m away
    const nearA = await lookup('agent', `lon=${A.lon}&lat=${A.lat}&at=2026-03-02T11:00:00%2B08:00`);
    assert.deepEqual(nearA.json().cells.map((c: any) => c.id), ['hz-0001-1', 'hz-0001-2', 'hz-0001-3']);
    assert.deepEqual(titles(nearA), ['window']);
    // just inside the circle's edge, 150 m west of B: still B's site, and the circle
    const edge = moved(B.lon, B.lat, -150, 300 - 360);
    assert.deepEqual(titles(await lookup('agent', `lon=${edge.lon}&lat=${edge.lat}&at=2026-03-02T21:00:00%2B08:00`)), ['circle']);
    const beyond = moved(B.lon, B.lat, 0, 300 - 420);
    assert.deepEqual(titles(await lookup('agent', `lon=${beyond.lon}&lat=${beyond.lat}&at=2026-03-02T21:00:00%2B08:00`)), [], '420 m from the centre of a 400 m circle');
    // 1.5 km west of A: A is still the nearest site within 2 km, but the circle no longer reaches
    const west = moved(A.lon, A.lat, -1500, 0);
    const w = await lookup('agent', `lon=${west.lon}&lat=${west.lat}&at=2026-03-02T11:00:00%2B08:00`);
    assert.deepEqual(w.json().cells.map((c: any) => c.id), ['hz-0001-1', 'hz-0001-2', 'hz-0001-3']);
    assert.ok(Math.abs(w.json().cells[0].distanceM - 1500) < 5);
    assert.deepEqual(titles(w), ['window']);
  });

  it('by lon/lat far from every cell: no cells, only circles', async () => {
    const r = await lookup('agent', `lon=${FAR.lon}&lat=${FAR.lat}`);
    assert.deepEqual(r.json().cells, []);
    assert.deepEqual(r.json().issues, []);
  });

  it('by cell inside a circle: the circle matches through the cell position', async () => {
    const r = await lookup('agent', 'cellId=hz-0002-1&at=2026-03-02T21:00:00%2B08:00');
    assert.deepEqual(titles(r), ['circle']);
    assert.deepEqual(r.json().issues[0].matchedBy, ['circle']);
    const outside = await lookup('agent', 'cellId=hz-0003-1&at=2026-03-02T21:00:00%2B08:00');
    assert.deepEqual(titles(outside), []);
  });

  it('a closed issue still explains the past, not the time after its close', async () => {
    t.clock.set('2026-03-02T11:30:00+08:00');
    const c = await t.as('noc', { method: 'POST', url: `/api/v1/network-issues/${ids.window}/close` });
    assert.equal(c.statusCode, 200);
    assert.deepEqual(titles(await lookup('agent', 'cellId=hz-0001-1&at=2026-03-02T11:00:00%2B08:00')), ['window']);
    assert.deepEqual(titles(await lookup('agent', 'cellId=hz-0001-1&at=2026-03-02T11:45:00%2B08:00')), []);
  });

  it('a non-network category is not explained by network issues', async () => {
    const q = `lon=${B.lon}&lat=${B.lat}&at=2026-03-02T11:00:00%2B08:00`;
    assert.deepEqual(titles(await lookup('agent', `${q}&category=billing.overcharge`)), []);
    assert.equal((await lookup('agent', `${q}&category=billing.overcharge`)).json().cells.length, 3);
    assert.deepEqual(titles(await lookup('agent', `${q}&category=network.call_drop`)), ['circle', 'siteB']);
  });

  it('stays in the caller scope: another city is 404 by cell and invisible by place', async () => {
    assert.equal((await lookup('agent.nb', 'cellId=hz-0001-1')).statusCode, 404);
    const r = await lookup('agent.nb', `lon=${B.lon}&lat=${B.lat}&at=2026-03-02T11:00:00%2B08:00`);
    assert.deepEqual(r.json().cells, []);
    assert.deepEqual(r.json().issues, []);
    const own = await lookup('agent.nb', `lon=${NB.lon}&lat=${NB.lat}`);
    assert.deepEqual(titles(own), ['nb']);
    assert.deepEqual(own.json().issues[0].matchedBy.sort(), ['cell', 'circle']);
    assert.deepEqual(titles(await lookup('agent', `lon=${NB.lon}&lat=${NB.lat}`)), []);
    assert.deepEqual(titles(await lookup('province', `lon=${NB.lon}&lat=${NB.lat}`)), ['nb'], 'the province sees every city');
    assert.equal((await lookup('auditor', 'cellId=hz-0001-1')).statusCode, 403);
  });

  it('refuses incomplete or malformed lookups', async () => {
    assert.equal((await lookup('agent', '')).statusCode, 400);
    assert.equal((await lookup('agent', 'lon=120.1')).statusCode, 400);
    assert.equal((await lookup('agent', 'lon=200&lat=30')).statusCode, 400);
    assert.equal((await lookup('agent', 'cellId=hz-0001-1&at=yesterday')).statusCode, 400);
    assert.equal((await lookup('agent', 'cellId=hz-0001-1&colour=red')).statusCode, 400);
    const unknown = await lookup('agent', 'cellId=ghost-1');
    assert.equal(unknown.statusCode, 404);
    assert.equal(unknown.json().code, 'not_found');
  });

  it('findIssues serves the intake and analysis code directly (cells with neighbours, kinds filter)', async () => {
    const at = Date.parse('2026-03-02T11:00:00+08:00');
    const r = await findIssues(ctx.db.kysely, { cellIds: ['hz-0002-1', 'hz-0003-2'], at });
    assert.deepEqual(r.issues.map((i) => i.title).sort(), ['circle', 'openEnded', 'siteB']);
    assert.deepEqual(r.cells.map((c) => c.id), ['hz-0002-1', 'hz-0003-2']);
    assert.equal(typeof r.issues[0].startsAt, 'number');
    const plans = await findIssues(ctx.db.kysely, { cellIds: ['hz-0002-1', 'hz-0003-2'], at, kinds: ['construction_plan', 'no_investment'] });
    assert.deepEqual(plans.issues.map((i) => i.title), ['openEnded']);
    const scoped = await findIssues(ctx.db.kysely, { lon: NB.lon, lat: NB.lat, at, regionIds: ['hz'] });
    assert.deepEqual(scoped.issues, []);
    const near = await nearbySiteCells(ctx.db.kysely, C.lon, C.lat, 2000);
    assert.deepEqual(near.map((c) => c.id), ['hz-0003-1', 'hz-0003-2', 'hz-0003-3']);
  });
});
