import type { Deps } from '../http/deps.ts';
import type { Actor } from '../access/actor.ts';
import { regionInScope } from '../access/actor.ts';
import { errors } from '../errors.ts';
import { addOutbox } from '../outbox/outbox.ts';
import { notify } from '../notifications/notify.ts';
import { appendEvent } from './events.ts';
import { changeTicket } from './change.ts';
import { getInScope, recordDepartment, updateTicket, type Ticket } from './repository.ts';

/** Department kinds that work a network ticket after triage (as `forwarded` in apply-event.ts). */
const WORKING_KINDS = ['maintenance', 'optimisation', 'construction', 'network_management', 'expert'] as const;

/** The slice of a ticket that decides where it may be reassigned. */
export interface ReassignState {
  status: string;
  isNetwork: boolean;
}

/**
 * The department kinds that can hold the ticket in its current state (pure), or why none can.
 * DESIGN §1 gives the supervisor the reassignment; §3 decides who may hold a ticket: a network
 * ticket waiting for triage stays with a NOC (the single intake of its city); after triage it may
 * go to the NOC or any working department; a non-network ticket goes to any department but a NOC.
 * A ticket no department holds (not yet dispatched, back with the complaint centre, closed) cannot
 * be reassigned.
 */
export function reassignableKinds(t: ReassignState): { kinds: readonly string[] } | { why: string } {
  switch (t.status) {
    case 'new': return { why: 'the ticket has not been dispatched yet: dispatch it first' };
    case 'closed': return { why: 'the ticket is closed' };
    case 'replied': case 'customer_replied': case 'followed_up':
      return { why: 'the ticket is back with the complaint centre: no department holds it' };
    case 'dispatched':
      return t.isNetwork ? { kinds: ['noc'] } : { why: 'the ticket is not being worked' };
    case 'in_progress':
      return t.isNetwork
        ? { kinds: ['noc', ...WORKING_KINDS] }
        : { kinds: ['complaint_centre', ...WORKING_KINDS] };
    default: return { why: `unknown status ${t.status}` };
  }
}

export interface ReassignInput {
  department: string;
  reason: string;
}

/**
 * A supervisor moves a ticket to another department of its city (DESIGN §1 "reassigns"): one
 * transaction that loads the ticket in scope (404 outside it), checks the version, the state and
 * the target (409 with the reason), changes the holder, appends a `reassigned` history row (from,
 * to, reason), notifies the new department and writes the outbox. Clocks run on unchanged: they
 * belong to the ticket, not to the department holding it (§5).
 */
export async function reassignTicket(deps: Deps, actor: Actor, ticketId: number, input: ReassignInput, ifMatch: number | null): Promise<{ ticket: Ticket; eventId: number }> {
  if (actor.kind !== 'system' && actor.role !== 'supervisor') throw errors.roleNotAllowed(actor.role, 'reassigned');
  return deps.db.kysely.transaction().execute(async (trx) => {
    const now = deps.clock.now();
    const t = await getInScope(trx, deps.db.engine, actor, ticketId, { lock: true });
    if (ifMatch != null && ifMatch !== t.version) throw errors.staleVersion(String(ifMatch), t.version);
    const d = await trx.selectFrom('department').select(['id', 'kind', 'regionId']).where('id', '=', input.department).executeTakeFirst();
    // a department outside the supervisor's scope does not exist for it, like a ticket
    if (!d || !regionInScope(actor, d.regionId)) throw errors.notFound('department', input.department);
    const allowed = reassignableKinds({ status: t.status, isNetwork: !!t.isNetwork });
    if ('why' in allowed) throw errors.invalidState(`reassigning is not possible now: ${allowed.why}`, { status: t.status });
    if (d.regionId !== t.regionId) {
      throw errors.invalidState(`department ${d.id} is in ${d.regionId}; the ticket belongs to ${t.regionId}`, { department: d.id, region: t.regionId });
    }
    if (!allowed.kinds.includes(d.kind)) {
      throw errors.invalidState(`a ${d.kind} department cannot hold this ticket now; one of ${allowed.kinds.join(', ')}`, { department: d.id, kind: d.kind, kinds: allowed.kinds });
    }
    if (d.id === t.assigneeDepartmentId) throw errors.invalidState(`the ticket is already with ${d.id}`, { department: d.id });

    return changeTicket(trx, deps, t.id, async () => {
      const set: Partial<Ticket> = d.kind === 'noc'
        ? { assigneeDepartmentId: d.id, nocDepartmentId: d.id }
        : { assigneeDepartmentId: d.id, prevDepartmentId: t.assigneeDepartmentId };
      await recordDepartment(trx, t.id, d.id);
      const eventId = await appendEvent(trx, {
        ticketId: t.id, type: 'reassigned', at: now, actor, fromDepartmentId: t.assigneeDepartmentId, toDepartmentId: d.id, data: { reason: input.reason },
      }, now);
      await notify(trx, { ticketId: t.id, kind: 'assigned', departmentId: d.id, regionId: t.regionId, message: `工单 ${t.id} 改派: ${input.reason}`, at: now });
      const ticket = await updateTicket(trx, t, set, now);
      await addOutbox(trx, { topic: 'ticket.reassigned', ticketId: t.id, payload: { ticketId: t.id, eventId, type: 'reassigned' }, at: now });
      return { ticket, eventId };
    });
  });
}
