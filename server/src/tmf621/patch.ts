import type { Deps } from '../http/deps.ts';
import type { Actor } from '../access/actor.ts';
import type { Role } from '../access/roles.ts';
import { errors } from '../errors.ts';
import { isUniqueViolation } from '../db/errors.ts';
import { parseIso } from '../shared/time.ts';
import { applyStepIn, type StepInput } from '../tickets/apply-event.ts';
import { changeTicket } from '../tickets/change.ts';
import { appendEvent } from '../tickets/events.ts';
import { updateTicket, type Ticket } from '../tickets/repository.ts';
import { addOutbox } from '../outbox/outbox.ts';
import { tmfError, tmfErrors } from './errors.ts';
import { isTtAttribute } from './fields.ts';
import { severityOfGrade } from './present.ts';
import { getVisible, upsertTmf } from './repository.ts';
import { TMF_STATUSES, tmfStatusOf, type TmfStatus } from './status.ts';
import { withdrawIn } from './withdraw.ts';

/** Who may change a ticket's descriptive attributes (the raising side and its managers); notes and status follow the workflow's roles. */
export const ATTRIBUTE_EDITORS: readonly Role[] = ['agent', 'api', 'supervisor', 'admin'];

const PATCHABLE = new Set(['description', 'name', 'severity', 'externalId', 'requestedResolutionDate', 'status', 'statusChangeReason', 'note']);

interface Attributes {
  description?: string;
  name?: string | null;
  severity?: string;
  externalId?: string | null;
  requestedResolutionDate?: number | null;
}

interface ParsedPatch {
  attrs: Attributes;
  /** texts of the notes to add */
  newNotes: string[];
  /** ids of existing notes the document repeats (must exist) */
  keptNoteIds: { id: string; text?: string }[];
  status?: TmfStatus;
  statusChangeReason?: string;
}

const bad = (message: string, hint?: string) => tmfError(400, 'validation_failed', message, hint);
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function text(v: unknown, name: string, max: number, nullable: boolean): string | null {
  if (v === null) {
    if (!nullable) throw bad(`${name} is mandatory and cannot be removed`);
    return null;
  }
  if (typeof v !== 'string' || v.trim().length === 0 || v.length > max) throw bad(`${name} must be a text of 1 to ${max} characters`);
  return v;
}

/**
 * Reads a JSON Merge Patch (RFC 7386) of TroubleTicket_Update. Patchable: description, name,
 * severity, externalId, requestedResolutionDate (null removes the optional ones), status with an
 * optional statusChangeReason, and note. Notes are the append-only internal notes: merge patch
 * replaces the array, so items without id are new notes (text required); items with an id must
 * be existing notes, left as they are; notes are never edited or removed. Every other attribute
 * of the resource is server-owned or fixed at intake: 400 naming it.
 */
export function parsePatch(doc: unknown): ParsedPatch {
  if (!isObject(doc)) throw bad('a merge patch document is a JSON object');
  const p: ParsedPatch = { attrs: {}, newNotes: [], keptNoteIds: [] };
  for (const [key, v] of Object.entries(doc)) {
    if (!isTtAttribute(key)) throw bad(`unknown attribute ${key}`);
    if (!PATCHABLE.has(key)) throw tmfErrors.notPatchable(key);
    switch (key) {
      case 'description': p.attrs.description = text(v, key, 4000, false)!; break;
      case 'severity': p.attrs.severity = text(v, key, 64, false)!; break;
      case 'name': p.attrs.name = text(v, key, 200, true); break;
      case 'externalId': p.attrs.externalId = text(v, key, 128, true); break;
      case 'requestedResolutionDate': {
        if (v === null) { p.attrs.requestedResolutionDate = null; break; }
        const ms = typeof v === 'string' ? parseIso(v) : null;
        if (ms == null) throw bad('requestedResolutionDate must be a date-time with offset');
        p.attrs.requestedResolutionDate = ms;
        break;
      }
      case 'status':
        if (typeof v !== 'string' || !(TMF_STATUSES as readonly string[]).includes(v)) throw bad(`status must be one of ${TMF_STATUSES.join(', ')}`);
        p.status = v as TmfStatus;
        break;
      case 'statusChangeReason': p.statusChangeReason = text(v, key, 4000, false)!; break;
      case 'note': {
        if (!Array.isArray(v)) throw bad('note is a list; notes cannot be removed');
        v.forEach((n, i) => {
          if (!isObject(n)) throw bad(`note[${i}] must be an object`);
          if (n.id !== undefined) {
            if (typeof n.id !== 'string') throw bad(`note[${i}].id must be a string`);
            p.keptNoteIds.push({ id: n.id, text: typeof n.text === 'string' ? n.text : undefined });
            return;
          }
          if (typeof n.text !== 'string' || !n.text.trim()) throw bad(`note[${i}] has no text`);
          if (n.text.length > 4000) throw bad(`note[${i}].text is longer than 4000 characters`);
          p.newNotes.push(n.text.trim());
        });
        break;
      }
    }
  }
  if (p.statusChangeReason !== undefined && p.status === undefined) throw bad('statusChangeReason goes with a status change');
  return p;
}

/** The workflow step a client's status stands for, from the ticket's current TMF status; null = nothing to do. */
function stepFor(target: TmfStatus, current: TmfStatus, reason: string | undefined): StepInput | 'withdraw' | null {
  if (target === current) return null;
  const noStep = (why: string) => tmfError(409, 'invalid_state', `status ${target} cannot be set on a ${current} ticket: ${why}`);
  switch (target) {
    case 'closed':
      return { type: 'closed', ...(reason ? { reason } : {}) };
    case 'resolved':
      if (current !== 'acknowledged') throw noStep('a ticket in progress is resolved by the final reply of the NOC or the department (DESIGN §3)');
      if (!reason) throw bad('resolving a new ticket is the answer given at intake: send it in statusChangeReason');
      return { type: 'resolved_at_intake', text: reason };
    case 'inProgress':
      if (current !== 'acknowledged') throw noStep('only a new ticket is dispatched');
      return { type: 'dispatched', ...(reason ? { reason } : {}) };
    case 'acknowledged':
      if (current !== 'resolved' && current !== 'closed') throw noStep('only an answered ticket can be reopened');
      if (!reason) throw bad('reopening a ticket needs the reason in statusChangeReason');
      return { type: 'reopened', reason };
    case 'cancelled':
      return 'withdraw';
    default:
      throw bad(`status ${target} has no step in the netcare workflow`, 'a client may set closed, resolved (new tickets), inProgress (dispatch), acknowledged (reopen) or cancelled (withdraw)');
  }
}

/**
 * PATCH /troubleTicket/{id}, in one transaction: attributes (one `updated` history event and
 * outbox `ticket.updated`), then new notes (`noted` steps), then the status as its workflow step
 * (role and state checked by the workflow: 403 / 409).
 */
export async function patchTroubleTicket(deps: Deps, actor: Actor, id: number, doc: unknown): Promise<void> {
  const p = parsePatch(doc);
  try {
    await deps.db.kysely.transaction().execute(async (trx) => {
      const now = deps.clock.now();
      const found = await getVisible(trx, deps.db.engine, actor, id, { lock: true });
      let t: Ticket = found.ticket;
      const tmf = found.tmf;

      const current = {
        description: t.description, externalId: t.externalId, name: tmf?.name ?? null,
        severity: tmf?.severity ?? severityOfGrade(t.grade), requestedResolutionDate: tmf?.requestedResolutionDate ?? null,
      };
      const changes: Record<string, { from: unknown; to: unknown }> = {};
      for (const [k, v] of Object.entries(p.attrs) as [keyof Attributes, unknown][]) {
        if (v !== undefined && v !== current[k]) changes[k] = { from: current[k], to: v };
      }
      if (Object.keys(changes).length) {
        if (!ATTRIBUTE_EDITORS.includes(actor.role)) throw errors.roleNotAllowed(actor.role, `change ${Object.keys(changes).join(', ')}`);
        t = await changeTicket(trx, deps, t.id, async () => {
          const onTicket: Partial<Ticket> = {};
          if ('description' in changes) onTicket.description = p.attrs.description!;
          if ('externalId' in changes) onTicket.externalId = p.attrs.externalId ?? null;
          const next = await updateTicket(trx, t, onTicket, now);
          const onTmf: Record<string, unknown> = {};
          for (const k of ['name', 'severity', 'requestedResolutionDate'] as const) if (k in changes) onTmf[k] = p.attrs[k] ?? null;
          if (Object.keys(onTmf).length) await upsertTmf(trx, t.id, onTmf, now);
          const eventId = await appendEvent(trx, { ticketId: t.id, type: 'updated', at: now, actor, data: { via: 'tmf621', changes } }, now);
          await addOutbox(trx, { topic: 'ticket.updated', ticketId: t.id, payload: { ticketId: t.id, eventId, type: 'updated', fields: Object.keys(changes) }, at: now });
          return next;
        });
      }

      if (p.keptNoteIds.length) {
        const notes = await trx.selectFrom('ticketEvent').select(['id', 'data']).where('ticketId', '=', t.id).where('type', '=', 'noted').execute();
        const byId = new Map(notes.map((n) => [String(n.id), n.data ? JSON.parse(n.data).text : undefined]));
        for (const k of p.keptNoteIds) {
          if (!byId.has(k.id)) throw bad(`note ${k.id} does not exist; a new note has no id`);
          if (k.text !== undefined && k.text !== byId.get(k.id)) throw bad(`note ${k.id} cannot be edited: notes are part of the history`);
        }
      }
      for (const text of p.newNotes) t = (await applyStepIn(trx, deps, actor, t, { type: 'noted', text }, now, now)).ticket;

      if (p.status) {
        const step = stepFor(p.status, tmfStatusOf(t.status, tmf?.withdrawnAt != null), p.statusChangeReason);
        if (step === 'withdraw') await withdrawIn(trx, deps, actor, t, tmf, { hide: false, reason: p.statusChangeReason }, now);
        else if (step) await applyStepIn(trx, deps, actor, t, step, now, now);
      }
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw tmfError(409, 'conflict', `another trouble ticket has externalId ${p.attrs.externalId}`);
    throw err;
  }
}
