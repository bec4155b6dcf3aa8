import type { Deps } from '../http/deps.ts';
import type { Actor } from '../access/actor.ts';
import type { Role } from '../access/roles.ts';
import type { Q } from '../db/types.ts';
import { errors } from '../errors.ts';
import { CLOCK_NAMES } from '../clocks/plan-clock.ts';
import { changeTicket } from '../tickets/change.ts';
import { appendEvent } from '../tickets/events.ts';
import { clockSummary, stopClock } from '../tickets/clock-store.ts';
import { updateTicket, type Ticket } from '../tickets/repository.ts';
import { addOutbox } from '../outbox/outbox.ts';
import type { TmfTicketRow } from './tables.ts';
import { tmfError } from './errors.ts';
import { getVisible, upsertTmf } from './repository.ts';

/** Who may withdraw or delete a trouble ticket: the system that raised it, an agent, an admin. */
export const WITHDRAWERS: readonly Role[] = ['api', 'agent', 'admin'];

/**
 * A client withdraws a ticket it raised (TMF `cancelled`, or DELETE with `hide`). Only while the
 * ticket is still `new` — nobody has dispatched or answered it — else 409: once work started the
 * complaint is netcare's to finish. The history is never deleted (DESIGN §3): the withdrawal is a
 * `withdrawn` event, running clocks stop, the ticket is closed; DELETE also hides it from TMF621
 * (404 afterwards). Deleting a ticket already withdrawn only hides it (`deleted` event).
 */
export async function withdrawIn(trx: Q, deps: Deps, actor: Actor, t: Ticket, tmf: TmfTicketRow | null, opts: { hide: boolean; reason?: string }, now: number): Promise<Ticket> {
  if (!WITHDRAWERS.includes(actor.role)) throw errors.roleNotAllowed(actor.role, 'withdraw a trouble ticket');
  if (tmf?.withdrawnAt != null) {
    if (!opts.hide) return t;
    return changeTicket(trx, deps, t.id, async () => {
      const eventId = await appendEvent(trx, { ticketId: t.id, type: 'deleted', at: now, actor, data: { via: 'tmf621' } }, now);
      const next = await updateTicket(trx, t, {}, now);
      await upsertTmf(trx, t.id, { deletedAt: now }, now);
      await addOutbox(trx, { topic: 'ticket.deleted', ticketId: t.id, payload: { ticketId: t.id, eventId, type: 'deleted' }, at: now });
      return next;
    });
  }
  if (t.status !== 'new') {
    throw tmfError(409, 'invalid_state', `only a ticket nobody has dispatched or answered yet can be withdrawn; this one is ${t.status}`);
  }
  return changeTicket(trx, deps, t.id, async () => {
    for (const c of CLOCK_NAMES) await stopClock(trx, t.id, t.round, c, now);
    const data: Record<string, unknown> = { via: 'tmf621', deleted: opts.hide };
    if (opts.reason) data.reason = opts.reason;
    const eventId = await appendEvent(trx, { ticketId: t.id, type: 'withdrawn', at: now, actor, data }, now);
    const summary = await clockSummary(trx, t.id, now);
    const next = await updateTicket(trx, t, { status: 'closed', closedAt: now, assigneeDepartmentId: null, ...summary }, now);
    await upsertTmf(trx, t.id, { withdrawnAt: now, deletedAt: opts.hide ? now : null }, now);
    await addOutbox(trx, { topic: 'ticket.withdrawn', ticketId: t.id, payload: { ticketId: t.id, eventId, type: 'withdrawn', deleted: opts.hide }, at: now });
    return next;
  });
}

/** DELETE /troubleTicket/{id}: withdraw and hide, in one transaction. */
export async function deleteTroubleTicket(deps: Deps, actor: Actor, id: number): Promise<void> {
  await deps.db.kysely.transaction().execute(async (trx) => {
    const { ticket, tmf } = await getVisible(trx, deps.db.engine, actor, id, { lock: true });
    await withdrawIn(trx, deps, actor, ticket, tmf, { hide: true }, deps.clock.now());
  });
}
