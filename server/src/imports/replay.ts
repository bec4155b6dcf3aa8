import type { Actor } from '../access/actor.ts';
import type { Role } from '../access/roles.ts';
import { AppError, errors } from '../errors.ts';
import type { Pii } from '../pii/pii.ts';
import type { Category } from '../tickets/categories.ts';
import type { SlaSettings } from '../sla/policies.ts';
import type { ClockName, Grade } from '../clocks/plan-clock.ts';
import { nextFire, planFor, summarise } from '../tickets/clock-store.ts';
import { checkStep, EVENT_ROLES, RESOLUTIONS, type StepType } from '../tickets/workflow.ts';
import { finalReplyGoesTo, FORWARD_KINDS, validateStepInput, type StepInput } from '../tickets/apply-event.ts';
import type { Ticket } from '../tickets/repository.ts';
import type { TicketClockRow } from '../tickets/tables.ts';
// dayOf: shared/time.ts dayKey with the zone's offset remembered per day (Intl is the cost of dayKey)
import { contributionOf, dayOf, type Contribution } from '../kpis/contribution.ts';
import type { ImportEvent, ImportRow } from './ticket-rows.ts';
import { checkIntake, newTicketRow } from '../tickets/intake.ts';
import type { DepartmentInfo, KnownUser } from './repository.ts';

/**
 * One imported row worked out in memory (issue 8: import speed): the same rules as live intake
 * (tickets/intake.ts insertTicket) followed by each event as a history step (tickets/apply-event.ts
 * applyStepIn with `history`), on the row's own ticket, clocks and history, with reference data
 * read once per import or batch. Nothing here reads or writes the database: a row that breaks a
 * rule throws the AppError the live path throws, with the same reason, before anything is
 * written; a row that passes is written once, with multi-row inserts (import-tickets.ts).
 *
 * What a row's rules need of other tickets (repeats, hotspots) stays with the caller, which sees
 * the tickets stored and the rows of its batch not yet written. The order-independence test
 * holds this replay to the live path: live intake and live steps must give the same state.
 */

/** Reference data the rules read: every lookup of intake and the workflow, in memory. */
export interface ReplayReference {
  categories: Map<string, Category>;
  cells: Map<string, { regionId: string; network: string; lon: number; lat: number }>;
  parentOf: Map<string, string | null>;
  sla: SlaSettings;
  departments: Map<string, DepartmentInfo>;
  users: Map<string, KnownUser>;
  timeZone: string;
  pii: Pii;
  /** pii.blindIndex of a normalised phone number (the caller may remember them) */
  customerKey: (msisdn: string) => string;
}

type Clock = Omit<TicketClockRow, 'id'>;

/** An event as it will be stored (ticket id added when written). */
export interface PlannedEvent {
  type: string; at: number; recordedAt: number; actor: string; actorRole: string;
  fromDepartmentId: string | null; toDepartmentId: string | null; data: string | null;
}

/** A row worked out: the ticket as it ends (id given by the caller), its clocks, history and departments. */
export interface Plan {
  row: ImportRow;
  ticket: Ticket;
  clocks: Clock[];
  events: PlannedEvent[];
  departments: string[];
}

/** The department of a kind in a region, as org/lookups.ts departmentOfKind answers (lowest id). */
function departmentOfKind(ref: ReplayReference, regionId: string, kind: string): string | null {
  let best: string | null = null;
  for (const d of ref.departments.values()) if (d.regionId === regionId && d.kind === kind && (best === null || d.id < best)) best = d.id;
  return best;
}

/** True when `ancestor` is above `regionId` (apply-event.ts isAncestor). */
function isAncestor(ref: ReplayReference, ancestor: string, regionId: string): boolean {
  let at: string | null = regionId;
  for (let i = 0; at && i < 8; i++) {
    at = ref.parentOf.get(at) ?? null;
    if (at === ancestor) return true;
  }
  return false;
}

function event(p: Plan, e: { type: string; at: number; actor: Actor; fromDepartmentId?: string | null; toDepartmentId?: string | null; data?: Record<string, unknown> }, now: number): void {
  p.events.push({
    type: e.type, at: e.at, recordedAt: now, actor: e.actor.name, actorRole: e.actor.kind === 'system' ? 'system' : e.actor.role,
    fromDepartmentId: e.fromDepartmentId ?? null, toDepartmentId: e.toDepartmentId ?? null,
    data: e.data && Object.keys(e.data).length ? JSON.stringify(e.data) : null,
  });
}

function startClock(p: Plan, sla: SlaSettings, t: { categoryId: string; grade: string; round: number; commitmentHours: number | null }, clock: ClockName, startedAt: number, planned?: ReturnType<typeof planFor>): Clock | null {
  // one clock per name and round (the unique key the live insert does nothing on)
  if (p.clocks.some((c) => c.clock === clock && c.round === t.round)) return null;
  const pl = planned ?? planFor(sla, { clock, categoryId: t.categoryId, grade: t.grade as Grade, startedAt, commitmentHours: t.commitmentHours });
  const row = {
    ticketId: 0, clock, round: t.round, calendarId: pl.calendarId, durationMs: pl.durationMs, startedAt,
    warnAt: pl.warnAt, dueAt: pl.dueAt, provinceAt: pl.provinceAt,
    stoppedAt: null, warnedAt: null, breachedAt: null, provinceEscalatedAt: null,
  };
  const c: Clock = { ...row, nextFireAt: nextFire(row) };
  p.clocks.push(c);
  return c;
}

/**
 * Intake of an imported row (insertTicket with deferred hotspots): every check, the ticket as
 * inserted, its `created` event and commitment clock. `repeat` answers whether the customer had a
 * ticket of the category in the 30 days before (the caller knows the other tickets).
 */
export function planIntake(ref: ReplayReference, actor: Actor, row: ImportRow, now: number, repeatOf: (customerKey: string, categoryId: string, reportedAt: number) => boolean): Plan {
  const input = row.intake;
  const checked = checkIntake(input, actor, now, { categories: ref.categories, parentOf: ref.parentOf, cell: input.cellId ? ref.cells.get(input.cellId) ?? null : null });
  const { category, msisdn, reportedAt } = checked;

  const customerKey = ref.customerKey(msisdn);
  const repeat = repeatOf(customerKey, category.id, reportedAt);
  const commitment = planFor(ref.sla, { clock: 'commitment', categoryId: category.id, grade: 'ordinary', startedAt: reportedAt, commitmentHours: input.commitmentHours ?? null });
  const summary = summarise([{ ...commitment, warnedAt: null, breachedAt: null }], now);
  const ticket: Ticket = {
    id: 0,
    ...newTicketRow(input, actor, now, checked, {
      customerKey, repeat, summary, reportedDay: dayOf(reportedAt, ref.timeZone),
      customerMsisdnEnc: ref.pii.encrypt(msisdn), customerNameEnc: input.customer.name ? ref.pii.encrypt(input.customer.name) : null,
    }),
  };
  const p: Plan = { row, ticket, clocks: [], events: [], departments: [] };
  event(p, { type: 'created', at: reportedAt, actor, data: { channel: input.channel, category: category.id, ...(repeat ? { repeat: true } : {}) } }, now);
  startClock(p, ref.sla, { ...ticket, grade: 'ordinary', round: 1, commitmentHours: input.commitmentHours ?? null }, 'commitment', reportedAt, commitment);
  return p;
}

const ALL_CLOCKS = ['triage', 'initial_reply', 'resolution', 'commitment', 'follow_up'] as const;
const NOC_CLOCKS = ['triage', 'initial_reply', 'resolution'] as const;
const DEPARTMENT_CLOCKS = ['initial_reply', 'resolution'] as const;
/** The step fields a history row keeps, in apply-event.ts's order. */
const COPIED = ['text', 'kind', 'reason', 'resolution', 'grade', 'to', 'networkIssueId', 'responded', 'score', 'comment'] as const;

/** Stops a running clock of this round at `at` (clock-store.ts stopRunningClock): met by its due time, else breached at it. */
function stopClock(p: Plan, round: number, clock: ClockName, at: number): void {
  for (const c of p.clocks) {
    if (c.clock !== clock || c.round !== round || c.stoppedAt != null) continue;
    const stoppedAt = Math.max(at, c.startedAt);
    c.breachedAt = c.breachedAt ?? (stoppedAt > c.dueAt ? c.dueAt : null);
    c.stoppedAt = stoppedAt;
    c.nextFireAt = null;
    return;
  }
}

/** Remembers a department the ticket reached (repository.ts recordDepartment). */
function recordDepartment(p: Plan, departmentId: string): void {
  if (!p.departments.includes(departmentId)) p.departments.push(departmentId);
}

/** applyStepIn for a history step (no notification, no outbox, KPIs once at the end), on the plan. */
function applyHistoryStep(ref: ReplayReference, p: Plan, actor: Actor, s: StepInput, at: number, now: number): void {
  validateStepInput(s);
  const t0 = p.ticket;
  checkStep(s.type, {
    status: t0.status, isNetwork: !!t0.isNetwork, nocDepartmentId: t0.nocDepartmentId, assigneeDepartmentId: t0.assigneeDepartmentId,
    resolvedAtIntake: !!t0.resolvedAtIntake, triaged: t0.status !== 'dispatched',
  }, actor, s as Record<string, any>);
  const sla = ref.sla;
  let t = t0;
  const set: Partial<Ticket> = {};
  const data: Record<string, unknown> = {};
  let from: string | null = t.assigneeDepartmentId;
  let to: string | null = null;
  // (helpers at module level: a closure made per step costs more than the step under tsx's keepNames)
  for (const k of COPIED) if (s[k] !== undefined) data[k] = s[k];

  switch (s.type) {
    case 'resolved_at_intake': {
      stopClock(p, t.round, 'commitment', at);
      Object.assign(set, { status: 'customer_replied', resolvedAtIntake: 1 });
      from = null;
      break;
    }
    case 'dispatched': {
      if (t.isNetwork) {
        const noc = departmentOfKind(ref, t.regionId, 'noc');
        if (!noc) throw errors.invalidState(`region ${t.regionId} has no NOC department to take network tickets`, { region: t.regionId });
        to = noc;
        Object.assign(set, { status: 'dispatched', nocDepartmentId: noc, assigneeDepartmentId: noc });
        for (const c of NOC_CLOCKS) startClock(p, sla, t, c, at);
      } else {
        if (!s.department) throw errors.validation('dispatching a non-network ticket needs a department', { missing: ['department'] });
        const d = ref.departments.get(s.department);
        if (!d || (d.regionId !== t.regionId && !isAncestor(ref, d.regionId, t.regionId))) {
          throw errors.validation(`department ${s.department} does not exist in the ticket's region`, { department: s.department });
        }
        to = d.id;
        Object.assign(set, { status: 'in_progress', assigneeDepartmentId: d.id });
        for (const c of DEPARTMENT_CLOCKS) startClock(p, sla, t, c, at);
      }
      from = null;
      recordDepartment(p, to);
      break;
    }
    case 'triaged': {
      stopClock(p, t.round, 'triage', at);
      if (s.grade !== t.grade) {
        data.previousGrade = t.grade;
        t = { ...t, grade: s.grade! };
        set.grade = s.grade;
        // retimeClocks: the running clocks from their start with the new grade's durations
        for (const c of p.clocks) {
          if (c.stoppedAt != null) continue;
          if (c.clock === 'commitment' && t.commitmentHours) continue;
          const pl = planFor(sla, { clock: c.clock as ClockName, categoryId: t.categoryId, grade: t.grade as Grade, startedAt: c.startedAt, commitmentHours: t.commitmentHours });
          Object.assign(c, { calendarId: pl.calendarId, durationMs: pl.durationMs, warnAt: pl.warnAt, dueAt: pl.dueAt, provinceAt: pl.provinceAt });
          c.nextFireAt = nextFire(c);
        }
      }
      Object.assign(set, { status: 'in_progress' });
      to = t.assigneeDepartmentId;
      break;
    }
    case 'forwarded': {
      const d = ref.departments.get(s.department!);
      if (!d || d.regionId !== t.regionId) throw errors.validation(`department ${s.department} does not exist in ${t.regionId}`, { department: s.department });
      if (!FORWARD_KINDS.has(d.kind)) throw errors.validation(`a ticket is forwarded to maintenance, optimisation, construction, network management or an expert, not to ${d.kind}`, { department: s.department });
      if (d.id === t.assigneeDepartmentId) throw errors.invalidState(`the ticket is already with ${d.id}`, { department: d.id });
      to = d.id;
      Object.assign(set, { assigneeDepartmentId: d.id, prevDepartmentId: t.assigneeDepartmentId });
      recordDepartment(p, d.id);
      break;
    }
    case 'escalated': {
      if (s.to === 'expert') {
        const expert = departmentOfKind(ref, t.regionId, 'expert');
        if (!expert) throw errors.invalidState(`region ${t.regionId} has no expert department`, { region: t.regionId });
        if (expert === t.assigneeDepartmentId) throw errors.invalidState('the ticket is already with the experts', { department: expert });
        to = expert;
        Object.assign(set, { assigneeDepartmentId: expert, prevDepartmentId: t.assigneeDepartmentId });
        recordDepartment(p, expert);
      }
      // escalation to the supervisors or the province only notifies: a history step does not
      break;
    }
    case 'department_replied': {
      if (s.kind === 'final') {
        if (!t.isNetwork) {
          stopClock(p, t.round, 'initial_reply', at);
          stopClock(p, t.round, 'resolution', at);
          Object.assign(set, { status: 'replied', assigneeDepartmentId: null, ...(s.resolution ? { resolution: s.resolution } : {}) });
        } else {
          to = finalReplyGoesTo(t, actor);
          Object.assign(set, { assigneeDepartmentId: to, prevDepartmentId: t.assigneeDepartmentId });
          if (s.resolution && !nocResolutionGiven(p)) set.resolution = s.resolution;
        }
      } else if (!t.isNetwork) {
        stopClock(p, t.round, 'initial_reply', at);
      }
      break;
    }
    case 'noc_replied': {
      from = t.nocDepartmentId;
      to = departmentOfKind(ref, t.regionId, 'complaint_centre');
      stopClock(p, t.round, 'initial_reply', at);
      if (s.kind === 'final') {
        stopClock(p, t.round, 'resolution', at);
        Object.assign(set, { status: 'replied', assigneeDepartmentId: null, ...(s.resolution ? { resolution: s.resolution } : {}) });
        data.toComplaintCentre = true;
      }
      break;
    }
    case 'customer_contacted': {
      if (s.kind === 'final') {
        stopClock(p, t.round, 'commitment', at);
        Object.assign(set, { status: 'customer_replied' });
        startClock(p, sla, t, 'follow_up', at);
      }
      from = null;
      break;
    }
    case 'followed_up': {
      stopClock(p, t.round, 'follow_up', at);
      Object.assign(set, { status: 'followed_up' });
      from = null;
      break;
    }
    case 'closed': {
      for (const c of ALL_CLOCKS) stopClock(p, t.round, c, at);
      Object.assign(set, { status: 'closed', closedAt: at, assigneeDepartmentId: null });
      from = null;
      break;
    }
    case 'reopened': {
      for (const c of ALL_CLOCKS) stopClock(p, t.round, c, at);
      Object.assign(set, { round: t.round + 1, isRepeat: 1, status: 'new', closedAt: null, resolution: null, resolvedAtIntake: 0, assigneeDepartmentId: null, nocDepartmentId: null });
      t = { ...t, round: t.round + 1 };
      startClock(p, sla, { ...t, commitmentHours: null }, 'commitment', at);
      from = null;
      break;
    }
    case 'noted':
      from = null;
      break;
  }

  event(p, { type: s.type, at, actor, fromDepartmentId: from, toDepartmentId: to, data }, now);
  // (after a re-timing too: the clocks are as they are now, as clockSummary would read them)
  const summary = summarise(p.clocks.filter((c) => c.stoppedAt == null), now);
  p.ticket = { ...t, ...set, ...summary, version: t.version + 1, updatedAt: now };
}

/** Whether the NOC gave a resolution with a final reply already (apply-event.ts nocResolutionGiven: any round). */
function nocResolutionGiven(p: Plan): boolean {
  return p.events.some((e) => {
    if (e.type !== 'noc_replied') return false;
    const d = e.data ? JSON.parse(e.data) : {};
    return d.kind === 'final' && d.resolution;
  });
}

/** Departments named by events must exist; a network ticket is dispatched to its city's NOC only (§11 event table). */
function checkDepartment(ref: ReplayReference, t: Ticket, e: ImportEvent): void {
  const name = e.step.department;
  if (name === undefined) return;
  const d = ref.departments.get(name);
  if (!d) throw errors.validation(`unknown department ${name}`, { department: name });
  if (e.step.type === 'dispatched' && t.isNetwork && (d.kind !== 'noc' || d.regionId !== t.regionId)) {
    throw errors.validation(`a network complaint is dispatched to the NOC of its city (${t.regionId}), not to ${name}`, { department: name });
  }
}

/** The role the workflow gives a step at this point of the ticket: who would take it live. */
function naturalRole(ref: ReplayReference, type: StepType, t: Ticket): Role {
  switch (type) {
    case 'triaged': case 'forwarded': case 'noc_replied':
      return 'noc';
    case 'department_replied':
      return ref.departments.get(t.assigneeDepartmentId ?? '')?.kind === 'expert' ? 'expert' : 'handler';
    case 'escalated':
      return t.assigneeDepartmentId != null && t.assigneeDepartmentId === t.nocDepartmentId ? 'noc' : 'handler';
    default:
      return 'agent';
  }
}

/** True when `regionId` is `ancestor` or below it. */
function within(ref: ReplayReference, regionId: string, ancestor: string): boolean {
  let at: string | null | undefined = regionId;
  for (let i = 0; at && i < 8; i++, at = ref.parentOf.get(at)) if (at === ancestor) return true;
  return false;
}

/**
 * Who an imported step is recorded as: the named user when it exists, has the step's role (any
 * allowed role for steps whose effect does not depend on it) and works in the ticket's region or
 * above it; else `import:<caller>` (a name from another system is not a person here). The user's
 * current department is not checked: people move, the history stays.
 */
function eventActor(ref: ReplayReference, importer: Actor, t: Ticket, e: ImportEvent): Actor {
  const role = naturalRole(ref, e.step.type, t);
  const user = e.actor != null ? ref.users.get(e.actor) : undefined;
  const anyAllowed = e.step.type === 'noted' || e.step.type === 'followed_up' || e.step.type === 'reopened';
  const allowed = (EVENT_ROLES[e.step.type] as readonly Role[]);
  if (user && within(ref, t.regionId, user.regionId) && (user.role === role || (anyAllowed && allowed.includes(user.role)))) {
    return { ...importer, kind: 'user', id: user.id, name: user.username, role: user.role, regionId: user.regionId };
  }
  return { ...importer, role };
}

/** Each event of the row as a history step at its own time; throws AppError naming the event. */
export function planHistory(ref: ReplayReference, importer: Actor, p: Plan, now: number): void {
  const events = p.row.events;
  for (let i = 0; i < events.length; i++) {
    const e = events[i];
    try {
      checkDepartment(ref, p.ticket, e);
      applyHistoryStep(ref, p, eventActor(ref, importer, p.ticket, e), e.step, e.at, now);
    } catch (err) {
      if (err instanceof AppError) throw new AppError(err.status, err.code, `event ${i + 1} (${e.step.type} at ${e.atText}): ${err.message}`, err.details);
      throw err;
    }
  }
}

/**
 * The row's KPI contribution as kpiTicketHook computes it from the stored rows after the history
 * (kpis/hooks.ts refreshTicketKpis): follow-ups only when the ticket can have them, departments
 * unless it is still new in its first round.
 */
export function planContribution(p: Plan, timeZone: string): Contribution {
  const t = p.ticket;
  const fresh = t.status === 'new' && t.round === 1;
  const followUpsPossible = t.round > 1 || t.status === 'followed_up' || t.status === 'closed';
  const followUps = followUpsPossible ? p.events.filter((e) => e.type === 'followed_up' || e.type === 'withdrawn').map((e) => ({ at: e.at, data: e.data, type: e.type })) : [];
  return contributionOf(t, p.clocks, followUps, fresh ? [] : p.departments, timeZone);
}
