import type { Q } from '../db/types.ts';
import { CELL_GRID, gridKey } from './geo.ts';
import { neighboursChanged } from './neighbour-cache.ts';

/** A cell as the rest of the system sees it (DESIGN §2). */
export interface Cell {
  id: string;
  siteId: string;
  name: string;
  regionId: string;
  network: string;
  lon: number;
  lat: number;
  updatedAt: number;
}

const CELL_COLUMNS = ['id', 'siteId', 'name', 'regionId', 'network', 'lon', 'lat', 'updatedAt'] as const;
/** Ids per `in (…)` list: well under SQLite's and PostgreSQL's parameter limits. */
export const ID_CHUNK = 1000;

/** Splits a list into chunks of at most `size`. */
export function chunks<T>(list: readonly T[], size = ID_CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
  return out;
}

/** One cell, or undefined. `regionIds` (the caller's scope) hides cells outside it; null sees all. */
export async function getCell(db: Q, cellId: string, regionIds: readonly string[] | null = null): Promise<Cell | undefined> {
  let q = db.selectFrom('cell').select([...CELL_COLUMNS]).where('id', '=', cellId);
  if (regionIds) q = q.where('regionId', 'in', regionIds.length ? [...regionIds] : ['']);
  return q.executeTakeFirst();
}

/** The cells of these ids that exist (in scope when `regionIds` is given), in no particular order. */
export async function getCells(db: Q, ids: readonly string[], regionIds: readonly string[] | null = null): Promise<Cell[]> {
  const out: Cell[] = [];
  for (const part of chunks([...new Set(ids)])) {
    let q = db.selectFrom('cell').select([...CELL_COLUMNS]).where('id', 'in', part);
    if (regionIds) q = q.where('regionId', 'in', regionIds.length ? [...regionIds] : ['']);
    out.push(...(await q.execute()));
  }
  return out;
}

/** The neighbours of a cell, sorted (relations are stored both ways, so this is one index range). */
export async function neighboursOf(db: Q, cellId: string): Promise<string[]> {
  const rows = await db.selectFrom('cellNeighbour').select('neighbourId').where('cellId', '=', cellId).orderBy('neighbourId').execute();
  return rows.map((r) => r.neighbourId);
}

/** Neighbours of several cells at once: cell id → sorted neighbour ids (cells without any are absent). */
export async function neighboursOfMany(db: Q, cellIds: readonly string[]): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  for (const part of chunks([...new Set(cellIds)])) {
    const rows = await db.selectFrom('cellNeighbour').select(['cellId', 'neighbourId']).where('cellId', 'in', part).orderBy('cellId').orderBy('neighbourId').execute();
    for (const r of rows) {
      const list = out.get(r.cellId);
      if (list) list.push(r.neighbourId); else out.set(r.cellId, [r.neighbourId]);
    }
  }
  return out;
}

/** Every cell of a site (in scope when `regionIds` is given), by id. */
export async function cellsOfSite(db: Q, siteId: string, regionIds: readonly string[] | null = null): Promise<Cell[]> {
  let q = db.selectFrom('cell').select([...CELL_COLUMNS]).where('siteId', '=', siteId).orderBy('id');
  if (regionIds) q = q.where('regionId', 'in', regionIds.length ? [...regionIds] : ['']);
  return q.execute();
}

/** Position and site of the cells in the given squares of the cell grid (geo.ts CELL_GRID), in scope when `regionIds` is given. */
export async function cellsInSquares(db: Q, keys: readonly number[], regionIds: readonly string[] | null = null): Promise<Pick<Cell, 'id' | 'siteId' | 'lon' | 'lat'>[]> {
  if (keys.length === 0) return [];
  let q = db.selectFrom('cell').select(['id', 'siteId', 'lon', 'lat']).where('gridKey', 'in', [...keys]);
  if (regionIds) q = q.where('regionId', 'in', regionIds.length ? [...regionIds] : ['']);
  return q.execute();
}

/** Id and region of the cells of these ids that exist. */
export async function existingCells(db: Q, ids: readonly string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const part of chunks([...new Set(ids)])) {
    for (const r of await db.selectFrom('cell').select(['id', 'regionId']).where('id', 'in', part).execute()) out.set(r.id, r.regionId);
  }
  return out;
}

/** Inserts or updates cells by id (one statement per chunk). */
export async function upsertCells(db: Q, cells: readonly Omit<Cell, 'updatedAt'>[], now: number): Promise<void> {
  for (const part of chunks(cells, 500)) {
    await db.insertInto('cell')
      .values(part.map((c) => ({ ...c, gridKey: gridKey(CELL_GRID, c.lon, c.lat), updatedAt: now })))
      .onConflict((oc) => oc.column('id').doUpdateSet((eb) => ({
        siteId: eb.ref('excluded.siteId'), name: eb.ref('excluded.name'), regionId: eb.ref('excluded.regionId'),
        network: eb.ref('excluded.network'), lon: eb.ref('excluded.lon'), lat: eb.ref('excluded.lat'),
        gridKey: eb.ref('excluded.gridKey'), updatedAt: eb.ref('excluded.updatedAt'),
      })))
      .execute();
  }
}

/** Adds neighbour relations, both directions, ignoring those already stored. */
export async function addNeighbourPairs(db: Q, pairs: readonly [string, string][]): Promise<void> {
  const rows: { cellId: string; neighbourId: string }[] = [];
  const seen = new Set<string>();
  for (const [a, b] of pairs) {
    if (a === b) continue;
    const key = a < b ? `${a}\u0000${b}` : `${b}\u0000${a}`;
    if (seen.has(key)) continue;
    seen.add(key);
    rows.push({ cellId: a, neighbourId: b }, { cellId: b, neighbourId: a });
  }
  neighboursChanged();
  for (const part of chunks(rows, 1000)) {
    await db.insertInto('cellNeighbour').values(part).onConflict((oc) => oc.columns(['cellId', 'neighbourId']).doNothing()).execute();
  }
  neighboursChanged(); // again: a read between the first clear and these writes may have cached the old lists
}

/** Removes neighbour relations, both directions. */
export async function removeNeighbourPairs(db: Q, pairs: readonly [string, string][]): Promise<void> {
  // grouped by the first cell so each statement is one primary-key range per direction
  const byCell = new Map<string, string[]>();
  for (const [a, b] of pairs) byCell.set(a, [...(byCell.get(a) ?? []), b]);
  neighboursChanged();
  for (const [a, bs] of byCell) {
    for (const part of chunks(bs)) {
      await db.deleteFrom('cellNeighbour').where('cellId', '=', a).where('neighbourId', 'in', part).execute();
      await db.deleteFrom('cellNeighbour').where('neighbourId', '=', a).where('cellId', 'in', part).execute();
    }
  }
  neighboursChanged();
}
