import type { Q } from '../db/types.ts';
import type { Deps } from '../http/deps.ts';

/**
 * Called inside every transaction that changes a ticket, its clocks or its history: once before
 * the change (`phase: 'before'`) and once after (`'after'`), so per-day KPI aggregates can take
 * the ticket's old contribution out and put the new one in, in the same transaction.
 */
export async function kpiTicketHook(_trx: Q, _deps: Pick<Deps, 'config'>, _ticketId: number, _phase: 'before' | 'after'): Promise<void> {
  // aggregates arrive with the KPI work (issue 5)
}
