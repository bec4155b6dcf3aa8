import type { Q } from '../db/types.ts';
import type { Engine } from '../db/connect.ts';
import type { Actor } from '../access/actor.ts';
import { AppError } from '../errors.ts';
import { getInScope, type Ticket } from '../tickets/repository.ts';
import type { TmfTicketRow } from './tables.ts';
import { tmfErrors } from './errors.ts';

/** A TMF621 id is the ticket id as text; anything else does not exist. */
export function parseTicketId(text: string): number {
  if (!/^[1-9]\d{0,14}$/.test(text)) throw tmfErrors.notFound(text);
  return Number(text);
}

/**
 * A ticket the actor may see through TMF621: in its regions (404 outside, DESIGN §1) and not
 * deleted through TMF621. With `lock` the row is locked for the transaction (PostgreSQL).
 */
export async function getVisible(trx: Q, engine: Engine, actor: Actor, id: number, opts: { lock?: boolean } = {}): Promise<{ ticket: Ticket; tmf: TmfTicketRow | null }> {
  let ticket: Ticket;
  try {
    ticket = await getInScope(trx, engine, actor, id, opts);
  } catch (err) {
    if (err instanceof AppError && err.status === 404) throw tmfErrors.notFound(id);
    throw err;
  }
  const tmf = (await trx.selectFrom('tmfTicket').selectAll().where('ticketId', '=', id).executeTakeFirst()) ?? null;
  if (tmf?.deletedAt != null) throw tmfErrors.notFound(id);
  return { ticket, tmf };
}

/** Writes TMF attributes of a ticket, creating its row on first use (tickets taken in through /api/v1 have none). */
export async function upsertTmf(trx: Q, ticketId: number, changes: Partial<Omit<TmfTicketRow, 'ticketId' | 'createdAt' | 'updatedAt'>>, now: number): Promise<void> {
  await trx.insertInto('tmfTicket').values({
    ticketId, ticketType: null, severity: null, name: null, requestedResolutionDate: null, relatedParty: null, relatedEntity: null,
    withdrawnAt: null, deletedAt: null, ...changes, createdAt: now, updatedAt: now,
  }).onConflict((oc) => oc.column('ticketId').doUpdateSet({ ...changes, updatedAt: now })).execute();
}
