import { sql } from 'kysely';
import type { Deps } from '../http/deps.ts';
import type { Actor } from '../access/actor.ts';
import { regionInScope } from '../access/actor.ts';
import type { Q } from '../db/types.ts';
import { AppError, errors } from '../errors.ts';
import { regionTree } from '../org/region-tree.ts';
import { addOutbox } from '../outbox/outbox.ts';
import { changeTicket } from '../tickets/change.ts';
import { appendEvent } from '../tickets/events.ts';
import { applyStepIn } from '../tickets/apply-event.ts';
import { categoriesById } from '../tickets/categories.ts';
import { RESOLUTIONS } from '../tickets/workflow.ts';
import { canEditAnalysis, canManageProblems, ANALYSIS_FIELDS } from './abilities.ts';
import { appendProblemEvent, getProblemInScope, insertProblem, linkTickets, linkedTicketIds, updateProblemRow, type Problem } from './repository.ts';

export interface CreateInput {
  title: string; region: string; category?: string; ownerDepartment?: string;
  rootCause?: string; action?: string; dueDate?: string; ticketIds?: number[];
}
export interface PatchInput {
  title?: string; ownerDepartment?: string | null; rootCause?: string | null; action?: string | null; dueDate?: string | null;
  status?: 'open' | 'in_progress' | 'closed';
}
export interface CloseInput { rootCause?: string; action?: string; finalReply?: { text: string; resolution?: string } }

/** A ticket the close could not reply on, and why (the close itself goes through). */
export interface Skipped { ticketId: number; code: string; reason: string }

function mustManage(actor: Actor, action: string): void {
  if (!canManageProblems(actor)) throw errors.roleNotAllowed(actor.role, action);
}

function validDueDate(d: string | null | undefined): void {
  if (d == null) return;
  const ms = Date.parse(`${d}T00:00:00Z`);
  if (!Number.isFinite(ms) || new Date(ms).toISOString().slice(0, 10) !== d) throw errors.validation(`dueDate ${d} is not a calendar date (YYYY-MM-DD)`, { dueDate: d });
}

/** The owner department must exist and belong to the problem's region, one below it, or one above it. */
async function checkDepartment(trx: Q, departmentId: string, regionId: string): Promise<void> {
  const d = await trx.selectFrom('department').select(['id', 'regionId']).where('id', '=', departmentId).executeTakeFirst();
  const tree = await regionTree(trx);
  const related = d && (d.regionId === regionId || (tree.subtree.get(regionId) ?? []).includes(d.regionId) || (tree.subtree.get(d.regionId) ?? []).includes(regionId));
  if (!related) throw errors.validation(`department ${departmentId} does not exist in region ${regionId}`, { ownerDepartment: departmentId });
}

/** Links tickets the actor may see; refuses (400, listing them) ids that do not exist for it. Records `problem_linked` on each new one. */
async function linkInScope(trx: Q, deps: Deps, actor: Actor, problemId: number, ticketIds: readonly number[], now: number): Promise<{ linked: number[]; alreadyLinked: number[] }> {
  const wanted = [...new Set(ticketIds)].sort((a, b) => a - b);
  const found = await trx.selectFrom('ticket').select(['id', 'regionId']).where('id', 'in', wanted).execute();
  const visible = new Set(found.filter((t) => regionInScope(actor, t.regionId)).map((t) => t.id));
  const unknown = wanted.filter((id) => !visible.has(id));
  if (unknown.length) throw errors.validation(`no ticket ${unknown.join(', ')} in your regions`, { unknownTicketIds: unknown });
  const linked = await linkTickets(trx, problemId, wanted, actor.name, now);
  for (const id of linked) {
    await changeTicket(trx, deps, id, async () => {
      await appendEvent(trx, { ticketId: id, type: 'problem_linked', at: now, actor, data: { problemId } }, now);
    });
  }
  const fresh = new Set(linked);
  return { linked, alreadyLinked: wanted.filter((id) => !fresh.has(id)) };
}

/** Opens a problem record (DESIGN §6) by hand: noc, supervisor or admin, in their regions. */
export async function createProblem(deps: Deps, actor: Actor, input: CreateInput): Promise<{ id: number; linked: number[] }> {
  mustManage(actor, 'open problem records');
  validDueDate(input.dueDate);
  return deps.db.kysely.transaction().execute(async (trx) => {
    const now = deps.clock.now();
    const region = await trx.selectFrom('region').select('id').where('id', '=', input.region).executeTakeFirst();
    if (!region) throw errors.validation(`unknown region ${input.region}`, { region: input.region });
    if (!regionInScope(actor, input.region)) throw errors.forbidden(`region ${input.region} is outside your scope`, { region: input.region });
    if (input.category && !(await categoriesById(trx, now)).has(input.category)) throw errors.validation(`unknown category ${input.category}`, { category: input.category });
    if (input.ownerDepartment) await checkDepartment(trx, input.ownerDepartment, input.region);
    const id = await insertProblem(trx, {
      title: input.title.trim(), regionId: input.region, categoryId: input.category ?? null, ownerDepartmentId: input.ownerDepartment ?? null,
      rootCause: input.rootCause ?? null, action: input.action ?? null, dueDate: input.dueDate ?? null, status: 'open', hotspotId: null,
      createdBy: actor.name, createdAt: now, updatedAt: now, closedAt: null, mergedIntoId: null, closedBy: null,
    });
    await appendProblemEvent(trx, { problemId: id, type: 'created', at: now, actor, data: { title: input.title } });
    let linked: number[] = [];
    if (input.ticketIds?.length) {
      linked = (await linkInScope(trx, deps, actor, id, input.ticketIds, now)).linked;
      await appendProblemEvent(trx, { problemId: id, type: 'tickets_linked', at: now, actor, data: { ticketIds: linked } });
    }
    await addOutbox(trx, { topic: 'problem.created', payload: { problemId: id }, at: now });
    return { id, linked };
  });
}

/** Loads a problem for a change: in scope, locked, and not merged away (409: edit the one it went into). */
async function forChange(trx: Q, deps: Deps, actor: Actor, id: number): Promise<Problem> {
  const p = await getProblemInScope(trx, deps.db.engine, actor, id, { lock: true });
  if (p.status === 'merged') throw errors.invalidState(`problem ${id} was merged into problem ${p.mergedIntoId}: change that one`, { mergedInto: p.mergedIntoId });
  return p;
}

/**
 * Changes a problem record: owner department, root cause, corrective action, due date, status
 * (open ↔ in progress; a closed one can be reopened; closing goes through closeProblem).
 * Managers change everything; the owner department's handlers and experts root cause and action.
 */
export async function updateProblem(deps: Deps, actor: Actor, id: number, patch: PatchInput): Promise<void> {
  if (patch.status === 'closed') throw errors.validation('close a problem with POST /api/v1/problems/{id}/close (it can send the final reply on its tickets)', { status: 'closed' });
  validDueDate(patch.dueDate);
  await deps.db.kysely.transaction().execute(async (trx) => {
    const now = deps.clock.now();
    const p = await forChange(trx, deps, actor, id);
    const fields = Object.keys(patch).filter((k) => (patch as Record<string, unknown>)[k] !== undefined);
    const analysisOnly = fields.every((f) => (ANALYSIS_FIELDS as readonly string[]).includes(f));
    if (!canManageProblems(actor)) {
      if (!canEditAnalysis(actor, p)) throw errors.roleNotAllowed(actor.role, 'edit this problem record (only its owner department may write root cause and action)');
      if (!analysisOnly) throw errors.forbidden('the owner department writes root cause and corrective action; the NOC or a supervisor changes the rest', { fields });
    }
    if (p.status === 'closed' && patch.status !== 'open') throw errors.invalidState(`problem ${id} is closed: reopen it first (status: open)`, { status: p.status });
    if (patch.ownerDepartment) await checkDepartment(trx, patch.ownerDepartment, p.regionId);

    const set: Partial<Problem> = {};
    const changed: Record<string, { from: unknown; to: unknown }> = {};
    const put = <K extends keyof Problem>(k: K, v: Problem[K] | undefined, name: string) => {
      if (v === undefined || v === p[k]) return;
      set[k] = v;
      changed[name] = { from: p[k], to: v };
    };
    put('title', patch.title?.trim(), 'title');
    put('ownerDepartmentId', patch.ownerDepartment, 'ownerDepartment');
    put('rootCause', patch.rootCause, 'rootCause');
    put('action', patch.action, 'action');
    put('dueDate', patch.dueDate, 'dueDate');
    put('status', patch.status, 'status');
    if (Object.keys(set).length === 0) return;
    const reopened = p.status === 'closed' && patch.status === 'open';
    if (reopened) Object.assign(set, { closedAt: null, closedBy: null });
    await updateProblemRow(trx, id, { ...set, updatedAt: now });
    await appendProblemEvent(trx, { problemId: id, type: reopened ? 'reopened' : 'updated', at: now, actor, data: changed });
    if (reopened && p.hotspotId != null) {
      await trx.updateTable('hotspot').set({ status: 'open', closedAt: null, updatedAt: now }).where('id', '=', Number(p.hotspotId)).where('status', '=', 'closed').execute();
    }
    await addOutbox(trx, { topic: reopened ? 'problem.reopened' : 'problem.updated', payload: { problemId: id, changed: Object.keys(changed) }, at: now });
  });
}

/** Links tickets to an open problem record (noc, supervisor, admin). */
export async function linkProblemTickets(deps: Deps, actor: Actor, id: number, ticketIds: number[]): Promise<{ linked: number[]; alreadyLinked: number[] }> {
  mustManage(actor, 'link tickets to problem records');
  return deps.db.kysely.transaction().execute(async (trx) => {
    const now = deps.clock.now();
    const p = await forChange(trx, deps, actor, id);
    if (p.status === 'closed') throw errors.invalidState(`problem ${id} is closed: reopen it to link more tickets`, { status: p.status });
    const r = await linkInScope(trx, deps, actor, id, ticketIds, now);
    if (r.linked.length) {
      await updateProblemRow(trx, id, { updatedAt: now });
      await appendProblemEvent(trx, { problemId: id, type: 'tickets_linked', at: now, actor, data: { ticketIds: r.linked } });
      await addOutbox(trx, { topic: 'problem.tickets_linked', payload: { problemId: id, ticketIds: r.linked }, at: now });
    }
    return r;
  });
}

/**
 * Closes a problem record (DESIGN §6: "closing the problem can close or reply to its linked
 * tickets in one step"), and its hotspot with it. With `finalReply` the caller — a NOC user —
 * sends the NOC's final reply (`noc_replied`, kind final) at now on every linked ticket that can
 * take it, through the workflow (tickets/apply-event.ts), each keeping its own follow-up. All in
 * one transaction. A ticket that cannot take the reply (not at this NOC, already replied, closed,
 * another city's) does not stop the close: it is answered in `skipped` with the reason, and its
 * attempt is rolled back to a savepoint so it is left exactly as it was.
 */
export async function closeProblem(deps: Deps, actor: Actor, id: number, input: CloseInput): Promise<{ replied: { ticketId: number; eventId: number }[]; skipped: Skipped[] }> {
  mustManage(actor, 'close problem records');
  if (input.finalReply && actor.role !== 'noc') {
    throw errors.forbidden('the final reply to the complaint centre is the NOC\'s: a NOC user closes with finalReply (close without it, or ask the NOC)', { role: actor.role });
  }
  const resolution = input.finalReply?.resolution;
  if (resolution !== undefined && !(resolution in RESOLUTIONS)) {
    throw errors.validation(`unknown resolution ${resolution}; one of ${Object.keys(RESOLUTIONS).join(', ')}`, { resolution });
  }
  return deps.db.kysely.transaction().execute(async (trx) => {
    const now = deps.clock.now();
    const peek = await getProblemInScope(trx, deps.db.engine, actor, id);
    // lock order shared with hotspot detection: hotspot row, then problem row, then tickets by id
    if (peek.hotspotId != null) {
      let hq = trx.selectFrom('hotspot').select('id').where('id', '=', Number(peek.hotspotId));
      if (deps.db.engine === 'postgres') hq = hq.forUpdate();
      await hq.execute();
    }
    const p = await forChange(trx, deps, actor, id);
    if (p.status === 'closed') throw errors.invalidState(`problem ${id} is already closed`, { status: p.status });

    const replied: { ticketId: number; eventId: number }[] = [];
    const skipped: Skipped[] = [];
    if (input.finalReply) {
      const step = { type: 'noc_replied' as const, kind: 'final' as const, text: input.finalReply.text, ...(input.finalReply.resolution ? { resolution: input.finalReply.resolution } : {}) };
      for (const ticketId of await linkedTicketIds(trx, id)) {
        let tq = trx.selectFrom('ticket').selectAll().where('id', '=', ticketId);
        if (deps.db.engine === 'postgres') tq = tq.forUpdate();
        const t = await tq.executeTakeFirst();
        if (!t) continue;
        if (!regionInScope(actor, t.regionId)) { skipped.push({ ticketId, code: 'outside_scope', reason: `the ticket is in ${t.regionId}, outside your regions` }); continue; }
        const sp = `problem_close_${ticketId}`;
        await sql`savepoint ${sql.raw(sp)}`.execute(trx);
        try {
          const r = await applyStepIn(trx, deps, actor, t, step, now, now);
          await sql`release savepoint ${sql.raw(sp)}`.execute(trx);
          replied.push({ ticketId, eventId: r.eventId });
        } catch (err) {
          if (!(err instanceof AppError)) throw err;
          await sql`rollback to savepoint ${sql.raw(sp)}`.execute(trx);
          await sql`release savepoint ${sql.raw(sp)}`.execute(trx);
          // a wrong resolution code is the caller's mistake for every ticket alike: refuse the close
          if (err.status === 400) throw err;
          skipped.push({ ticketId, code: err.code, reason: err.message });
        }
      }
    }
    await updateProblemRow(trx, id, {
      status: 'closed', closedAt: now, closedBy: actor.name, updatedAt: now,
      ...(input.rootCause !== undefined ? { rootCause: input.rootCause } : {}),
      ...(input.action !== undefined ? { action: input.action } : {}),
    });
    if (p.hotspotId != null) {
      await trx.updateTable('hotspot').set({ status: 'closed', closedAt: now, updatedAt: now }).where('id', '=', Number(p.hotspotId)).where('status', '=', 'open').execute();
    }
    await appendProblemEvent(trx, {
      problemId: id, type: 'closed', at: now, actor,
      data: {
        ...(input.finalReply ? { finalReply: input.finalReply, replied: replied.map((r) => r.ticketId), skipped: skipped.map((s) => s.ticketId) } : {}),
        ...(input.rootCause !== undefined ? { rootCause: input.rootCause } : {}),
        ...(input.action !== undefined ? { action: input.action } : {}),
      },
    });
    await addOutbox(trx, { topic: 'problem.closed', payload: { problemId: id, hotspotId: p.hotspotId, replied: replied.map((r) => r.ticketId) }, at: now });
    return { replied, skipped };
  });
}
