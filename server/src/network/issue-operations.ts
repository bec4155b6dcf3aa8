import { regionInScope, type Actor } from '../access/actor.ts';
import { appendAudit } from '../audit/repository.ts';
import { errors } from '../errors.ts';
import { parseIso } from '../shared/time.ts';
import type { Q } from '../db/types.ts';
import type { Ctx } from './import-cells.ts';
import { getCells } from './cells-repository.ts';
import {
  closeIssueRow, getIssue, insertIssue, replaceIssueCells, updateIssueRow, writeIssueGrid,
  type IssueFields, type NetworkIssue,
} from './issues-repository.ts';
import type { IssueKind } from './schemas.ts';

type Circle = { lon: number; lat: number; radiusM: number };

export interface IssueInput {
  kind: IssueKind;
  title: string;
  explanation: string;
  region?: string;
  cells?: string[];
  circle?: Circle;
  startsAt: string;
  endsAt?: string | null;
  plannedDate?: string | null;
}

export type IssuePatch = Partial<Omit<IssueInput, 'region' | 'cells' | 'circle'>> & { cells?: string[] | null; circle?: Circle | null };

/** The actor's regions for repository scope filters: null sees every region. */
export const scopeOf = (a: Actor): string[] | null => (a.isProvince ? null : a.regionSubtreeIds);

const audit = (trx: Q, c: Ctx, action: string, issueId: number, regionId: string, details?: unknown) =>
  appendAudit(trx, c.deps.db.engine, { at: c.deps.clock.now(), actor: c.actor.name, action, target: `network_issue:${issueId}`, regionId, address: c.address, details });

function parseTime(field: string, text: string): number {
  const ms = parseIso(text);
  if (ms == null) throw errors.validation(`${field} must be an ISO 8601 time with offset, e.g. 2026-03-07T17:00:00+08:00`, { field, value: text });
  return ms;
}

function checkPlannedDate(kind: string, plannedDate: string | null): void {
  if (kind === 'construction_plan' && !plannedDate) throw errors.validation('a construction_plan needs plannedDate (YYYY-MM-DD)', { field: 'plannedDate' });
  if (plannedDate) {
    const d = new Date(`${plannedDate}T00:00:00Z`);
    if (Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== plannedDate) throw errors.validation(`plannedDate ${plannedDate} is not a calendar date`, { field: 'plannedDate' });
  }
}

function checkWindow(startsAt: number, endsAt: number | null): void {
  if (endsAt != null && endsAt <= startsAt) throw errors.validation('endsAt must be after startsAt', { field: 'endsAt' });
}

/** The cells of these ids in the actor's scope; 400 naming every id that is unknown (or outside the scope). */
export async function cellsInScope(trx: Q, actor: Actor, ids: readonly string[]) {
  const found = await getCells(trx, ids, scopeOf(actor));
  if (found.length !== new Set(ids).size) {
    const have = new Set(found.map((c) => c.id));
    const unknown = [...new Set(ids)].filter((id) => !have.has(id));
    throw errors.validation(`unknown cell(s): ${unknown.slice(0, 20).join(', ')}${unknown.length > 20 ? ` and ${unknown.length - 20} more` : ''}`, { unknownCells: unknown });
  }
  return found;
}

/** Inserts an issue the caller has already checked, and audits it. */
export async function storeIssue(trx: Q, c: Ctx, fields: IssueFields, cells: readonly string[]): Promise<NetworkIssue> {
  const id = await insertIssue(trx, fields, cells);
  await audit(trx, c, 'network_issue.created', id, fields.regionId, { kind: fields.kind, title: fields.title, source: fields.source, cells: cells.length, circle: fields.circleRadiusM != null });
  return (await getIssue(trx, id, null))!;
}

/**
 * Records a network issue (DESIGN §2): affected cells and/or a circle, a time window, the
 * explanation agents read out. The region comes from the cells when not given; cells and region
 * must be in the caller's scope. One whose window has already ended is stored closed.
 */
export async function createIssue(c: Ctx, input: IssueInput): Promise<NetworkIssue> {
  const now = c.deps.clock.now();
  const startsAt = parseTime('startsAt', input.startsAt);
  const endsAt = input.endsAt ? parseTime('endsAt', input.endsAt) : null;
  checkWindow(startsAt, endsAt);
  checkPlannedDate(input.kind, input.plannedDate ?? null);
  if (!input.cells?.length && !input.circle) throw errors.validation('give the affected cells, a circle, or both', { fields: ['cells', 'circle'] });
  return c.deps.db.kysely.transaction().execute(async (trx) => {
    const cells = input.cells?.length ? await cellsInScope(trx, c.actor, input.cells) : [];
    let region = input.region;
    if (!region) {
      const regions = [...new Set(cells.map((x) => x.regionId))].sort();
      if (regions.length === 0) throw errors.validation('region is required when no cells are given', { field: 'region' });
      if (regions.length > 1) throw errors.validation(`the cells are in regions ${regions.join(', ')}: say which region the issue belongs to`, { field: 'region', regions });
      region = regions[0];
    }
    const known = await trx.selectFrom('region').select('id').where('id', '=', region).executeTakeFirst();
    if (!known) throw errors.validation(`region ${region} does not exist`, { field: 'region', region });
    if (!regionInScope(c.actor, region)) throw errors.forbidden(`region ${region} is outside your scope`, { region });
    // an issue recorded after its window ended is history from the start
    const over = endsAt != null && endsAt <= now;
    return storeIssue(trx, c, {
      kind: input.kind, title: input.title, explanation: input.explanation, regionId: region,
      startsAt, endsAt, plannedDate: input.plannedDate ?? null, status: over ? 'closed' : 'open', source: 'manual', externalAlarmId: null,
      circleLon: input.circle?.lon ?? null, circleLat: input.circle?.lat ?? null, circleRadiusM: input.circle?.radiusM ?? null,
      createdBy: c.actor.name, createdAt: now, updatedAt: now, closedAt: over ? now : null,
    }, cells.map((x) => x.id));
  });
}

/**
 * Changes an open issue: texts, kind, cells, circle, window (e.g. extends it). 404 outside the
 * caller's scope; 409 once closed (a closed issue is history).
 */
export async function updateIssue(c: Ctx, id: number, patch: IssuePatch): Promise<NetworkIssue> {
  const now = c.deps.clock.now();
  return c.deps.db.kysely.transaction().execute(async (trx) => {
    const issue = await getIssue(trx, id, scopeOf(c.actor));
    if (!issue) throw errors.notFound('network issue', id);
    if (issue.status !== 'open') throw errors.invalidState(`network issue ${id} is closed and can no longer be changed`, { status: issue.status });
    const kind = patch.kind ?? issue.kind;
    const startsAt = patch.startsAt !== undefined ? parseTime('startsAt', patch.startsAt) : issue.startsAt;
    const endsAt = patch.endsAt === undefined ? issue.endsAt : patch.endsAt === null ? null : parseTime('endsAt', patch.endsAt);
    const plannedDate = patch.plannedDate === undefined ? issue.plannedDate : patch.plannedDate;
    checkWindow(startsAt, endsAt);
    checkPlannedDate(kind, plannedDate);
    const cells = patch.cells === undefined ? issue.cells : patch.cells === null ? [] : (await cellsInScope(trx, c.actor, patch.cells)).map((x) => x.id);
    const circle = patch.circle === undefined ? issue.circle : patch.circle;
    if (cells.length === 0 && !circle) throw errors.validation('an issue needs affected cells, a circle, or both', { fields: ['cells', 'circle'] });
    await updateIssueRow(trx, id, {
      kind, title: patch.title ?? issue.title, explanation: patch.explanation ?? issue.explanation, startsAt, endsAt, plannedDate,
      circleLon: circle?.lon ?? null, circleLat: circle?.lat ?? null, circleRadiusM: circle?.radiusM ?? null, updatedAt: now,
    });
    if (patch.cells !== undefined) await replaceIssueCells(trx, id, cells);
    if (patch.circle !== undefined) await writeIssueGrid(trx, id, circle);
    await audit(trx, c, 'network_issue.updated', id, issue.regionId, { fields: Object.keys(patch).sort() });
    return (await getIssue(trx, id, null))!;
  });
}

/** Closes an open issue: its window ends now (DESIGN §2); 404 outside scope, 409 when already closed. */
export async function closeIssue(c: Ctx, id: number): Promise<NetworkIssue> {
  const now = c.deps.clock.now();
  return c.deps.db.kysely.transaction().execute(async (trx) => {
    const issue = await getIssue(trx, id, scopeOf(c.actor));
    if (!issue) throw errors.notFound('network issue', id);
    if (!(await closeIssueRow(trx, issue, now))) throw errors.invalidState(`network issue ${id} is already closed`, { status: issue.status });
    await audit(trx, c, 'network_issue.closed', id, issue.regionId);
    return (await getIssue(trx, id, null))!;
  });
}
