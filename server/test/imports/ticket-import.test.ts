import { it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { eachEngine } from '../helpers/engines.ts';
import { testApp, type TestApp } from '../helpers/app.ts';
import { scanClocks } from '../../src/tickets/clock-timer.ts';
import { at, closedHistory, ev, iso, row, scenario, seedCells, type Row } from './fixtures.ts';

const URL = '/api/v1/import/tickets';
const HOUR = 3600_000;

eachEngine('ticket history import', (ctx) => {
  let t: TestApp;
  before(async () => { t = await testApp(ctx.db); await seedCells(ctx.db); });
  after(async () => { await t.close(); });

  const importJson = (rows: unknown, user = 'admin') => t.as(user, { method: 'POST', url: URL, payload: rows as any });
  const importNdjson = (text: string, user = 'admin') => t.as(user, { method: 'POST', url: URL, payload: text, headers: { 'content-type': 'application/x-ndjson' } });
  const ticket = async (id: number) => (await t.as('admin', { method: 'GET', url: `/api/v1/tickets/${id}` })).json();
  const counts = async () => {
    const k = ctx.db.kysely;
    const n = async (table: 'ticket' | 'ticketEvent' | 'ticketClock' | 'notification' | 'outbox' | 'ticketDepartment') =>
      Number((await k.selectFrom(table).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
    return { tickets: await n('ticket'), events: await n('ticketEvent'), clocks: await n('ticketClock'), notifications: await n('notification'), outbox: await n('outbox'), departments: await n('ticketDepartment') };
  };

  let ids: Record<string, number> = {};

  it('imports full histories in event time: closed tickets with every clock met, open ones overdue', async () => {
    const before = await counts();
    const { rows } = scenario();
    const r = await importJson(rows);
    assert.equal(r.statusCode, 200, r.body);
    const body = r.json();
    assert.deepEqual(body.rejected, []);
    assert.equal(body.created, rows.length);
    assert.equal(body.skipped, 0);
    assert.deepEqual(Object.keys(body.ids).sort(), rows.map((x) => x.externalId).sort());
    ids = body.ids;

    // a closed ticket: the whole history, by the users it names, every clock met at its event time
    const a0 = await ticket(ids.A0);
    assert.equal(a0.status, 'closed');
    assert.equal(a0.externalId, 'A0');
    assert.equal(a0.resolution, 'fault_repaired');
    assert.equal(a0.reportedAt, iso(at('2026-02-01T09:00:00+08:00')));
    assert.equal(a0.closedAt, iso(at('2026-02-01T09:00:00+08:00') + (20 * 60 + 1) * 60_000));
    assert.deepEqual(Object.fromEntries(a0.clocks.map((c: any) => [c.clock, c.state])),
      { commitment: 'met', triage: 'met', initial_reply: 'met', resolution: 'met', follow_up: 'met' });
    const triage = a0.clocks.find((c: any) => c.clock === 'triage');
    assert.equal(triage.startedAt, iso(at('2026-02-01T09:05:00+08:00')));
    assert.equal(triage.dueAt, iso(at('2026-02-01T11:05:00+08:00')));
    assert.equal(triage.stoppedAt, iso(at('2026-02-01T09:20:00+08:00')));
    assert.deepEqual(a0.events.map((e: any) => e.type), ['created', ...closedHistory(0).map((e) => e.type)]);
    const fwd = a0.events.find((e: any) => e.type === 'forwarded');
    assert.deepEqual([fwd.actor, fwd.actorRole, fwd.fromDepartment, fwd.toDepartment, fwd.at], ['noc', 'noc', 'hz-noc', 'hz-maintenance', iso(at('2026-02-01T09:25:00+08:00'))]);
    assert.equal(a0.events[0].actor, 'import:admin');
    assert.equal(a0.events[0].at, a0.reportedAt);
    assert.equal(a0.createdBy, 'import:admin');
    assert.equal(a0.isRepeat, false);

    // repeats by report time (A0 → A1 within 30 days); A2 triaged important: clocks re-timed
    const a1 = await ticket(ids.A1);
    assert.equal(a1.isRepeat, true);
    assert.deepEqual(a1.gradeProposal.reasons, ['repeat']);
    assert.equal(a1.grade, 'ordinary', 'a proposal is advice');
    const a2 = await ticket(ids.A2);
    assert.equal(a2.grade, 'important');
    const res = a2.clocks.find((c: any) => c.clock === 'resolution');
    assert.equal(Date.parse(res.dueAt) - Date.parse(res.startedAt), 24 * HOUR);
    assert.equal((await ticket(ids.A4)).isRepeat, false, 'another category');

    // an open ticket whose due times passed long ago: breached now, and the timer will fire at once
    const a3 = await ticket(ids.A3);
    assert.equal(a3.status, 'in_progress');
    assert.equal(a3.assigneeDepartment, 'hz-maintenance');
    assert.equal(a3.clockState, 'breached');
    assert.deepEqual(Object.fromEntries(a3.clocks.map((c: any) => [c.clock, c.state])),
      { commitment: 'breached', triage: 'met', initial_reply: 'breached', resolution: 'breached' });
    const running = await ctx.db.kysely.selectFrom('ticketClock').selectAll().where('ticketId', '=', ids.A3).where('stoppedAt', 'is', null).execute();
    assert.equal(running.length, 3);
    for (const c of running) {
      assert.equal(c.nextFireAt, c.warnAt, `${c.clock}: the warning is the next firing`);
      assert.ok(c.nextFireAt! <= t.clock.now());
      assert.equal(c.breachedAt, null, 'the timer records the breach at the due time and escalates');
    }
    const stopped = await ctx.db.kysely.selectFrom('ticketClock').select(['nextFireAt']).where('stoppedAt', 'is not', null).execute();
    assert.ok(stopped.every((c) => c.nextFireAt == null));

    // a late reply: breached at the due time, decided once
    const l1 = await ticket(ids.L1);
    assert.deepEqual(Object.fromEntries(l1.clocks.map((c: any) => [c.clock, c.state])),
      { commitment: 'breached', triage: 'breached', initial_reply: 'breached', resolution: 'breached', follow_up: 'met' });
    const l1Rows = await ctx.db.kysely.selectFrom('ticketClock').selectAll().where('ticketId', '=', ids.L1).execute();
    for (const c of l1Rows.filter((x) => x.clock !== 'follow_up')) assert.equal(c.breachedAt, c.dueAt);

    // answered at intake: commitment met, no other clock
    const a4 = await ticket(ids.A4);
    assert.deepEqual(a4.clocks.map((c: any) => [c.clock, c.state]), [['commitment', 'met']]);
    assert.equal(a4.resolvedAtIntake, true);

    // the expert's plan goes back to the department, whose result goes to the NOC
    const e1 = await ticket(ids.E1);
    const moves = e1.events.filter((e: any) => e.toDepartment).map((e: any) => [e.type, e.actor, e.fromDepartment, e.toDepartment]);
    assert.deepEqual(moves, [
      ['dispatched', 'agent', null, 'hz-noc'], ['triaged', 'noc', 'hz-noc', 'hz-noc'], ['forwarded', 'noc', 'hz-noc', 'hz-optimisation'],
      ['escalated', 'optim', 'hz-optimisation', 'hz-expert'], ['department_replied', 'expert', 'hz-expert', 'hz-optimisation'],
      ['department_replied', 'optim', 'hz-optimisation', 'hz-noc'],
      ['noc_replied', 'noc', 'hz-noc', 'hz-complaint_centre'],
    ]);
    assert.equal(e1.status, 'customer_replied');
    assert.equal(e1.clocks.find((c: any) => c.clock === 'follow_up').state, 'breached');

    // reopened: a new round of clocks, counted as a repeat
    const r1 = await ticket(ids.R1);
    assert.equal(r1.round, 2);
    assert.equal(r1.isRepeat, true);
    assert.equal(r1.status, 'dispatched');
    assert.deepEqual(r1.clocks.map((c: any) => [c.clock, c.round, c.state]).sort(), [
      ['commitment', 1, 'met'], ['commitment', 2, 'breached'], ['initial_reply', 2, 'breached'], ['resolution', 2, 'breached'], ['triage', 2, 'breached'],
    ]);

    // a promised reply time wins over the default commitment
    const p1 = await ticket(ids.P1);
    const commitment = p1.clocks.find((c: any) => c.clock === 'commitment');
    assert.equal(Date.parse(commitment.dueAt) - Date.parse(commitment.startedAt), 12 * HOUR);
    assert.equal(p1.events.find((e: any) => e.type === 'noted').text, '客户很着急');

    // non-network: to the named department, no NOC, no triage clock
    const b1 = await ticket(ids.B1);
    assert.equal(b1.status, 'replied');
    assert.equal(b1.nocDepartment, null);
    assert.deepEqual(b1.gradeProposal.reasons, ['vip', 'regulator']);
    assert.deepEqual(b1.clocks.map((c: any) => c.clock).sort(), ['commitment', 'initial_reply', 'resolution']);

    // cells give the region and the network; six no_data complaints at neighbouring cells within an hour: a hotspot (§4)
    const h1 = await ticket(ids.H1);
    assert.deepEqual([h1.region, h1.network, h1.cellId], ['hz', 'LTE', 'HZ-C1']);
    assert.ok(h1.hotspotId != null);
    for (const x of ['H2', 'H3', 'H4', 'H5', 'H6', 'H8']) {
      const h = await ticket(ids[x]);
      assert.equal(h.hotspotId, h1.hotspotId, x);
      assert.equal(h.grade, 'important', x);
    }
    assert.equal((await ticket(ids.H7)).hotspotId, null, 'another cell, later');
    // a member still open is re-timed as important from its clocks' start (§5)
    const h2 = await ticket(ids.H2);
    const h2Triage = h2.clocks.find((c: any) => c.clock === 'triage');
    assert.equal(Date.parse(h2Triage.dueAt) - Date.parse(h2Triage.startedAt), 30 * 60_000);

    // history is not news: no notifications, no outbox message per past step; one ticket.created per ticket
    // (and the hotspot's own messages, whose NOC inbox entry is skipped for old groups)
    const after = await counts();
    assert.equal(after.notifications, before.notifications);
    const topics = await ctx.db.kysely.selectFrom('outbox').select(['topic', (eb) => eb.fn.countAll().as('n')]).groupBy('topic').execute();
    const byTopic = Object.fromEntries(topics.map((x) => [x.topic, Number(x.n)]));
    assert.equal(byTopic['ticket.created'], rows.length);
    const stepTopics = Object.keys(byTopic).filter((k) => /^ticket\.(dispatched|triaged|forwarded|department_replied|noc_replied|customer_contacted|followed_up|closed|reopened|noted|resolved_at_intake|escalated)$/.test(k));
    assert.deepEqual(stepTopics, []);
    // the queue fields: an open ticket's nearest due time
    const list = await t.as('noc', { method: 'GET', url: '/api/v1/tickets?externalId=A3' });
    assert.equal(list.json().items[0].nextDueAt, a3.clocks.find((c: any) => c.clock === 'initial_reply').dueAt);
  });

  it('hands imported overdue clocks to the clock timer, which records them at their planned times at once', async () => {
    const k = ctx.db.kysely;
    while (await scanClocks(t.deps) > 0) { /* every due firing, in passes of 200 */ }
    const c = await k.selectFrom('ticketClock').selectAll().where('ticketId', '=', ids.A3).where('clock', '=', 'initial_reply').executeTakeFirstOrThrow();
    assert.deepEqual([c.warnedAt, c.breachedAt, c.provinceEscalatedAt, c.nextFireAt, c.stoppedAt], [c.warnAt, c.dueAt, c.provinceAt, null, null]);
    const fired = await k.selectFrom('ticketEvent').select(['type', 'at']).where('ticketId', '=', ids.A3).where('actorRole', '=', 'system')
      .where('type', 'in', ['clock_warned', 'escalated']).execute();
    assert.ok(fired.some((e) => e.type === 'clock_warned' && e.at === c.warnAt));
    assert.ok(fired.some((e) => e.type === 'escalated' && e.at === c.dueAt));
    // closed tickets have nothing left to fire
    const left = await k.selectFrom('ticketClock').select('id').where('ticketId', '=', ids.A0).where('nextFireAt', 'is not', null).execute();
    assert.deepEqual(left, []);
  });

  it('skips an externalId imported before: a re-import changes nothing', async () => {
    const before = await counts();
    const { rows } = scenario();
    const r = await importJson(rows);
    assert.equal(r.statusCode, 200, r.body);
    assert.deepEqual(r.json(), { created: 0, skipped: rows.length, rejected: [], ids });
    assert.deepEqual(await counts(), before);
    // an existing id with a different body is still skipped, never updated
    const changed = { ...rows[0], description: '改过的描述', events: [] };
    const again = await importNdjson(JSON.stringify(changed));
    assert.deepEqual(again.json(), { created: 0, skipped: 1, rejected: [], ids: { A0: ids.A0 } });
    assert.equal((await ticket(ids.A0)).description, rows[0].description);
  });

  it('rejects each bad row with its reason and keeps nothing of it; the good rows go in', async () => {
    const before = await counts();
    const t0 = at('2026-02-18T10:00:00+08:00');
    const good = (id: string, over: Partial<Row> = {}) => row(id, t0, { customer: { msisdn: `1350000${String(Object.keys(cases).length).padStart(4, '0')}` }, ...over }, closedHistory(t0));
    const cases: Record<string, { row: unknown; reason: RegExp }> = {};
    const add = (name: string, r: unknown, reason: RegExp) => { cases[name] = { row: r, reason }; };
    add('category', good('X-cat', { category: 'network.teleport' }), /unknown category network\.teleport/);
    add('cell', good('X-cell', { cellId: 'HZ-NOPE', address: undefined }), /unknown cell HZ-NOPE/);
    add('fwd-dept', { ...good('X-dept'), events: [ev(t0, 5, 'dispatched'), ev(t0, 10, 'triaged', { grade: 'ordinary' }), ev(t0, 15, 'forwarded', { department: 'hz-nowhere', reason: 'x' })] },
      /^event 3 \(forwarded at .*\): unknown department hz-nowhere/);
    add('dispatch-dept', { ...good('X-dnoc'), events: [ev(t0, 5, 'dispatched', { department: 'hz-maintenance' })] }, /dispatched to the NOC of its city/);
    add('dispatch-unknown', { ...good('X-dunk'), events: [ev(t0, 5, 'dispatched', { department: 'xx-noc' })] }, /unknown department xx-noc/);
    add('type', { ...good('X-type'), events: [ev(t0, 5, 'teleported')] }, /event 1: unknown event type teleported/);
    add('system-type', { ...good('X-sys'), events: [ev(t0, 5, 'clock_warned')] }, /recorded by the system/);
    add('transition', { ...good('X-trans'), events: [ev(t0, 5, 'triaged', { grade: 'ordinary' })] }, /event 1 \(triaged at .*\): triaged is not possible now/);
    add('late-transition', { ...good('X-late'), events: [...closedHistory(t0), ev(t0, 30 * 60, 'forwarded', { department: 'hz-maintenance', reason: 'x' })] },
      /event 11 \(forwarded .*\): forwarded is not possible now: the ticket is closed/);
    add('missing-field', { ...good('X-field'), events: [ev(t0, 5, 'dispatched'), ev(t0, 6, 'triaged')] }, /event 2 \(triaged .*\): triaged needs grade/);
    add('reported-at', { ...good('X-time'), reportedAt: '2026-02-30 10:00' }, /reportedAt .* not an ISO 8601 time|reportedAt must NOT/);
    add('reported-at-zone', { ...good('X-zone'), reportedAt: '2026-02-18T10:00:00' }, /reportedAt .* not an ISO 8601 time/);
    add('event-time', { ...good('X-evtime'), events: [{ type: 'dispatched', at: 'yesterday at noon' }] }, /event 1 \(dispatched\): at yesterday at noon is not an ISO 8601 time/);
    add('event-no-time', { ...good('X-evnotime'), events: [{ type: 'dispatched' }] }, /event 1 \(dispatched\) has no time/);
    add('order', { ...good('X-order'), events: [ev(t0, 10, 'dispatched'), ev(t0, 5, 'triaged', { grade: 'ordinary' })] }, /event 2 .* before the event before it/);
    add('before-reported', { ...good('X-before'), events: [ev(t0, -5, 'dispatched')] }, /event 1 .* is before reportedAt/);
    add('future', { ...good('X-future'), events: [ev(t0, 30 * 24 * 60, 'dispatched')] }, /event 1 .* is in the future/);
    add('future-reported', row('X-freport', at('2026-04-01T00:00:00+08:00')), /reportedAt .* is in the future/);
    add('no-external-id', { ...good('X-none'), externalId: undefined }, /externalId is missing/);
    add('no-reported-at', { ...good('X-norep'), reportedAt: undefined }, /reportedAt is missing/);
    add('msisdn', good('X-phone', { customer: { msisdn: '12ab' } }), /customer\.msisdn must NOT have fewer than 5|msisdn must be 5–15 digits/);
    add('channel', good('X-chan', { channel: 'pigeon' }), /row\.channel must be one of hotline, web/);
    add('unknown-field', { ...good('X-extra'), colour: 'blue' }, /unknown field 'colour'/);
    add('event-field', { ...good('X-evextra'), events: [{ ...ev(t0, 5, 'dispatched'), colour: 'blue' }] }, /event 1 has an unknown field 'colour'/);
    add('not-object', 42, /not a JSON object/);
    add('resolution', { ...good('X-res'), events: [ev(t0, 1, 'resolved_at_intake', { text: 'x' }), ev(t0, 2, 'closed'), ev(t0, 3, 'reopened', { reason: 'x' }), ev(t0, 4, 'dispatched'), ev(t0, 5, 'triaged', { grade: 'ordinary' }), ev(t0, 6, 'noc_replied', { kind: 'final', text: 'x', resolution: 'magic' })] },
      /event 6 .*unknown resolution magic/);
    const dupA = good('X-dup');
    const rows = [good('OK-1'), ...Object.values(cases).map((c) => c.row), dupA, { ...dupA, description: 'other' }, good('OK-2')];
    const r = await importJson(rows);
    assert.equal(r.statusCode, 200, r.body);
    const body = r.json();
    assert.equal(body.created, 2, JSON.stringify(body.rejected, null, 1));
    assert.deepEqual(Object.keys(body.ids).sort(), ['OK-1', 'OK-2']);
    const reasons = body.rejected as { row: number; externalId: string | null; reason: string }[];
    assert.equal(reasons.length, Object.keys(cases).length + 2);
    Object.entries(cases).forEach(([name, c], i) => {
      const got = reasons.find((x) => x.row === i + 2);
      assert.ok(got, `${name}: no rejection`);
      assert.match(got.reason, c.reason, `${name}: ${got.reason}`);
    });
    const dups = reasons.filter((x) => x.externalId === 'X-dup');
    assert.equal(dups.length, 2);
    assert.match(dups[0].reason, /appears more than once/);
    assert.equal(reasons.find((x) => x.row === Object.keys(cases).indexOf('no-external-id') + 2)!.externalId, null);
    // nothing of a rejected row stays: not the ticket, not the steps taken before the bad one
    const after = await counts();
    const okEvents = 2 * (1 + closedHistory(t0).length);
    assert.deepEqual({ tickets: after.tickets - before.tickets, events: after.events - before.events, clocks: after.clocks - before.clocks },
      { tickets: 2, events: okEvents, clocks: 10 });
    assert.equal(after.departments - before.departments, 4);
    const left = await ctx.db.kysely.selectFrom('ticket').select('externalId').where('externalId', 'like', 'X-%').execute();
    assert.deepEqual(left, []);
  });

  it('updates the tickets a late one affects, with a system event on each: repeats and hotspots', async () => {
    const t0 = at('2026-02-24T10:00:00+08:00');
    const who = { msisdn: '13644440001' };
    const later = (await importJson([row('LATE-2', t0 + 5 * 24 * 3600_000, { customer: who }, closedHistory(t0 + 5 * 24 * 3600_000))])).json();
    assert.equal((await ticket(later.ids['LATE-2'])).isRepeat, false);
    const earlier = (await importJson([row('LATE-1', t0, { customer: who })])).json();
    assert.equal(earlier.created, 1);
    const l2 = await ticket(later.ids['LATE-2']);
    assert.equal(l2.isRepeat, true);
    assert.deepEqual(l2.gradeProposal.reasons, ['repeat']);
    const marked = l2.events.find((e: any) => e.type === 'marked_repeat');
    assert.equal(marked.actor, 'system:repeats');
    assert.equal(marked.becauseOf, earlier.ids['LATE-1']);

    // five sms complaints at one cell within the hour, then a sixth arrives in a later import: all six join
    const h0 = at('2026-02-24T20:00:00+08:00');
    const sms = (i: number, events: ReturnType<typeof closedHistory> = []) => row(`SMS-${i}`, h0 + i * 8 * 60_000, {
      customer: { msisdn: `136555500${i}0` }, category: 'network.sms_failure', cellId: 'HZ-C9', address: undefined, region: undefined, network: undefined,
    }, events);
    const first = (await importJson([1, 2, 3, 4, 5].map((i) => sms(i, i === 1 ? closedHistory(h0 + 8 * 60_000) : [ev(h0 + i * 8 * 60_000, 2, 'dispatched', { actor: 'agent' })])))).json();
    for (const id of Object.values(first.ids) as number[]) assert.equal((await ticket(id)).hotspotId, null);
    const sixth = (await importJson([sms(0)])).json();
    const members = [...Object.values(first.ids), ...Object.values(sixth.ids)] as number[];
    const hotspot = (await ticket(sixth.ids['SMS-0'])).hotspotId;
    assert.ok(hotspot != null);
    for (const id of members) {
      const m = await ticket(id);
      assert.equal(m.hotspotId, hotspot);
      assert.equal(m.grade, 'important');
      assert.ok(m.events.some((e: any) => e.type === 'hotspot_joined' && e.actorRole === 'system'), `ticket ${id} records joining`);
    }
    // an open member re-timed from its clocks' start; the closed one keeps the clocks it had
    const open = await ticket(first.ids['SMS-2']);
    const tri = open.clocks.find((c: any) => c.clock === 'triage');
    assert.equal(Date.parse(tri.dueAt) - Date.parse(tri.startedAt), 30 * 60_000);
    const closed = await ticket(first.ids['SMS-1']);
    const ctri = closed.clocks.find((c: any) => c.clock === 'triage');
    assert.equal(Date.parse(ctri.dueAt) - Date.parse(ctri.startedAt), 2 * HOUR);
  });

  it('keeps rejecting a bad row on every retry, and imports it once fixed', async () => {
    const t0 = at('2026-02-19T10:00:00+08:00');
    const bad = row('FIX-1', t0, { customer: { msisdn: '13600000001' } }, [ev(t0, 5, 'triaged', { grade: 'ordinary' })]);
    for (let i = 0; i < 2; i++) assert.equal((await importJson([bad])).json().rejected.length, 1);
    const fixed = { ...bad, events: [ev(t0, 1, 'dispatched'), ...bad.events] };
    const r = (await importJson([fixed])).json();
    assert.equal(r.created, 1);
    assert.equal((await ticket(r.ids['FIX-1'])).status, 'in_progress');
  });

  it('takes NDJSON (blank lines, CRLF, a broken line rejected) and JSON, over the 1 MiB limit of other routes', async () => {
    const t0 = at('2026-02-21T08:00:00+08:00');
    const lines = [
      JSON.stringify(row('ND-1', t0, { customer: { msisdn: '13700000001' } }, closedHistory(t0))),
      '',
      '{"externalId": "ND-broken", ',
      JSON.stringify(row('ND-2', t0 + HOUR, { customer: { msisdn: '13700000002' } })),
    ];
    const r = await importNdjson(lines.join('\r\n') + '\n' + ' '.repeat(1.5 * 1024 * 1024) + '\n');
    assert.equal(r.statusCode, 200, r.body);
    const body = r.json();
    assert.equal(body.created, 2);
    assert.deepEqual(body.rejected.map((x: any) => [x.row, x.externalId]), [[3, null]]);
    assert.match(body.rejected[0].reason, /line 3 is not valid JSON/);
    assert.equal((await ticket(body.ids['ND-1'])).status, 'closed');

    // JSON over 1 MiB: the import limit applies
    const big = Array.from({ length: 300 }, (_, i) => row(`BIG-${i}`, t0 + i * 60_000, { customer: { msisdn: `1371${String(i).padStart(7, '0')}` }, description: 'x'.repeat(3900) }));
    const j = await importJson(big);
    assert.equal(j.statusCode, 200, j.body.slice(0, 300));
    assert.equal(j.json().created, 300);
    // NDJSON is accepted on the import route only; a body that is neither array nor NDJSON is refused
    const other = await t.as('agent', { method: 'POST', url: '/api/v1/tickets', payload: lines[0], headers: { 'content-type': 'application/x-ndjson' } });
    assert.equal(other.statusCode, 415);
    const obj = await importJson({ externalId: 'x' });
    assert.equal(obj.statusCode, 400);
    assert.match(obj.json().message, /JSON array/);
    // over the import limit: 413
    const tooBig = await importNdjson(' '.repeat(100 * 1024 * 1024 + 10));
    assert.equal(tooBig.statusCode, 413);
    const empty = await importJson([]);
    assert.deepEqual(empty.json(), { created: 0, skipped: 0, rejected: [], ids: {} });
  });

  it('is for admins and API keys, within the key region', async () => {
    const t0 = at('2026-02-22T08:00:00+08:00');
    const one = [row('ROLE-1', t0, { customer: { msisdn: '13711110001' } })];
    assert.equal((await importJson(one, 'agent')).statusCode, 403);
    assert.equal((await importJson(one, 'province')).statusCode, 403);
    assert.equal((await t.as(null, { method: 'POST', url: URL, payload: one })).statusCode, 401);
    const key = await t.as('admin', { method: 'POST', url: '/api/v1/api-keys', payload: { name: 'crm-nb', role: 'api', region: 'nb' } });
    assert.equal(key.statusCode, 201, key.body);
    const r = await t.app.inject({ method: 'POST', url: URL, payload: [...one, row('ROLE-NB', t0, { region: 'nb', customer: { msisdn: '13711110002' } }, [ev(t0, 5, 'dispatched', { actor: 'agent.nb' })])], headers: { authorization: `Bearer ${key.json().key}` } });
    assert.equal(r.statusCode, 200, r.body);
    const body = r.json();
    assert.equal(body.created, 1);
    assert.match(body.rejected[0].reason, /outside your scope/);
    const nb = await ticket(body.ids['ROLE-NB']);
    assert.equal(nb.nocDepartment, 'nb-noc');
    assert.equal(nb.createdBy, 'import:apikey:crm-nb');
    assert.equal(nb.events[1].actor, 'agent.nb');
  });

  it('records an unknown or unfit actor as import:<caller>, and takes each step in the role the workflow gives it', async () => {
    const t0 = at('2026-02-23T08:00:00+08:00');
    const r = await importJson([row('ACT-1', t0, { customer: { msisdn: '13722220001' } }, [
      ev(t0, 1, 'dispatched', { actor: 'someone-from-the-old-system' }),
      ev(t0, 2, 'triaged', { grade: 'ordinary', actor: 'maint' }),       // a handler cannot triage: not attributed to maint
      ev(t0, 3, 'forwarded', { department: 'hz-construction', reason: '需新建', actor: 'noc' }),
      ev(t0, 4, 'escalated', { to: 'expert', reason: '无建设计划', actor: 'build' }),
      ev(t0, 5, 'department_replied', { kind: 'final', text: '专家方案' }), // with the experts: the expert's reply goes back to construction
      ev(t0, 6, 'noted', { text: '跟进', actor: 'supervisor' }),
      ev(t0, 7, 'noted', { text: '另一城市的人', actor: 'noc.nb' }),      // not in Hangzhou: not attributed
      ev(t0, 8, 'noted', { text: '省公司', actor: 'province' }),            // the province is above every city
    ])]);
    assert.equal(r.statusCode, 200, r.body);
    assert.deepEqual(r.json().rejected, []);
    const t1 = await ticket(r.json().ids['ACT-1']);
    assert.deepEqual(t1.events.map((e: any) => [e.type, e.actor, e.actorRole]), [
      ['created', 'import:admin', 'system'], ['dispatched', 'import:admin', 'system'], ['triaged', 'import:admin', 'system'],
      ['forwarded', 'noc', 'noc'], ['escalated', 'build', 'handler'], ['department_replied', 'import:admin', 'system'], ['noted', 'supervisor', 'supervisor'],
      ['noted', 'import:admin', 'system'], ['noted', 'province', 'supervisor'],
    ]);
    assert.equal(t1.assigneeDepartment, 'hz-construction');
  });
});
