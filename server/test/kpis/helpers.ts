import assert from 'node:assert/strict';
import type { TestApp } from '../helpers/app.ts';
import { changeTicket } from '../../src/tickets/change.ts';
import { clockSummary, nextFire } from '../../src/tickets/clock-store.ts';

/** An intake body for a network complaint in Hangzhou; override any field. */
export const intake = (over: Record<string, unknown> = {}) => ({
  channel: 'hotline', customer: { msisdn: '13812345678' }, category: 'network.call_drop', network: 'LTE',
  region: 'hz', address: '杭州市西湖区文三路 100 号', description: '室内通话经常掉线', ...over,
});

/** Drives tickets through the HTTP API at set times (the test app's ManualClock). */
export function driver(t: TestApp) {
  return {
    /** intake at `at` (also the reportedAt) */
    async take(user: string, at: string, over: Record<string, unknown> = {}): Promise<number> {
      t.clock.set(at);
      const r = await t.as(user, { method: 'POST', url: '/api/v1/tickets', payload: intake({ reportedAt: at, ...over }) });
      assert.equal(r.statusCode, 201, r.body);
      return r.json().id;
    },
    async step(user: string, id: number, at: string, body: Record<string, unknown>): Promise<void> {
      t.clock.set(at);
      const r = await t.as(user, { method: 'POST', url: `/api/v1/tickets/${id}/events`, payload: body });
      assert.equal(r.statusCode, 201, `${body.type} at ${at}: ${r.body}`);
    },
    async kpis(user: string, query: Record<string, string>): Promise<any> {
      const r = await t.as(user, { method: 'GET', url: `/api/v1/kpis?${new URLSearchParams(query)}` });
      assert.equal(r.statusCode, 200, r.body);
      return r.json();
    },
    /**
     * What the clock timer does at `at` (DESIGN §5): every running clock past its due time gets
     * its breach recorded at the due time, then the ticket goes through changeTicket (the KPI
     * hook runs after the clock row changed, as in tickets/clock-timer.ts).
     */
    async timer(at: string): Promise<number> {
      t.clock.set(at);
      const now = t.clock.now();
      const k = t.deps.db.kysely;
      const due = await k.selectFrom('ticketClock').selectAll().where('stoppedAt', 'is', null).where('breachedAt', 'is', null).where('dueAt', '<=', now).execute();
      for (const c of due) {
        await k.transaction().execute(async (trx) => {
          const next = { ...c, warnedAt: c.warnedAt ?? c.warnAt, breachedAt: c.dueAt };
          await trx.updateTable('ticketClock').set({ warnedAt: next.warnedAt, breachedAt: next.breachedAt, nextFireAt: nextFire(next) }).where('id', '=', c.id).execute();
          await changeTicket(trx, t.deps, c.ticketId, async () => {
            await trx.updateTable('ticket').set(await clockSummary(trx, c.ticketId, now)).where('id', '=', c.ticketId).execute();
          });
        });
      }
      return due.length;
    },
  };
}

/** Asserts a number within 1e-9 (rates and hours are computed in floating point). */
export function near(actual: number | null, expected: number | null, what: string): void {
  if (expected == null) { assert.equal(actual, null, what); return; }
  assert.ok(actual != null && Math.abs(actual - expected) < 1e-9, `${what}: expected ${expected}, got ${actual}`);
}
