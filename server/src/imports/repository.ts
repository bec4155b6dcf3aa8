import { sql } from 'kysely';
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
