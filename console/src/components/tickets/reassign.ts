import type { DepartmentKind, Role, Ticket } from '../../types';

const WORKING_KINDS: DepartmentKind[] = ['maintenance', 'optimisation', 'construction', 'network_management', 'expert'];

/**
 * The console's copy of `reassignableKinds` (server/src/tickets/reassign.ts): the department kinds
 * that can hold the ticket now, or null when no department can (not dispatched, back with the
 * complaint centre, closed). `console/test/reassign-mirror.test.ts` compares the two.
 */
export function reassignKinds(t: Pick<Ticket, 'status' | 'isNetwork'>): DepartmentKind[] | null {
  switch (t.status) {
    case 'dispatched': return t.isNetwork ? ['noc'] : null;
    case 'in_progress': return t.isNetwork ? ['noc', ...WORKING_KINDS] : ['complaint_centre', ...WORKING_KINDS];
    default: return null;
  }
}

/** Only supervisors reassign (DESIGN §1), and only a ticket some department holds. */
export function canReassign(role: Role, t: Pick<Ticket, 'status' | 'isNetwork'>): boolean {
  return role === 'supervisor' && reassignKinds(t) !== null;
}
