import type { Selectable } from 'kysely';
import type { Q } from '../db/types.ts';
import type { Engine } from '../db/connect.ts';
import type { HotspotRow } from './tables.ts';
import type { Complaint } from './windows.ts';
import { neighbourhoods } from '../network/neighbour-cache.ts';
import { departmentOfKind } from '../org/lookups.ts';

export type Hotspot = Selectable<HotspotRow>;

/** Ids per `in (…)` list: well under SQLite's and PostgreSQL's parameter limits. */
const CHUNK = 900;

/** Splits a list into chunks. */
export function chunked<T>(list: readonly T[], size = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
  return out;
}

/**
 * Neighbours of several cells (cell → neighbour ids). Relations are stored both ways
 * (network domain, cell_neighbour primary key (cell_id, neighbour_id)): one index range per cell.
 */
export async function neighboursOfCells(db: Q, cellIds: readonly string[]): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  for (const part of chunked([...new Set(cellIds)])) {
    const rows = await db.selectFrom('cellNeighbour').select(['cellId', 'neighbourId']).where('cellId', 'in', part).execute();
    for (const r of rows) {
      const list = out.get(r.cellId);
      if (list) list.push(r.neighbourId); else out.set(r.cellId, [r.neighbourId]);
    }
  }
  return out;
}

/**
 * The neighbours of one cell: one primary-key range of cell_neighbour, remembered per database
 * (network/neighbour-cache.ts) because every network complaint at the cell asks for them.
 */
export async function neighboursOf(db: Q, cellId: string): Promise<string[]> {
  return neighbourhoods.get(db, cellId, async () => (await neighboursOfCells(db, [cellId])).get(cellId) ?? []);
}

/**
 * Complaints of a category at these cells reported strictly between `after` and `before`.
 * Read through the ticket index (cell_id, category_id, reported_at): one range per cell, so the
 * cost follows the complaints in that place and time, never the number of stored tickets.
 */
export async function complaintsAt(db: Q, categoryId: string, cellIds: readonly string[], after: number, before: number): Promise<Complaint[]> {
  const out: Complaint[] = [];
  for (const part of chunked([...new Set(cellIds)])) {
    const rows = await db.selectFrom('ticket').select(['id', 'cellId', 'reportedAt'])
      .where('cellId', 'in', part).where('categoryId', '=', categoryId)
      .where('reportedAt', '>', after).where('reportedAt', '<', before)
      .execute();
    for (const r of rows) out.push({ id: r.id, cellId: r.cellId!, reportedAt: r.reportedAt });
  }
  return out;
}

/** The current group of each of these tickets (ticket id → hotspot id or null), with cell, region and time. */
export async function membershipOf(db: Q, ticketIds: readonly number[]): Promise<{ id: number; hotspotId: number | null; cellId: string; regionId: string; reportedAt: number }[]> {
  const out: { id: number; hotspotId: number | null; cellId: string; regionId: string; reportedAt: number }[] = [];
  for (const part of chunked([...new Set(ticketIds)])) {
    const rows = await db.selectFrom('ticket').select(['id', 'hotspotId', 'cellId', 'regionId', 'reportedAt']).where('id', 'in', part).execute();
    for (const r of rows) out.push({ id: r.id, hotspotId: r.hotspotId == null ? null : Number(r.hotspotId), cellId: r.cellId!, regionId: r.regionId, reportedAt: r.reportedAt });
  }
  return out;
}

/** Hotspot rows by id, ascending; locked for the transaction on PostgreSQL (merges and closes touch them). */
export async function hotspotsForUpdate(db: Q, engine: Engine, ids: readonly number[]): Promise<Hotspot[]> {
  if (ids.length === 0) return [];
  let q = db.selectFrom('hotspot').selectAll().where('id', 'in', [...new Set(ids)]).orderBy('id');
  if (engine === 'postgres') q = q.forUpdate();
  return q.execute();
}

/** One hotspot row, or undefined. */
export async function getHotspot(db: Q, id: number): Promise<Hotspot | undefined> {
  return db.selectFrom('hotspot').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Ids of the members of a group (index on ticket.hotspot_id). */
export async function memberIds(db: Q, hotspotId: number): Promise<number[]> {
  const rows = await db.selectFrom('ticket').select('id').where('hotspotId', '=', hotspotId).orderBy('id').execute();
  return rows.map((r) => r.id);
}

/** Adds member counts per cell to a group's cells (insert or add). */
export async function addHotspotCells(db: Q, hotspotId: number, counts: readonly { cellId: string; regionId: string; n: number }[]): Promise<void> {
  for (const c of counts) {
    await db.insertInto('hotspotCell').values({ hotspotId, cellId: c.cellId, regionId: c.regionId, ticketCount: c.n })
      .onConflict((oc) => oc.columns(['hotspotId', 'cellId']).doUpdateSet((eb) => ({
        ticketCount: eb(eb.ref('hotspotCell.ticketCount'), '+', eb.ref('excluded.ticketCount')),
      })))
      .execute();
  }
}

/** Moves the cells of merged groups into the survivor's, adding their counts. */
export async function foldHotspotCells(db: Q, survivorId: number, mergedIds: readonly number[]): Promise<void> {
  if (mergedIds.length === 0) return;
  const rows = await db.selectFrom('hotspotCell').select(['cellId', 'regionId', 'ticketCount']).where('hotspotId', 'in', [...mergedIds]).execute();
  const sum = new Map<string, { cellId: string; regionId: string; n: number }>();
  for (const r of rows) {
    const s = sum.get(r.cellId);
    if (s) s.n += Number(r.ticketCount); else sum.set(r.cellId, { cellId: r.cellId, regionId: r.regionId, n: Number(r.ticketCount) });
  }
  await addHotspotCells(db, survivorId, [...sum.values()]);
  await db.deleteFrom('hotspotCell').where('hotspotId', 'in', [...mergedIds]).execute();
}

/** The cells of groups (hotspot id → cell ids, sorted). */
export async function cellsOfHotspots(db: Q, ids: readonly number[]): Promise<Map<number, string[]>> {
  const out = new Map<number, string[]>();
  for (const part of chunked([...new Set(ids)])) {
    const rows = await db.selectFrom('hotspotCell').select(['hotspotId', 'cellId']).where('hotspotId', 'in', part).orderBy('hotspotId').orderBy('cellId').execute();
    for (const r of rows) {
      const id = Number(r.hotspotId);
      const list = out.get(id);
      if (list) list.push(r.cellId); else out.set(id, [r.cellId]);
    }
  }
  return out;
}

/** The NOC department of a region (DESIGN §3: the single network interface of a city), or null. */
export async function nocOf(db: Q, regionId: string): Promise<string | null> {
  return departmentOfKind(db, regionId, 'noc');
}
