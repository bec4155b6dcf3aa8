import type { Selectable } from 'kysely';
import { toIso, toIsoOrNull } from '../shared/time.ts';
import type { Ticket } from '../tickets/repository.ts';
import type { Problem } from './repository.ts';
import type { ProblemEventRow } from './tables.ts';

/** A problem record as the API shows it. */
export function presentProblem(p: Problem, ticketCount: number, tz: string) {
  return {
    id: Number(p.id),
    title: p.title,
    region: p.regionId,
    category: p.categoryId,
    ownerDepartment: p.ownerDepartmentId,
    rootCause: p.rootCause,
    action: p.action,
    dueDate: p.dueDate,
    status: p.status,
    hotspotId: p.hotspotId == null ? null : Number(p.hotspotId),
    mergedInto: p.mergedIntoId == null ? null : Number(p.mergedIntoId),
    ticketCount,
    createdBy: p.createdBy,
    createdAt: toIso(p.createdAt, tz),
    updatedAt: toIso(p.updatedAt, tz),
    closedAt: toIsoOrNull(p.closedAt, tz),
    closedBy: p.closedBy,
  };
}

/** A linked ticket in a problem record: what the NOC needs to follow it, no personal data. */
export function presentLinkedTicket(t: Pick<Ticket, 'id' | 'status' | 'grade' | 'categoryId' | 'cellId' | 'regionId' | 'reportedAt' | 'hotspotId' | 'assigneeDepartmentId' | 'resolution'>, tz: string) {
  return {
    id: t.id, status: t.status, grade: t.grade, category: t.categoryId, cellId: t.cellId, region: t.regionId,
    reportedAt: toIso(t.reportedAt, tz), hotspotId: t.hotspotId == null ? null : Number(t.hotspotId),
    assigneeDepartment: t.assigneeDepartmentId, resolution: t.resolution,
  };
}

/** One row of a problem's history. */
export function presentProblemEvent(e: Selectable<ProblemEventRow>, tz: string) {
  return { id: Number(e.id), type: e.type, at: toIso(e.at, tz), actor: e.actor, actorRole: e.actorRole, ...(e.data ? { data: JSON.parse(e.data) } : {}) };
}
