import type { Deps } from '../http/deps.ts';
import type { Actor } from '../access/actor.ts';
import type { Role } from '../access/roles.ts';
import { applyStepIn } from '../tickets/apply-event.ts';
import { getInScope } from '../tickets/repository.ts';
import { addOutbox } from '../outbox/outbox.ts';

/** Who may ask the raising system for more information: everyone who works tickets. */
export const INFORMATION_ASKERS: readonly Role[] = ['agent', 'noc', 'handler', 'expert', 'supervisor', 'admin'];

/**
 * netcare needs more from the system that raised a ticket (TMF621
 * TroubleTicketInformationRequiredEvent): the question is an internal note (`noted` step, in the
 * history) and outbox `ticket.information_required`, in one transaction. The client answers
 * with a note (PATCH).
 */
export async function requireInformation(deps: Deps, actor: Actor, ticketId: number, text: string): Promise<{ eventId: number }> {
  return deps.db.kysely.transaction().execute(async (trx) => {
    const now = deps.clock.now();
    const t = await getInScope(trx, deps.db.engine, actor, ticketId, { lock: true });
    const r = await applyStepIn(trx, deps, actor, t, { type: 'noted', text }, now, now);
    await addOutbox(trx, { topic: 'ticket.information_required', ticketId, payload: { ticketId, eventId: r.eventId, type: 'information_required', text }, at: now });
    return { eventId: r.eventId };
  });
}
