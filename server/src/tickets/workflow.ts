import type { Actor } from '../access/actor.ts';
import type { Role } from '../access/roles.ts';
import { errors } from '../errors.ts';

/**
 * Ticket states (DESIGN §3): taken in → at the NOC → being worked → NOC replied to the complaint
 * centre → customer told the result → followed up → closed.
 */
export const STATUSES = ['new', 'dispatched', 'in_progress', 'replied', 'customer_replied', 'followed_up', 'closed'] as const;
export type Status = (typeof STATUSES)[number];
export const OPEN_STATUSES: readonly Status[] = ['new', 'dispatched', 'in_progress', 'replied', 'customer_replied', 'followed_up'];

/** The workflow steps of DESIGN §11, and who may take each. */
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

/** Event types only the system writes: intake, clock warnings and changes derived from other tickets. */
export const SYSTEM_EVENT_TYPES = ['created', 'clock_warned', 'regraded', 'marked_repeat', 'hotspot_joined', 'problem_linked'] as const;

/** Resolution codes (DESIGN §3) and whether each counts as solved. */
export const RESOLUTIONS: Record<string, boolean> = {
  fault_repaired: true, optimised: true, customer_side: true,
  construction_planned: false, no_investment: false, not_network: false, explained: false, cannot_reproduce: false,
};

/** The slice of a ticket the rules look at. */
export interface TicketState {
  status: string;
  isNetwork: boolean;
  nocDepartmentId: string | null;
  assigneeDepartmentId: string | null;
  resolvedAtIntake: boolean;
  triaged: boolean;
}

const stateError = (type: string, status: string, why: string) =>
  errors.invalidState(`${type} is not possible now: ${why}`, { type, status });

/**
 * Checks one step against the caller's role and department and the ticket's state (pure).
 * Throws 403 for the wrong role or department, 409 with the reason for the wrong state.
 */
export function checkStep(type: StepType, t: TicketState, actor: Actor, input: Record<string, any>): void {
  const roles = EVENT_ROLES[type] as readonly Role[];
  if (actor.kind !== 'system' && !roles.includes(actor.role)) throw errors.roleNotAllowed(actor.role, type);
  const s = t.status;
  const holds = (dept: string | null) => actor.kind === 'system' || !actor.departmentId || actor.departmentId === dept;
  const atNoc = t.assigneeDepartmentId != null && t.assigneeDepartmentId === t.nocDepartmentId;
  if (s === 'closed' && type !== 'reopened' && type !== 'noted') throw stateError(type, s, 'the ticket is closed');

  switch (type) {
    case 'resolved_at_intake':
    case 'dispatched':
      if (s !== 'new') throw stateError(type, s, 'the ticket was already answered or dispatched');
      return;
    case 'triaged':
      if (!t.isNetwork) throw stateError(type, s, 'only network tickets are triaged by the NOC');
      if (s !== 'dispatched' && s !== 'in_progress') throw stateError(type, s, 'triage happens while the NOC holds the ticket');
      if (!holds(t.nocDepartmentId)) throw errors.forbidden('this ticket belongs to another NOC');
      return;
    case 'forwarded':
      if (s === 'dispatched') throw stateError(type, s, 'triage the ticket first');
      if (s !== 'in_progress' || !t.isNetwork) throw stateError(type, s, 'only a network ticket in progress can be forwarded');
      if (!holds(t.nocDepartmentId)) throw errors.forbidden('this ticket belongs to another NOC');
      return;
    case 'escalated':
      if (s !== 'dispatched' && s !== 'in_progress') throw stateError(type, s, 'only a ticket being worked can be escalated');
      if (actor.role === 'handler' && !holds(t.assigneeDepartmentId)) throw errors.forbidden('this ticket is not with your department');
      if (actor.role === 'noc' && !holds(t.nocDepartmentId)) throw errors.forbidden('this ticket belongs to another NOC');
      if (input.to === 'expert' && s !== 'in_progress') throw stateError(type, s, 'triage the ticket before escalating it to an expert');
      return;
    case 'department_replied':
      if (s !== 'in_progress' || atNoc || !t.assigneeDepartmentId) throw stateError(type, s, 'the ticket is not with a department');
      if (!holds(t.assigneeDepartmentId)) throw errors.forbidden('this ticket is not with your department');
      return;
    case 'noc_replied':
      if (!t.isNetwork) throw stateError(type, s, 'only network tickets go through the NOC');
      if (s !== 'in_progress') throw stateError(type, s, s === 'dispatched' ? 'triage the ticket first' : 'the NOC does not hold the ticket');
      if (!holds(t.nocDepartmentId)) throw errors.forbidden('this ticket belongs to another NOC');
      if (input.kind === 'final' && !atNoc) throw stateError(type, s, 'the ticket is still with a department: wait for its reply or re-route it');
      return;
    case 'customer_contacted':
      if (input.kind === 'final') {
        if (s !== 'replied') throw stateError(type, s, 'the final reply to the customer needs the final result first');
      } else if (s === 'new' || s === 'customer_replied' || s === 'followed_up') {
        throw stateError(type, s, 'initial and progress contacts belong to tickets being worked');
      }
      return;
    case 'followed_up':
      if (s !== 'customer_replied') throw stateError(type, s, 'the follow-up comes after the final reply to the customer');
      return;
    case 'closed':
      if (s !== 'followed_up' && !(s === 'customer_replied' && t.resolvedAtIntake)) throw stateError(type, s, 'close after the follow-up');
      return;
    case 'reopened':
      if (s !== 'closed' && s !== 'followed_up' && s !== 'customer_replied') throw stateError(type, s, 'only an answered ticket can be reopened');
      return;
    case 'noted':
      return;
  }
}
