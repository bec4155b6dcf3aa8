import type { Q } from '../db/types.ts';
import { systemActor } from '../access/actor.ts';
import { categoriesById } from '../tickets/categories.ts';
import { appendProblemEvent, getProblem, insertProblem, linkTickets, updateProblemRow } from './repository.ts';

const SYSTEM = systemActor('hotspots');

/**
 * Opens the problem record of a new hotspot (DESIGN §4: "is linked to a problem record (§6) for
 * root cause"), owned by the NOC of the hotspot's city, with the group's tickets linked.
 */
export async function openHotspotProblem(trx: Q, h: { hotspotId: number; regionId: string; categoryId: string; cellIds: readonly string[]; ticketIds: readonly number[]; nocId: string | null }, now: number): Promise<number> {
  const category = (await categoriesById(trx, now)).get(h.categoryId);
  const cells = h.cellIds.slice(0, 3).join('、') + (h.cellIds.length > 3 ? ` 等 ${h.cellIds.length} 个小区` : '');
  const id = await insertProblem(trx, {
    title: `热点 #${h.hotspotId}：${category?.nameZh ?? h.categoryId} · ${cells}`.slice(0, 300),
    regionId: h.regionId, categoryId: h.categoryId, ownerDepartmentId: h.nocId,
    rootCause: null, action: null, dueDate: null, status: 'open', hotspotId: h.hotspotId,
    createdBy: SYSTEM.name, createdAt: now, updatedAt: now, closedAt: null, mergedIntoId: null, closedBy: null,
  });
  await linkTickets(trx, id, h.ticketIds, SYSTEM.name, now);
  await appendProblemEvent(trx, { problemId: id, type: 'created', at: now, actor: SYSTEM, data: { hotspotId: h.hotspotId, ticketIds: [...h.ticketIds] } });
  return id;
}

/** Links new members of a hotspot to its problem record. */
export async function linkHotspotMembers(trx: Q, problemId: number, ticketIds: readonly number[], now: number): Promise<void> {
  const fresh = await linkTickets(trx, problemId, ticketIds, SYSTEM.name, now);
  if (fresh.length) await appendProblemEvent(trx, { problemId, type: 'tickets_linked', at: now, actor: SYSTEM, data: { ticketIds: fresh, reason: 'hotspot' } });
}

/**
 * The problem of a hotspot that merged into another points at the survivor's problem; an open one
 * becomes `merged` (its analysis stays readable there). The tickets are linked to the survivor's
 * problem by the caller (they are the moved members).
 */
export async function mergeHotspotProblem(trx: Q, fromProblemId: number, intoProblemId: number, now: number): Promise<void> {
  if (fromProblemId === intoProblemId) return;
  const p = await getProblem(trx, fromProblemId);
  if (!p) return;
  await updateProblemRow(trx, fromProblemId, { mergedIntoId: intoProblemId, updatedAt: now, ...(p.status === 'closed' ? {} : { status: 'merged' }) });
  await appendProblemEvent(trx, { problemId: fromProblemId, type: 'merged', at: now, actor: SYSTEM, data: { into: intoProblemId } });
  await appendProblemEvent(trx, { problemId: intoProblemId, type: 'merged', at: now, actor: SYSTEM, data: { from: fromProblemId } });
}

/** Reopens a closed problem record because its hotspot came back (a new complaint after the close). */
export async function reopenHotspotProblem(trx: Q, problemId: number, now: number, why: Record<string, unknown>): Promise<void> {
  const p = await getProblem(trx, problemId);
  if (!p || p.status !== 'closed') return;
  await updateProblemRow(trx, problemId, { status: 'open', closedAt: null, closedBy: null, updatedAt: now });
  await appendProblemEvent(trx, { problemId, type: 'reopened', at: now, actor: SYSTEM, data: why });
}
