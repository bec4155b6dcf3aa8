import { toIso } from '../shared/time.ts';
import { tmfError } from './errors.ts';
import type { TicketBundle } from './present.ts';
import { replayStatus } from './status.ts';

/** The notifications of TMF621 v4 (names as in the specification's definitions). */
export const TMF_EVENT_TYPES = [
  'TroubleTicketCreateEvent', 'TroubleTicketAttributeValueChangeEvent', 'TroubleTicketStatusChangeEvent',
  'TroubleTicketResolvedEvent', 'TroubleTicketInformationRequiredEvent', 'TroubleTicketDeleteEvent',
] as const;
export type TmfEventType = (typeof TMF_EVENT_TYPES)[number];

/** An outbox row as the renderers read it. */
export interface OutboxMessage {
  id: number;
  topic: string;
  ticketId: number | null;
  payload: Record<string, any>;
  createdAt: number;
}

/** One TMF event an outbox row stands for: its type, the history event its ticket is shown as of, the changed attributes. */
export interface TmfEventPlan {
  eventType: TmfEventType;
  asOfEventId: number;
  fieldPath?: string;
}

/**
 * The TMF events of one outbox row (pure): `ticket.created` → Create; a workflow step that
 * changes the TMF status → StatusChange (and Resolved when it becomes resolved); a step that
 * only adds a note or changes the grade (priority) → AttributeValueChange; `ticket.updated`
 * (TMF PATCH) → AttributeValueChange naming the attributes; `ticket.information_required` →
 * InformationRequired; withdrawal → StatusChange to cancelled, or Delete when deleted. Other
 * topics (clocks, hotspots, repeats) are not TMF621 notifications.
 */
export function planTmfEvents(msg: OutboxMessage, b: TicketBundle): TmfEventPlan[] {
  if (!msg.topic.startsWith('ticket.')) return [];
  const type = msg.topic.slice('ticket.'.length);
  // nothing more about a ticket once it was deleted through TMF621, except the deletion itself
  const deletedAt = b.tmf?.deletedAt;
  if (deletedAt != null && msg.createdAt > deletedAt) return [];
  const eventId = typeof msg.payload.eventId === 'number' ? msg.payload.eventId : null;
  if (type === 'created') {
    const created = b.events.find((e) => e.type === 'created');
    return created ? [{ eventType: 'TroubleTicketCreateEvent', asOfEventId: created.id }] : [];
  }
  if (eventId == null) return [];
  switch (type) {
    case 'updated':
      return [{ eventType: 'TroubleTicketAttributeValueChangeEvent', asOfEventId: eventId, fieldPath: (msg.payload.fields ?? []).join(',') }];
    case 'information_required':
      return [{ eventType: 'TroubleTicketInformationRequiredEvent', asOfEventId: eventId }];
    case 'deleted':
      return [{ eventType: 'TroubleTicketDeleteEvent', asOfEventId: eventId }];
    case 'withdrawn':
      return msg.payload.deleted ? [{ eventType: 'TroubleTicketDeleteEvent', asOfEventId: eventId }] : [{ eventType: 'TroubleTicketStatusChangeEvent', asOfEventId: eventId }];
    case 'regraded':
      return [{ eventType: 'TroubleTicketAttributeValueChangeEvent', asOfEventId: eventId, fieldPath: 'priority' }];
  }
  const changes = replayStatus(b.events, !!b.ticket.isNetwork, eventId);
  const last = changes[changes.length - 1];
  if (last && last.eventId === eventId) {
    const out: TmfEventPlan[] = [{ eventType: 'TroubleTicketStatusChangeEvent', asOfEventId: eventId }];
    if (last.status === 'resolved') out.push({ eventType: 'TroubleTicketResolvedEvent', asOfEventId: eventId });
    return out;
  }
  const ev = b.events.find((e) => e.id === eventId);
  if (type === 'noted') return [{ eventType: 'TroubleTicketAttributeValueChangeEvent', asOfEventId: eventId, fieldPath: 'note' }];
  if (type === 'triaged' && ev?.data.previousGrade) return [{ eventType: 'TroubleTicketAttributeValueChangeEvent', asOfEventId: eventId, fieldPath: 'priority' }];
  return [];
}

/** The notification body: `eventId` stable across retries (the outbox id, `-n` for a second event of one row). */
export function tmfEventBody(msg: OutboxMessage, seq: number, plan: TmfEventPlan, troubleTicket: Record<string, unknown>, tz: string) {
  return {
    eventId: tmfEventId(msg.id, seq),
    eventTime: toIso(msg.createdAt, tz),
    eventType: plan.eventType,
    ...(plan.fieldPath ? { fieldPath: plan.fieldPath } : {}),
    event: { troubleTicket },
  };
}

export const tmfEventId = (outboxId: number, seq: number) => (seq === 0 ? String(outboxId) : `${outboxId}-${seq}`);

/**
 * The hub's `query` (TMF630 style): empty for every event, or `eventType=A,B` (also
 * `eventType=A&eventType=B`) to receive only those notifications. Returns the chosen types, or
 * null for all; anything else is a 400.
 */
export function parseHubQuery(query: string | null | undefined): Set<TmfEventType> | null {
  const q = (query ?? '').trim().replace(/^\?/, '');
  if (!q) return null;
  const chosen = new Set<TmfEventType>();
  for (const part of q.split('&')) {
    const m = /^\s*([^=\s]+)\s*=\s*(.*?)\s*$/.exec(part);
    if (!m || m[1] !== 'eventType') throw tmfError(400, 'bad_request', `unsupported hub query ${part}`, 'query filters on eventType, e.g. eventType=TroubleTicketStatusChangeEvent,TroubleTicketResolvedEvent');
    for (const v of m[2].split(',').map((s) => s.trim()).filter(Boolean)) {
      if (!(TMF_EVENT_TYPES as readonly string[]).includes(v)) throw tmfError(400, 'bad_request', `unknown eventType ${v}`, `one of ${TMF_EVENT_TYPES.join(', ')}`);
      chosen.add(v as TmfEventType);
    }
  }
  return chosen.size ? chosen : null;
}
