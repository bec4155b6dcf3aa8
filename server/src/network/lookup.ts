import type { Q } from '../db/types.ts';
import { type Cell, cellsInSquares, cellsOfSite, chunks, getCells } from './cells-repository.ts';
import { type NetworkIssue, type WindowFilter, circlesInSquare, getIssues, issueIdsOnCells } from './issues-repository.ts';
import { CELL_GRID, ISSUE_GRID, circleBox, distanceM, gridBlock, gridKey, gridKeysOfBox } from './geo.ts';

/** How far from a lon/lat the lookup looks for the serving site (DESIGN §3 step 1). */
export const NEARBY_RADIUS_M = 2000;

export interface FindIssuesQuery {
  /** cells the customer names (e.g. the ticket's cell, or it and its neighbours) */
  cellIds?: readonly string[];
  /** where the customer is: finds the nearest site within NEARBY_RADIUS_M and circles around the point */
  lon?: number;
  lat?: number;
  /** the time of the problem (epoch ms) */
  at: number;
  /** the caller's scope (its region subtree); null or absent: every region */
  regionIds?: readonly string[] | null;
  /** only these kinds, e.g. ['construction_plan', 'no_investment'] before forwarding to construction (§3 step 3) */
  kinds?: readonly string[];
  /** complaint category: only network categories (`network.*`) are explained by network issues */
  category?: string;
  nearbyRadiusM?: number;
}

/** A cell the lookup used, with its distance from the point when one was given. */
export interface LookupCell extends Cell {
  distanceM: number | null;
}

/** An issue that covers the place at the time, and why it matched. */
export interface FoundIssue extends NetworkIssue {
  /** `cell`: it lists one of the looked-up cells; `circle`: its circle holds the point (or a named cell) */
  matchedBy: ('cell' | 'circle')[];
}

/** True for a network complaint category (DESIGN §2: network categories go to the NOC). */
export const isNetworkCategory = (category: string): boolean => category.startsWith('network.');

/**
 * The network issues covering a place at a time (DESIGN §3 step 1: what the agent sees before
 * dispatching). The place is cells, a lon/lat, or both: the named cells and the cells of the
 * nearest site within 2 km of the point are matched through the issue–cell index; issue circles
 * through the coarse issue grid and then the exact distance from the point (or from each named
 * cell when no point is given). An issue covers `at` when startsAt ≤ at < endsAt (endsAt null: open-ended).
 * Every read is an index range: no scan over issues or cells.
 */
export async function findIssues(db: Q, q: FindIssuesQuery): Promise<{ issues: FoundIssue[]; cells: LookupCell[] }> {
  const scope = q.regionIds ?? null;
  const cells: LookupCell[] = [];
  if (q.cellIds?.length) {
    const found = await getCells(db, q.cellIds, scope);
    const order = new Map(q.cellIds.map((id, i) => [id, i]));
    found.sort((a, b) => order.get(a.id)! - order.get(b.id)!);
    for (const c of found) cells.push({ ...c, distanceM: q.lon != null && q.lat != null ? round(distanceM(q.lon, q.lat, c.lon, c.lat)) : null });
  }
  const hasPoint = q.lon != null && q.lat != null;
  if (hasPoint) {
    for (const c of await nearbySiteCells(db, q.lon!, q.lat!, q.nearbyRadiusM ?? NEARBY_RADIUS_M, scope)) {
      if (!cells.some((x) => x.id === c.id)) cells.push(c);
    }
  }
  if (q.category && !isNetworkCategory(q.category)) return { issues: [], cells };

  const f: WindowFilter = { at: q.at, regionIds: scope, kinds: q.kinds };
  const matched = new Map<number, ('cell' | 'circle')[]>();
  for (const id of await issueIdsOnCells(db, cells.map((c) => c.id), f)) matched.set(id, ['cell']);

  // circles: around the point, or around each named cell when there is no point
  const points: [number, number][] = hasPoint ? [[q.lon!, q.lat!]] : cells.map((c) => [c.lon, c.lat]);
  const squares = new Map<number, [number, number][]>();
  for (const p of points) {
    const k = gridKey(ISSUE_GRID, p[0], p[1]);
    squares.set(k, [...(squares.get(k) ?? []), p]);
  }
  for (const [key, pts] of squares) {
    for (const c of await circlesInSquare(db, key, f)) {
      if (!pts.some(([lon, lat]) => distanceM(lon, lat, c.lon, c.lat) <= c.radiusM)) continue;
      const how = matched.get(c.id);
      if (!how) matched.set(c.id, ['circle']); else if (!how.includes('circle')) how.push('circle');
    }
  }
  const issues = (await getIssues(db, [...matched.keys()]))
    .map((i): FoundIssue => ({ ...i, matchedBy: matched.get(i.id)! }))
    .sort((a, b) => b.startsAt - a.startsAt || b.id - a.id);
  return { issues, cells };
}

const round = (m: number) => Math.round(m * 10) / 10;

/**
 * The cells of the site nearest to a point within `radiusM` (its sectors on every network), nearest
 * first. Reads the 3 × 3 block of fine grid squares around the point; only when no cell lies within
 * the distance that block is sure to cover does it read the rest of the radius.
 */
export async function nearbySiteCells(db: Q, lon: number, lat: number, radiusM: number, regionIds: readonly string[] | null = null): Promise<LookupCell[]> {
  const block = gridBlock(CELL_GRID, lon, lat, 1);
  let candidates = await cellsInSquares(db, block.keys, regionIds);
  let best = nearest(candidates, lon, lat);
  if ((!best || best.d > block.coveredM) && block.coveredM < radiusM) {
    const b = circleBox(lon, lat, radiusM);
    const seen = new Set(block.keys);
    const rest = gridKeysOfBox(CELL_GRID, b.lon1, b.lat1, b.lon2, b.lat2).filter((k) => !seen.has(k));
    for (const part of chunks(rest)) candidates = candidates.concat(await cellsInSquares(db, part, regionIds));
    best = nearest(candidates, lon, lat);
  }
  if (!best || best.d > radiusM) return [];
  const site = await cellsOfSite(db, best.cell.siteId, regionIds);
  return site.map((c) => ({ ...c, distanceM: round(distanceM(lon, lat, c.lon, c.lat)) }))
    .sort((a, b) => a.distanceM - b.distanceM || a.id.localeCompare(b.id));
}

type Point = Pick<Cell, 'id' | 'siteId' | 'lon' | 'lat'>;

function nearest(cells: Point[], lon: number, lat: number): { cell: Point; d: number } | null {
  let best: { cell: Point; d: number } | null = null;
  for (const c of cells) {
    const d = distanceM(lon, lat, c.lon, c.lat);
    if (!best || d < best.d || (d === best.d && c.id < best.cell.id)) best = { cell: c, d };
  }
  return best;
}
