import { PostgresAdapter, sql } from 'kysely';
import type { Q } from '../db/types.ts';

/** Outbox topics: every workflow event, clock warnings and escalations, hotspots (DESIGN §9). */
export type OutboxTopic = `ticket.${string}` | `clock.${string}` | `hotspot.${string}` | `problem.${string}`;

/**
 * Queues a message for delivery after commit. Call inside the transaction that makes the
 * change: the message exists exactly when the change does (no lost or phantom events).
 * Besides the outbox row it marks the row pending, so the delivery loop turns it into
 * deliveries (fan-out.ts) whatever order concurrent transactions commit in.
 */
export async function addOutbox(trx: Q, msg: { topic: OutboxTopic; ticketId?: number | null; payload: unknown; at: number }): Promise<void> {
  if (trx.getExecutor().adapter instanceof PostgresAdapter) {
    // PostgreSQL: both rows in one statement (one round trip per event instead of two)
    await sql`with o as (insert into outbox (topic, ticket_id, payload, created_at) values (${msg.topic}, ${msg.ticketId ?? null}, ${JSON.stringify(msg.payload)}, ${msg.at}) returning id)
      insert into outbox_pending (outbox_id, ticket_id) select id, ${msg.ticketId ?? 0}::bigint from o`.execute(trx);
    return;
  }
  const row = await trx.insertInto('outbox')
    .values({ topic: msg.topic, ticketId: msg.ticketId ?? null, payload: JSON.stringify(msg.payload), createdAt: msg.at })
    .returning('id').executeTakeFirstOrThrow();
  await trx.insertInto('outboxPending').values({ outboxId: row.id, ticketId: msg.ticketId ?? 0 }).execute();
}
