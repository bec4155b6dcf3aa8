import { it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { eachEngine } from '../helpers/engines.ts';
import { testApp, type TestApp } from '../helpers/app.ts';
import { neighboursOf, getCell } from '../../src/network/cells-repository.ts';
import { subscriberCounts } from '../../src/network/subscribers-repository.ts';
import { apiKey } from './fixtures.ts';

const CSV_HEADER = 'cellId,siteId,name,region,network,lon,lat,neighbours';
const csv = (...lines: string[]) => [CSV_HEADER, ...lines].join('\r\n') + '\r\n';
const postCsv = (t: TestApp, who: string | null, url: string, body: string, headers: Record<string, string> = {}) =>
  (who ? t.as(who, { method: 'POST', url, headers: { 'content-type': 'text/csv; charset=utf-8', ...headers }, payload: body })
    : t.app.inject({ method: 'POST', url, headers: { 'content-type': 'text/csv', ...headers }, payload: body }));

eachEngine('network: cell and subscriber imports', (ctx) => {
  let t: TestApp;
  before(async () => { t = await testApp(ctx.db); });
  after(async () => { await t.close(); });

  it('imports cells from CSV, with quoted names and symmetric neighbour relations', async () => {
    const r = await postCsv(t, 'admin', '/api/v1/import/cells', '\uFEFF' + csv(
      'a-1,a,"西湖文化广场, 1",hz,LTE,120.16,30.27,a-2;b-1',
      'a-2,a,西湖文化广场 2,hz,LTE,120.16,30.27,',
      'b-1,b,"武林 ""北""",hz,NR,120.17,30.28,',
    ));
    assert.equal(r.statusCode, 200, r.body);
    assert.deepEqual(r.json(), { created: 3, updated: 0, rejected: [] });
    const k = ctx.db.kysely;
    assert.deepEqual(await neighboursOf(k, 'a-1'), ['a-2', 'b-1']);
    assert.deepEqual(await neighboursOf(k, 'a-2'), ['a-1']);
    assert.deepEqual(await neighboursOf(k, 'b-1'), ['a-1']);
    const b1 = await getCell(k, 'b-1');
    assert.equal(b1?.name, '武林 "北"');
    assert.equal(b1?.network, 'NR');
    assert.equal((await getCell(k, 'a-1'))?.name, '西湖文化广场, 1');
  });

  it('re-importing the same file changes nothing (upsert by id)', async () => {
    const body = csv('a-1,a,"西湖文化广场, 1",hz,LTE,120.16,30.27,a-2;b-1', 'a-2,a,西湖文化广场 2,hz,LTE,120.16,30.27,', 'b-1,b,"武林 ""北""",hz,NR,120.17,30.28,');
    const r = await postCsv(t, 'admin', '/api/v1/import/cells', body);
    assert.deepEqual(r.json(), { created: 0, updated: 3, rejected: [] });
    const pairs = await ctx.db.kysely.selectFrom('cellNeighbour').select(['cellId', 'neighbourId']).where('cellId', 'in', ['a-1', 'a-2', 'b-1']).orderBy('cellId').orderBy('neighbourId').execute();
    assert.deepEqual(pairs.map((p) => `${p.cellId}>${p.neighbourId}`), ['a-1>a-2', 'a-1>b-1', 'a-2>a-1', 'b-1>a-1']);
    assert.equal(await ctx.db.kysely.selectFrom('cell').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow().then((x) => Number(x.n)), 3);
  });

  it('imports JSON; a row listing neighbours replaces its set, in both directions', async () => {
    const r = await t.as('admin', {
      method: 'POST', url: '/api/v1/import/cells', payload: [
        { cellId: 'a-1', siteId: 'a', name: 'A1', region: 'hz', network: 'LTE', lon: 120.16, lat: 30.27, neighbours: ['c-1'] },
        { cellId: 'c-1', siteId: 'c', name: 'C1', region: 'hz', network: 'GSM', lon: 120.18, lat: 30.26 },
        { cellId: 'b-1', siteId: 'b', name: 'B1 renamed', region: 'hz', network: 'NR', lon: 120.17, lat: 30.28 },
      ],
    });
    assert.equal(r.statusCode, 200, r.body);
    assert.deepEqual(r.json(), { created: 1, updated: 2, rejected: [] });
    const k = ctx.db.kysely;
    assert.deepEqual(await neighboursOf(k, 'a-1'), ['c-1']);
    assert.deepEqual(await neighboursOf(k, 'a-2'), [], 'a-1 dropped a-2: gone both ways');
    assert.deepEqual(await neighboursOf(k, 'b-1'), [], 'a-1 dropped b-1: gone both ways');
    assert.deepEqual(await neighboursOf(k, 'c-1'), ['a-1']);
    assert.equal((await getCell(k, 'b-1'))?.name, 'B1 renamed');
    // a later row listing an earlier cell adds the relation to that cell too
    const r2 = await t.as('admin', {
      method: 'POST', url: '/api/v1/import/cells', payload: [
        { cellId: 'd-1', siteId: 'd', name: 'D1', region: 'hz', network: 'LTE', lon: 120.19, lat: 30.25, neighbours: [] },
        { cellId: 'd-2', siteId: 'd', name: 'D2', region: 'hz', network: 'LTE', lon: 120.19, lat: 30.25, neighbours: ['d-1', 'a-2'] },
      ],
    });
    assert.deepEqual(r2.json().rejected, []);
    assert.deepEqual(await neighboursOf(k, 'd-1'), ['d-2'], 'declared by d-2, so d-1 keeps it despite its empty list');
    assert.deepEqual(await neighboursOf(k, 'a-2'), ['d-2']);
  });

  it('rejects bad rows one by one with a reason and writes the good ones', async () => {
    const r = await postCsv(t, 'admin', '/api/v1/import/cells', csv(
      'e-1,e,E1,hz,LTE,120.2,30.3,e-2',                 // 1 good (e-2 in file)
      'e-2,e,E2,hz,LTE,120.2,30.3,',                    // 2 good
      'x-1,x,X1,nowhere,LTE,120.2,30.3,',               // 3 unknown region
      'x-2,x,X2,hz,5G,120.2,30.3,',                     // 4 bad network
      'x-3,x,X3,hz,LTE,181,30.3,',                      // 5 lon out of range
      'x-4,x,X4,hz,LTE,120.2,-91,',                     // 6 lat out of range
      'x-5,x,X5,hz,LTE,120.2,30.3,ghost-9',             // 7 unknown neighbour
      'e-1,e,E1 again,hz,LTE,120.2,30.3,',              // 8 repeated id
      'x-6,x,X6,hz,LTE,120.2,30.3,x-2',                 // 9 neighbour rejected in this file
      'x-7,x,X7,hz,LTE,120.2',                          // 10 wrong field count
      'x-8,x,,hz,LTE,120.2,30.3,',                      // 11 missing name
      'x-9,x,X9,hz,LTE,east,30.3,',                     // 12 lon not a number
      'x 10,x,X10,hz,LTE,120.2,30.3,',                  // 13 bad cell id
      'e-3,e,E3,hz,WCDMA,120.2,30.3,a-1',               // 14 good (a-1 stored)
    ));
    assert.equal(r.statusCode, 200, r.body);
    const body = r.json();
    assert.equal(body.created, 3);
    assert.equal(body.updated, 0);
    const reasons = Object.fromEntries(body.rejected.map((x: any) => [x.row, x.reason]));
    assert.deepEqual(body.rejected.map((x: any) => x.row), [3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]);
    assert.match(reasons[3], /region nowhere does not exist/);
    assert.match(reasons[4], /network 5G is not one of/);
    assert.match(reasons[5], /out of range/);
    assert.match(reasons[6], /out of range/);
    assert.match(reasons[7], /unknown neighbour\(s\) ghost-9/);
    assert.match(reasons[8], /appears again \(first at row 1\)/);
    assert.match(reasons[9], /x-2 rejected in this import/);
    assert.match(reasons[10], /has 6 fields, the header has 8/);
    assert.match(reasons[11], /name is missing/);
    assert.match(reasons[12], /must be numbers/);
    assert.match(reasons[13], /cellId must be/);
    assert.equal(body.rejected.find((x: any) => x.row === 3).cellId, 'x-1');
    const k = ctx.db.kysely;
    for (const id of ['x-1', 'x-2', 'x-3', 'x-4', 'x-5', 'x-6']) assert.equal(await getCell(k, id), undefined, id);
    assert.equal((await getCell(k, 'e-1'))?.name, 'E1', 'the first of a repeated id is kept');
    assert.deepEqual(await neighboursOf(k, 'e-3'), ['a-1']);
    assert.deepEqual(await neighboursOf(k, 'e-2'), ['e-1']);
  });

  it('keeps a city API key to its own region', async () => {
    const key = await apiKey(t, 'nb');
    const r = await t.app.inject({
      method: 'POST', url: '/api/v1/import/cells', headers: key, payload: [
        { cellId: 'nb-1', siteId: 'nb', name: 'NB1', region: 'nb', network: 'LTE', lon: 121.55, lat: 29.87 },
        { cellId: 'hz-x', siteId: 'hzx', name: 'HZ', region: 'hz', network: 'LTE', lon: 120.1, lat: 30.2 },
        { cellId: 'a-1', siteId: 'a', name: 'steal', region: 'nb', network: 'LTE', lon: 120.1, lat: 30.2 },
      ],
    });
    assert.equal(r.statusCode, 200, r.body);
    const body = r.json();
    assert.equal(body.created, 1);
    assert.match(body.rejected[0].reason, /region hz is outside your scope/);
    assert.match(body.rejected[1].reason, /cell a-1 belongs to region hz, outside your scope/);
    assert.equal((await getCell(ctx.db.kysely, 'a-1'))?.regionId, 'hz');
  });

  it('refuses other roles, a CSV without the needed columns, a CSV body elsewhere, and wrong JSON types', async () => {
    assert.equal((await t.as('noc', { method: 'POST', url: '/api/v1/import/cells', payload: [] })).statusCode, 403);
    assert.equal((await postCsv(t, null, '/api/v1/import/cells', csv())).statusCode, 401);
    const noCols = await postCsv(t, 'admin', '/api/v1/import/cells', 'cellId,name\nq,Q\n');
    assert.equal(noCols.statusCode, 400);
    assert.match(noCols.json().message, /siteId, region, network, lon, lat/);
    const empty = await postCsv(t, 'admin', '/api/v1/import/cells', '');
    assert.equal(empty.statusCode, 400);
    const elsewhere = await t.as('admin', { method: 'PUT', url: '/api/v1/regions/q9', headers: { 'content-type': 'text/csv' }, payload: 'name\nQ' });
    assert.equal(elsewhere.statusCode, 415);
    const wrongType = await t.as('admin', { method: 'POST', url: '/api/v1/import/cells', payload: [{ cellId: 'q', siteId: 'q', name: 'q', region: 'hz', network: 'LTE', lon: '120', lat: 30 }] });
    assert.equal(wrongType.statusCode, 400);
    const unknownField = await t.as('admin', { method: 'POST', url: '/api/v1/import/cells', payload: [{ cellId: 'q', siteId: 'q', name: 'q', region: 'hz', network: 'LTE', lon: 120, lat: 30, colour: 'red' }] });
    assert.equal(unknownField.statusCode, 400);
    assert.match(unknownField.json().message, /colour/);
    const jsonString = await t.as('admin', { method: 'POST', url: '/api/v1/import/cells', payload: JSON.stringify('cellId') , headers: { 'content-type': 'application/json' } });
    assert.equal(jsonString.statusCode, 400);
  });

  it('takes an import body over 1 MiB (the import limit is 100 MiB)', async () => {
    const lines: string[] = [];
    for (let i = 0; i < 12000; i++) lines.push(`big-${i},big-${Math.floor(i / 3)},一个很长的小区名字用来让文件超过一兆字节 ${i},hz,LTE,${(120 + (i % 100) / 1000).toFixed(4)},${(30 + Math.floor(i / 100) / 1000).toFixed(4)},${i % 3 ? `big-${i - 1}` : ''}`);
    const body = csv(...lines);
    assert.ok(Buffer.byteLength(body) > 1024 * 1024);
    const r = await postCsv(t, 'admin', '/api/v1/import/cells', body);
    assert.equal(r.statusCode, 200, r.body.slice(0, 300));
    assert.deepEqual(r.json(), { created: 12000, updated: 0, rejected: [] });
    assert.deepEqual(await neighboursOf(ctx.db.kysely, 'big-1'), ['big-0', 'big-2']);
  });

  it('imports subscriber counts from JSON and CSV, upserting, with per-row rejections', async () => {
    const r = await t.as('admin', {
      method: 'POST', url: '/api/v1/import/subscribers', payload: [
        { region: 'hz', network: 'LTE', month: '2026-01', count: 9_500_000 },
        { region: 'hz', network: 'NR', month: '2026-01', count: 6_100_000 },
        { region: 'nowhere', network: 'NR', month: '2026-01', count: 1 },
        { region: 'hz', network: 'LTE+', month: '2026-01', count: 1 },
        { region: 'hz', network: 'LTE', month: '2026-13', count: 1 },
        { region: 'hz', network: 'LTE', month: '2026-02', count: -5 },
        { region: 'hz', network: 'LTE', month: '2026-02', count: 1.5 },
        { region: 'hz', network: 'LTE', month: '2026-01', count: 2 },
      ],
    });
    assert.equal(r.statusCode, 200, r.body);
    const body = r.json();
    assert.equal(body.created, 2);
    assert.deepEqual(body.rejected.map((x: any) => x.row), [3, 4, 5, 6, 7, 8]);
    assert.match(body.rejected[0].reason, /region nowhere does not exist/);
    assert.match(body.rejected[1].reason, /network LTE\+/);
    assert.match(body.rejected[2].reason, /YYYY-MM/);
    assert.match(body.rejected[3].reason, /whole number/);
    assert.match(body.rejected[4].reason, /whole number/);
    assert.match(body.rejected[5].reason, /appears again/);
    const c = await postCsv(t, 'admin', '/api/v1/import/subscribers', 'region,network,month,count\nhz,LTE,2026-01,9600000\nnb,LTE,2026-01,5000000\n');
    assert.deepEqual(c.json(), { created: 1, updated: 1, rejected: [] });
    const rows = await subscriberCounts(ctx.db.kysely, { fromMonth: '2026-01', toMonth: '2026-01' });
    assert.deepEqual(rows.map((x) => [x.regionId, x.network, x.count]), [['hz', 'LTE', 9_600_000], ['hz', 'NR', 6_100_000], ['nb', 'LTE', 5_000_000]]);
    const key = await apiKey(t, 'wz');
    const scoped = await t.app.inject({ method: 'POST', url: '/api/v1/import/subscribers', headers: key, payload: [{ region: 'hz', network: 'LTE', month: '2026-02', count: 1 }, { region: 'wz', network: 'LTE', month: '2026-02', count: 3_000_000 }] });
    assert.equal(scoped.json().created, 1);
    assert.match(scoped.json().rejected[0].reason, /outside your scope/);
  });

  it('audits every import with its counts', async () => {
    const r = await t.as('admin', { method: 'GET', url: '/api/v1/audit?limit=500&action=import.cells' });
    const items = r.json().items;
    assert.ok(items.length >= 6);
    const withRejections = items.find((i: any) => i.details.rejected === 11);
    assert.ok(withRejections);
    assert.equal(withRejections.details.created, 3);
    assert.equal(withRejections.details.rows, 14);
    assert.equal(withRejections.actor, 'admin');
    const subs = await t.as('admin', { method: 'GET', url: '/api/v1/audit?limit=500&action=import.subscribers' });
    assert.ok(subs.json().items.length >= 3);
  });
});
