import { sql } from 'kysely';
import type { Q } from '../db/types.ts';
import type { Deps } from '../http/deps.ts';
import { contributionOf, decodeContribution, diffContributions, encodeContribution, sameContribution, type ClockFacts, type TicketFacts } from './contribution.ts';
import { applyDelta, isPostgres, shardOf } from './store.ts';

/**
 * The events the KPIs read (`followed_up`, `withdrawn`), written so that no index on `type`
 * applies: the events of one ticket (or an id range) come from the (ticket_id, id) index, never
 * from a scan of every follow-up ever recorded through (type, at), which a planner without
 * statistics may otherwise pick.
 */
export const KPI_EVENTS = sql<boolean>`type || '' in ('followed_up', 'withdrawn')`;

/**
 * Called inside every transaction that changes a ticket, its clocks or its history: once before
 * the change (`phase: 'before'`) and once after (`'after'`, also once at intake).
 *
 * The ticket's contribution to the per-day aggregates (contribution.ts) is stored with it
 * (`kpi_ticket`). On `after` the hook computes the contribution from the ticket's rows as they
 * are now and adds the difference to the stored one to the aggregates, in the same transaction.
 * The stored contribution is exactly what the aggregates hold for the ticket, so `before` has
 * nothing to do: this also keeps the aggregates right when a change landed before the hook ran
 * (the clock timer records a breach, then calls the hook), and a change that touches no KPI
 * (a note, a warning) writes nothing but the ticket's own row lookups.
 */
export async function kpiTicketHook(trx: Q, deps: Pick<Deps, 'config'>, ticketId: number, phase: 'before' | 'after'): Promise<void> {
  if (phase === 'before') return;
  await refreshTicketKpis(trx, deps.config.timeZone, ticketId);
}

/**
 * A ticket just inserted (intake, import): its contribution from the row and clocks the caller
 * has in hand, added to the aggregates without reading anything back — it has no stored
 * contribution, no follow-up and no department yet (the same result refreshTicketKpis reaches
 * from the rows; the KPI property test holds both to a recomputation from the raw tables).
 */
export async function addNewTicketKpis(trx: Q, timeZone: string, t: TicketFacts, clocks: readonly ClockFacts[]): Promise<void> {
  const next = contributionOf(t, clocks, [], [], timeZone);
  await applyDelta(trx, diffContributions(decodeContribution(null), next), shardOf(trx));
  await trx.insertInto('kpiTicket').values({ ticketId: t.id, facts: encodeContribution(next) }).execute();
}

/** Recomputes one ticket's contribution and moves the aggregates by the difference. */
export async function refreshTicketKpis(trx: Q, timeZone: string, ticketId: number): Promise<void> {
  // the stored contribution first, locked on PostgreSQL: a concurrent change of the same ticket
  // (the timer does not lock the ticket row) waits here and then reads what this one committed
  let sq = trx.selectFrom('kpiTicket').select('facts').where('ticketId', '=', ticketId);
  if (isPostgres(trx)) sq = sq.forUpdate();
  const stored = await sq.executeTakeFirst();
  const t = await trx.selectFrom('ticket')
    .select(['id', 'regionId', 'network', 'channel', 'isNetwork', 'isRepeat', 'resolvedAtIntake', 'status', 'resolution', 'reportedAt', 'closedAt', 'round'])
    .where('id', '=', ticketId).executeTakeFirst();
  if (!t) return;
  const fresh = t.status === 'new' && t.round === 1;
  // a ticket just taken in has no follow-up or withdrawal and reached no department: skip those reads (intake speed)
  const followUpsPossible = t.round > 1 || t.status === 'followed_up' || t.status === 'closed';
  const [clocks, followUps, departments] = await Promise.all([
    trx.selectFrom('ticketClock').select(['clock', 'startedAt', 'stoppedAt', 'breachedAt']).where('ticketId', '=', ticketId).execute(),
    followUpsPossible
      ? trx.selectFrom('ticketEvent').select(['at', 'data', 'type']).where('ticketId', '=', ticketId).where(KPI_EVENTS).execute()
      : Promise.resolve([]),
    fresh ? Promise.resolve([]) : trx.selectFrom('ticketDepartment').select('departmentId').where('ticketId', '=', ticketId).execute(),
  ]);
  const next = contributionOf(t, clocks, followUps, departments.map((d) => d.departmentId), timeZone);
  const prev = decodeContribution(stored?.facts);
  if (stored && sameContribution(prev, next)) return;
  await applyDelta(trx, diffContributions(prev, next), shardOf(trx));
  const facts = encodeContribution(next);
  if (stored) await trx.updateTable('kpiTicket').set({ facts }).where('ticketId', '=', ticketId).execute();
  else await trx.insertInto('kpiTicket').values({ ticketId, facts }).execute();
}
