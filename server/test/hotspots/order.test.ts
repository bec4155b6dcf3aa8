// DESIGN §4 and §11: the groups depend only on categories, cells and report times, never on the
// order in which complaints arrive — within one import, across live intake, and mixed. The same
// set of complaints is stored in several orders (each on its own copy of the cell graph) and the
// groups, as sets of ticket sets, are compared with each other and with the rule computed from
// scratch (windows.ts hotspotGroups).
import { it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { eachEngine } from '../helpers/engines.ts';
import { testApp, type TestApp } from '../helpers/app.ts';
import type { Db } from '../../src/db/connect.ts';
import { hotspotGroups, neighbourhoodOf, DEFAULT_RULE } from '../../src/hotspots/windows.ts';
import { MIN, T0, groupsOf, intakeOf, put, rng, seedCells, shuffled, type Spec } from './helpers.ts';

const CELLS = ['g0', 'g1', 'g2', 'g3', 'g4', 'g5'];
const PAIRS: [string, string][] = [['g0', 'g1'], ['g1', 'g2'], ['g2', 'g3'], ['g1', 'g4']];

/** A morning of complaints on a small cell graph: minute times (many ties), two categories. */
function scenario(seed: number, n: number): Spec[] {
  const r = rng(seed);
  const specs: Spec[] = [];
  for (let i = 0; i < n; i++) {
    specs.push({
      cell: CELLS[Math.floor(r() * CELLS.length)],
      at: T0 + Math.floor(r() * 300) * MIN,
      category: r() < 0.85 ? 'network.call_drop' : 'network.no_data',
      label: `L${String(i).padStart(3, '0')}`,
    });
  }
  return specs;
}

/** The groups the rule gives, as sorted label lists. */
function expected(specs: Spec[]): string[][] {
  const n = neighbourhoodOf(new Map(CELLS.map((c) => [c, PAIRS.filter(([a]) => a === c).map(([, b]) => b)])));
  const out: string[][] = [];
  for (const category of new Set(specs.map((s) => s.category))) {
    const mine = specs.map((s, id) => ({ s, id })).filter((x) => x.s.category === category);
    const groups = hotspotGroups(mine.map((x) => ({ id: x.id, cellId: x.s.cell!, reportedAt: x.s.at })), n, DEFAULT_RULE);
    for (const g of groups) out.push(g.map((id) => specs[id].label!).sort());
  }
  return out.sort((a, b) => a[0].localeCompare(b[0]));
}

/** Stored state agrees with itself: counts, cells and times of every group match its members. */
async function checkConsistency(db: Db, ids: number[]): Promise<void> {
  const k = db.kysely;
  const members = await k.selectFrom('ticket').select(['id', 'hotspotId', 'cellId', 'reportedAt', 'grade']).where('id', 'in', ids).where('hotspotId', 'is not', null).execute();
  const byGroup = new Map<number, typeof members>();
  for (const m of members) byGroup.set(Number(m.hotspotId), [...(byGroup.get(Number(m.hotspotId)) ?? []), m]);
  for (const [id, list] of byGroup) {
    const h = await k.selectFrom('hotspot').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    assert.notEqual(h.status, 'merged', `members point at merged group ${id}`);
    assert.equal(Number(h.ticketCount), list.length, `ticket count of group ${id}`);
    assert.equal(Number(h.firstReportedAt), Math.min(...list.map((m) => m.reportedAt)));
    assert.equal(Number(h.lastReportedAt), Math.max(...list.map((m) => m.reportedAt)));
    const cells = await k.selectFrom('hotspotCell').select(['cellId', 'ticketCount']).where('hotspotId', '=', id).orderBy('cellId').execute();
    const want = new Map<string, number>();
    for (const m of list) want.set(m.cellId!, (want.get(m.cellId!) ?? 0) + 1);
    assert.deepEqual(cells.map((c) => [c.cellId, Number(c.ticketCount)]), [...want.entries()].sort((a, b) => a[0].localeCompare(b[0])));
    assert.ok(list.every((m) => m.grade === 'important'), 'every member is important');
    assert.ok(h.problemId != null, 'every group has a problem record');
  }
}

eachEngine('hotspots: order independence', (ctx) => {
  let t: TestApp;
  before(async () => { t = await testApp(ctx.db, { start: '2026-03-05T09:00:00+08:00' }); });
  after(async () => { await t.close(); });

  /** The scenario on a fresh copy of the cell graph, prefixed. */
  const copy = async (prefix: string, specs: Spec[]) => {
    await seedCells(ctx.db, CELLS.map((c) => ({ id: `${prefix}-${c}` })), PAIRS.map(([a, b]) => [`${prefix}-${a}`, `${prefix}-${b}`]));
    return specs.map((s) => ({ ...s, cell: `${prefix}-${s.cell}` }));
  };
  const viaApi = async (specs: Spec[]) => {
    const ids: number[] = [];
    for (const s of specs) {
      const r = await t.as('agent', { method: 'POST', url: '/api/v1/tickets', payload: intakeOf(s) });
      assert.equal(r.statusCode, 201, r.body);
      ids.push(r.json().id);
    }
    return ids;
  };

  for (const seed of [3, 29]) {
    it(`gives the same groups in every arrival order (scenario ${seed})`, async () => {
      const base = scenario(seed, 44);
      const want = expected(base);
      assert.ok(want.flat().length >= 12 && want.flat().length < base.length, `scenario ${seed} should hold groups and complaints outside them`);
      const byTime = [...base].sort((a, b) => a.at - b.at);
      const r = rng(seed * 7);
      const orders: { name: string; run: (specs: Spec[]) => Promise<number[]> }[] = [
        { name: 'one import, in time order', run: (s) => put(t.deps, [...s].sort((a, b) => a.at - b.at), { oneTransaction: true }) },
        { name: 'one import, newest first', run: (s) => put(t.deps, [...s].sort((a, b) => b.at - a.at), { oneTransaction: true }) },
        { name: 'one import, shuffled', run: (s) => put(t.deps, shuffled(s, r), { oneTransaction: true }) },
        { name: 'live intake, shuffled, one transaction each', run: (s) => put(t.deps, shuffled(s, r)) },
        { name: 'live intake through the API, shuffled', run: (s) => viaApi(shuffled(s, r)) },
        {
          name: 'an import of half, then the rest live through the API',
          run: async (s) => {
            const mixed = shuffled(s, r);
            const half = Math.floor(mixed.length / 2);
            return [...(await put(t.deps, mixed.slice(0, half), { oneTransaction: true })), ...(await viaApi(mixed.slice(half)))];
          },
        },
      ];
      assert.equal(byTime.length, base.length);
      for (const [i, o] of orders.entries()) {
        const specs = await copy(`o${seed}-${i}`, base);
        const ids = await o.run(specs);
        assert.deepEqual(await groupsOf(ctx.db, ids, 'label'), want, `${o.name}: groups differ from the rule`);
        await checkConsistency(ctx.db, ids);
      }
    });
  }

  it('a late complaint that completes a window in the past joins the group a timely one would have made', async () => {
    const specs = await copy('late', [0, 10, 20, 30, 40].map((m, i) => ({ cell: 'g1', at: T0 + m * MIN, label: `on-time-${i}` })));
    const ids = await put(t.deps, specs);
    // later complaints elsewhere in time come first
    const later = await put(t.deps, (await copy('late2', [])).concat([{ cell: 'late-g1', at: T0 + 300 * MIN, label: 'much-later' }]));
    assert.deepEqual(await groupsOf(ctx.db, [...ids, ...later]), []);
    const [late] = await put(t.deps, [{ cell: 'late-g0', at: T0 + 35 * MIN, label: 'late' }]);
    assert.deepEqual(await groupsOf(ctx.db, [...ids, late, ...later], 'label'), [['late', ...specs.map((s) => s.label!)].sort()]);
  });
});
