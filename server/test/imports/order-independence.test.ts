import { it, describe } from 'node:test';
import assert from 'node:assert/strict';
import { freshDb, testEngines } from '../helpers/engines.ts';
import { testApp, type TestApp } from '../helpers/app.ts';
import { systemActor } from '../../src/access/actor.ts';
import { importTickets } from '../../src/imports/import-tickets.ts';
import type { Engine } from '../../src/db/connect.ts';
import { derivedState, liveClient, scenario, seedCells, shuffled, type Row } from './fixtures.ts';

/**
 * DESIGN §11: the result of every rule (repeats, grades, hotspots, clocks, KPIs) must not depend on the
 * order in which tickets arrive — within one import, across several, and mixed with live intake
 * and live steps. Each variant stores the same tickets in another order on a fresh database; the
 * derived state of every ticket must come out the same.
 */

const REF = '2026-03-02T09:00:00+08:00';
const json = (rows: Row[]) => JSON.parse(JSON.stringify(rows)) as Row[];

type Variant = (t: TestApp, rows: Row[], live: Set<string>) => Promise<void>;

async function run(engine: Engine, variant: Variant): Promise<Record<string, unknown>> {
  const h = await freshDb(engine);
  try {
    const t = await testApp(h.db, { start: REF });
    try {
      await seedCells(h.db);
      const { rows, live } = scenario();
      await variant(t, json(rows), live);
      t.clock.set(REF);
      // the KPIs of §7 over the period, by every grouping they offer
      const kpis: Record<string, unknown> = {};
      for (const groupBy of ['region,network,month', 'department,day']) {
        const r = await t.as('admin', { method: 'GET', url: `/api/v1/kpis?from=2026-01-01&to=2026-04-01&groupBy=${groupBy}` });
        assert.equal(r.statusCode, 200, r.body);
        kpis[groupBy] = r.json();
      }
      return { ...(await derivedState(h.db, Date.parse(REF))), kpis };
    } finally {
      await t.close();
    }
  } finally {
    await h.drop();
  }
}

/** Imports through the API as admin; every row must go in. */
async function viaApi(t: TestApp, rows: Row[]): Promise<void> {
  t.clock.set(REF);
  const r = await t.as('admin', { method: 'POST', url: '/api/v1/import/tickets', payload: rows as any });
  assert.equal(r.statusCode, 200, r.body);
  assert.deepEqual(r.json().rejected, []);
  assert.equal(r.json().created, rows.length);
}

/** Imports in exactly the given order (not sorted by report time), in small batches. */
async function inFileOrder(t: TestApp, rows: Row[], batchSize: number): Promise<void> {
  t.clock.set(REF);
  const r = await importTickets(t.deps, systemActor('test', 'zj'), { rows }, { keepFileOrder: true, batchSize });
  assert.deepEqual(r.rejected, []);
  assert.equal(r.created, rows.length);
}

const chunk = <T>(xs: T[], n: number) => Array.from({ length: Math.ceil(xs.length / n) }, (_, i) => xs.slice(i * n, i * n + n));

const variants: Record<string, Variant> = {
  'one import, in report order': (t, rows) => viaApi(t, rows),
  'one import, newest first, applied in that order': (t, rows) => inFileOrder(t, [...rows].reverse(), 500),
  'one import, shuffled, batches of 3': (t, rows) => inFileOrder(t, shuffled(rows, 7), 3),
  'one import, another shuffle, one row per batch': (t, rows) => inFileOrder(t, shuffled(rows, 1234), 1),
  'several imports of 4, newest first': async (t, rows) => {
    const newestFirst = [...rows].sort((a, b) => Date.parse(b.reportedAt) - Date.parse(a.reportedAt));
    for (const part of chunk(newestFirst, 4)) await viaApi(t, part);
  },
  'one import per ticket, shuffled': async (t, rows) => {
    for (const r of shuffled(rows, 99)) await viaApi(t, [r]);
  },
  'mixed with live intake and live steps in event time': async (t, rows, live) => {
    const client = liveClient(t);
    // live and imported tickets interleaved in a shuffled order; each live ticket's own steps in time order
    const order = shuffled(rows, 4242);
    let pending: Row[] = [];
    for (const r of order) {
      if (!live.has(r.externalId)) { pending.push(r); continue; }
      if (pending.length) { await viaApi(t, pending); pending = []; }
      await client.replay(r);
    }
    if (pending.length) await viaApi(t, pending);
    t.clock.set(REF);
  },
};

for (const engine of testEngines()) {
  describe(`history import order independence [${engine}]`, () => {
    let baseline: Record<string, unknown> | undefined;
    const names = Object.keys(variants);
    for (const name of names) {
      it(name, async () => {
        const state = await run(engine, variants[name]);
        if (!baseline) {
          baseline = state;
          // the scenario exercises what it means to: a hotspot, repeats (one made late), open overdue clocks
          const s = state as Record<string, any>;
          assert.deepEqual(s.H1.hotspot, ['H1', 'H2', 'H3', 'H4', 'H5', 'H6', 'H8']);
          assert.equal(s.H7.hotspot, null);
          assert.deepEqual(['A0', 'A1', 'A2', 'A3', 'A4'].map((x) => s[x].isRepeat), [0, 1, 1, 1, 0]);
          assert.ok(s.A3.clocks.some((c: any) => c.state === 'breached' && c.stoppedAt == null));
          assert.equal(s.H2.grade, 'important');
          const groups = s.kpis['region,network,month'].groups as { tickets: number }[];
          assert.equal(groups.reduce((a, g) => a + g.tickets, 0), Object.keys(s).length - 1);
          return;
        }
        for (const id of Object.keys(baseline)) assert.deepEqual((state as any)[id], (baseline as any)[id], `${name}: ticket ${id} differs`);
        assert.deepEqual(Object.keys(state).sort(), Object.keys(baseline).sort());
      });
    }
  });
}
