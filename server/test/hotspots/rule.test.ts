// DESIGN §4, the rule's edges, on both engines: complaints stored through intake (insertTicket).
import { it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { eachEngine } from '../helpers/engines.ts';
import { testApp, type TestApp } from '../helpers/app.ts';
import { MIN, T0, groupsOf, hotspotIds, put, seedCells } from './helpers.ts';

eachEngine('hotspots: the §4 rule', (ctx) => {
  let t: TestApp;
  before(async () => {
    t = await testApp(ctx.db, { start: '2026-03-05T09:00:00+08:00' });
    await seedCells(ctx.db, [
      { id: 'five-1' }, { id: 'span-1' }, { id: 'span-2' }, { id: 'tie-1' }, { id: 'tie-2' },
      { id: 'nb-A' }, { id: 'nb-B' }, { id: 'nb-C' }, { id: 'cat-1' }, { id: 'net-1' },
    ], [['tie-1', 'tie-2'], ['nb-A', 'nb-B'], ['nb-B', 'nb-C']]);
  });
  after(async () => { await t.close(); });

  it('exactly 5 in a window is no hotspot; the 6th makes all six one', async () => {
    const five = await put(t.deps, [0, 5, 10, 15, 20].map((m) => ({ cell: 'five-1', at: T0 + m * MIN })));
    assert.deepEqual(await groupsOf(ctx.db, five), []);
    const [sixth] = await put(t.deps, [{ cell: 'five-1', at: T0 + 25 * MIN }]);
    assert.deepEqual(await groupsOf(ctx.db, [...five, sixth]), [[...five, sixth]]);
  });

  it('six spanning exactly 60 minutes are no hotspot: t − 60 min is outside the window', async () => {
    // t, t+12, …, t+60: the last one's window (t, t+60] holds five; every other window fewer
    const ids = await put(t.deps, [0, 12, 24, 36, 48, 60].map((m) => ({ cell: 'span-1', at: T0 + m * MIN })));
    assert.deepEqual(await groupsOf(ctx.db, ids), []);
    // one millisecond less and the first is inside: six in (t+60min−1ms − 60min, t+60min−1ms]
    const close = await put(t.deps, [0, 12, 24, 36, 48].map((m) => ({ cell: 'span-2', at: T0 + m * MIN })).concat([{ cell: 'span-2', at: T0 + 60 * MIN - 1 }]));
    assert.deepEqual(await groupsOf(ctx.db, close), [close]);
  });

  it('equal timestamps are all in each other\'s windows, whatever order they are stored in', async () => {
    const at = T0 + 3 * 60 * MIN;
    const ids = await put(t.deps, [
      { cell: 'tie-1', at }, { cell: 'tie-2', at }, { cell: 'tie-1', at }, { cell: 'tie-2', at }, { cell: 'tie-1', at }, { cell: 'tie-2', at },
    ]);
    assert.deepEqual(await groupsOf(ctx.db, ids), [ids]);
  });

  it('counts the cell and its neighbours, not a neighbour of a neighbour', async () => {
    // A–B and B–C are neighbours, A–C are not
    const a = await put(t.deps, [0, 1, 2].map((m) => ({ cell: 'nb-A', at: T0 + m * MIN })));
    const c = await put(t.deps, [3, 4, 5].map((m) => ({ cell: 'nb-C', at: T0 + m * MIN })));
    assert.deepEqual(await groupsOf(ctx.db, [...a, ...c]), [], 'A and C do not see each other: 3 + 3 never counts as 6');
    // a complaint at B sees A, B and C: its window holds 7
    const [b] = await put(t.deps, [{ cell: 'nb-B', at: T0 + 10 * MIN }]);
    assert.deepEqual(await groupsOf(ctx.db, [...a, ...c, b]), [[...a, ...c, b]]);
  });

  it('counts one category at a time', async () => {
    const drops = await put(t.deps, [0, 1, 2].map((m) => ({ cell: 'cat-1', at: T0 + m * MIN, category: 'network.call_drop' })));
    const data = await put(t.deps, [3, 4, 5].map((m) => ({ cell: 'cat-1', at: T0 + m * MIN, category: 'network.no_data' })));
    assert.deepEqual(await groupsOf(ctx.db, [...drops, ...data]), []);
    const more = await put(t.deps, [6, 7, 8].map((m) => ({ cell: 'cat-1', at: T0 + m * MIN, category: 'network.call_drop' })));
    assert.deepEqual(await groupsOf(ctx.db, [...drops, ...data, ...more]), [[...drops, ...more]]);
    assert.deepEqual(await hotspotIds(ctx.db, data), [null, null, null]);
  });

  it('leaves out non-network complaints and complaints without a cell', async () => {
    const network = await put(t.deps, [0, 1, 2, 3, 4].map((m) => ({ cell: 'net-1', at: T0 + m * MIN })));
    const billing = await put(t.deps, [5, 6, 7].map((m) => ({ cell: 'net-1', at: T0 + m * MIN, category: 'billing.overcharge' })));
    const byAddress = await put(t.deps, [0, 1, 2, 3, 4, 5, 6].map((m) => ({ at: T0 + m * MIN })));
    assert.deepEqual(await groupsOf(ctx.db, [...network, ...billing, ...byAddress]), []);
    const billingHere = await put(t.deps, [0, 1, 2, 3, 4, 5].map((m) => ({ cell: 'net-1', at: T0 + 60 * MIN + m * MIN, category: 'billing.package' })));
    assert.deepEqual(await groupsOf(ctx.db, billingHere), [], 'six billing complaints at one cell are no hotspot');
  });
});
