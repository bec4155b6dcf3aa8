import type { Deps } from '../http/deps.ts';
import type { Actor } from '../access/actor.ts';
import { errors } from '../errors.ts';
import { isUniqueViolation } from '../db/errors.ts';
import { insertTicket, type IntakeInput, type WrittenHistory } from './intake.ts';
import type { Ticket } from './repository.ts';

/**
 * Live intake (POST /api/v1/tickets) in one transaction. With an Idempotency-Key the same
 * caller and key always answer the same ticket: the key is stored with the ticket, and a
 * concurrent duplicate that loses the race reads the winner's ticket.
 */
export async function createTicket(deps: Deps, actor: Actor, input: IntakeInput, idempotencyKey: string | null): Promise<{ ticket: Ticket; replayed: boolean; written?: WrittenHistory }> {
  const k = deps.db.kysely;
  const replay = async () => {
    if (!idempotencyKey) return null;
    const row = await k.selectFrom('idempotencyKey').select('ticketId').where('actor', '=', actor.name).where('key', '=', idempotencyKey).executeTakeFirst();
    return row ? k.selectFrom('ticket').selectAll().where('id', '=', row.ticketId).executeTakeFirstOrThrow() : null;
  };
  const earlier = await replay();
  if (earlier) return { ticket: earlier, replayed: true };
  try {
    let written: WrittenHistory | undefined;
    const ticket = await deps.db.write(async (trx) => {
      const now = deps.clock.now();
      written = { events: [], clocks: [] };
      const t = await insertTicket(trx, deps, actor, input, now, { written });
      if (idempotencyKey) await trx.insertInto('idempotencyKey').values({ actor: actor.name, key: idempotencyKey, ticketId: t.id, createdAt: now }).execute();
      return t;
    });
    return { ticket, replayed: false, written: written?.events.length ? written : undefined };
  } catch (err) {
    if (!isUniqueViolation(err)) throw err;
    const winner = await replay();
    if (winner) return { ticket: winner, replayed: true };
    throw errors.conflict(`a ticket with externalId ${input.externalId} exists already`, { externalId: input.externalId });
  }
}
