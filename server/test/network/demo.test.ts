import { it, before } from 'node:test';
import assert from 'node:assert/strict';
import { eachEngine } from '../helpers/engines.ts';
import { bootstrap } from '../../src/demo/bootstrap.ts';
import { loadConfig } from '../../src/config.ts';
import { ManualClock } from '../../src/shared/clock.ts';
import { testPii } from '../../src/pii/pii.ts';
import { findIssues } from '../../src/network/lookup.ts';
import { demoCells } from '../../src/network/demo.ts';
import { DEMO_CITIES } from '../../src/demo/organisation.ts';

eachEngine('network: demo data', (ctx) => {
  const now = Date.parse('2026-03-02T09:00:00+08:00');
  before(async () => {
    const config = loadConfig({ NETCARE_DATA_DIR: '/tmp/netcare-test-unused', NETCARE_DATABASE_URL: 'sqlite::memory:', NETCARE_ADMIN_PASSWORD: 'demo-password-1', NETCARE_DEMO: '1' });
    await bootstrap({ db: ctx.db, config, clock: new ManualClock(now), pii: testPii() }, { log: () => {} });
  });

  it('seeds a few hundred cells per city with stable ids and symmetric neighbours', async () => {
    const k = ctx.db.kysely;
    for (const city of ['hz', 'nb', 'wz']) {
      const n = Number((await k.selectFrom('cell').select((eb) => eb.fn.countAll<number>().as('n')).where('regionId', '=', city).executeTakeFirstOrThrow()).n);
      assert.ok(n >= 200 && n <= 600, `${city}: ${n} cells`);
    }
    const nets = await k.selectFrom('cell').select(['network']).distinct().execute();
    assert.deepEqual(nets.map((x) => x.network).sort(), ['GSM', 'LTE', 'NR']);
    assert.ok(await k.selectFrom('cell').select('id').where('id', '=', 'hz-0001-1').executeTakeFirst());
    const asym = await k.selectFrom('cellNeighbour as a').leftJoin('cellNeighbour as b', (j) => j.onRef('b.cellId', '=', 'a.neighbourId').onRef('b.neighbourId', '=', 'a.cellId'))
      .select('a.cellId').where('b.cellId', 'is', null).execute();
    assert.equal(asym.length, 0);
    const hz1 = await k.selectFrom('cellNeighbour').select('neighbourId').where('cellId', '=', 'hz-0028-1').execute();
    assert.ok(hz1.length >= 8, `hz-0028-1 has ${hz1.length} neighbours`);
    assert.deepEqual(demoCells(DEMO_CITIES[0]).map((c) => c.cellId), demoCells(DEMO_CITIES[0]).map((c) => c.cellId), 'deterministic');
  });

  it('seeds 13 months of subscribers per city and network, in millions', async () => {
    const rows = await ctx.db.kysely.selectFrom('subscriberCount').selectAll().execute();
    assert.equal(rows.length, 13 * 9);
    assert.equal(new Set(rows.map((r) => r.month)).size, 13);
    assert.ok(rows.some((r) => r.month === '2026-03'));
    const hzLte = rows.find((r) => r.regionId === 'hz' && r.network === 'LTE' && r.month === '2026-03')!;
    assert.ok(hzLte.count > 7_000_000 && hzLte.count < 10_000_000);
  });

  it('seeds network issues of every kind that the lookup finds', async () => {
    const issues = await ctx.db.kysely.selectFrom('networkIssue').select(['kind', 'status', 'plannedDate', 'source', 'explanation']).execute();
    assert.deepEqual([...new Set(issues.map((i) => i.kind))].sort(), ['construction_plan', 'coverage_gap', 'degradation', 'no_investment', 'outage', 'planned_work']);
    assert.ok(issues.find((i) => i.kind === 'construction_plan')!.plannedDate);
    assert.ok(issues.some((i) => i.source === 'alarm'));
    assert.ok(issues.every((i) => /[\u4e00-\u9fff]/.test(i.explanation)));
    const r = await findIssues(ctx.db.kysely, { cellIds: ['hz-0012-1'], at: now });
    assert.deepEqual(r.issues.map((i) => i.kind), ['outage']);
    const tonight = await findIssues(ctx.db.kysely, { cellIds: ['hz-0036-2'], at: Date.parse('2026-03-03T01:00:00+08:00') });
    assert.deepEqual(tonight.issues.map((i) => i.kind), ['planned_work']);
  });
});
