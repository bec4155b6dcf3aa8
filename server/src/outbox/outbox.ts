import type { Q } from '../db/types.ts';

/** Outbox topics: every workflow event, clock warnings and escalations, hotspots (DESIGN §9). */
export type OutboxTopic = `ticket.${string}` | `clock.${string}` | `hotspot.${string}` | `problem.${string}`;

/**
 * Queues a message for delivery after commit. Call inside the transaction that makes the
 * change: the message exists exactly when the change does (no lost or phantom events).
 */
export async function addOutbox(trx: Q, msg: { topic: OutboxTopic; ticketId?: number | null; payload: unknown; at: number }): Promise<void> {
  await trx.insertInto('outbox').values({ topic: msg.topic, ticketId: msg.ticketId ?? null, payload: JSON.stringify(msg.payload), createdAt: msg.at }).execute();
}
