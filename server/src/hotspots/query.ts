import type { ExpressionBuilder } from 'kysely';
import type { Q } from '../db/types.ts';
import type { Database } from '../db/database.ts';
import type { Actor } from '../access/actor.ts';
import { errors } from '../errors.ts';
import { decodeCursor, page } from '../http/pagination.ts';
import { regionTree } from '../org/region-tree.ts';
import { toIso, toIsoOrNull } from '../shared/time.ts';
import { cellsOfHotspots, chunked, neighboursOf, neighboursOfCells, type Hotspot } from './repository.ts';

/** The regions a query may see: null for everything (province users, admins). */
export const scopeOf = (actor: Actor): string[] | null => (actor.isProvince ? null : actor.regionSubtreeIds);

/** A hotspot touches these regions when its own region or one of its cells' regions is among them. */
const touches = (regionIds: readonly string[]) => (eb: ExpressionBuilder<Database, 'hotspot'>) => eb.or([
  eb('hotspot.regionId', 'in', [...regionIds]),
  eb.exists(eb.selectFrom('hotspotCell').select('hotspotCell.hotspotId')
    .whereRef('hotspotCell.hotspotId', '=', 'hotspot.id').where('hotspotCell.regionId', 'in', [...regionIds])),
]);

/** A group as the API shows it (DESIGN §11 `GET /api/v1/hotspots`). */
export function presentHotspot(h: Hotspot, cells: string[], ticketIds: number[] | null, tz: string) {
  return {
    id: Number(h.id),
    category: h.categoryId,
    region: h.regionId,
    cells,
    ...(ticketIds ? { ticketIds } : {}),
    ticketCount: Number(h.ticketCount),
    firstReportedAt: toIso(h.firstReportedAt, tz),
    lastReportedAt: toIso(h.lastReportedAt, tz),
    status: h.status,
    problemId: h.problemId == null ? null : Number(h.problemId),
    mergedInto: h.mergedIntoId == null ? null : Number(h.mergedIntoId),
    openedAt: toIso(h.openedAt, tz),
    closedAt: toIsoOrNull(h.closedAt, tz),
  };
}
export type PresentedHotspot = ReturnType<typeof presentHotspot>;

/** Member ids of groups that the regions may see (hotspot id → ticket ids, ascending). */
async function ticketIdsOf(db: Q, ids: readonly number[], regionIds: readonly string[] | null): Promise<Map<number, number[]>> {
  const out = new Map<number, number[]>();
  for (const part of chunked([...new Set(ids)])) {
    let q = db.selectFrom('ticket').select(['id', 'hotspotId']).where('hotspotId', 'in', part).orderBy('id');
    if (regionIds) q = q.where('regionId', 'in', [...regionIds]);
    for (const r of await q.execute()) {
      const h = Number(r.hotspotId);
      const list = out.get(h);
      if (list) list.push(r.id); else out.set(h, [r.id]);
    }
  }
  return out;
}

export interface HotspotFilters {
  from?: number; to?: number; region?: string; status?: string; category?: string; limit?: number; cursor?: string;
}

export const HOTSPOT_STATUSES = ['open', 'closed', 'merged'] as const;

/**
 * Hotspot groups in the actor's scope, newest first: those with a complaint in [from, to)
 * (first reported before `to`, last reported at or after `from`), by default open and closed ones.
 */
export async function listHotspots(db: Q, actor: Actor, f: HotspotFilters, tz: string) {
  const limit = f.limit ?? 50;
  const statuses = f.status ? f.status.split(',').map((s) => s.trim()) : ['open', 'closed'];
  const bad = statuses.filter((s) => !(HOTSPOT_STATUSES as readonly string[]).includes(s));
  if (bad.length) throw errors.validation(`unknown status ${bad.join(', ')}; one of ${HOTSPOT_STATUSES.join(', ')}`, { status: bad });
  let q = db.selectFrom('hotspot').selectAll().where('status', 'in', statuses);
  const scope = scopeOf(actor);
  if (scope) q = q.where(touches(scope));
  if (f.region) q = q.where(touches((await regionTree(db)).subtree.get(f.region) ?? [f.region]));
  if (f.category) q = q.where('categoryId', '=', f.category);
  if (f.from != null) q = q.where('lastReportedAt', '>=', f.from);
  if (f.to != null) q = q.where('firstReportedAt', '<', f.to);
  const after = decodeCursor(f.cursor, 1);
  if (after) q = q.where('id', '<', Number(after[0]));
  const rows = await q.orderBy('id', 'desc').limit(limit + 1).execute();
  const p = page(rows, limit, (r) => [r.id]);
  const ids = p.items.map((h) => Number(h.id));
  const [cells, tickets] = await Promise.all([cellsOfHotspots(db, ids), ticketIdsOf(db, ids, scope)]);
  return { items: p.items.map((h) => presentHotspot(h, cells.get(Number(h.id)) ?? [], tickets.get(Number(h.id)) ?? [], tz)), nextCursor: p.nextCursor };
}

/** One group with its cells and members (404 outside the actor's scope). A merged group answers with `mergedInto`. */
export async function getHotspotInScope(db: Q, actor: Actor, id: number, tz: string): Promise<PresentedHotspot> {
  let q = db.selectFrom('hotspot').selectAll().where('id', '=', id);
  const scope = scopeOf(actor);
  if (scope) q = q.where(touches(scope));
  const h = await q.executeTakeFirst();
  if (!h) throw errors.notFound('hotspot', id);
  const [cells, tickets] = await Promise.all([cellsOfHotspots(db, [id]), ticketIdsOf(db, [id], scope)]);
  return presentHotspot(h, cells.get(id) ?? [], tickets.get(id) ?? [], tz);
}

/**
 * The open hotspots at these cells — and, with `neighbours`, at their neighbours — for what an
 * agent sees at intake (DESIGN §3 step 1, §4: "an open hotspot shows at intake to every agent
 * taking a complaint from its cells"). `regionIds` limits them to a scope (null: all).
 * Reads the hotspot_cell (cell_id) index: cost follows the cells asked about.
 *
 * The network lookup (`GET /api/v1/network-issues/lookup`) answers its `hotspots` with
 * `hotspotsAtCells(db, { cellIds: found.cells.map((c) => c.id), neighbours: true, regionIds: scope }, tz)`.
 */
export async function hotspotsAtCells(db: Q, q: { cellIds: readonly string[]; neighbours?: boolean; regionIds?: readonly string[] | null }, tz: string): Promise<(PresentedHotspot & { matchedCells: string[] })[]> {
  const asked = [...new Set(q.cellIds)];
  if (asked.length === 0) return [];
  const cells = new Set(asked);
  if (q.neighbours) {
    // one cell (intake's answer, just after detection read it): its remembered neighbourhood
    const lists = asked.length === 1 ? [await neighboursOf(db, asked[0])] : (await neighboursOfCells(db, asked)).values();
    for (const list of lists) for (const c of list) cells.add(c);
  }
  const hits = new Map<number, string[]>();
  for (const part of chunked([...cells])) {
    for (const r of await db.selectFrom('hotspotCell').select(['hotspotId', 'cellId']).where('cellId', 'in', part).execute()) {
      const id = Number(r.hotspotId);
      hits.set(id, [...(hits.get(id) ?? []), r.cellId]);
    }
  }
  if (hits.size === 0) return [];
  let hq = db.selectFrom('hotspot').selectAll().where('id', 'in', [...hits.keys()]).where('status', '=', 'open');
  if (q.regionIds) hq = hq.where(touches(q.regionIds));
  const rows = await hq.orderBy('lastReportedAt', 'desc').execute();
  const cellMap = await cellsOfHotspots(db, rows.map((r) => Number(r.id)));
  return rows.map((h) => ({ ...presentHotspot(h, cellMap.get(Number(h.id)) ?? [], null, tz), matchedCells: (hits.get(Number(h.id)) ?? []).sort() }));
}

/** How far the map looks back at most, and how many cells it draws. */
export const MAP_LIMITS = { maxSpanMs: 31 * 24 * 3600_000, maxCells: 20_000, backgroundCells: 5000 };

/**
 * What the hotspot map draws (DESIGN §9): the cells with network complaints reported in
 * [from, to) and how many of those are still open, the cells of the groups active then, and —
 * when a region is chosen — that region's other cells as background (at most 5,000).
 */
export async function hotspotMap(db: Q, actor: Actor, f: { from: number; to: number; region?: string; category?: string }, tz: string) {
  if (!(f.to > f.from)) throw errors.validation('to must be after from', { from: f.from, to: f.to });
  if (f.to - f.from > MAP_LIMITS.maxSpanMs) throw errors.validation('the map shows at most 31 days at a time', { maxDays: 31 });
  const scope = scopeOf(actor);
  const regions = f.region ? (await regionTree(db)).subtree.get(f.region) ?? [f.region] : null;
  const allowed = regions && scope ? regions.filter((r) => scope.includes(r)) : regions ?? scope;

  // per-cell complaint counts in the window, through the (region_id, reported_at) index
  let cq = db.selectFrom('ticket')
    .select((eb) => ['cellId', eb.fn.countAll<number>().as('complaints'), eb.fn.sum<number>(eb.case().when('status', '=', 'closed').then(0).else(1).end()).as('open')])
    .where('reportedAt', '>=', f.from).where('reportedAt', '<', f.to).where('isNetwork', '=', 1).where('cellId', 'is not', null);
  if (allowed) cq = cq.where('regionId', 'in', allowed.length ? allowed : ['']);
  if (f.category) cq = cq.where('categoryId', '=', f.category);
  const counts = await cq.groupBy('cellId').limit(MAP_LIMITS.maxCells + 1).execute();
  const truncated = counts.length > MAP_LIMITS.maxCells;

  const hotspots = await listAllInWindow(db, actor, { from: f.from, to: f.to, region: f.region, category: f.category }, tz);
  const byCell = new Map<string, { complaints: number; open: number }>();
  for (const c of counts.slice(0, MAP_LIMITS.maxCells)) byCell.set(c.cellId!, { complaints: Number(c.complaints), open: Number(c.open) });
  const hotspotCells = new Map<string, number[]>();
  for (const h of hotspots) for (const c of h.cells) hotspotCells.set(c, [...(hotspotCells.get(c) ?? []), h.id]);
  const wanted = new Set([...byCell.keys(), ...hotspotCells.keys()]);

  const cellRows: { id: string; name: string; regionId: string; network: string; lon: number; lat: number }[] = [];
  for (const part of chunked([...wanted])) {
    let q = db.selectFrom('cell').select(['id', 'name', 'regionId', 'network', 'lon', 'lat']).where('id', 'in', part);
    if (allowed) q = q.where('regionId', 'in', allowed.length ? allowed : ['']);
    cellRows.push(...(await q.execute()));
  }
  let background = false;
  if (f.region && allowed && allowed.length) {
    const rest = await db.selectFrom('cell').select(['id', 'name', 'regionId', 'network', 'lon', 'lat'])
      .where('regionId', 'in', allowed).orderBy('regionId').orderBy('id').limit(MAP_LIMITS.backgroundCells + 1).execute();
    background = rest.length <= MAP_LIMITS.backgroundCells;
    for (const c of rest.slice(0, MAP_LIMITS.backgroundCells)) if (!wanted.has(c.id)) cellRows.push(c);
  }
  return {
    from: toIso(f.from, tz), to: toIso(f.to, tz),
    cells: cellRows.map((c) => ({
      id: c.id, name: c.name, region: c.regionId, network: c.network, lon: Number(c.lon), lat: Number(c.lat),
      complaints: byCell.get(c.id)?.complaints ?? 0, openComplaints: byCell.get(c.id)?.open ?? 0, hotspotIds: hotspotCells.get(c.id) ?? [],
    })),
    hotspots: hotspots.map(({ ticketIds: _ids, ...h }) => h),
    truncated,
    /** every cell of the chosen region is drawn (false: only those with complaints or in a hotspot, or the first 5,000) */
    allCells: background,
  };
}

/** Every active group in the window (up to 2,000), for the map. */
async function listAllInWindow(db: Q, actor: Actor, f: HotspotFilters, tz: string): Promise<PresentedHotspot[]> {
  const out: PresentedHotspot[] = [];
  let cursor: string | undefined;
  for (let i = 0; i < 4; i++) {
    const p = await listHotspots(db, actor, { ...f, limit: 500, cursor }, tz);
    out.push(...p.items);
    if (!p.nextCursor) break;
    cursor = p.nextCursor;
  }
  return out;
}
