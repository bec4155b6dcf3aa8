import type { Q } from '../db/types.ts';
import type { Actor } from '../access/actor.ts';

export interface NewEvent {
  ticketId: number;
  type: string;
  at: number;
  actor: Actor;
  fromDepartmentId?: string | null;
  toDepartmentId?: string | null;
  data?: Record<string, unknown>;
}

/** Appends one history row: who, when, from which department to which, why. Never edited or deleted. */
export async function appendEvent(trx: Q, e: NewEvent, recordedAt: number): Promise<number> {
  const r = await trx.insertInto('ticketEvent').values({
    ticketId: e.ticketId, type: e.type, at: e.at, recordedAt,
    actor: e.actor.name, actorRole: e.actor.kind === 'system' ? 'system' : e.actor.role,
    fromDepartmentId: e.fromDepartmentId ?? null, toDepartmentId: e.toDepartmentId ?? null,
    data: e.data && Object.keys(e.data).length ? JSON.stringify(e.data) : null,
  }).returning('id').executeTakeFirstOrThrow();
  return r.id;
}
