import { it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { eachEngine } from '../helpers/engines.ts';
import { testApp, type TestApp } from '../helpers/app.ts';
import { apiKey, BASE, specValidators, ttBody, withKey } from './helpers.ts';

const { check } = specValidators();

eachEngine('TMF621 trouble tickets', (ctx) => {
  let t: TestApp;
  let crm: string;        // api key, Hangzhou
  let crmNb: string;      // api key, Ningbo
  let crmZj: string;      // api key, the province
  let agentKey: string;   // an agent's key (a call-centre system), Hangzhou
  let cellId: string;

  before(async () => {
    t = await testApp(ctx.db);
    crm = await apiKey(t, 'crm', 'api', 'hz');
    crmNb = await apiKey(t, 'crm-nb', 'api', 'nb');
    crmZj = await apiKey(t, 'crm-zj', 'api', 'zj');
    agentKey = await apiKey(t, 'callcentre', 'agent', 'hz');
    cellId = '460-00-12345-1';
    const cells = await t.as('admin', {
      method: 'POST', url: '/api/v1/import/cells',
      payload: [{ cellId, siteId: 'S1', name: '文三路1', region: 'hz', network: 'LTE', lon: 120.13, lat: 30.28, neighbours: [] }],
    });
    assert.ok(cells.statusCode < 300, cells.body);
  });
  after(async () => { await t.close(); });

  const post = (key: string | null, payload: unknown, url = `${BASE}/troubleTicket`) => withKey(t, key, { method: 'POST', url, payload });
  const get = (key: string | null, url: string) => withKey(t, key, { method: 'GET', url: `${BASE}${url}` });
  const patch = (key: string | null, id: string, payload: unknown, type = 'application/merge-patch+json') =>
    withKey(t, key, { method: 'PATCH', url: `${BASE}/troubleTicket/${id}`, payload: JSON.stringify(payload), headers: { 'content-type': type } });
  const tmfError = (r: { statusCode: number; json(): any; body: string }, status: number) => {
    assert.equal(r.statusCode, status, r.body);
    const e = check('Error', r.json()) as any;
    assert.equal(e.status, String(status));
    assert.ok(e.code && e.reason);
    return e;
  };

  it('creates a trouble ticket as a netcare complaint: mapping, server-owned status, spec-valid resource', async () => {
    const r = await post(crm, ttBody({
      ticketType: 'network.call_drop', severity: 'Critical', name: '掉话', externalId: 'CRM-1', status: 'closed',
      channel: { name: 'hotline' },
      relatedEntity: [{ id: cellId, '@referredType': 'Cell', role: 'location' }, { id: 'ORDER-9', role: 'order', '@referredType': 'ProductOrder' }],
      relatedParty: [{ id: '13812345678', name: '王小明', role: 'customer', '@referredType': 'Individual' }, { id: 'u1', name: 'CRM user', role: 'reporter', '@referredType': 'PartyRole' }],
      note: [{ text: '客户要求尽快回电' }],
      expectedResolutionDate: '2026-03-03T09:00:00+08:00',
    }));
    assert.equal(r.statusCode, 201, r.body);
    const tt = check('TroubleTicket', r.json()) as any;
    assert.equal(r.headers.location, tt.href);
    assert.equal(tt.href, `${BASE}/troubleTicket/${tt.id}`);
    assert.equal(tt.status, 'acknowledged', 'status sent on create is ignored');
    assert.equal(tt.severity, 'Critical');
    assert.equal(tt.ticketType, 'network.call_drop');
    assert.equal(tt.name, '掉话');
    assert.equal(tt.externalId, 'CRM-1');
    assert.deepEqual(tt.channel, { id: 'hotline', name: 'hotline' });
    assert.equal(tt.expectedResolutionDate, '2026-03-03T09:00:00.000+08:00');
    assert.deepEqual(tt.relatedParty[0], { id: '13812345678', name: '王小明', role: 'customer', '@referredType': 'Individual' });
    assert.equal(tt.relatedParty[1].role, 'reporter');
    assert.ok(tt.relatedEntity.some((e: any) => e.id === cellId && e['@referredType'] === 'Cell'));
    assert.ok(tt.relatedEntity.some((e: any) => e.id === 'hz' && e.role === 'region'));
    assert.ok(tt.relatedEntity.some((e: any) => e.id === 'ORDER-9'));
    assert.equal(tt.note.length, 1);
    assert.equal(tt.note[0].text, '客户要求尽快回电');
    assert.deepEqual(tt.statusChange.map((s: any) => s.status), ['acknowledged']);

    // it is a full netcare ticket: category, cell, region, channel, commitment clock from the promise
    const nc = await t.as('agent', { method: 'GET', url: `/api/v1/tickets/${tt.id}` });
    assert.equal(nc.statusCode, 200, nc.body);
    const n = nc.json();
    assert.equal(n.category, 'network.call_drop');
    assert.equal(n.cellId, cellId);
    assert.equal(n.region, 'hz');
    assert.equal(n.network, 'LTE');
    assert.equal(n.channel, 'hotline');
    assert.equal(n.status, 'new');
    assert.equal(n.clocks.find((c: any) => c.clock === 'commitment').dueAt, '2026-03-03T09:00:00.000+08:00');
    assert.deepEqual(n.events.map((e: any) => e.type), ['created', 'noted']);
  });

  it('refuses bad input with the TMF error body: missing mandatory attributes, notes without text, unknown attributes, bad JSON', async () => {
    for (const missing of ['description', 'severity', 'ticketType']) {
      const body: Record<string, unknown> = ttBody();
      delete body[missing];
      const e = tmfError(await post(crm, body), 400);
      assert.match(e.reason, new RegExp(missing));
    }
    assert.match(tmfError(await post(crm, ttBody({ note: [{ author: 'x' }] })), 400).reason, /note\[0\] has no text/);
    assert.match(tmfError(await post(crm, ttBody({ colour: 'red' })), 400).reason, /colour/);
    assert.match(tmfError(await post(crm, ttBody({ relatedParty: [] })), 400).reason, /customer/);
    assert.match(tmfError(await post(crm, ttBody({ relatedParty: [{ id: 'not-a-phone', role: 'customer' }] })), 400).reason, /phone/);
    assert.match(tmfError(await post(crm, ttBody({ channel: { name: 'pigeon' } })), 400).reason, /channel/);
    assert.match(tmfError(await post(crm, ttBody({ attachment: [{ url: 'http://x' }] })), 400).reason, /attachment/);
    // a network complaint without a place
    assert.match(tmfError(await post(crm, ttBody({ ticketType: 'network.slow_data' })), 400).reason, /network/);
    // a province key must say where
    assert.match(tmfError(await post(crmZj, ttBody()), 400).reason, /place/);
    const json = await withKey(t, crm, { method: 'POST', url: `${BASE}/troubleTicket`, payload: '{"description": ', headers: { 'content-type': 'application/json' } });
    tmfError(json, 400);
    const dup = ttBody({ externalId: 'DUP-1' });
    assert.equal((await post(crm, dup)).statusCode, 201);
    tmfError(await post(crm, dup), 409);
  });

  it('maps unknown ticket types to the catch-all category the admin chooses', async () => {
    const a = await post(crm, ttBody({ ticketType: 'complaint' }));
    assert.equal(a.statusCode, 201, a.body);
    assert.equal(a.json().ticketType, 'complaint', 'the client sees its own ticketType');
    assert.equal((await t.as('agent', { method: 'GET', url: `/api/v1/tickets/${a.json().id}` })).json().category, 'service.store');
    assert.equal((await t.as('admin', { method: 'GET', url: '/api/v1/tmf621/settings' })).json().catchAllCategory, 'service.store');
    assert.equal((await t.as('admin', { method: 'PUT', url: '/api/v1/tmf621/settings', payload: { catchAllCategory: 'service' } })).statusCode, 400);
    assert.equal((await t.as('agent', { method: 'PUT', url: '/api/v1/tmf621/settings', payload: { catchAllCategory: 'billing.package' } })).statusCode, 403);
    const put = await t.as('admin', { method: 'PUT', url: '/api/v1/tmf621/settings', payload: { catchAllCategory: 'billing.package' } });
    assert.equal(put.statusCode, 200, put.body);
    const b = await post(crm, ttBody({ ticketType: 'invoice question' }));
    assert.equal((await t.as('agent', { method: 'GET', url: `/api/v1/tickets/${b.json().id}` })).json().category, 'billing.package');
    await t.as('admin', { method: 'PUT', url: '/api/v1/tmf621/settings', payload: { catchAllCategory: 'service.store' } });
  });

  it('reads one ticket with fields, accepts a trailing slash, answers 404 in the TMF shape', async () => {
    const id = (await post(crm, ttBody({ name: 'fields' }))).json().id;
    const full = await get(crm, `/troubleTicket/${id}`);
    assert.equal(full.statusCode, 200);
    check('TroubleTicket', full.json());
    const slash = await get(crm, `/troubleTicket/${id}/`);
    assert.equal(slash.statusCode, 200);
    assert.deepEqual(slash.json(), full.json());
    const some = await get(crm, `/troubleTicket/${id}?fields=status,severity`);
    assert.deepEqual(Object.keys(some.json()).sort(), ['href', 'id', 'severity', 'status']);
    const none = await get(crm, `/troubleTicket/${id}?fields=none`);
    assert.deepEqual(Object.keys(none.json()).sort(), ['href', 'id']);
    tmfError(await get(crm, `/troubleTicket/${id}?fields=status,colour`), 400);
    tmfError(await get(crm, '/troubleTicket/999999'), 404);
    tmfError(await get(crm, '/troubleTicket/abc'), 404);
    tmfError(await get(crm, '/nothingHere'), 404);
    const list = await get(crm, '/troubleTicket/');
    assert.equal(list.statusCode, 200);
    assert.ok(Array.isArray(list.json()));
  });

  it('authenticates with bearer keys and scopes to the key\'s region (404 outside), in the TMF error shape', async () => {
    const id = (await post(crm, ttBody({ relatedParty: [...ttBody().relatedParty, { id: 'emp-7', name: '李经理', role: 'reporter', '@referredType': 'Individual' }] }))).json().id;
    tmfError(await get(null, `/troubleTicket/${id}`), 401);
    tmfError(await get('nck_not-a-key', `/troubleTicket/${id}`), 401);
    tmfError(await get(null, '/troubleTicket'), 401);
    tmfError(await get(crmNb, `/troubleTicket/${id}`), 404);
    assert.ok(!(await get(crmNb, '/troubleTicket')).json().some((x: any) => x.id === id));
    assert.equal((await get(crmZj, `/troubleTicket/${id}`)).statusCode, 200, 'the province sees every city');
    // masked personal data for roles that do not need it
    const masked = await t.as('maint', { method: 'GET', url: `${BASE}/troubleTicket/${id}` });
    assert.equal(masked.statusCode, 200, masked.body);
    assert.equal(masked.json().relatedParty[0].id, '138****5678');
    assert.equal(masked.json().relatedParty[1].name, '李**', 'other parties\' names are masked too');
    assert.equal((await get(crm, `/troubleTicket/${id}`)).json().relatedParty[1].name, '李经理');
    const stored = await t.deps.db.kysely.selectFrom('tmfTicket').select('relatedParty').where('ticketId', '=', Number(id)).executeTakeFirstOrThrow();
    assert.ok(!stored.relatedParty!.includes('李经理'), 'encrypted at rest');
    // a role that may not create: 403 in the TMF shape
    tmfError(await t.as('noc', { method: 'POST', url: `${BASE}/troubleTicket`, payload: ttBody() }), 403);
    // a key from Ningbo creating a Hangzhou ticket
    tmfError(await post(crmNb, ttBody({ relatedEntity: [{ id: 'hz', role: 'region' }] })), 403);
    const nb = await post(crmNb, ttBody());
    assert.equal(nb.statusCode, 201);
    assert.ok(nb.json().relatedEntity.some((e: any) => e.role === 'region' && e.id === 'nb'), 'region from the key');
  });

  it('lists as a plain array with filters (exact, ANDed), fields, offset/limit and the count headers', async () => {
    const tag = `L-${ctx.engine}`;
    const made: string[] = [];
    for (let i = 0; i < 5; i++) {
      const r = await post(crm, ttBody({ externalId: `${tag}-${i}`, severity: i < 3 ? 'Minor' : 'Major', name: tag, ticketType: i === 4 ? 'billing.overcharge' : 'service.store' }));
      assert.equal(r.statusCode, 201, r.body);
      made.push(r.json().id);
    }
    const all = await get(crm, `/troubleTicket?name=${tag}`);
    assert.equal(all.statusCode, 200);
    assert.equal(all.headers['x-total-count'], '5');
    assert.equal(all.headers['x-result-count'], '5');
    for (const tt of all.json()) check('TroubleTicket', tt);
    assert.deepEqual(all.json().map((x: any) => x.id), made, 'id order');

    const page = await get(crm, `/troubleTicket?name=${tag}&offset=1&limit=2`);
    assert.equal(page.headers['x-total-count'], '5');
    assert.equal(page.headers['x-result-count'], '2');
    assert.deepEqual(page.json().map((x: any) => x.id), made.slice(1, 3));
    const past = await get(crm, `/troubleTicket?name=${tag}&offset=10`);
    assert.deepEqual(past.json(), []);
    assert.equal(past.headers['x-result-count'], '0');

    const anded = await get(crm, `/troubleTicket?name=${tag}&severity=Minor&ticketType=service.store`);
    assert.deepEqual(anded.json().map((x: any) => x.id), made.slice(0, 3));
    assert.deepEqual((await get(crm, `/troubleTicket?externalId=${tag}-4`)).json().map((x: any) => x.id), [made[4]]);
    assert.deepEqual((await get(crm, `/troubleTicket?name=${tag}&ticketType=billing.overcharge`)).json().map((x: any) => x.id), [made[4]]);
    assert.equal((await get(crm, `/troubleTicket?name=${tag}&status=acknowledged`)).json().length, 5);
    assert.equal((await get(crm, `/troubleTicket?name=${tag}&status=inProgress`)).json().length, 0);
    assert.equal((await get(crm, `/troubleTicket?name=${tag}&channel.name=api`)).json().length, 5);
    assert.equal((await get(crm, `/troubleTicket?name=${tag}&relatedParty.id=13812345678`)).json().length, 5);
    assert.equal((await get(crm, `/troubleTicket?name=${tag}&relatedParty.id=13900000000`)).json().length, 0);
    assert.equal((await get(crm, `/troubleTicket?name=${tag}&id=${made[2]}`)).json()[0].id, made[2]);
    assert.equal((await get(crm, `/troubleTicket?name=${tag}&priority=Medium`)).json().length, 5);
    assert.equal((await get(crm, `/troubleTicket?name=${tag}&statusChangeReason=created`)).json().length, 5, 'filters on attributes computed from the history');
    assert.equal((await get(crm, `/troubleTicket?name=${tag}&creationDate.gte=2026-03-02T09:00:00%2B08:00`)).json().length, 5);
    assert.equal((await get(crm, `/troubleTicket?name=${tag}&creationDate.lt=2026-03-02T09:00:00%2B08:00`)).json().length, 0);

    const fields = await get(crm, `/troubleTicket?name=${tag}&fields=severity,status&limit=1`);
    assert.deepEqual(Object.keys(fields.json()[0]).sort(), ['href', 'id', 'severity', 'status']);

    tmfError(await get(crm, '/troubleTicket?colour=red'), 400);
    tmfError(await get(crm, '/troubleTicket?note=x'), 400);
    tmfError(await get(crm, '/troubleTicket?limit=0'), 400);
    tmfError(await get(crm, '/troubleTicket?offset=-1'), 400);
    tmfError(await get(crm, '/troubleTicket?creationDate=yesterday'), 400);
  });

  it('patches with JSON Merge Patch (both content types), records the change, refuses non-patchable attributes', async () => {
    const tt = (await post(crm, ttBody({ name: 'before', externalId: `P-${ctx.engine}` }))).json();
    const r = await patch(crm, tt.id, { description: '更新后的描述', severity: 'Minor', name: null, requestedResolutionDate: '2026-03-05T18:00:00+08:00' });
    assert.equal(r.statusCode, 200, r.body);
    const after = check('TroubleTicket', r.json()) as any;
    assert.equal(after.description, '更新后的描述');
    assert.equal(after.severity, 'Minor');
    assert.equal(after.name, undefined, 'null removes an optional attribute');
    assert.equal(after.requestedResolutionDate, '2026-03-05T18:00:00.000+08:00');
    const plain = await patch(crm, tt.id, { severity: 'Critical' }, 'application/json');
    assert.equal(plain.statusCode, 200, plain.body);
    assert.equal(plain.json().severity, 'Critical');
    const history = (await t.as('agent', { method: 'GET', url: `/api/v1/tickets/${tt.id}` })).json();
    const updated = history.events.filter((e: any) => e.type === 'updated');
    assert.equal(updated.length, 2);
    assert.deepEqual(updated[0].changes.severity, { from: 'Major', to: 'Minor' });
    assert.equal(updated[0].actor, 'apikey:crm');

    for (const attr of ['id', 'href', 'creationDate', 'lastUpdate', 'statusChange', 'priority', 'ticketType', 'channel', 'relatedParty', 'expectedResolutionDate']) {
      const e = tmfError(await patch(crm, tt.id, { [attr]: 'x' }), 400);
      assert.equal(e.code, 'not_patchable', attr);
      assert.match(e.reason, new RegExp(attr));
    }
    tmfError(await patch(crm, tt.id, { colour: 'red' }), 400);
    tmfError(await patch(crm, tt.id, { description: null }), 400);
    tmfError(await patch(crm, tt.id, [{ op: 'replace', path: '/severity', value: 'x' }]), 400);
    tmfError(await patch(crm, tt.id, { severity: 'x' }, 'application/json-patch+json'), 415);
    tmfError(await patch(crm, '424242', { severity: 'x' }), 404);
    tmfError(await patch(crmNb, tt.id, { severity: 'x' }), 404);
    const bad = await withKey(t, crm, { method: 'PATCH', url: `${BASE}/troubleTicket/${tt.id}`, payload: '{"severity":', headers: { 'content-type': 'application/merge-patch+json' } });
    tmfError(bad, 400);
    // a handler may add notes but not change the description
    tmfError(await t.as('maint', { method: 'PATCH', url: `${BASE}/troubleTicket/${tt.id}`, payload: { description: 'x' } }), 403);
    // the trailing slash works for PATCH too
    assert.equal((await patch(crm, `${tt.id}/`, { severity: 'Major' })).statusCode, 200);
  });

  it('keeps notes append-only: new notes become noted steps, existing ones are left, edits and empty notes refused', async () => {
    const tt = (await post(crm, ttBody({ note: [{ text: 'first' }] }))).json();
    const first = tt.note[0];
    const r = await patch(crm, tt.id, { note: [first, { text: 'second' }] });
    assert.equal(r.statusCode, 200, r.body);
    assert.deepEqual(r.json().note.map((n: any) => n.text), ['first', 'second']);
    assert.equal(r.json().note[1].author, 'apikey:crm');
    tmfError(await patch(crm, tt.id, { note: [{ id: first.id, text: 'rewritten' }] }), 400);
    tmfError(await patch(crm, tt.id, { note: [{ author: 'x' }] }), 400);
    tmfError(await patch(crm, tt.id, { note: [{ id: '999999' }] }), 400);
    tmfError(await patch(crm, tt.id, { note: null }), 400);
    // a note added inside netcare shows in TMF
    await t.as('agent', { method: 'POST', url: `/api/v1/tickets/${tt.id}/events`, payload: { type: 'noted', text: 'from the console' } });
    assert.deepEqual((await get(crm, `/troubleTicket/${tt.id}`)).json().note.map((n: any) => n.text), ['first', 'second', 'from the console']);
  });

  it('follows the netcare workflow: acknowledged → inProgress → resolved → closed, with statusChange and resolutionDate', async () => {
    const tt = (await post(crm, ttBody({ ticketType: 'network.call_drop', relatedEntity: [{ id: cellId, '@referredType': 'Cell' }] }))).json();
    const step = async (user: string, body: Record<string, unknown>) => {
      const r = await t.as(user, { method: 'POST', url: `/api/v1/tickets/${tt.id}/events`, payload: body });
      assert.equal(r.statusCode, 201, r.body);
    };
    const status = async () => (await get(crm, `/troubleTicket/${tt.id}`)).json();
    await step('agent', { type: 'dispatched' });
    assert.equal((await status()).status, 'inProgress');
    t.clock.advance(10 * 60_000);
    await step('noc', { type: 'triaged', grade: 'important' });
    assert.equal((await status()).priority, 'High');
    await step('noc', { type: 'forwarded', department: 'hz-maintenance', reason: '基站故障' });
    await step('maint', { type: 'department_replied', kind: 'final', text: '已修复', resolution: 'fault_repaired' });
    assert.equal((await status()).status, 'inProgress', 'a department reply goes back to the NOC first');
    t.clock.advance(60 * 60_000);
    await step('noc', { type: 'noc_replied', kind: 'final', text: '故障已修复', resolution: 'fault_repaired' });
    const resolved = check('TroubleTicket', await status()) as any;
    assert.equal(resolved.status, 'resolved');
    assert.equal(resolved.resolutionDate, resolved.statusChangeDate);
    assert.equal(resolved.statusChangeReason, '故障已修复');
    await step('agent', { type: 'customer_contacted', kind: 'final', text: '已告知' });
    await step('agent', { type: 'followed_up', responded: true, score: 9 });
    assert.equal((await status()).status, 'resolved');
    // closing is the agent's step: an api key may not, an agent's key may
    const refused = tmfError(await patch(crm, tt.id, { status: 'closed' }), 403);
    assert.match(refused.reason, /closed/);
    const closed = await patch(agentKey, tt.id, { status: 'closed', statusChangeReason: '客户满意' });
    assert.equal(closed.statusCode, 200, closed.body);
    const c = check('TroubleTicket', closed.json()) as any;
    assert.equal(c.status, 'closed');
    assert.deepEqual(c.statusChange.map((x: any) => x.status), ['acknowledged', 'inProgress', 'resolved', 'closed']);
    assert.equal(c.statusChange[3].changeReason, '客户满意');
    const nc = (await t.as('agent', { method: 'GET', url: `/api/v1/tickets/${tt.id}` })).json();
    assert.equal(nc.status, 'closed');
    assert.equal(nc.events.at(-1).actor, 'apikey:callcentre');
    // reopen: acknowledged with a reason
    tmfError(await patch(agentKey, tt.id, { status: 'acknowledged' }), 400);
    const again = await patch(agentKey, tt.id, { status: 'acknowledged', statusChangeReason: '客户再次投诉' });
    assert.equal(again.statusCode, 200, again.body);
    assert.equal(again.json().status, 'acknowledged');
  });

  it('accepts a client status only as a step the caller may take: 400 without a step, 409 in the wrong state', async () => {
    const tt = (await post(agentKey, ttBody())).json();
    tmfError(await patch(agentKey, tt.id, { status: 'held' }), 400);
    tmfError(await patch(agentKey, tt.id, { status: 'pending' }), 400);
    tmfError(await patch(agentKey, tt.id, { status: 'nonsense' }), 400);
    tmfError(await patch(agentKey, tt.id, { statusChangeReason: 'alone' }), 400);
    assert.equal(tmfError(await patch(agentKey, tt.id, { status: 'closed' }), 409).code, 'invalid_state');
    // same status: nothing to do
    assert.equal((await patch(agentKey, tt.id, { status: 'acknowledged' })).statusCode, 200);
    // resolving a new ticket is the answer at intake; it needs the answer
    tmfError(await patch(agentKey, tt.id, { status: 'resolved' }), 400);
    const r = await patch(agentKey, tt.id, { status: 'resolved', statusChangeReason: '该区域正在割接，今晚恢复' });
    assert.equal(r.statusCode, 200, r.body);
    assert.equal(r.json().status, 'resolved');
    const nc = (await t.as('agent', { method: 'GET', url: `/api/v1/tickets/${tt.id}` })).json();
    assert.equal(nc.resolvedAtIntake, true);
    tmfError(await patch(agentKey, tt.id, { status: 'inProgress' }), 409);
    assert.equal((await patch(agentKey, tt.id, { status: 'closed' })).json().status, 'closed');
    // a non-network ticket dispatched by a client needs a department netcare cannot guess
    const other = (await post(agentKey, ttBody())).json();
    tmfError(await patch(agentKey, other.id, { status: 'inProgress' }), 400);
  });

  it('withdraws on DELETE only while nobody has worked on the ticket; records it; 404 afterwards; cancelled by PATCH', async () => {
    const tt = (await post(crm, ttBody({ externalId: `D-${ctx.engine}` }))).json();
    tmfError(await t.as('noc', { method: 'DELETE', url: `${BASE}/troubleTicket/${tt.id}` }), 403);
    const del = await withKey(t, crm, { method: 'DELETE', url: `${BASE}/troubleTicket/${tt.id}` });
    assert.equal(del.statusCode, 204, del.body);
    tmfError(await get(crm, `/troubleTicket/${tt.id}`), 404);
    assert.equal((await get(crm, `/troubleTicket?externalId=D-${ctx.engine}`)).json().length, 0);
    tmfError(await withKey(t, crm, { method: 'DELETE', url: `${BASE}/troubleTicket/${tt.id}` }), 404);
    const nc = (await t.as('agent', { method: 'GET', url: `/api/v1/tickets/${tt.id}` })).json();
    assert.equal(nc.status, 'closed');
    assert.equal(nc.events.at(-1).type, 'withdrawn');
    assert.ok(nc.clocks.every((c: any) => c.stoppedAt), 'no clock keeps running');

    const worked = (await post(crm, ttBody())).json();
    await t.as('agent', { method: 'POST', url: `/api/v1/tickets/${worked.id}/events`, payload: { type: 'dispatched', department: 'hz-complaint_centre' } });
    assert.equal(tmfError(await withKey(t, crm, { method: 'DELETE', url: `${BASE}/troubleTicket/${worked.id}/` }), 409).code, 'invalid_state');

    const cancel = (await post(crm, ttBody())).json();
    const c = await patch(crm, cancel.id, { status: 'cancelled', statusChangeReason: '客户撤诉' });
    assert.equal(c.statusCode, 200, c.body);
    assert.equal(check('TroubleTicket', c.json()) && c.json().status, 'cancelled');
    assert.equal((await get(crm, `/troubleTicket?id=${cancel.id}&status=cancelled`)).json().length, 1);
    assert.equal((await get(crm, `/troubleTicket?id=${cancel.id}&status=closed`)).json().length, 0);
    assert.equal((await withKey(t, crm, { method: 'DELETE', url: `${BASE}/troubleTicket/${cancel.id}` })).statusCode, 204);
    tmfError(await get(crm, `/troubleTicket/${cancel.id}`), 404);
  });
});
