import type { Deps } from '../http/deps.ts';
import type { Actor } from '../access/actor.ts';
import { errors } from '../errors.ts';
import type { Q } from '../db/types.ts';
import type { ClockName } from '../clocks/plan-clock.ts';
import type { Selectable } from 'kysely';
import type { TicketClockRow } from './tables.ts';
import { slaSettings } from '../sla/policies.ts';
import { checkStep, RESOLUTIONS, type StepType } from './workflow.ts';
import { clockSummary, retimeClocks, startClock, stopRunningClock, summarise } from './clock-store.ts';
import { appendEvent } from './events.ts';
import { departmentOfKind, provinceOf } from '../org/lookups.ts';
import { addOutbox } from '../outbox/outbox.ts';
import { notify as sendNotification } from '../notifications/notify.ts';
import { changeTicket } from './change.ts';
import { getInScope, recordDepartment, updateTicket, type Ticket } from './repository.ts';

/** A workflow step as the API takes it (DESIGN §11 event table). */
export interface StepInput {
  type: StepType;
  text?: string;
  networkIssueId?: number;
  department?: string;
  grade?: 'ordinary' | 'important';
  reason?: string;
  to?: 'expert' | 'supervisor' | 'province';
  kind?: 'initial' | 'progress' | 'final';
  resolution?: string;
  responded?: boolean;
  score?: number;
  comment?: string;
}

/** Fields each step needs beyond its type; a missing one is a 400 naming it. */
const REQUIRED: Partial<Record<StepType, (keyof StepInput)[]>> = {
  resolved_at_intake: ['text'], triaged: ['grade'], forwarded: ['department', 'reason'], escalated: ['to', 'reason'],
  department_replied: ['kind', 'text'], noc_replied: ['kind', 'text'], customer_contacted: ['kind', 'text'],
  followed_up: ['responded'], reopened: ['reason'], noted: ['text'],
};

/** The checks of a step's fields that need nothing stored (live steps and imports, imports/replay.ts). */
export function validateStepInput(s: StepInput): void {
  const missing = (REQUIRED[s.type] ?? []).filter((f) => s[f] === undefined);
  if (missing.length) throw errors.validation(`${s.type} needs ${missing.join(', ')}`, { missing });
  if ((s.type === 'department_replied' || s.type === 'noc_replied') && s.kind === 'progress') {
    throw errors.validation(`${s.type} kind is initial or final`, { kind: s.kind });
  }
  if (s.resolution !== undefined) {
    if (!(s.resolution in RESOLUTIONS)) throw errors.validation(`unknown resolution ${s.resolution}; one of ${Object.keys(RESOLUTIONS).join(', ')}`, { resolution: s.resolution });
    if (s.kind !== 'final') throw errors.validation('a resolution goes with a final reply', { resolution: s.resolution });
  }
  if (s.type === 'followed_up' && s.responded && s.score === undefined) throw errors.validation('a responded follow-up needs a score from 1 to 10', { missing: ['score'] });
  if (s.type === 'followed_up' && !s.responded && s.score !== undefined) throw errors.validation('no score without a response', { score: s.score });
}



/** Where a network ticket's final department reply goes: an expert's plan back to the department that escalated, a department's result to the NOC (live steps and imports). */
export function finalReplyGoesTo(t: Pick<Ticket, 'prevDepartmentId' | 'nocDepartmentId'>, actor: Actor): string | null {
  const prev = t.prevDepartmentId;
  return actor.role === 'expert' && prev && prev !== t.nocDepartmentId ? prev : t.nocDepartmentId;
}

export const FORWARD_KINDS = new Set(['maintenance', 'optimisation', 'construction', 'network_management', 'expert']);

/**
 * Applies one workflow step to a ticket inside `trx` at event time `at` (now for live steps,
 * the original time for imports): checks role, department and state, changes the ticket and
 * its clocks, appends the history row, notifies, and writes the outbox. A `history` step (an
 * imported past event) neither notifies nor writes the outbox: it is not news to anyone. Nor does
 * it refresh the ticket's KPI contribution: the importer does that once the whole history is in
 * (kpiTicketHook recomputes from the rows, so once at the end equals once per step).
 */
export async function applyStepIn(trx: Q, deps: Deps, actor: Actor, t0: Ticket, s: StepInput, at: number, now: number, opts: { history?: boolean } = {}): Promise<{ ticket: Ticket; eventId: number }> {
  validateStepInput(s);
  const notify: typeof sendNotification = (q, n) => (opts.history ? Promise.resolve() : sendNotification(q, n));
  checkStep(s.type, {
    status: t0.status, isNetwork: !!t0.isNetwork, nocDepartmentId: t0.nocDepartmentId, assigneeDepartmentId: t0.assigneeDepartmentId,
    resolvedAtIntake: !!t0.resolvedAtIntake, triaged: t0.status !== 'dispatched',
  }, actor, s as Record<string, any>);
  const change = <T>(fn: () => Promise<T>) => (opts.history ? fn() : changeTicket(trx, deps, t0.id, fn));
  return change(async () => {
    const sla = await slaSettings(trx, now);
    let t = t0;
    const set: Partial<Ticket> = {};
    const data: Record<string, unknown> = {};
    let from: string | null = t.assigneeDepartmentId;
    let to: string | null = null;
    // the running clocks, read once: each stop and the queue summary below use them instead of a read apiece
    const running = new Map<string, Selectable<TicketClockRow>>();
    for (const c of await trx.selectFrom('ticketClock').selectAll().where('ticketId', '=', t.id).where('stoppedAt', 'is', null).execute()) running.set(`${c.clock}/${c.round}`, c);
    let retimed = false;
    const stop = async (clock: ClockName) => {
      const c = running.get(`${clock}/${t.round}`);
      if (!c) return null;
      running.delete(`${clock}/${t.round}`);
      return stopRunningClock(trx, c, at);
    };
    const start = async (clock: ClockName, tk: Ticket = t) => {
      const c = await startClock(trx, sla, tk, clock, at);
      if (c) running.set(`${c.clock}/${c.round}`, c);
    };
    const copy = <K extends keyof StepInput>(...keys: K[]) => { for (const k of keys) if (s[k] !== undefined) data[k] = s[k]; };
    copy('text', 'kind', 'reason', 'resolution', 'grade', 'to', 'networkIssueId', 'responded', 'score', 'comment');

    switch (s.type) {
      case 'resolved_at_intake': {
        // the final reply to the customer: meets commitment; no other clock starts (DESIGN §5)
        await stop('commitment');
        Object.assign(set, { status: 'customer_replied', resolvedAtIntake: 1 });
        from = null;
        break;
      }
      case 'dispatched': {
        if (t.isNetwork) {
          const noc = await departmentOfKind(trx, t.regionId, 'noc');
          if (!noc) throw errors.invalidState(`region ${t.regionId} has no NOC department to take network tickets`, { region: t.regionId });
          to = noc;
          Object.assign(set, { status: 'dispatched', nocDepartmentId: noc, assigneeDepartmentId: noc });
          for (const c of ['triage', 'initial_reply', 'resolution'] as const) await start(c);
        } else {
          if (!s.department) throw errors.validation('dispatching a non-network ticket needs a department', { missing: ['department'] });
          const d = await trx.selectFrom('department').select(['id', 'regionId']).where('id', '=', s.department).executeTakeFirst();
          if (!d || (d.regionId !== t.regionId && !(await isAncestor(trx, d.regionId, t.regionId)))) {
            throw errors.validation(`department ${s.department} does not exist in the ticket's region`, { department: s.department });
          }
          to = d.id;
          Object.assign(set, { status: 'in_progress', assigneeDepartmentId: d.id });
          for (const c of ['initial_reply', 'resolution'] as const) await start(c);
        }
        from = null;
        await recordDepartment(trx, t.id, to);
        await notify(trx, { ticketId: t.id, kind: 'assigned', departmentId: to, regionId: t.regionId, message: `工单 ${t.id} 已派发`, at: now });
        break;
      }
      case 'triaged': {
        await stop('triage');
        if (s.grade !== t.grade) {
          data.previousGrade = t.grade;
          t = { ...t, grade: s.grade! };
          set.grade = s.grade;
          await retimeClocks(trx, sla, t);
          retimed = true;
        }
        Object.assign(set, { status: 'in_progress' });
        to = t.assigneeDepartmentId;
        break;
      }
      case 'forwarded': {
        const d = await trx.selectFrom('department').select(['id', 'kind', 'regionId']).where('id', '=', s.department!).executeTakeFirst();
        if (!d || d.regionId !== t.regionId) throw errors.validation(`department ${s.department} does not exist in ${t.regionId}`, { department: s.department });
        if (!FORWARD_KINDS.has(d.kind)) throw errors.validation(`a ticket is forwarded to maintenance, optimisation, construction, network management or an expert, not to ${d.kind}`, { department: s.department });
        if (d.id === t.assigneeDepartmentId) throw errors.invalidState(`the ticket is already with ${d.id}`, { department: d.id });
        to = d.id;
        Object.assign(set, { assigneeDepartmentId: d.id, prevDepartmentId: t.assigneeDepartmentId });
        await recordDepartment(trx, t.id, d.id);
        await notify(trx, { ticketId: t.id, kind: 'assigned', departmentId: d.id, regionId: t.regionId, message: `工单 ${t.id} 转派: ${s.reason}`, at: now });
        break;
      }
      case 'escalated': {
        if (s.to === 'expert') {
          const expert = await departmentOfKind(trx, t.regionId, 'expert');
          if (!expert) throw errors.invalidState(`region ${t.regionId} has no expert department`, { region: t.regionId });
          if (expert === t.assigneeDepartmentId) throw errors.invalidState('the ticket is already with the experts', { department: expert });
          to = expert;
          Object.assign(set, { assigneeDepartmentId: expert, prevDepartmentId: t.assigneeDepartmentId });
          await recordDepartment(trx, t.id, expert);
          await notify(trx, { ticketId: t.id, kind: 'escalated', departmentId: expert, regionId: t.regionId, message: `工单 ${t.id} 升级至专家: ${s.reason}`, at: now });
        } else {
          const regionId = s.to === 'province' ? await provinceOf(trx, t.regionId) : t.regionId;
          await notify(trx, { ticketId: t.id, kind: 'escalated', role: 'supervisor', regionId, message: `工单 ${t.id} 升级: ${s.reason}`, at: now });
        }
        break;
      }
      case 'department_replied': {
        if (s.kind === 'final') {
          if (!t.isNetwork) {
            await stop('initial_reply');
            await stop('resolution');
            Object.assign(set, { status: 'replied', assigneeDepartmentId: null, ...(s.resolution ? { resolution: s.resolution } : {}) });
          } else {
            to = finalReplyGoesTo(t, actor);
            Object.assign(set, { assigneeDepartmentId: to, prevDepartmentId: t.assigneeDepartmentId });
            if (s.resolution && !(await nocResolutionGiven(trx, t.id, t.round))) set.resolution = s.resolution;
          }
          if (to) await notify(trx, { ticketId: t.id, kind: 'replied', departmentId: to, regionId: t.regionId, message: `工单 ${t.id} 部门已回复`, at: now });
        } else if (!t.isNetwork) {
          await stop('initial_reply');
        }
        break;
      }
      case 'noc_replied': {
        // the NOC answers the complaint centre (DESIGN §3 steps 4 and 6)
        from = t.nocDepartmentId;
        to = await departmentOfKind(trx, t.regionId, 'complaint_centre');
        await stop('initial_reply');
        if (s.kind === 'final') {
          await stop('resolution');
          Object.assign(set, { status: 'replied', assigneeDepartmentId: null, ...(s.resolution ? { resolution: s.resolution } : {}) });
          data.toComplaintCentre = true;
        }
        break;
      }
      case 'customer_contacted': {
        if (s.kind === 'final') {
          await stop('commitment');
          Object.assign(set, { status: 'customer_replied' });
          await start('follow_up');
        }
        from = null;
        break;
      }
      case 'followed_up': {
        await stop('follow_up');
        Object.assign(set, { status: 'followed_up' });
        from = null;
        break;
      }
      case 'closed': {
        for (const c of ['triage', 'initial_reply', 'resolution', 'commitment', 'follow_up'] as const) await stop(c);
        Object.assign(set, { status: 'closed', closedAt: at, assigneeDepartmentId: null });
        from = null;
        break;
      }
      case 'reopened': {
        for (const c of ['triage', 'initial_reply', 'resolution', 'commitment', 'follow_up'] as const) await stop(c);
        // a reopened ticket counts as a repeat (DESIGN §3 step 7) and starts a new round of clocks
        Object.assign(set, { round: t.round + 1, isRepeat: 1, status: 'new', closedAt: null, resolution: null, resolvedAtIntake: 0, assigneeDepartmentId: null, nocDepartmentId: null });
        t = { ...t, round: t.round + 1 };
        await start('commitment', { ...t, commitmentHours: null });
        from = null;
        break;
      }
      case 'noted':
        from = null;
        break;
    }

    const eventId = await appendEvent(trx, { ticketId: t.id, type: s.type, at, actor, fromDepartmentId: from, toDepartmentId: to, data }, now);
    const summary = retimed ? await clockSummary(trx, t.id, now) : summarise([...running.values()], now);
    t = await updateTicket(trx, t, { ...set, ...summary }, now);
    if (!opts.history) await addOutbox(trx, { topic: `ticket.${s.type}`, ticketId: t.id, payload: { ticketId: t.id, eventId, type: s.type }, at: now });
    return { ticket: t, eventId };
  });
}

async function isAncestor(trx: Q, ancestor: string, regionId: string): Promise<boolean> {
  let at: string | null = regionId;
  for (let i = 0; at && i < 8; i++) {
    const r: { parentId: string | null } | undefined = await trx.selectFrom('region').select('parentId').where('id', '=', at).executeTakeFirst();
    at = r?.parentId ?? null;
    if (at === ancestor) return true;
  }
  return false;
}

async function nocResolutionGiven(trx: Q, ticketId: number, _round: number): Promise<boolean> {
  const rows = await trx.selectFrom('ticketEvent').select('data').where('ticketId', '=', ticketId).where('type', '=', 'noc_replied').execute();
  return rows.some((r) => { const d = r.data ? JSON.parse(r.data) : {}; return d.kind === 'final' && d.resolution; });
}

/** Parses an If-Match header (`3`, `"3"`, `W/"3"`) to a version number. */
export function parseIfMatch(h: string | undefined): number | null {
  if (!h) return null;
  const m = /^(?:W\/)?"?(\d+)"?$/.exec(h.trim());
  if (!m) throw errors.badRequest('If-Match must be the ticket version, e.g. "3"', { ifMatch: h });
  return Number(m[1]);
}

/** A live workflow step (POST /tickets/{id}/events): one transaction, If-Match checked on the locked row. */
export async function applyStep(deps: Deps, actor: Actor, ticketId: number, s: StepInput, ifMatch: number | null): Promise<{ ticket: Ticket; eventId: number }> {
  return deps.db.kysely.transaction().execute(async (trx) => {
    const now = deps.clock.now();
    const t = await getInScope(trx, deps.db.engine, actor, ticketId, { lock: true });
    if (ifMatch != null && ifMatch !== t.version) throw errors.staleVersion(String(ifMatch), t.version);
    return applyStepIn(trx, deps, actor, t, s, now, now);
  });
}
