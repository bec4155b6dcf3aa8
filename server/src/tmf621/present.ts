import type { Selectable } from 'kysely';
import type { Q } from '../db/types.ts';
import type { Actor } from '../access/actor.ts';
import { ROLES_SEEING_PERSONAL_DATA } from '../access/roles.ts';
import type { Pii } from '../pii/pii.ts';
import { maskMsisdn, maskName } from '../pii/phone.ts';
import { toIso } from '../shared/time.ts';
import type { Ticket } from '../tickets/repository.ts';
import type { TicketEventRow } from '../tickets/tables.ts';
import type { TmfTicketRow } from './tables.ts';
import { replayStatus, tmfStatusOf, type HistoryEvent } from './status.ts';

/** Where the API lives; `href`s are paths under it. */
export const TMF621_BASE = '/tmf-api/troubleTicket/v4';
export const ticketHref = (id: number | string) => `${TMF621_BASE}/troubleTicket/${id}`;

/** Everything one ticket's TMF view is made of. */
export interface TicketBundle {
  ticket: Ticket;
  tmf: TmfTicketRow | null;
  /** the history in id order, with data parsed */
  events: HistoryEvent[];
  eventActors: Map<number, string>;
  /** due time of the commitment clock of the ticket's current round */
  commitmentDueAt: number | null;
}

const CHUNK = 500;
const chunks = <T>(xs: T[]): T[][] => Array.from({ length: Math.ceil(xs.length / CHUNK) }, (_, i) => xs.slice(i * CHUNK, (i + 1) * CHUNK));

/** Loads what the TMF view needs for many tickets at once (chunked id lists). */
export async function loadBundles(q: Q, tickets: Ticket[]): Promise<Map<number, TicketBundle>> {
  const out = new Map<number, TicketBundle>();
  for (const t of tickets) out.set(t.id, { ticket: t, tmf: null, events: [], eventActors: new Map(), commitmentDueAt: null });
  for (const ids of chunks(tickets.map((t) => t.id))) {
    if (!ids.length) continue;
    const [tmfRows, events, clocks] = await Promise.all([
      q.selectFrom('tmfTicket').selectAll().where('ticketId', 'in', ids).execute(),
      q.selectFrom('ticketEvent').select(['id', 'ticketId', 'type', 'at', 'actor', 'data']).where('ticketId', 'in', ids).orderBy('id').execute(),
      q.selectFrom('ticketClock').select(['ticketId', 'round', 'dueAt']).where('ticketId', 'in', ids).where('clock', '=', 'commitment').execute(),
    ]);
    for (const r of tmfRows) out.get(r.ticketId)!.tmf = r;
    for (const e of events) {
      const b = out.get(e.ticketId)!;
      b.events.push({ id: e.id, type: e.type, at: e.at, data: parseData(e) });
      b.eventActors.set(e.id, e.actor);
    }
    for (const c of clocks) {
      const b = out.get(c.ticketId)!;
      if (c.round === b.ticket.round || (c.round < b.ticket.round && b.commitmentDueAt == null)) b.commitmentDueAt = c.dueAt;
    }
  }
  return out;
}

function parseData(e: Pick<Selectable<TicketEventRow>, 'data'>): Record<string, any> {
  if (!e.data) return {};
  try { return JSON.parse(e.data); } catch { return {}; }
}

const parseJsonArray = (s: string | null): Record<string, unknown>[] => {
  if (!s) return [];
  try { const v = JSON.parse(s); return Array.isArray(v) ? v : []; } catch { return []; }
};

/** Severity of a ticket that was not created through TMF621: from its grade. */
export const severityOfGrade = (grade: string) => (grade === 'important' ? 'Major' : 'Minor');
/** Priority is set by netcare: the grade (DESIGN §3 triage). */
export const priorityOfGrade = (grade: string) => (grade === 'important' ? 'High' : 'Medium');
export const gradeOfPriority = (p: string) => (p === 'High' ? 'important' : p === 'Medium' ? 'ordinary' : null);

export interface PresentOptions {
  /** render the history-derived attributes (status, statusChange, notes) as of this event */
  asOfEventId?: number;
}

/**
 * The TroubleTicket of TMF621 v4 for a netcare ticket, as `actor` may see it: personal data
 * masked for the roles that do not need it (DESIGN §1). Attributes without a value are left
 * out (the specification types them as strings, never null).
 */
export function presentTroubleTicket(b: TicketBundle, actor: Actor, pii: Pii, tz: string, opts: PresentOptions = {}): Record<string, unknown> {
  const t = b.ticket;
  const tmf = b.tmf;
  const iso = (ms: number) => toIso(ms, tz);
  const upTo = opts.asOfEventId ?? Number.MAX_SAFE_INTEGER;
  const changes = replayStatus(b.events, !!t.isNetwork, upTo);
  const last = changes[changes.length - 1];
  const status = opts.asOfEventId != null && last ? last.status : tmfStatusOf(t.status, tmf?.withdrawnAt != null);
  const resolvedAt = [...changes].reverse().find((c) => c.status === 'resolved');

  const clear = ROLES_SEEING_PERSONAL_DATA.has(actor.role);
  const msisdn = pii.decrypt(t.customerMsisdnEnc);
  const name = t.customerNameEnc ? pii.decrypt(t.customerNameEnc) : null;
  const customer: Record<string, unknown> = { id: clear ? msisdn : maskMsisdn(msisdn), role: 'customer', '@referredType': 'Individual' };
  if (name) customer.name = clear ? name : maskName(name);

  const entities: Record<string, unknown>[] = [];
  if (t.cellId) entities.push({ id: t.cellId, role: 'cell', '@referredType': 'Cell' });
  entities.push({ id: t.regionId, role: 'region', '@referredType': 'GeographicArea' });
  if (t.network) entities.push({ id: t.network, role: 'network', '@referredType': 'Network' });
  if (t.address) entities.push({ id: t.address, name: t.address, role: 'address', '@referredType': 'GeographicAddress' });
  if (t.lon != null && t.lat != null && !t.cellId) entities.push({ id: `${t.lon},${t.lat}`, role: 'location', '@referredType': 'GeographicLocation' });

  const notes = b.events.filter((e) => e.type === 'noted' && e.id <= upTo).map((e) => ({
    id: String(e.id), author: b.eventActors.get(e.id) ?? '', date: iso(e.at), text: String(e.data.text ?? ''), '@type': 'Note',
  }));

  const out: Record<string, unknown> = {
    id: String(t.id),
    href: ticketHref(t.id),
    name: tmf?.name ?? undefined,
    description: t.description,
    severity: tmf?.severity ?? severityOfGrade(t.grade),
    ticketType: tmf?.ticketType ?? t.categoryId,
    priority: priorityOfGrade(t.grade),
    status,
    statusChangeDate: last ? iso(last.at) : undefined,
    statusChangeReason: last?.reason,
    creationDate: iso(t.reportedAt),
    lastUpdate: iso(t.updatedAt),
    expectedResolutionDate: b.commitmentDueAt != null ? iso(b.commitmentDueAt) : undefined,
    requestedResolutionDate: tmf?.requestedResolutionDate != null ? iso(tmf.requestedResolutionDate) : undefined,
    resolutionDate: (status === 'resolved' || status === 'closed') && resolvedAt ? iso(resolvedAt.at) : undefined,
    externalId: t.externalId ?? undefined,
    channel: { id: t.channel, name: t.channel },
    relatedParty: [customer, ...parseJsonArray(tmf?.relatedParty ? pii.decrypt(tmf.relatedParty) : null)
      .map((p) => (clear || typeof p.name !== 'string' ? p : { ...p, name: maskName(p.name) }))],
    relatedEntity: [...entities, ...parseJsonArray(tmf?.relatedEntity ?? null)],
    note: notes,
    statusChange: changes.map((c) => ({ status: c.status, changeDate: iso(c.at), changeReason: c.reason })),
    '@type': 'TroubleTicket',
  };
  for (const k of Object.keys(out)) if (out[k] === undefined) delete out[k];
  return out;
}
