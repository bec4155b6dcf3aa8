import type { Selectable } from 'kysely';
import type { Q } from '../db/types.ts';
import type { TicketEventRow } from './tables.ts';
import type { Actor } from '../access/actor.ts';
import { prepared } from '../db/prepared.ts';

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
  return (await appendEventRow(trx, e, recordedAt)).id;
}

/** appendEvent, answering the row as stored (intake answers it without reading it back). */
export async function appendEventRow(trx: Q, e: NewEvent, recordedAt: number): Promise<Selectable<TicketEventRow>> {
  const row = {
    ticketId: e.ticketId, type: e.type, at: e.at, recordedAt,
    actor: e.actor.name, actorRole: e.actor.kind === 'system' ? 'system' : e.actor.role,
    fromDepartmentId: e.fromDepartmentId ?? null, toDepartmentId: e.toDepartmentId ?? null,
    data: e.data && Object.keys(e.data).length ? JSON.stringify(e.data) : null,
  };
  const r = await insertEvent.first(trx, row);
  return { id: r!.id, ...row };
}

// the most frequent insert of all: compiled once (db/prepared.ts)
const insertEvent = prepared((q, p: Omit<Selectable<TicketEventRow>, 'id'>) => q.insertInto('ticketEvent').values({
  ticketId: p.ticketId, type: p.type, at: p.at, recordedAt: p.recordedAt, actor: p.actor, actorRole: p.actorRole,
  fromDepartmentId: p.fromDepartmentId, toDepartmentId: p.toDepartmentId, data: p.data,
}).returning('id'));
