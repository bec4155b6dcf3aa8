import type { Role, Ticket } from '../../types';

/**
 * The console's copy of the workflow rules of `server/src/tickets/workflow.ts` (EVENT_ROLES and
 * checkStep), so the ticket page offers only the steps the server would take. The server still
 * decides: a refused step shows its message. `console/test/workflow-mirror.test.ts` compares
 * this copy with the server's table for every step, state and role.
 */
export const EVENT_ROLES = {
  resolved_at_intake: ['agent'],
  dispatched: ['agent'],
  triaged: ['noc'],
  forwarded: ['noc'],
  escalated: ['noc', 'handler'],
  department_replied: ['handler', 'expert'],
  noc_replied: ['noc'],
  customer_contacted: ['agent'],
  followed_up: ['agent', 'api'],
  closed: ['agent'],
  reopened: ['agent', 'supervisor'],
  noted: ['agent', 'noc', 'handler', 'expert', 'supervisor', 'admin', 'api'],
} as const satisfies Record<string, readonly Role[]>;

export type StepType = keyof typeof EVENT_ROLES;
export const STEP_TYPES = Object.keys(EVENT_ROLES) as StepType[];

/** Who is looking: the signed-in user's role and department. */
export interface Viewer {
  role: Role;
  departmentId: string | null;
}

/** The slice of a ticket the rules look at. */
export type StepTicket = Pick<Ticket, 'status' | 'isNetwork' | 'nocDepartment' | 'assigneeDepartment' | 'resolvedAtIntake'>;

/** The fields of a step that change whether it is allowed. */
export interface StepInput {
  to?: 'expert' | 'supervisor' | 'province';
  kind?: 'initial' | 'progress' | 'final';
}

/** Why the server would refuse a step: the caller's role, its department, or the ticket's state. */
export type Refusal = 'role' | 'department' | 'state';

/**
 * What the server's `checkStep` would answer: null when it lets the step through, otherwise
 * why not (403 role or department, 409 state). Same order of checks as the server.
 */
export function refusal(type: StepType, t: StepTicket, v: Viewer, input: StepInput = {}): Refusal | null {
  if (!(EVENT_ROLES[type] as readonly Role[]).includes(v.role)) return 'role';
  const s = t.status;
  const holds = (dept: string | null) => !v.departmentId || v.departmentId === dept;
  const atNoc = t.assigneeDepartment != null && t.assigneeDepartment === t.nocDepartment;
  if (s === 'closed' && type !== 'reopened' && type !== 'noted') return 'state';

  switch (type) {
    case 'resolved_at_intake':
    case 'dispatched':
      return s !== 'new' ? 'state' : null;
    case 'triaged':
      if (!t.isNetwork) return 'state';
      if (s !== 'dispatched' && s !== 'in_progress') return 'state';
      return holds(t.nocDepartment) ? null : 'department';
    case 'forwarded':
      if (s !== 'in_progress' || !t.isNetwork) return 'state';
      return holds(t.nocDepartment) ? null : 'department';
    case 'escalated':
      if (s !== 'dispatched' && s !== 'in_progress') return 'state';
      if (v.role === 'handler' && !holds(t.assigneeDepartment)) return 'department';
      if (v.role === 'noc' && !holds(t.nocDepartment)) return 'department';
      if (input.to === 'expert' && s !== 'in_progress') return 'state';
      return null;
    case 'department_replied':
      if (s !== 'in_progress' || atNoc || !t.assigneeDepartment) return 'state';
      return holds(t.assigneeDepartment) ? null : 'department';
    case 'noc_replied':
      if (!t.isNetwork || s !== 'in_progress') return 'state';
      if (!holds(t.nocDepartment)) return 'department';
      if (input.kind === 'final' && !atNoc) return 'state';
      return null;
    case 'customer_contacted':
      if (input.kind === 'final') return s !== 'replied' ? 'state' : null;
      return s === 'new' || s === 'customer_replied' || s === 'followed_up' ? 'state' : null;
    case 'followed_up':
      return s !== 'customer_replied' ? 'state' : null;
    case 'closed':
      return s !== 'followed_up' && !(s === 'customer_replied' && t.resolvedAtIntake) ? 'state' : null;
    case 'reopened':
      return s !== 'closed' && s !== 'followed_up' && s !== 'customer_replied' ? 'state' : null;
    case 'noted':
      return null;
  }
}

/** The kinds a reply or contact step may carry now (e.g. the NOC's final reply waits for the department). */
export function allowedKinds(type: 'department_replied' | 'noc_replied' | 'customer_contacted', t: StepTicket, v: Viewer): ('initial' | 'progress' | 'final')[] {
  const kinds = type === 'customer_contacted' ? (['initial', 'progress', 'final'] as const) : (['initial', 'final'] as const);
  return kinds.filter((kind) => refusal(type, t, v, { kind }) === null);
}

/** The escalation targets open now (an expert only after triage). */
export function allowedEscalations(t: StepTicket, v: Viewer): ('expert' | 'supervisor' | 'province')[] {
  return (['expert', 'supervisor', 'province'] as const).filter((to) => refusal('escalated', t, v, { to }) === null);
}

/**
 * The steps this viewer may take on this ticket now, in workflow order. A step with kinds or
 * targets counts when at least one of them is open.
 */
export function availableSteps(t: StepTicket, v: Viewer): StepType[] {
  return STEP_TYPES.filter((type) => {
    if (type === 'department_replied' || type === 'noc_replied' || type === 'customer_contacted') return allowedKinds(type, t, v).length > 0;
    if (type === 'escalated') return allowedEscalations(t, v).length > 0;
    return refusal(type, t, v) === null;
  });
}
