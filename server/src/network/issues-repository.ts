import type { Q } from '../db/types.ts';
import type { NetworkIssueRow } from './tables.ts';
import { chunks } from './cells-repository.ts';
import { ISSUE_GRID, gridKeysOfCircle } from './geo.ts';

/** A stored network issue with the cells it covers (times in epoch ms). */
export interface NetworkIssue {
  id: number;
  kind: string;
  title: string;
  explanation: string;
  regionId: string;
  startsAt: number;
  endsAt: number | null;
  plannedDate: string | null;
  status: string;
  source: string;
  externalAlarmId: string | null;
  circle: { lon: number; lat: number; radiusM: number } | null;
  cells: string[];
  createdBy: string;
  createdAt: number;
  updatedAt: number;
  closedAt: number | null;
}

type Row = Omit<NetworkIssueRow, 'id'> & { id: number };
export type IssueFields = Omit<NetworkIssueRow, 'id'>;

const ISSUE_COLUMNS = [
  'networkIssue.id', 'networkIssue.kind', 'networkIssue.title', 'networkIssue.explanation', 'networkIssue.regionId',
  'networkIssue.startsAt', 'networkIssue.endsAt', 'networkIssue.plannedDate', 'networkIssue.status', 'networkIssue.source',
  'networkIssue.externalAlarmId', 'networkIssue.circleLon', 'networkIssue.circleLat', 'networkIssue.circleRadiusM',
  'networkIssue.createdBy', 'networkIssue.createdAt', 'networkIssue.updatedAt', 'networkIssue.closedAt',
] as const;

const toIssue = (r: Row, cells: string[]): NetworkIssue => ({
  id: Number(r.id), kind: r.kind, title: r.title, explanation: r.explanation, regionId: r.regionId,
  startsAt: r.startsAt, endsAt: r.endsAt, plannedDate: r.plannedDate, status: r.status, source: r.source,
  externalAlarmId: r.externalAlarmId,
  circle: r.circleRadiusM != null && r.circleLon != null && r.circleLat != null ? { lon: r.circleLon, lat: r.circleLat, radiusM: r.circleRadiusM } : null,
  cells, createdBy: r.createdBy, createdAt: r.createdAt, updatedAt: r.updatedAt, closedAt: r.closedAt,
});

const scoped = <QB extends { where: (...a: any[]) => any }>(q: QB, regionIds: readonly string[] | null): QB =>
  regionIds ? (q.where('networkIssue.regionId', 'in', regionIds.length ? [...regionIds] : ['']) as QB) : q;

/** Inserts an issue with its cells and circle squares; returns its id. */
export async function insertIssue(db: Q, fields: IssueFields, cells: readonly string[]): Promise<number> {
  const r = await db.insertInto('networkIssue').values(fields).returning('id').executeTakeFirstOrThrow();
  const id = Number(r.id);
  await addIssueCells(db, id, cells);
  if (fields.circleRadiusM != null) await writeIssueGrid(db, id, { lon: fields.circleLon!, lat: fields.circleLat!, radiusM: fields.circleRadiusM });
  return id;
}

/** Links cells to an issue (ignoring ones already linked). */
export async function addIssueCells(db: Q, issueId: number, cells: readonly string[]): Promise<void> {
  for (const part of chunks([...new Set(cells)])) {
    await db.insertInto('networkIssueCell').values(part.map((cellId) => ({ issueId, cellId })))
      .onConflict((oc) => oc.columns(['cellId', 'issueId']).doNothing()).execute();
  }
}

/** Replaces the cells of an issue. */
export async function replaceIssueCells(db: Q, issueId: number, cells: readonly string[]): Promise<void> {
  await db.deleteFrom('networkIssueCell').where('issueId', '=', issueId).execute();
  await addIssueCells(db, issueId, cells);
}

/** Rewrites the grid squares of an issue's circle (none when the circle is removed). */
export async function writeIssueGrid(db: Q, issueId: number, circle: { lon: number; lat: number; radiusM: number } | null): Promise<void> {
  await db.deleteFrom('networkIssueGrid').where('issueId', '=', issueId).execute();
  if (!circle) return;
  const keys = gridKeysOfCircle(ISSUE_GRID, circle.lon, circle.lat, circle.radiusM);
  for (const part of chunks(keys, 1000)) await db.insertInto('networkIssueGrid').values(part.map((gridKey) => ({ gridKey, issueId }))).execute();
}

/** Updates columns of an issue. */
export async function updateIssueRow(db: Q, id: number, set: Partial<IssueFields>): Promise<void> {
  await db.updateTable('networkIssue').set(set).where('id', '=', id).execute();
}

/**
 * Closes an open issue: its window ends now (or at `endsAt` when earlier), never before it started.
 * Conditional on `status = 'open'`, so two closers cannot both close it; false when it was not open.
 */
export async function closeIssueRow(db: Q, issue: NetworkIssue, now: number, endsAt = now): Promise<boolean> {
  const end = Math.max(issue.startsAt, Math.min(issue.endsAt ?? Infinity, endsAt));
  const r = await db.updateTable('networkIssue').set({ status: 'closed', closedAt: now, endsAt: end, updatedAt: now })
    .where('id', '=', issue.id).where('status', '=', 'open').executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** The cells of each issue, sorted. */
export async function cellsOfIssues(db: Q, ids: readonly number[]): Promise<Map<number, string[]>> {
  const out = new Map<number, string[]>();
  for (const part of chunks([...new Set(ids)])) {
    const rows = await db.selectFrom('networkIssueCell').select(['issueId', 'cellId']).where('issueId', 'in', part).orderBy('issueId').orderBy('cellId').execute();
    for (const r of rows) {
      const id = Number(r.issueId);
      const list = out.get(id);
      if (list) list.push(r.cellId); else out.set(id, [r.cellId]);
    }
  }
  return out;
}

async function withCells(db: Q, rows: Row[]): Promise<NetworkIssue[]> {
  if (rows.length === 0) return [];
  const cells = await cellsOfIssues(db, rows.map((r) => Number(r.id)));
  return rows.map((r) => toIssue(r, cells.get(Number(r.id)) ?? []));
}

/** One issue in scope (`regionIds` null: any), or undefined. */
export async function getIssue(db: Q, id: number, regionIds: readonly string[] | null): Promise<NetworkIssue | undefined> {
  const r = await scoped(db.selectFrom('networkIssue').select([...ISSUE_COLUMNS]).where('networkIssue.id', '=', id), regionIds).executeTakeFirst();
  return r ? (await withCells(db, [r as Row]))[0] : undefined;
}

export interface IssueFilter {
  regionIds: readonly string[] | null;
  status?: string;
  kind?: string;
  /** region filter: issues of these regions (a region and the ones below it) */
  regions?: readonly string[];
  cellId?: string;
  /** keyset: issues with a smaller id */
  beforeId?: number;
  limit: number;
}

/** Issues newest first (id descending), filtered, at most `limit`. */
export async function listIssues(db: Q, f: IssueFilter): Promise<NetworkIssue[]> {
  let q = scoped(db.selectFrom('networkIssue').select([...ISSUE_COLUMNS]), f.regionIds).orderBy('networkIssue.id', 'desc').limit(f.limit);
  if (f.status) q = q.where('networkIssue.status', '=', f.status);
  if (f.kind) q = q.where('networkIssue.kind', '=', f.kind);
  if (f.regions) q = q.where('networkIssue.regionId', 'in', f.regions.length ? [...f.regions] : ['']);
  if (f.beforeId != null) q = q.where('networkIssue.id', '<', f.beforeId);
  if (f.cellId) q = q.where('networkIssue.id', 'in', db.selectFrom('networkIssueCell').select('networkIssueCell.issueId').where('networkIssueCell.cellId', '=', f.cellId));
  return withCells(db, (await q.execute()) as Row[]);
}

export interface WindowFilter {
  at: number;
  regionIds: readonly string[] | null;
  kinds?: readonly string[];
}

const inWindow = <QB extends { where: (...a: any[]) => any }>(q: QB, f: WindowFilter): QB => {
  let out = q.where('networkIssue.startsAt', '<=', f.at)
    .where((eb: any) => eb.or([eb('networkIssue.endsAt', 'is', null), eb('networkIssue.endsAt', '>', f.at)])) as QB;
  out = scoped(out, f.regionIds);
  if (f.kinds) out = out.where('networkIssue.kind', 'in', f.kinds.length ? [...f.kinds] : ['']) as QB;
  return out;
};

/** Issues by id, with their cells (in no particular order; unknown ids are skipped). */
export async function getIssues(db: Q, ids: readonly number[]): Promise<NetworkIssue[]> {
  const rows: Row[] = [];
  for (const part of chunks([...new Set(ids)])) {
    rows.push(...((await db.selectFrom('networkIssue').select([...ISSUE_COLUMNS]).where('networkIssue.id', 'in', part).execute()) as Row[]));
  }
  return withCells(db, rows);
}

/**
 * Ids of the issues listing any of these cells whose window [startsAt, endsAt) holds `at`:
 * a primary-key range on network_issue_cell(cell_id), then each issue's row for its window.
 */
export async function issueIdsOnCells(db: Q, cellIds: readonly string[], f: WindowFilter): Promise<number[]> {
  const out = new Set<number>();
  for (const part of chunks([...new Set(cellIds)])) {
    const q = db.selectFrom('networkIssueCell').innerJoin('networkIssue', 'networkIssue.id', 'networkIssueCell.issueId')
      .select('networkIssue.id').where('networkIssueCell.cellId', 'in', part);
    for (const r of await inWindow(q, f).execute()) out.add(Number(r.id));
  }
  return [...out];
}

/**
 * Circles touching one square of the issue grid whose window holds `at`: only id and circle, so
 * the caller checks the exact distance before loading whole issues.
 */
export async function circlesInSquare(db: Q, gridKey: number, f: WindowFilter): Promise<{ id: number; lon: number; lat: number; radiusM: number }[]> {
  const q = db.selectFrom('networkIssueGrid').innerJoin('networkIssue', 'networkIssue.id', 'networkIssueGrid.issueId')
    .select(['networkIssue.id', 'networkIssue.circleLon', 'networkIssue.circleLat', 'networkIssue.circleRadiusM'])
    .where('networkIssueGrid.gridKey', '=', gridKey);
  return (await inWindow(q, f).execute()).map((r) => ({ id: Number(r.id), lon: r.circleLon!, lat: r.circleLat!, radiusM: r.circleRadiusM! }));
}
