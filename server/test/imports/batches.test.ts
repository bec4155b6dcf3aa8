import { it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { eachEngine } from '../helpers/engines.ts';
import { testApp, type TestApp } from '../helpers/app.ts';
import { systemActor } from '../../src/access/actor.ts';
import { importTickets } from '../../src/imports/import-tickets.ts';
import { at, closedHistory, ev, row, seedCells, type Row } from './fixtures.ts';

/**
 * The batch mechanics of the history import (issue 8: rows worked out in memory and written per
 * batch): the same outcome whatever the batch size, and when a row fails in the database (its
 * externalId stored meanwhile by a concurrent import) the batch is done again row by row, the
 * row is skipped and the others go in.
 */
eachEngine('ticket import batches', (ctx) => {
  let t: TestApp;
  before(async () => { t = await testApp(ctx.db, { start: '2026-03-02T09:00:00+08:00' }); await seedCells(ctx.db); });
  after(async () => { await t.close(); });

  const k = () => ctx.db.kysely;
  const rowsOf = (prefix: string, n: number, t0: number): Row[] => Array.from({ length: n }, (_, i) => row(`${prefix}-${i}`, t0 + i * 7 * 60_000, {
    customer: { msisdn: `1390000${String(i % 5).padStart(4, '0')}` },
    ...(i % 3 === 0 ? { cellId: ['HZ-C1', 'HZ-C2', 'HZ-C3'][i % 3], address: undefined, region: undefined, network: undefined, category: 'network.no_data' } : {}),
  }, i % 4 === 0 ? closedHistory(t0 + i * 7 * 60_000) : [ev(t0 + i * 7 * 60_000, 3, 'dispatched')]));
  const counts = async (prefix: string) => {
    const ids = (await k().selectFrom('ticket').select('id').where('externalId', 'like', `${prefix}-%`).execute()).map((r) => r.id);
    if (ids.length === 0) return { tickets: 0, events: 0, clocks: 0 };
    const n = async (table: 'ticketEvent' | 'ticketClock') => Number((await k().selectFrom(table).select((eb) => eb.fn.countAll().as('n')).where('ticketId', 'in', ids).executeTakeFirstOrThrow()).n);
    return { tickets: ids.length, events: await n('ticketEvent'), clocks: await n('ticketClock') };
  };

  it('two imports of the same rows at once: each row stored once, the later import skips it', async () => {
    const rows = rowsOf('CC', 24, at('2026-02-10T09:00:00+08:00'));
    const actor = systemActor('test', 'zj');
    const [a, b] = await Promise.all([importTickets(t.deps, actor, { rows }), importTickets(t.deps, actor, { rows })]);
    assert.deepEqual(a.rejected, []);
    assert.deepEqual(b.rejected, []);
    assert.equal(a.created + b.created, rows.length);
    assert.equal(a.skipped + b.skipped, rows.length);
    assert.deepEqual(a.ids, b.ids);
    const expected = rows.reduce((s, r) => s + 1 + r.events.length, 0);
    const c = await counts('CC');
    assert.equal(c.tickets, rows.length);
    assert.equal(c.events, expected, 'each history once (this scenario makes no late repeats and no hotspot)');
    assert.equal(c.clocks, (await counts('CC')).clocks);
  });

  it('gives the same tickets whatever the batch size', async () => {
    const t0 = at('2026-02-12T09:00:00+08:00');
    const snapshot = async (prefix: string) => {
      const tickets = await k().selectFrom('ticket').select(['externalId', 'isRepeat', 'grade', 'gradeProposal', 'status', 'clockState', 'version', 'hotspotId'])
        .where('externalId', 'like', `${prefix}-%`).orderBy('externalId').execute();
      return tickets.map((x) => ({ ...x, externalId: x.externalId!.slice(prefix.length), hotspotId: x.hotspotId != null }));
    };
    const actor = systemActor('test', 'zj');
    const one = rowsOf('B1', 20, t0).map((r) => ({ ...r, customer: { msisdn: r.customer.msisdn.replace('13900', '13911') } }));
    const many = rowsOf('B2', 20, t0 + 3 * 24 * 3600_000).map((r) => ({ ...r, customer: { msisdn: r.customer.msisdn.replace('13900', '13922') } }));
    const r1 = await importTickets(t.deps, actor, { rows: one }, { batchSize: 500 });
    const r2 = await importTickets(t.deps, actor, { rows: many }, { batchSize: 3 });
    assert.equal(r1.created, 20);
    assert.equal(r2.created, 20);
    assert.deepEqual(await snapshot('B1'), await snapshot('B2'));
    assert.deepEqual({ ...(await counts('B1')) }, { ...(await counts('B2')) });
  });
});
