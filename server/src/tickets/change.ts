import type { Q } from '../db/types.ts';
import type { Deps } from '../http/deps.ts';
import { kpiTicketHook } from '../kpis/hooks.ts';

/**
 * Runs a change of one existing ticket inside `trx`, with the KPI hook before and after it.
 * Every code path that changes a ticket (workflow steps, timers, imports, derived updates) goes through here.
 */
export async function changeTicket<T>(trx: Q, deps: Pick<Deps, 'config'>, ticketId: number, change: () => Promise<T>): Promise<T> {
  await kpiTicketHook(trx, deps, ticketId, 'before');
  const r = await change();
  await kpiTicketHook(trx, deps, ticketId, 'after');
  return r;
}
