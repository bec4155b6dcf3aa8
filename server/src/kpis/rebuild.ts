import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/database.ts';
import { addContribution, contributionOf, emptyDelta, encodeContribution, pruneDelta, type Delta } from './contribution.ts';
import { applyDelta, insertStored, isPostgres } from './store.ts';
import { KPI_EVENTS } from './hooks.ts';

export interface RebuildOptions {
  /** tickets per read batch (default 2000) */
  batch?: number;
  /** called after each batch with the tickets done so far */
  onProgress?: (done: number) => void;
  /** aggregate keys held in memory before they are added to the tables (default 200,000; tests make it small) */
  flushAt?: number;
  /**
   * Only the tickets with a higher id (default 0: all). A partial build — the aggregates then hold
   * those tickets alone — for benchmarks that need the aggregates of recent months only.
   */
  afterId?: number;
}

/**
 * Recomputes every ticket's KPI contribution from its raw rows and rebuilds the aggregates from
 * them, with the same functions the live hook uses (contribution.ts, store.ts). For a changed
 * time zone, after a bulk load that bypassed the hook, or to repair. Run it while no tickets are
 * being written: it empties the aggregates first and works in batches of one transaction each.
 */
export async function rebuildKpis(db: Kysely<Database>, timeZone: string, opts: RebuildOptions = {}): Promise<{ tickets: number }> {
  const size = opts.batch ?? 2000;
  await db.transaction().execute(async (trx) => {
    // PostgreSQL: truncate, so the upserts that follow do not wade through the deleted rows' index entries
    if (isPostgres(trx)) await sql`truncate kpi_day, kpi_duration_day, kpi_duration_month, kpi_ticket`.execute(trx);
    else for (const t of ['kpiDay', 'kpiDurationDay', 'kpiDurationMonth', 'kpiTicket'] as const) await trx.deleteFrom(t).execute();
  });
  let delta = emptyDelta();
  const pending = (d: Delta) => d.counters.size + d.daily.size + d.monthly.size;
  // one batch of tickets (ids after `after`) with their clocks, follow-ups and departments
  const read = async (after: number) => {
    const tickets = await db.selectFrom('ticket')
      .select(['id', 'regionId', 'network', 'channel', 'isNetwork', 'isRepeat', 'resolvedAtIntake', 'status', 'resolution', 'reportedAt', 'closedAt'])
      .where('id', '>', after).orderBy('id').limit(size).execute();
    if (tickets.length === 0) return null;
    const lo = tickets[0].id;
    const hi = tickets[tickets.length - 1].id;
    // id ranges rather than id lists: one index range per table, no parameter limits
    const [clocks, followUps, departments] = await Promise.all([
      db.selectFrom('ticketClock').select(['ticketId', 'clock', 'startedAt', 'stoppedAt', 'breachedAt']).where('ticketId', '>=', lo).where('ticketId', '<=', hi).execute(),
      db.selectFrom('ticketEvent').select(['ticketId', 'at', 'data', 'type']).where('ticketId', '>=', lo).where('ticketId', '<=', hi).where(KPI_EVENTS).execute(),
      db.selectFrom('ticketDepartment').select(['ticketId', 'departmentId']).where('ticketId', '>=', lo).where('ticketId', '<=', hi).execute(),
    ]);
    return { tickets, hi, clocks, followUps, departments };
  };
  let done = 0;
  let next = read(opts.afterId ?? 0);
  for (;;) {
    const batch = await next;
    if (!batch) break;
    // the next batch is read (on other connections of the pool) while this one is computed and written
    next = read(batch.hi);
    next.catch(() => {}); // awaited on the next turn; an error of this turn must not leave it unhandled
    const { tickets, clocks, followUps, departments } = batch;
    const by = <T extends { ticketId: number }>(rows: T[]) => {
      const m = new Map<number, T[]>();
      for (const r of rows) { const l = m.get(r.ticketId); if (l) l.push(r); else m.set(r.ticketId, [r]); }
      return m;
    };
    const clocksBy = by(clocks);
    const followUpsBy = by(followUps);
    const departmentsBy = by(departments);
    const stored: { ticketId: number; facts: string }[] = [];
    for (const t of tickets) {
      const c = contributionOf(t, clocksBy.get(t.id) ?? [], followUpsBy.get(t.id) ?? [], (departmentsBy.get(t.id) ?? []).map((d) => d.departmentId), timeZone);
      addContribution(delta, c, 1);
      stored.push({ ticketId: t.id, facts: encodeContribution(c) });
    }
    const flush = pending(delta) >= (opts.flushAt ?? 200_000);
    await db.transaction().execute(async (trx) => {
      await insertStored(trx, stored);
      if (flush) await applyDelta(trx, pruneDelta(delta), 0);
    });
    if (flush) delta = emptyDelta();
    done += tickets.length;
    opts.onProgress?.(done);
  }
  if (pending(delta)) await db.transaction().execute((trx) => applyDelta(trx, pruneDelta(delta), 0));
  return { tickets: done };
}
