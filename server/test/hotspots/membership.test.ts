// DESIGN §4 consequences: members become important with clocks re-timed (§5), groups merge
// under the oldest id, a hotspot opens a problem record (§6), shows at intake, notifies the NOC.
import { it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { eachEngine } from '../helpers/engines.ts';
import { testApp, type TestApp } from '../helpers/app.ts';
import { insertTicket } from '../../src/tickets/intake.ts';
import { systemActor } from '../../src/access/actor.ts';
import { MIN, groupsOf, hotspotIds, intakeOf, put, seedCells, type Spec } from './helpers.ts';

const HOUR = 60 * MIN;

eachEngine('hotspots: members, merges, problem records, notifications', (ctx) => {
  let t: TestApp;
  before(async () => {
    t = await testApp(ctx.db, { start: '2026-03-05T09:00:00+08:00' });
    await seedCells(ctx.db, [
      { id: 'm-1' }, { id: 'm-2' }, { id: 'P-1' }, { id: 'Q-1' }, { id: 'R-1' }, { id: 'P-2' }, { id: 'Q-2' }, { id: 'R-2' },
      { id: 'c-1' }, { id: 'h-1' }, { id: 'x-1' }, { id: 'x-2', region: 'nb' }, { id: 'cc-1' },
    ], [['m-1', 'm-2'], ['P-1', 'Q-1'], ['Q-1', 'R-1'], ['P-2', 'Q-2'], ['Q-2', 'R-2'], ['x-1', 'x-2']]);
  });
  after(async () => { await t.close(); });

  const now = () => t.clock.now();
  const intake = async (s: Spec) => {
    const r = await t.as('agent', { method: 'POST', url: '/api/v1/tickets', payload: intakeOf(s) });
    assert.equal(r.statusCode, 201, r.body);
    return r.json();
  };
  const step = async (user: string, id: number, body: object) => {
    const r = await t.as(user, { method: 'POST', url: `/api/v1/tickets/${id}/events`, payload: body });
    assert.equal(r.statusCode, 201, r.body);
    return r.json().ticket;
  };
  const ticket = async (id: number) => (await t.as('noc', { method: 'GET', url: `/api/v1/tickets/${id}` })).json();
  const outbox = async (topic: string) => (await ctx.db.kysely.selectFrom('outbox').select(['payload']).where('topic', '=', topic).orderBy('id').execute()).map((r) => JSON.parse(r.payload));
  const notes = async (kind: string) => ctx.db.kysely.selectFrom('notification').selectAll().where('kind', '=', kind).orderBy('id').execute();

  it('makes every member important at once, re-timing running clocks from their start', async () => {
    const ids: number[] = [];
    for (const m of [50, 40, 30, 20, 10]) ids.push((await intake({ cell: 'm-1', at: now() - m * MIN })).id);
    await step('agent', ids[0], { type: 'dispatched' });                 // ordinary clocks run on the first
    await step('agent', ids[1], { type: 'dispatched' });
    await step('noc', ids[1], { type: 'triaged', grade: 'important' });   // the second is important already
    const before1 = await ticket(ids[0]);
    assert.equal(before1.grade, 'ordinary');
    assert.equal(before1.hotspotId, null);

    const sixth = await intake({ cell: 'm-2', at: now() });               // a neighbour: six in the window
    assert.equal(sixth.grade, 'important');
    assert.ok(sixth.hotspotId, 'the answer carries the hotspot');
    assert.deepEqual(sixth.hotspots.map((h: any) => h.id), [sixth.hotspotId], 'intake shows the open hotspot at the cell');
    assert.equal(sixth.hotspots[0].ticketCount, 6);
    assert.deepEqual(await hotspotIds(ctx.db, ids), ids.map(() => sixth.hotspotId));

    const a = await ticket(ids[0]);
    assert.equal(a.grade, 'important');
    assert.ok(a.gradeProposal.reasons.includes('hotspot'));
    const hours = (c: any) => (Date.parse(c.dueAt) - Date.parse(c.startedAt)) / HOUR;
    const clocks = Object.fromEntries(a.clocks.map((c: any) => [c.clock, c]));
    assert.equal(hours(clocks.triage), 0.5);
    assert.equal(hours(clocks.initial_reply), 4);
    assert.equal(hours(clocks.resolution), 24);
    assert.equal(hours(clocks.commitment), 24);
    const joined = a.events.find((e: any) => e.type === 'hotspot_joined');
    assert.equal(joined.hotspotId, sixth.hotspotId);
    assert.equal(joined.actorRole, 'system');
    assert.equal(Date.parse(joined.at), now(), 'joined when the sixth complaint completed the window');
    const regraded = a.events.find((e: any) => e.type === 'regraded');
    assert.equal(regraded.previousGrade, 'ordinary');
    assert.equal(regraded.reason, 'hotspot');

    const b = await ticket(ids[1]);
    assert.ok(b.events.some((e: any) => e.type === 'hotspot_joined'));
    assert.ok(!b.events.some((e: any) => e.type === 'regraded'), 'no regrade for a ticket already important');

    // the problem record, the NOC's notification, the outbox
    const h = (await t.as('noc', { method: 'GET', url: `/api/v1/hotspots/${sixth.hotspotId}` })).json();
    assert.equal(h.status, 'open');
    assert.deepEqual(h.cells, ['m-1', 'm-2']);
    assert.deepEqual(h.ticketIds, [...ids, sixth.id]);
    const p = (await t.as('noc', { method: 'GET', url: `/api/v1/problems/${h.problemId}` })).json();
    assert.equal(p.hotspotId, sixth.hotspotId);
    assert.equal(p.status, 'open');
    assert.equal(p.ownerDepartment, 'hz-noc');
    assert.deepEqual(p.tickets.map((x: any) => x.id), [...ids, sixth.id]);
    const opened = await notes('hotspot_opened');
    assert.ok(opened.some((n) => n.departmentId === 'hz-noc' && JSON.parse(n.data!).hotspotId === sixth.hotspotId));
    assert.ok((await outbox('hotspot.opened')).some((o) => o.hotspotId === sixth.hotspotId && o.problemId === h.problemId));

    // a seventh grows it
    const seventh = await intake({ cell: 'm-1', at: now() });
    assert.equal(seventh.hotspotId, sixth.hotspotId);
    assert.ok((await outbox('hotspot.grown')).some((o) => o.hotspotId === sixth.hotspotId && o.added.includes(seventh.id)));
    assert.ok((await notes('hotspot_grown')).some((n) => n.departmentId === 'hz-noc'));
    const p2 = (await t.as('noc', { method: 'GET', url: `/api/v1/problems/${h.problemId}` })).json();
    assert.equal(p2.tickets.length, 7);
  });

  for (const [label, sides] of [['P first', ['P-1', 'R-1', 'Q-1']], ['R first', ['R-2', 'P-2', 'Q-2']]] as const) {
    it(`merges groups chained through a shared window under the oldest id (${label})`, async () => {
      const [firstCell, secondCell, bridge] = sides;
      const at = now() - 3 * HOUR;
      const g1 = await put(t.deps, [0, 1, 2, 3, 4, 5].map((m) => ({ cell: firstCell, at: at + m * MIN })));
      const g2 = await put(t.deps, [0, 1, 2, 3, 4, 5].map((m) => ({ cell: secondCell, at: at + m * MIN })));
      assert.deepEqual(await groupsOf(ctx.db, [...g1, ...g2]), [g1, g2], 'two groups: the outer cells are not neighbours');
      const [older, younger] = [(await hotspotIds(ctx.db, g1))[0]!, (await hotspotIds(ctx.db, g2))[0]!];
      assert.ok(older < younger);
      const youngerProblem = (await t.as('noc', { method: 'GET', url: `/api/v1/hotspots/${younger}` })).json().problemId;

      const [q] = await put(t.deps, [{ cell: bridge, at: at + 10 * MIN }]);
      const all = [...g1, ...g2, q].sort((a, b) => a - b);
      assert.deepEqual(await groupsOf(ctx.db, all), [all]);
      assert.deepEqual(new Set(await hotspotIds(ctx.db, all)), new Set([older]), 'the oldest group id survives');

      const gone = (await t.as('noc', { method: 'GET', url: `/api/v1/hotspots/${younger}` })).json();
      assert.equal(gone.status, 'merged');
      assert.equal(gone.mergedInto, older);
      assert.deepEqual(gone.ticketIds, []);
      const kept = (await t.as('noc', { method: 'GET', url: `/api/v1/hotspots/${older}` })).json();
      assert.equal(kept.ticketCount, 13);
      assert.deepEqual(kept.cells, [...sides].sort());
      const merged = (await t.as('noc', { method: 'GET', url: `/api/v1/problems/${youngerProblem}` })).json();
      assert.equal(merged.status, 'merged');
      assert.equal(merged.mergedInto, kept.problemId);
      const moved = await ticket(g2[0]);
      assert.equal(moved.events.filter((e: any) => e.type === 'hotspot_joined').at(-1).mergedFrom, younger);
      assert.ok((await outbox('hotspot.merged')).some((o) => o.hotspotId === younger && o.into === older));
      const list = (await t.as('noc', { method: 'GET', url: '/api/v1/hotspots' })).json();
      assert.ok(!list.items.some((i: any) => i.id === younger), 'the list leaves merged groups out');
    });
  }

  it('closes with its problem record, stays closed for an earlier complaint, reopens for a later one', async () => {
    const ids = await put(t.deps, [50, 40, 30, 20, 10, 5].map((m) => ({ cell: 'c-1', at: now() - m * MIN })));
    const hid = (await hotspotIds(ctx.db, ids))[0]!;
    const pid = (await t.as('noc', { method: 'GET', url: `/api/v1/hotspots/${hid}` })).json().problemId;
    const closed = await t.as('noc', { method: 'POST', url: `/api/v1/problems/${pid}/close`, payload: { rootCause: '基站电源故障', action: '已更换电源' } });
    assert.equal(closed.statusCode, 200, closed.body);
    assert.equal((await t.as('noc', { method: 'GET', url: `/api/v1/hotspots/${hid}` })).json().status, 'closed');
    const atIntake = await intake({ cell: 'cc-1', at: now() });
    assert.deepEqual(atIntake.hotspots, [], 'a closed hotspot does not show at intake');

    t.clock.advance(10 * MIN);
    const [early] = await put(t.deps, [{ cell: 'c-1', at: now() - 30 * MIN }]);   // reported before the close
    assert.equal((await hotspotIds(ctx.db, [early]))[0], hid);
    assert.equal((await t.as('noc', { method: 'GET', url: `/api/v1/hotspots/${hid}` })).json().status, 'closed');
    const [later] = await put(t.deps, [{ cell: 'c-1', at: now() }]);              // the fault is back
    assert.equal((await hotspotIds(ctx.db, [later]))[0], hid);
    assert.equal((await t.as('noc', { method: 'GET', url: `/api/v1/hotspots/${hid}` })).json().status, 'open');
    const p = (await t.as('noc', { method: 'GET', url: `/api/v1/problems/${pid}` })).json();
    assert.equal(p.status, 'open');
    assert.deepEqual(p.events.map((e: any) => e.type), ['created', 'closed', 'tickets_linked', 'tickets_linked', 'reopened']);
    assert.ok((await outbox('hotspot.grown')).some((o) => o.hotspotId === hid && o.reopened === true));
  });

  it('records imported history in the outbox without pushing it to the NOC inbox', async () => {
    const before = (await notes('hotspot_opened')).length;
    const old = await put(t.deps, [0, 1, 2, 3, 4, 5].map((m) => ({ cell: 'h-1', at: now() - 3 * 24 * HOUR + m * MIN })));
    const hid = (await hotspotIds(ctx.db, old))[0]!;
    assert.ok(hid);
    assert.ok((await outbox('hotspot.opened')).some((o) => o.hotspotId === hid));
    assert.equal((await notes('hotspot_opened')).length, before);
  });

  it('notifies the NOC of each city a group spans, and scopes it by region', async () => {
    const ids = await put(t.deps, [0, 1, 2].map((m) => ({ cell: 'x-1', at: now() - 20 * MIN + m * MIN }))
      .concat([3, 4, 5].map((m) => ({ cell: 'x-2', at: now() - 20 * MIN + m * MIN }))));
    const hid = (await hotspotIds(ctx.db, ids))[0]!;
    assert.ok(hid);
    const opened = (await notes('hotspot_opened')).filter((n) => JSON.parse(n.data!).hotspotId === hid).map((n) => n.departmentId).sort();
    assert.deepEqual(opened, ['hz-noc', 'nb-noc']);
    const nb = (await t.as('noc.nb', { method: 'GET', url: `/api/v1/hotspots/${hid}` })).json();
    assert.deepEqual(nb.ticketIds, ids.slice(3), 'Ningbo sees its own members only');
    const hz = (await t.as('noc', { method: 'GET', url: `/api/v1/hotspots/${hid}` })).json();
    assert.deepEqual(hz.ticketIds, ids.slice(0, 3));
    const other = await t.as('noc.nb', { method: 'GET', url: `/api/v1/hotspots/${(await hotspotIds(ctx.db, [(await put(t.deps, [0, 1, 2, 3, 4, 5].map((m) => ({ cell: 'h-1', at: now() - m * MIN }))))[0]]))[0]}` });
    assert.equal(other.statusCode, 404, 'a Hangzhou-only hotspot does not exist for Ningbo');
  });

  it('counts two complaints stored at the same moment in separate transactions (no lost window)', async () => {
    await seedCells(ctx.db, [{ id: 'race-1' }]);
    const at = now() - 10 * MIN;
    const four = await put(t.deps, [0, 1, 2, 3].map((m) => ({ cell: 'race-1', at: at + m * MIN })));
    // the fifth's transaction stays open a while after detection; the sixth arrives meanwhile
    let fifth = 0;
    let detected!: () => void;
    const firstDetected = new Promise<void>((r) => { detected = r; });
    const slow = ctx.db.kysely.transaction().execute(async (trx) => {
      fifth = (await insertTicket(trx, t.deps, systemActor('import'), intakeOf({ cell: 'race-1', at: at + 4 * MIN }), now())).id;
      detected();
      await new Promise((r) => setTimeout(r, 300));
    });
    await firstDetected;
    const [sixth] = await put(t.deps, [{ cell: 'race-1', at: at + 5 * MIN }]);
    await slow;
    const all = [...four, fifth, sixth].sort((a, b) => a - b);
    assert.deepEqual(await groupsOf(ctx.db, all), [all]);
  });

  it('shows the rule in GET /hotspots/settings and lets an admin change it', async () => {
    const r = await t.as('noc', { method: 'GET', url: '/api/v1/hotspots/settings' });
    assert.deepEqual(r.json(), { minComplaints: 6, windowMinutes: 60 });
    assert.equal((await t.as('noc', { method: 'PUT', url: '/api/v1/hotspots/settings', payload: { minComplaints: 3, windowMinutes: 30 } })).statusCode, 403);
    assert.equal((await t.as('admin', { method: 'PUT', url: '/api/v1/hotspots/settings', payload: { minComplaints: 1, windowMinutes: 30 } })).statusCode, 400);
    const ok = await t.as('admin', { method: 'PUT', url: '/api/v1/hotspots/settings', payload: { minComplaints: 3, windowMinutes: 30 } });
    assert.equal(ok.statusCode, 200, ok.body);
    try {
      await seedCells(ctx.db, [{ id: 'rule-1' }]);
      const three = await put(t.deps, [0, 10, 20].map((m) => ({ cell: 'rule-1', at: now() - 40 * MIN + m * MIN })));
      assert.deepEqual(await groupsOf(ctx.db, three), [three]);
      const apart = await put(t.deps, [0, 15, 30].map((m) => ({ cell: 'rule-1', at: now() - 10 * HOUR + m * MIN })));
      assert.deepEqual(await groupsOf(ctx.db, apart), [], 'three spanning 30 minutes: the first is outside the last one\'s window');
    } finally {
      await t.as('admin', { method: 'PUT', url: '/api/v1/hotspots/settings', payload: { minComplaints: 6, windowMinutes: 60 } });
    }
  });
});
