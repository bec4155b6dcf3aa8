import { it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { eachEngine } from '../helpers/engines.ts';
import { testApp, type TestApp } from '../helpers/app.ts';
import { apiKey, moved, seedCells, site } from './fixtures.ts';

const BASE = '/tmf-api/alarmManagement/v4/alarm';
const A = { lon: 120.16, lat: 30.27 };
const B = moved(A.lon, A.lat, 800, 0);
const NB = { lon: 121.55, lat: 29.87 };

const alarm = (over: Record<string, unknown> = {}) => ({
  alarmType: 'EquipmentAlarm', perceivedSeverity: 'critical', probableCause: 'powerProblem', specificProblem: 'BBU power off',
  alarmedObject: { id: 'hz-0001', '@referredType': 'Site' }, alarmedObjectType: 'site', sourceSystemId: 'nms-zj',
  state: 'raised', alarmRaisedTime: '2026-03-02T08:40:00+08:00', ...over,
});

eachEngine('network: TMF642 alarm feed', (ctx) => {
  let t: TestApp;
  let hz: { authorization: string };
  let nb: { authorization: string };
  before(async () => {
    t = await testApp(ctx.db, { start: '2026-03-02T09:00:00+08:00' });
    await seedCells(t, [...site('hz-0001', 'hz', A), ...site('hz-0002', 'hz', B), ...site('nb-0001', 'nb', NB)]);
    hz = await apiKey(t, 'hz', 'nms-hz');
    nb = await apiKey(t, 'nb', 'nms-nb');
  });
  after(async () => { await t.close(); });

  const push = (headers: object, payload: object) => t.app.inject({ method: 'POST', url: BASE, headers: headers as any, payload });
  const patch = (headers: object, id: string, payload: object, type = 'application/merge-patch+json') =>
    t.app.inject({ method: 'PATCH', url: `${BASE}/${id}`, headers: { ...(headers as any), 'content-type': type }, payload: JSON.stringify(payload) });
  const issue = async (id: number) => (await t.as('province', { method: 'GET', url: `/api/v1/network-issues/${id}` })).json();
  const lookupTitles = async (cellId: string, at: string) =>
    (await t.as('agent', { method: 'GET', url: `/api/v1/network-issues/lookup?cellId=${cellId}&at=${encodeURIComponent(at)}` })).json().issues.map((i: any) => i.kind);

  let siteAlarm = '';
  let siteIssue = 0;

  it('a site alarm opens an outage covering every cell of the site and answers a TMF642 Alarm', async () => {
    const r = await push(hz, alarm({ externalAlarmId: 'nms-zj-1001', alarmDetails: 'BBU 掉电', comment: [{ comment: 'first', userId: 'ops' }] }));
    assert.equal(r.statusCode, 201, r.body);
    const a = r.json();
    siteAlarm = a.id;
    assert.equal(typeof a.id, 'string');
    assert.equal(a.href, `${BASE}/${a.id}`);
    assert.equal(r.headers.location, a.href);
    assert.equal(a.state, 'raised');
    assert.equal(a.perceivedSeverity, 'critical');
    assert.equal(a.externalAlarmId, 'nms-zj-1001');
    assert.equal(a.alarmRaisedTime, '2026-03-02T08:40:00.000+08:00');
    assert.deepEqual(a.alarmedObject, { id: 'hz-0001', '@referredType': 'Site' });
    assert.equal(a.alarmDetails, 'BBU 掉电');
    assert.deepEqual(a.comment, [{ comment: 'first', userId: 'ops' }]);
    assert.equal(a['@type'], 'Alarm');
    siteIssue = a.networkIssue.id;
    const i = await issue(siteIssue);
    assert.equal(i.kind, 'outage');
    assert.equal(i.source, 'alarm');
    assert.equal(i.status, 'open');
    assert.equal(i.regionId, 'hz');
    assert.equal(i.externalAlarmId, 'nms-zj-1001');
    assert.deepEqual(i.cells, ['hz-0001-1', 'hz-0001-2', 'hz-0001-3']);
    assert.equal(i.startsAt, '2026-03-02T08:40:00.000+08:00');
    assert.equal(i.endsAt, null);
    assert.match(i.explanation, /抢修/);
    assert.deepEqual(await lookupTitles('hz-0001-2', '2026-03-02T09:00:00+08:00'), ['outage']);
    assert.deepEqual(await lookupTitles('hz-0001-2', '2026-03-02T08:39:00+08:00'), []);
  });

  it('the same externalAlarmId again is the same alarm: 200, no new issue, extended to a new object', async () => {
    const again = await push(hz, alarm({ externalAlarmId: 'nms-zj-1001' }));
    assert.equal(again.statusCode, 200, again.body);
    assert.equal(again.json().id, siteAlarm);
    assert.equal(again.json().state, 'raised');
    const wider = await push(hz, alarm({ externalAlarmId: 'nms-zj-1001', alarmedObject: { id: 'hz-0002-1' }, alarmedObjectType: 'EUtranCell', perceivedSeverity: 'major' }));
    assert.equal(wider.statusCode, 200);
    assert.equal(wider.json().id, siteAlarm);
    assert.equal(wider.json().perceivedSeverity, 'major');
    assert.equal(wider.json().networkIssue.id, siteIssue);
    assert.deepEqual((await issue(siteIssue)).cells, ['hz-0001-1', 'hz-0001-2', 'hz-0001-3', 'hz-0002-1']);
    const issues = await ctx.db.kysely.selectFrom('networkIssue').select('id').where('source', '=', 'alarm').execute();
    assert.equal(issues.length, 1);
  });

  it('without externalAlarmId, an uncleared alarm on the same object and cause is the same alarm', async () => {
    const cell = alarm({ alarmedObject: { id: 'hz-0002-2' }, alarmedObjectType: undefined, probableCause: 'linkFailure', specificProblem: undefined });
    const first = await push(hz, cell);
    assert.equal(first.statusCode, 201, first.body);
    const second = await push(hz, { ...cell, perceivedSeverity: 'minor' });
    assert.equal(second.statusCode, 200);
    assert.equal(second.json().id, first.json().id);
    assert.deepEqual((await issue(first.json().networkIssue.id)).cells, ['hz-0002-2']);
    const otherCause = await push(hz, { ...cell, probableCause: 'highTemperature' });
    assert.equal(otherCause.statusCode, 201);
    assert.notEqual(otherCause.json().id, first.json().id);
  });

  it('a PATCH updates the alarm; a clearing PATCH closes its outage at the cleared time', async () => {
    t.clock.set('2026-03-02T10:00:00+08:00');
    const upd = await patch(hz, siteAlarm, { perceivedSeverity: 'critical', comment: [{ comment: 'dispatched' }] });
    assert.equal(upd.statusCode, 200, upd.body);
    assert.equal(upd.json().state, 'updated');
    assert.equal(upd.json().alarmChangedTime, '2026-03-02T10:00:00.000+08:00');
    assert.equal((await issue(siteIssue)).status, 'open');
    t.clock.set('2026-03-02T10:30:00+08:00');
    const clear = await patch(hz, siteAlarm, { state: 'cleared', alarmClearedTime: '2026-03-02T10:20:00+08:00', clearSystemId: 'nms-zj', clearUserId: 'ops-1' }, 'application/json');
    assert.equal(clear.statusCode, 200, clear.body);
    assert.equal(clear.json().state, 'cleared');
    assert.equal(clear.json().perceivedSeverity, 'cleared');
    assert.equal(clear.json().alarmClearedTime, '2026-03-02T10:20:00.000+08:00');
    assert.equal(clear.json().clearSystemId, 'nms-zj');
    const i = await issue(siteIssue);
    assert.equal(i.status, 'closed');
    assert.equal(i.endsAt, '2026-03-02T10:20:00.000+08:00');
    assert.equal(i.closedAt, '2026-03-02T10:30:00.000+08:00');
    assert.deepEqual(await lookupTitles('hz-0001-1', '2026-03-02T10:19:00+08:00'), ['outage']);
    assert.deepEqual(await lookupTitles('hz-0001-1', '2026-03-02T10:21:00+08:00'), []);
    // a repeated clear changes nothing; anything else on a cleared alarm is refused
    assert.equal((await patch(hz, siteAlarm, { clearSystemId: 'nms-zj' })).statusCode, 200);
    const late = await patch(hz, siteAlarm, { perceivedSeverity: 'major' });
    assert.equal(late.statusCode, 409);
    assert.deepEqual(Object.keys(late.json()).sort(), ['@type', 'code', 'message', 'reason', 'status']);
    // a replayed create of the cleared alarm is answered with it, unchanged
    const replay = await push(hz, alarm({ externalAlarmId: 'nms-zj-1001' }));
    assert.equal(replay.statusCode, 200);
    assert.equal(replay.json().state, 'cleared');
    const got = await t.app.inject({ method: 'GET', url: `${BASE}/${siteAlarm}`, headers: hz });
    assert.equal(got.json().state, 'cleared');
  });

  it('an alarm raised already cleared records a closed outage for its window', async () => {
    const r = await push(hz, alarm({ externalAlarmId: 'nms-zj-1002', alarmedObject: { id: 'hz-0002-3' }, alarmedObjectType: 'cell', state: 'cleared', alarmRaisedTime: '2026-03-01T01:00:00+08:00', alarmClearedTime: '2026-03-01T02:00:00+08:00' }));
    assert.equal(r.statusCode, 201, r.body);
    const i = await issue(r.json().networkIssue.id);
    assert.equal(i.status, 'closed');
    assert.equal(i.endsAt, '2026-03-01T02:00:00.000+08:00');
    assert.deepEqual(await lookupTitles('hz-0002-3', '2026-03-01T01:30:00+08:00'), ['outage']);
  });

  it('refuses malformed alarms with a 400 and the TMF error body', async () => {
    const check = async (payload: object, pattern: RegExp) => {
      const r = await push(hz, payload);
      assert.equal(r.statusCode, 400, `${JSON.stringify(payload)} → ${r.body}`);
      const e = r.json();
      assert.equal(typeof e.code, 'string');
      assert.equal(typeof e.reason, 'string');
      assert.equal(typeof e.message, 'string');
      assert.match(`${e.reason} ${e.message}`, pattern);
    };
    const { alarmType: _t, ...noType } = alarm();
    await check(noType, /alarmType/);
    const { alarmRaisedTime: _r, ...noTime } = alarm();
    await check(noTime, /alarmRaisedTime/);
    await check(alarm({ alarmedObject: {} }), /id/);
    await check(alarm({ alarmedObject: { id: 'ghost-site' } }), /ghost-site is not a known cell or site/);
    await check(alarm({ alarmedObject: { id: 'hz-0001-1' }, alarmedObjectType: 'site' }), /not a known cell or site/);
    await check(alarm({ perceivedSeverity: 'apocalyptic' }), /perceivedSeverity/);
    await check(alarm({ state: 'open' }), /state/);
    await check(alarm({ alarmRaisedTime: '2026-03-02 08:40' }), /alarmRaisedTime/);
    await check(alarm({ colour: 'red' }), /colour/);
    const bad = await t.app.inject({ method: 'POST', url: BASE, headers: { ...hz, 'content-type': 'application/json' }, payload: '{"alarmType":' });
    assert.equal(bad.statusCode, 400);
    assert.ok(bad.json().reason);
    // another city's key does not see the cell
    const foreign = await push(nb, alarm({ alarmedObject: { id: 'hz-0001-1' }, alarmedObjectType: 'cell' }));
    assert.equal(foreign.statusCode, 400);
    assert.equal(foreign.json().code, 'unknown_alarmed_object');
  });

  it('PATCH and GET: 404 for unknown ids and other regions, 400 for immutable or unknown fields', async () => {
    assert.equal((await patch(hz, '999999', { perceivedSeverity: 'minor' })).statusCode, 404);
    const notNumber = await patch(hz, 'abc', { perceivedSeverity: 'minor' });
    assert.equal(notNumber.statusCode, 404);
    assert.ok(notNumber.json().reason);
    const nbAlarm = await push(nb, alarm({ alarmedObject: { id: 'nb-0001' }, externalAlarmId: 'nb-77' }));
    assert.equal(nbAlarm.statusCode, 201);
    assert.equal((await patch(hz, nbAlarm.json().id, { perceivedSeverity: 'minor' })).statusCode, 404);
    assert.equal((await t.app.inject({ method: 'GET', url: `${BASE}/${nbAlarm.json().id}`, headers: hz })).statusCode, 404);
    const taken = await push(hz, alarm({ externalAlarmId: 'nb-77' }));
    assert.equal(taken.statusCode, 409);
    assert.equal((await patch(nb, nbAlarm.json().id, { alarmRaisedTime: '2026-03-02T08:00:00+08:00' })).statusCode, 400);
    assert.equal((await patch(nb, nbAlarm.json().id, { externalAlarmId: 'other' })).statusCode, 400);
    assert.equal((await patch(nb, nbAlarm.json().id, {})).statusCode, 400);
  });

  it('two pushes of one new alarm at the same time make one alarm and one outage', async () => {
    const body = alarm({ externalAlarmId: 'nms-zj-race', alarmedObject: { id: 'hz-0002' } });
    const [x, y] = await Promise.all([push(hz, body), push(hz, body)]);
    assert.deepEqual([x.statusCode, y.statusCode].sort(), [200, 201]);
    assert.equal(x.json().id, y.json().id);
    const issues = await ctx.db.kysely.selectFrom('networkIssue').select('id').where('externalAlarmId', '=', 'nms-zj-race').execute();
    assert.equal(issues.length, 1);
  });

  it('answers role and sign-in failures in the TMF shape', async () => {
    const noc = await t.as('noc', { method: 'POST', url: BASE, payload: alarm() });
    assert.equal(noc.statusCode, 403);
    assert.equal(noc.json().code, 'role_not_allowed');
    assert.ok(noc.json().reason);
    const anon = await t.app.inject({ method: 'POST', url: BASE, payload: alarm() });
    assert.equal(anon.statusCode, 401);
    assert.ok(anon.json().reason);
    const admin = await t.as('admin', { method: 'POST', url: BASE, payload: alarm({ alarmedObject: { id: 'nb-0001-2' }, alarmedObjectType: 'cell' }) });
    assert.equal(admin.statusCode, 201);
  });

  it('audits alarms', async () => {
    const r = await t.as('admin', { method: 'GET', url: '/api/v1/audit?limit=500' });
    const actions = new Set(r.json().items.map((i: any) => i.action));
    for (const a of ['alarm.raised', 'alarm.updated', 'alarm.cleared']) assert.ok(actions.has(a), a);
  });
});
