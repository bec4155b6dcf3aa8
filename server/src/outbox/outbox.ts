import { PostgresAdapter, sql } from 'kysely';
import type { Q } from '../db/types.ts';
import { prepared } from '../db/prepared.ts';

/** Outbox topics: every workflow event, clock warnings and escalations, hotspots (DESIGN §9). */
export type OutboxTopic = `ticket.${string}` | `clock.${string}` | `hotspot.${string}` | `problem.${string}`;

/**
 * Queues a message for delivery after commit. Call inside the transaction that makes the
 * change: the message exists exactly when the change does (no lost or phantom events).
 * Besides the outbox row it marks the row pending, so the delivery loop turns it into
 * deliveries (fan-out.ts) whatever order concurrent transactions commit in.
 */
export async function addOutbox(trx: Q, msg: { topic: OutboxTopic; ticketId?: number | null; payload: unknown; at: number }): Promise<void> {
  const p = { topic: msg.topic, ticketId: msg.ticketId ?? null, payload: JSON.stringify(msg.payload), createdAt: msg.at };
  if (trx.getExecutor().adapter instanceof PostgresAdapter) {
    // PostgreSQL: both rows in one statement (one round trip per event instead of two)
    await insertBothPg.run(trx, { ...p, pendingTicketId: msg.ticketId ?? 0 });
    return;
  }
  const row = await insertOutbox.first(trx, p);
  await insertPending.run(trx, { outboxId: row!.id, ticketId: msg.ticketId ?? 0 });
}

// every write of the workflow adds outbox rows: compiled once (db/prepared.ts)
const insertOutbox = prepared((q, p: { topic: string; ticketId: number | null; payload: string; createdAt: number }) =>
  q.insertInto('outbox').values({ topic: p.topic, ticketId: p.ticketId, payload: p.payload, createdAt: p.createdAt }).returning('id'));
const insertPending = prepared((q, p: { outboxId: number; ticketId: number }) =>
  q.insertInto('outboxPending').values({ outboxId: p.outboxId, ticketId: p.ticketId }));
const insertBothPg = prepared((q, p: { topic: string; ticketId: number | null; payload: string; createdAt: number; pendingTicketId: number }) => {
  const both = sql`with o as (insert into outbox (topic, ticket_id, payload, created_at) values (${p.topic}, ${p.ticketId}, ${p.payload}, ${p.createdAt}) returning id)
    insert into outbox_pending (outbox_id, ticket_id) select id, ${p.pendingTicketId}::bigint from o`;
  return { compile: () => both.compile(q) };
});
