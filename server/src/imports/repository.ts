import { CompiledQuery, sql } from 'kysely';
import { isPostgres } from '../kpis/store.ts';
import type { Q } from '../db/types.ts';
import type { Role } from '../access/roles.ts';
import type { Engine } from '../db/connect.ts';

/** Every SQL statement of the history import that is not a ticket rule (those live in tickets/). */

/** Longest id list in one `in (…)`: well under SQLite's and PostgreSQL's parameter limits. */
const CHUNK = 500;

function chunks<T>(list: readonly T[], size = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
  return out;
}

/** The tickets already imported under these external ids: externalId → ticket id. */
export async function ticketIdsByExternalId(db: Q, externalIds: readonly string[]): Promise<Map<string, number>> {
  const found = new Map<string, number>();
  for (const part of chunks([...new Set(externalIds)])) {
    const rows = await db.selectFrom('ticket').select(['id', 'externalId']).where('externalId', 'in', part).execute();
    for (const r of rows) if (r.externalId != null) found.set(r.externalId, r.id);
  }
  return found;
}

/** A user an imported event may name as its actor. */
export interface KnownUser { id: number; username: string; role: Role; regionId: string }

/** The users among these usernames (unknown names are simply absent). */
export async function usersByName(db: Q, usernames: readonly string[]): Promise<Map<string, KnownUser>> {
  const found = new Map<string, KnownUser>();
  for (const part of chunks([...new Set(usernames)])) {
    const rows = await db.selectFrom('appUser').select(['id', 'username', 'role', 'regionId']).where('username', 'in', part).execute();
    for (const r of rows) found.set(r.username, { id: r.id, username: r.username, role: r.role as Role, regionId: r.regionId });
  }
  return found;
}

/** A department as the import checks it. */
export interface DepartmentInfo { id: string; kind: string; regionId: string }

/** Every department (a few per city: read once per import). */
export async function allDepartments(db: Q): Promise<Map<string, DepartmentInfo>> {
  const rows = await db.selectFrom('department').select(['id', 'kind', 'regionId']).orderBy('id').execute();
  return new Map(rows.map((r) => [r.id, r]));
}

/** Every region's parent (null for the province): a few dozen rows, read once per import. */
export async function regionParents(db: Q): Promise<Map<string, string | null>> {
  const rows = await db.selectFrom('region').select(['id', 'parentId']).execute();
  return new Map(rows.map((r) => [r.id, r.parentId]));
}

/**
 * Savepoints around one row inside a batch transaction: a row that fails rolls back to its
 * savepoint and leaves nothing behind, the rows before it in the batch stay (same SQL on both engines).
 */
export const savepoint = {
  begin: (trx: Q) => sql`savepoint import_row`.execute(trx),
  release: (trx: Q) => sql`release savepoint import_row`.execute(trx),
  rollback: async (trx: Q) => {
    await sql`rollback to savepoint import_row`.execute(trx);
    await sql`release savepoint import_row`.execute(trx);
  },
};

/**
 * Brings SQLite's planner statistics up to date after a large import. Without them SQLite can
 * pick a poor index when two match (e.g. ticket_event by `type` instead of by `ticket_id`, which
 * reads every event of that type: cost growing with the table). `optimize` analyses only the
 * tables that need it, bounded by `analysis_limit` (tens of milliseconds). PostgreSQL's
 * autovacuum keeps its own statistics.
 */
export async function refreshPlannerStats(db: Q, engine: Engine): Promise<void> {
  if (engine !== 'sqlite') return;
  await sql`pragma analysis_limit = 1000`.execute(db);
  await sql`pragma optimize = 0x10002`.execute(db);
}

/** Most parameters in one statement: under SQLite's 32,766 and PostgreSQL's 65,535. */
const MAX_PARAMS = 30_000;
const insertTexts = new Map<string, string>();
/** Most rows in one statement. */
const MAX_ROWS = 512;

/**
 * Inserts rows (each a value list in `columns` order, snake_case names) with multi-row
 * statements written as text with a flat parameter list: the query builder's per-value objects
 * cost more than the database work for thousands of rows (as kpis/store.ts). `returning` names
 * columns to read back (in no promised order).
 */
export async function insertMany(q: Q, table: string, columns: readonly string[], rows: readonly unknown[][], returning?: string): Promise<Record<string, unknown>[]> {
  const out: Record<string, unknown>[] = [];
  const pg = isPostgres(q);
  // statements of a few fixed sizes (the largest that fits, then halves), so their texts repeat and stay prepared
  let size = 1;
  while (size * 2 * columns.length <= MAX_PARAMS && size < MAX_ROWS) size *= 2;
  for (let i = 0; i < rows.length;) {
    while (size > rows.length - i) size /= 2;
    const part = rows.slice(i, i + size);
    i += size;
    const key = `${pg}|${table}|${columns.join(',')}|${size}|${returning ?? ''}`;
    let text = insertTexts.get(key);
    if (!text) {
      let n = 0;
      const tuple = pg ? () => `(${columns.map(() => `$${++n}`).join(', ')})` : (() => { const t = `(${columns.map(() => '?').join(', ')})`; return () => t; })();
      text = `insert into ${table} (${columns.join(', ')}) values ${part.map(tuple).join(', ')}${returning ? ` returning ${returning}` : ''}`;
      insertTexts.set(key, text);
    }
    const r = await q.executeQuery<Record<string, unknown>>(CompiledQuery.raw(text, part.flat()));
    if (returning) out.push(...r.rows);
  }
  return out;
}

/**
 * Hands out ticket ids for rows written later in this transaction, in ascending order. SQLite
 * (one writer, and this transaction holds it): the ids the table would give next. PostgreSQL:
 * taken from the table's sequence in blocks, so concurrent writers never get them (an unused rest
 * is a gap, as after any rolled-back insert).
 */
export async function ticketIdSource(q: Q, engine: Engine, block: number): Promise<() => Promise<number>> {
  if (engine === 'sqlite') {
    const seq = await sql<{ n: number | null }>`select max(seq) as n from sqlite_sequence where name = 'ticket'`.execute(q);
    const max = await sql<{ n: number | null }>`select max(id) as n from ticket`.execute(q);
    let next = Math.max(Number(seq.rows[0]?.n ?? 0), Number(max.rows[0]?.n ?? 0)) + 1;
    return async () => next++;
  }
  let ids: number[] = [];
  return async () => {
    if (ids.length === 0) {
      const r = await sql<{ id: number }>`select nextval(pg_get_serial_sequence('ticket', 'id')) as id from generate_series(1, ${block}::int)`.execute(q);
      ids = r.rows.map((x) => Number(x.id)).sort((a, b) => b - a);
    }
    return ids.pop()!;
  };
}

/** The cells rows name (unknown ids are absent). */
export async function cellsById(q: Q, cellIds: readonly string[]): Promise<Map<string, { regionId: string; network: string; lon: number; lat: number }>> {
  const out = new Map<string, { regionId: string; network: string; lon: number; lat: number }>();
  for (const part of chunks([...new Set(cellIds)])) {
    const rows = await q.selectFrom('cell').select(['id', 'regionId', 'network', 'lon', 'lat']).where('id', 'in', part).execute();
    for (const c of rows) out.set(c.id, { regionId: c.regionId, network: c.network, lon: Number(c.lon), lat: Number(c.lat) });
  }
  return out;
}

/** A stored ticket as the repeat rule sees it. */
export interface RepeatCandidate { id: number; customerKey: string; categoryId: string; reportedAt: number; isRepeat: number }

/** The stored tickets of these customers reported in [from, to] (the repeat rule's candidates for a batch). */
export async function ticketsOfCustomers(q: Q, customerKeys: readonly string[], from: number, to: number): Promise<RepeatCandidate[]> {
  const out: RepeatCandidate[] = [];
  for (const part of chunks([...new Set(customerKeys)])) {
    const rows = await q.selectFrom('ticket').select(['id', 'customerKey', 'categoryId', 'reportedAt', 'isRepeat'])
      .where('customerKey', 'in', part).where('reportedAt', '>=', from).where('reportedAt', '<=', to).execute();
    for (const r of rows) out.push({ id: Number(r.id), customerKey: r.customerKey, categoryId: r.categoryId, reportedAt: Number(r.reportedAt), isRepeat: Number(r.isRepeat) });
  }
  return out;
}

/**
 * Network complaints with a cell, of these categories, reported strictly between `after` and
 * `before`, in these regions (all of them: neighbours cross city borders), through the index
 * (region_id, reported_at); at most `limit` rows.
 */
export async function networkComplaintsBetween(q: Q, regionIds: readonly string[], categoryIds: readonly string[], after: number, before: number, limit: number): Promise<{ id: number; cellId: string; categoryId: string; reportedAt: number }[]> {
  if (regionIds.length === 0 || categoryIds.length === 0) return [];
  const rows = await q.selectFrom('ticket').select(['id', 'cellId', 'categoryId', 'reportedAt'])
    .where('regionId', 'in', [...regionIds]).where('reportedAt', '>', after).where('reportedAt', '<', before)
    .where('categoryId', 'in', [...categoryIds]).where('cellId', 'is not', null).limit(limit).execute();
  return rows.map((r) => ({ id: Number(r.id), cellId: r.cellId!, categoryId: r.categoryId, reportedAt: Number(r.reportedAt) }));
}
