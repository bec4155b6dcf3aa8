import type { Selectable } from 'kysely';
import type { Q } from '../db/types.ts';
import type { Engine } from '../db/connect.ts';
import type { Actor } from '../access/actor.ts';
import { regionInScope } from '../access/actor.ts';
import { errors } from '../errors.ts';
import type { ProblemRow } from '../tickets/tables.ts';
import './tables.ts';

export type Problem = Selectable<ProblemRow>;

const CHUNK = 900;

/** One problem record, or undefined. */
export async function getProblem(db: Q, id: number): Promise<Problem | undefined> {
  return db.selectFrom('problem').selectAll().where('id', '=', id).executeTakeFirst();
}

/**
 * A problem record the actor may see (404 outside its regions: an id outside the scope does not
 * exist for the caller). With `lock` on PostgreSQL the row is locked for the transaction.
 */
export async function getProblemInScope(db: Q, engine: Engine, actor: Actor, id: number, opts: { lock?: boolean } = {}): Promise<Problem> {
  let q = db.selectFrom('problem').selectAll().where('id', '=', id);
  if (opts.lock && engine === 'postgres') q = q.forUpdate();
  const p = await q.executeTakeFirst();
  if (!p || !regionInScope(actor, p.regionId)) throw errors.notFound('problem', id);
  return p;
}

/** Inserts a problem record; returns its id. */
export async function insertProblem(db: Q, row: Omit<Problem, 'id'>): Promise<number> {
  const r = await db.insertInto('problem').values(row).returning('id').executeTakeFirstOrThrow();
  return Number(r.id);
}

/** Writes changed fields of a problem record. */
export async function updateProblemRow(db: Q, id: number, changes: Partial<Omit<Problem, 'id'>>): Promise<void> {
  if (Object.keys(changes).length === 0) return;
  await db.updateTable('problem').set(changes).where('id', '=', id).execute();
}

/** Appends one row to a problem's history. */
export async function appendProblemEvent(db: Q, e: { problemId: number; type: string; at: number; actor: Actor; data?: Record<string, unknown> }): Promise<void> {
  await db.insertInto('problemEvent').values({
    problemId: e.problemId, type: e.type, at: e.at, actor: e.actor.name, actorRole: e.actor.kind === 'system' ? 'system' : e.actor.role,
    data: e.data && Object.keys(e.data).length ? JSON.stringify(e.data) : null,
  }).execute();
}

/** Links tickets to a problem; returns the ids that were not linked before (in ascending order). */
export async function linkTickets(db: Q, problemId: number, ticketIds: readonly number[], by: string, at: number): Promise<number[]> {
  const wanted = [...new Set(ticketIds)].sort((a, b) => a - b);
  const fresh: number[] = [];
  for (let i = 0; i < wanted.length; i += CHUNK) {
    const part = wanted.slice(i, i + CHUNK);
    const had = new Set((await db.selectFrom('problemTicket').select('ticketId').where('problemId', '=', problemId).where('ticketId', 'in', part).execute()).map((r) => Number(r.ticketId)));
    const rows = part.filter((id) => !had.has(id)).map((ticketId) => ({ problemId, ticketId, linkedAt: at, linkedBy: by }));
    if (rows.length) await db.insertInto('problemTicket').values(rows).onConflict((oc) => oc.columns(['problemId', 'ticketId']).doNothing()).execute();
    fresh.push(...rows.map((r) => r.ticketId));
  }
  return fresh;
}

/** Ids of the tickets linked to a problem, ascending. */
export async function linkedTicketIds(db: Q, problemId: number): Promise<number[]> {
  const rows = await db.selectFrom('problemTicket').select('ticketId').where('problemId', '=', problemId).orderBy('ticketId').execute();
  return rows.map((r) => Number(r.ticketId));
}
