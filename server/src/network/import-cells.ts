import type { Deps } from '../http/deps.ts';
import type { Actor } from '../access/actor.ts';
import { regionInScope } from '../access/actor.ts';
import { appendAudit } from '../audit/repository.ts';
import { isDatabaseDown } from '../http/error-handler.ts';
import { NETWORKS } from '../shared/network.ts';
import type { Q } from '../db/types.ts';
import { csvRecords } from './csv.ts';
import { validLonLat } from './geo.ts';
import { addNeighbourPairs, chunks, existingCells, removeNeighbourPairs, upsertCells } from './cells-repository.ts';
import { NETWORK_LIMITS } from './schemas.ts';

/** Who runs an operation and from where (as in org/operations.ts); network operations need only the database and the clock. */
export interface Ctx { deps: Pick<Deps, 'db' | 'clock'>; actor: Actor; address: string | null }

export interface ImportOptions {
  /** called after each chunk: rows done (written or rejected) out of all rows */
  onProgress?: (done: number, total: number) => void;
  /** rows per transaction */
  chunkSize?: number;
  /** recorded in the audit entry: `api`, `cli`, `demo`… */
  via?: string;
}

export interface Rejection { row: number; cellId: string | null; reason: string }
export interface CellImportResult { created: number; updated: number; rejected: Rejection[] }

/** The raw input: CSV text or already-parsed JSON rows. */
export type ImportInput = { csv: string } | { rows: readonly unknown[] };

export const CELL_CSV_COLUMNS = ['cellId', 'siteId', 'name', 'region', 'network', 'lon', 'lat', 'neighbours'] as const;
const CELL_ID = /^[A-Za-z0-9][A-Za-z0-9_.:/-]*$/;

interface CellInput {
  row: number;
  cellId: string;
  siteId: string;
  name: string;
  region: string;
  network: string;
  lon: number;
  lat: number;
  /** undefined: the row says nothing about neighbours and leaves the stored ones alone */
  neighbours: string[] | undefined;
}

type Parsed = { ok: CellInput } | { reject: Rejection };

const str = (v: unknown) => (typeof v === 'string' ? v.trim() : null);

/** Checks one row's shape and plain values; references (regions, neighbours) are checked later against the database. */
function parseRow(raw: unknown, row: number, fromCsv: boolean): Parsed {
  const o = raw as Record<string, unknown>;
  if (!o || typeof o !== 'object' || Array.isArray(o)) return { reject: { row, cellId: null, reason: 'the row is not an object' } };
  const cellId = str(o.cellId);
  const reject = (reason: string): Parsed => ({ reject: { row, cellId: cellId || null, reason } });
  if (!fromCsv) {
    const unknown = Object.keys(o).filter((k) => !(CELL_CSV_COLUMNS as readonly string[]).includes(k));
    if (unknown.length) return reject(`unknown field(s) ${unknown.join(', ')}`);
  }
  for (const f of ['cellId', 'siteId', 'name', 'region', 'network'] as const) if (!str(o[f])) return reject(`${f} is missing`);
  if (cellId!.length > 64 || !CELL_ID.test(cellId!)) return reject('cellId must be 1–64 letters, digits or - _ . : / (starting with a letter or digit)');
  const siteId = str(o.siteId)!, name = str(o.name)!, region = str(o.region)!, network = str(o.network)!;
  if (siteId.length > 64) return reject('siteId is longer than 64 characters');
  if (name.length > 200) return reject('name is longer than 200 characters');
  if (!(NETWORKS as readonly string[]).includes(network)) return reject(`network ${network} is not one of ${NETWORKS.join(', ')}`);
  const num = (v: unknown) => (typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN);
  const lon = num(o.lon), lat = num(o.lat);
  if (!Number.isFinite(lon) || !Number.isFinite(lat)) return reject('lon and lat must be numbers');
  if (!validLonLat(lon, lat)) return reject(`coordinates out of range: lon must be within -180..180 and lat within -90..90 (got ${lon}, ${lat})`);
  let neighbours: string[] | undefined;
  if (o.neighbours !== undefined && o.neighbours !== null) {
    const list = typeof o.neighbours === 'string' ? o.neighbours.split(';') : o.neighbours;
    if (!Array.isArray(list) || list.some((n) => typeof n !== 'string')) return reject('neighbours must be a list of cell ids');
    neighbours = [...new Set(list.map((n: string) => n.trim()).filter((n: string) => n !== '' && n !== cellId))];
    if (neighbours.length > NETWORK_LIMITS.neighboursPerCellMax) return reject(`more than ${NETWORK_LIMITS.neighboursPerCellMax} neighbours`);
    const bad = neighbours.find((n) => n.length > 64 || !CELL_ID.test(n));
    if (bad) return reject(`neighbour ${bad} is not a valid cell id`);
  }
  return { ok: { row, cellId: cellId!, siteId, name, region, network, lon, lat, neighbours } };
}

/** Rows of the input, parsed one by one (a CSV line with the wrong field count is rejected alone). */
function parseInput(input: ImportInput): Parsed[] {
  if ('csv' in input) {
    return csvRecords(input.csv, CELL_CSV_COLUMNS.filter((c) => c !== 'neighbours')).map((r, i) =>
      r.record ? parseRow(r.record, i + 1, true) : { reject: { row: i + 1, cellId: null, reason: r.error! } });
  }
  return input.rows.map((r, i) => parseRow(r, i + 1, false));
}

/**
 * Imports cells with their neighbours (DESIGN §2, §9, §11): upsert by cell id, so re-importing a
 * file changes nothing. A row that lists neighbours replaces that cell's neighbour set with its list
 * plus every row of the file that lists it; relations are stored in both directions. Rows with an
 * unknown or out-of-scope region, a bad network, coordinates out of range, a repeated id or an
 * unknown neighbour (neither in the file nor stored) are rejected with a reason; the rest are
 * written in chunks, each chunk one transaction. A row is its cell plus its relations to cells
 * already written, so an interrupted import leaves whole rows only.
 */
export async function importCells(c: Ctx, input: ImportInput, opts: ImportOptions = {}): Promise<CellImportResult> {
  const db = c.deps.db.kysely;
  const now = c.deps.clock.now();
  const parsed = parseInput(input);
  const total = parsed.length;
  const rejected: Rejection[] = [];
  const byId = new Map<string, CellInput>();
  // every id the file names in a row, good or not: "rejected in this import" rather than "unknown"
  const inFile = new Set<string>();
  for (const p of parsed) {
    if ('reject' in p) { rejected.push(p.reject); if (p.reject.cellId) inFile.add(p.reject.cellId); continue; }
    inFile.add(p.ok.cellId);
    const first = byId.get(p.ok.cellId);
    if (first) { rejected.push({ row: p.ok.row, cellId: p.ok.cellId, reason: `cell ${p.ok.cellId} appears again (first at row ${first.row})` }); continue; }
    byId.set(p.ok.cellId, p.ok);
  }

  // what the database already holds: regions, the file's cells and every neighbour they name
  const regions = new Set((await db.selectFrom('region').select('id').execute()).map((r) => r.id));
  const referenced = new Set<string>(byId.keys());
  for (const r of byId.values()) for (const n of r.neighbours ?? []) referenced.add(n);
  const stored = await existingCells(db, [...referenced]);

  const good = new Map<string, CellInput>();
  const reject = (r: CellInput, reason: string) => rejected.push({ row: r.row, cellId: r.cellId, reason });
  for (const r of byId.values()) {
    if (!regions.has(r.region)) reject(r, `region ${r.region} does not exist`);
    else if (!regionInScope(c.actor, r.region)) reject(r, `region ${r.region} is outside your scope`);
    else if (stored.has(r.cellId) && !regionInScope(c.actor, stored.get(r.cellId)!)) reject(r, `cell ${r.cellId} belongs to region ${stored.get(r.cellId)}, outside your scope`);
    else good.set(r.cellId, r);
  }
  // a neighbour must be stored or a good row of this file; rejecting a row can strand others, so repeat until stable
  for (let changed = true; changed;) {
    changed = false;
    for (const r of good.values()) {
      const missing = (r.neighbours ?? []).filter((n) => !good.has(n) && !stored.has(n));
      if (missing.length === 0) continue;
      const unknown = missing.filter((n) => !inFile.has(n));
      reject(r, unknown.length
        ? `unknown neighbour(s) ${unknown.join(', ')}: neither in this file nor stored`
        : `neighbour(s) ${missing.join(', ')} rejected in this import and not stored`);
      good.delete(r.cellId);
      changed = true;
    }
  }

  // the neighbour set each good row ends with: its own list plus every good row that lists it
  const declared = new Map<string, Set<string>>();
  const declare = (a: string, b: string) => { let s = declared.get(a); if (!s) declared.set(a, s = new Set()); s.add(b); };
  for (const r of good.values()) for (const n of r.neighbours ?? []) { declare(r.cellId, n); declare(n, r.cellId); }

  const rows = [...good.values()].sort((a, b) => a.row - b.row);
  const written = new Set<string>();
  let created = 0, updated = 0, done = rejected.length;
  const writeRows = (trx: Q, part: CellInput[]) => writeChunk(trx, part, now, declared, stored, written);
  for (const part of chunks(rows, opts.chunkSize ?? 1000)) {
    try {
      await db.transaction().execute((trx) => writeRows(trx, part));
      for (const r of part) { written.add(r.cellId); if (stored.has(r.cellId)) updated++; else created++; }
    } catch (err) {
      if (isDatabaseDown(err)) throw err;
      // an unexpected refusal: find the row(s) at fault one by one, keep the others
      for (const r of part) {
        try {
          await db.transaction().execute((trx) => writeRows(trx, [r]));
          written.add(r.cellId);
          if (stored.has(r.cellId)) updated++; else created++;
        } catch (e: any) {
          if (isDatabaseDown(e)) throw e;
          reject(r, `could not be stored: ${String(e?.message ?? e).slice(0, 200)}`);
        }
      }
    }
    done += part.length;
    opts.onProgress?.(done, total);
  }
  rejected.sort((a, b) => a.row - b.row);
  await db.transaction().execute((trx) => appendAudit(trx, c.deps.db.engine, {
    at: now, actor: c.actor.name, action: 'import.cells', target: 'cells', regionId: c.actor.regionId || null, address: c.address,
    details: { via: opts.via ?? 'api', rows: total, created, updated, rejected: rejected.length },
  }));
  return { created, updated, rejected };
}

/** Writes rows: upsert the cells, drop relations their lists no longer hold, add relations to cells already present. */
async function writeChunk(trx: Q, part: CellInput[], now: number, declared: Map<string, Set<string>>, stored: Map<string, string>, written: Set<string>): Promise<void> {
  await upsertCells(trx, part.map((r) => ({ id: r.cellId, siteId: r.siteId, name: r.name, regionId: r.region, network: r.network, lon: r.lon, lat: r.lat })), now);
  const authoritative = part.filter((r) => r.neighbours !== undefined).map((r) => r.cellId);
  const drop: [string, string][] = [];
  for (const ids of chunks(authoritative)) {
    const edges = await trx.selectFrom('cellNeighbour').select(['cellId', 'neighbourId']).where('cellId', 'in', ids).execute();
    for (const e of edges) if (!declared.get(e.cellId)?.has(e.neighbourId)) drop.push([e.cellId, e.neighbourId]);
  }
  await removeNeighbourPairs(trx, drop);
  const here = new Set(part.map((r) => r.cellId));
  const add: [string, string][] = [];
  for (const r of part) {
    // a relation to a cell later in the file is written with that cell's row
    for (const n of declared.get(r.cellId) ?? []) if (stored.has(n) || written.has(n) || (here.has(n) && r.cellId < n)) add.push([r.cellId, n]);
  }
  await addNeighbourPairs(trx, add);
}
