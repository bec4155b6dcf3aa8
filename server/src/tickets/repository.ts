import type { Selectable } from 'kysely';
import type { Q } from '../db/types.ts';
import type { Engine } from '../db/connect.ts';
import type { Actor } from '../access/actor.ts';
import { regionInScope } from '../access/actor.ts';
import { errors } from '../errors.ts';
import type { TicketRow } from './tables.ts';

export type Ticket = Selectable<TicketRow>;

/**
 * Loads a ticket the actor may see (404 outside its regions, never 403: an id outside the
 * scope does not exist for the caller). With `lock` on PostgreSQL the row is locked for the
 * transaction, so concurrent steps on one ticket run one after the other.
 */
export async function getInScope(trx: Q, engine: Engine, actor: Actor, id: number, opts: { lock?: boolean } = {}): Promise<Ticket> {
  let q = trx.selectFrom('ticket').selectAll().where('id', '=', id);
  if (opts.lock && engine === 'postgres') q = q.forUpdate();
  const t = await q.executeTakeFirst();
  if (!t || !regionInScope(actor, t.regionId)) throw errors.notFound('ticket', id);
  return t;
}

/** Writes changed ticket fields, bumping the version. */
export async function updateTicket(trx: Q, t: Ticket, changes: Partial<Omit<Ticket, 'id' | 'version'>>, now: number): Promise<Ticket> {
  const next = { ...t, ...changes, version: t.version + 1, updatedAt: now };
  await trx.updateTable('ticket').set({ ...changes, version: next.version, updatedAt: now }).where('id', '=', t.id).execute();
  return next;
}

/** Remembers that a ticket reached a department (KPI department filter: "ever forwarded to it"). */
export async function recordDepartment(trx: Q, ticketId: number, departmentId: string): Promise<void> {
  await trx.insertInto('ticketDepartment').values({ ticketId, departmentId }).onConflict((oc) => oc.doNothing()).execute();
}
