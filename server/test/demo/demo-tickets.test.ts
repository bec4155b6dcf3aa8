import { it, before } from 'node:test';
import assert from 'node:assert/strict';
import { eachEngine } from '../helpers/engines.ts';
import { bootstrap } from '../../src/demo/bootstrap.ts';
import { loadConfig } from '../../src/config.ts';
import { ManualClock } from '../../src/shared/clock.ts';
import { testPii } from '../../src/pii/pii.ts';
import { scanClocks } from '../../src/tickets/clock-timer.ts';
import type { Deps } from '../../src/http/deps.ts';

eachEngine('demo: a day of complaints', (ctx) => {
  let deps: Deps;
  before(async () => {
    const config = loadConfig({ NETCARE_DATA_DIR: '/tmp/netcare-test-unused', NETCARE_DATABASE_URL: 'sqlite::memory:', NETCARE_ADMIN_PASSWORD: 'demo-password-1', NETCARE_DEMO: '1' });
    deps = { db: ctx.db, config, clock: new ManualClock('2026-11-23T10:00:00+08:00'), pii: testPii() };
    await bootstrap(deps, { log: () => {} });
  });

  it('has tickets at every stage of the workflow, in every city', async () => {
    const k = ctx.db.kysely;
    const byStatus = await k.selectFrom('ticket').select(['status', (eb) => eb.fn.countAll<number>().as('n')]).groupBy('status').execute();
    const statuses = new Set(byStatus.map((r) => r.status));
    for (const s of ['new', 'dispatched', 'in_progress', 'replied', 'customer_replied', 'followed_up', 'closed']) assert.ok(statuses.has(s), `a ticket in ${s}`);
    const cities = await k.selectFrom('ticket').select('regionId').distinct().execute();
    assert.deepEqual(cities.map((c) => c.regionId).sort(), ['hz', 'nb', 'wz']);
    const atIntake = await k.selectFrom('ticket').select('id').where('resolvedAtIntake', '=', 1).execute();
    assert.ok(atIntake.length > 0, 'some answered at intake');
  });

  it('leaves some tickets overdue once the timer has run, and forms a hotspot', async () => {
    await scanClocks(deps, { batch: 5000 });
    const k = ctx.db.kysely;
    const breached = await k.selectFrom('ticket').select('id').where('clockState', '=', 'breached').execute();
    assert.ok(breached.length > 0, 'some overdue');
    const hot = await k.selectFrom('ticket').select(['id', 'grade']).where('hotspotId', 'is not', null).execute();
    assert.ok(hot.length >= 6, `a hotspot of at least 6 complaints, got ${hot.length}`);
    assert.ok(hot.every((t) => t.grade === 'important'), 'hotspot members are important');
  });
});
