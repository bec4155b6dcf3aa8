import type { Deps } from '../http/deps.ts';
import type { Actor } from '../access/actor.ts';
import type { Q } from '../db/types.ts';
import { isUniqueViolation } from '../db/errors.ts';
import { regionTree } from '../org/region-tree.ts';
import { normaliseMsisdn } from '../pii/phone.ts';
import { NETWORKS } from '../shared/network.ts';
import { parseIso } from '../shared/time.ts';
import { categoriesById } from '../tickets/categories.ts';
import { CHANNELS } from '../tickets/schemas.ts';
import { insertTicket, type IntakeInput } from '../tickets/intake.ts';
import { applyStepIn } from '../tickets/apply-event.ts';
import { readTmfSettings } from './settings.ts';
import { tmfError } from './errors.ts';
import type { TroubleTicketCreateBody } from './schemas.ts';

type Entity = NonNullable<TroubleTicketCreateBody['relatedEntity']>[number];
type EntityKind = 'cell' | 'region' | 'network' | 'address' | 'location';

/**
 * What a related entity means to netcare, by `role` or `@referredType`: the cell (Cell / role
 * cell), the city (GeographicArea or Region / role region), the radio network (Network / role
 * network, id GSM|WCDMA|LTE|NR), an address (GeographicAddress / role address, text in name or
 * id), a point (GeographicLocation / role location, id "lon,lat"). Anything else is kept as sent.
 */
export function entityKind(e: Pick<Entity, 'role' | '@referredType'>): EntityKind | null {
  const role = e.role?.toLowerCase();
  const type = e['@referredType']?.toLowerCase();
  if (role === 'cell' || type === 'cell') return 'cell';
  if (role === 'region' || type === 'region' || type === 'geographicarea') return 'region';
  if (role === 'network' || type === 'network') return 'network';
  if (role === 'address' || type === 'geographicaddress') return 'address';
  if (role === 'location' || type === 'geographiclocation' || type === 'geopoint') return 'location';
  return null;
}

export interface MappedCreate {
  intake: IntakeInput;
  ticketType: string;
  severity: string;
  name: string | null;
  requestedResolutionDate: number | null;
  otherParties: unknown[];
  otherEntities: unknown[];
  notes: string[];
}

const bad = (message: string, hint?: string) => tmfError(400, 'validation_failed', message, hint);

/**
 * Maps a TroubleTicket_Create onto netcare's intake (DESIGN §3 step 1):
 * - `ticketType` → category when it is a category id (network.call_drop …), else the catch-all;
 *   the client's ticketType is kept and shown back;
 * - the `relatedParty` with role customer → the customer: `id` carries the phone number
 *   (msisdn), `name` the name; other parties are kept as sent;
 * - `relatedEntity` → cell, region, network, address, location (entityKind);
 * - `channel.name` (or `.id`) → channel (hotline, web, app, store, social, email, api,
 *   regulator; `api` when absent);
 * - `creationDate` → reportedAt; `expectedResolutionDate` → the promised time (commitment clock);
 * - region: from the cell, else a region entity, else the caller's region when it is a city.
 */
export async function mapCreate(q: Q, deps: Deps, actor: Actor, body: TroubleTicketCreateBody): Promise<MappedCreate> {
  if (body.attachment?.length) throw bad('attachment is not supported; put a link in a note');
  if (body.troubleTicketRelationship?.length) throw bad('troubleTicketRelationship is not supported');

  const now = deps.clock.now();
  const categories = await categoriesById(q, now);
  const known = categories.get(body.ticketType);
  const category = known && known.active && known.parentId ? known.id : (await readTmfSettings(q)).catchAllCategory;

  const parties = body.relatedParty ?? [];
  const customers = parties.filter((p) => p.role?.toLowerCase() === 'customer');
  if (customers.length !== 1) {
    throw bad('relatedParty needs exactly one party with role customer', 'its id is the customer\'s phone number (msisdn), its name the customer\'s name');
  }
  const msisdn = normaliseMsisdn(customers[0].id);
  if (!msisdn) throw bad('the customer\'s relatedParty id must be a phone number: 5–15 digits, optionally with a leading +');

  const found: Partial<Record<EntityKind, Entity>> = {};
  const otherEntities: unknown[] = [];
  for (const e of body.relatedEntity ?? []) {
    const kind = entityKind(e);
    if (!kind) { otherEntities.push(e); continue; }
    if (found[kind]) throw bad(`relatedEntity has more than one ${kind}`);
    found[kind] = e;
  }
  const network = found.network?.id;
  if (network !== undefined && !(NETWORKS as readonly string[]).includes(network)) throw bad(`relatedEntity network must be one of ${NETWORKS.join(', ')}, not ${network}`);
  let location: { lon: number; lat: number } | undefined;
  if (found.location) {
    const m = /^\s*(-?\d+(?:\.\d+)?)\s*,\s*(-?\d+(?:\.\d+)?)\s*$/.exec(found.location.id);
    const lon = m ? Number(m[1]) : NaN;
    const lat = m ? Number(m[2]) : NaN;
    if (!(Math.abs(lon) <= 180 && Math.abs(lat) <= 90)) throw bad('relatedEntity location id is "lon,lat" in degrees');
    location = { lon, lat };
  }
  const address = found.address ? (found.address.name || found.address.id).slice(0, 500) : undefined;

  const cat = categories.get(category);
  if (cat?.isNetwork && !found.cell) {
    // a network complaint needs its network and a place (DESIGN §3 step 1); a cell gives both
    if (!network) throw bad(`ticketType ${category} is a network complaint: give the cell, or the network`, 'relatedEntity @referredType Cell, or role network with id GSM, WCDMA, LTE or NR');
    if (!found.address && !found.location) throw bad(`ticketType ${category} is a network complaint: give the cell, an address or a location`);
  }

  let region = found.region?.id;
  if (!found.cell && !region) {
    const tree = await regionTree(q, now);
    if (tree.parentOf.get(actor.regionId)) region = actor.regionId;
    else throw bad('the ticket needs a place', 'give a relatedEntity with @referredType Cell, or one with role region naming the city');
  }

  const channel = body.channel?.name ?? body.channel?.id ?? 'api';
  if (!(CHANNELS as readonly string[]).includes(channel)) throw bad(`channel must be one of ${CHANNELS.join(', ')}, not ${channel}`);

  const reportedAt = body.creationDate !== undefined ? parseIso(body.creationDate) : now;
  if (reportedAt == null) throw bad('creationDate must be a date-time with offset');
  let commitmentHours: number | undefined;
  if (body.expectedResolutionDate !== undefined) {
    const due = parseIso(body.expectedResolutionDate);
    if (due == null || due <= reportedAt) throw bad('expectedResolutionDate must be a date-time after the creation of the ticket');
    commitmentHours = (due - reportedAt) / 3600_000;
    if (commitmentHours > 24 * 90) throw bad('expectedResolutionDate is more than 90 days away');
  }
  let requested: number | null = null;
  if (body.requestedResolutionDate !== undefined) {
    requested = parseIso(body.requestedResolutionDate);
    if (requested == null) throw bad('requestedResolutionDate must be a date-time with offset');
  }

  const notes = (body.note ?? []).map((n, i) => {
    const text = n.text?.trim();
    if (!text) throw bad(`note[${i}] has no text`);
    return text;
  });

  return {
    intake: {
      channel,
      customer: { msisdn, ...(customers[0].name ? { name: customers[0].name } : {}) },
      category,
      network,
      cellId: found.cell?.id,
      location,
      address,
      region,
      reportedAt: body.creationDate,
      description: body.description,
      commitmentHours,
      externalId: body.externalId,
    },
    ticketType: body.ticketType,
    severity: body.severity,
    name: body.name ?? null,
    requestedResolutionDate: requested,
    otherParties: parties.filter((p) => p !== customers[0]),
    otherEntities,
    notes,
  };
}

/**
 * Creates a trouble ticket as a full netcare ticket, in one transaction: intake (clocks,
 * repeats, hotspots, KPIs, outbox `ticket.created`), the TMF attributes, then one `noted` step
 * per note. The status is the server's: a new ticket is `acknowledged`.
 */
export async function createTroubleTicket(deps: Deps, actor: Actor, body: TroubleTicketCreateBody): Promise<number> {
  const k = deps.db.kysely;
  const m = await mapCreate(k, deps, actor, body);
  try {
    return await k.transaction().execute(async (trx) => {
      const now = deps.clock.now();
      let t = await insertTicket(trx, deps, actor, m.intake, now);
      await trx.insertInto('tmfTicket').values({
        ticketId: t.id, ticketType: m.ticketType, severity: m.severity, name: m.name, requestedResolutionDate: m.requestedResolutionDate,
        // other parties may name people: encrypted like the customer's data (DESIGN §1)
        relatedParty: m.otherParties.length ? deps.pii.encrypt(JSON.stringify(m.otherParties)) : null,
        relatedEntity: m.otherEntities.length ? JSON.stringify(m.otherEntities) : null,
        withdrawnAt: null, deletedAt: null, createdAt: now, updatedAt: now,
      }).execute();
      for (const text of m.notes) t = (await applyStepIn(trx, deps, actor, t, { type: 'noted', text }, now, now)).ticket;
      return t.id;
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw tmfError(409, 'conflict', `a trouble ticket with externalId ${body.externalId} exists already`);
    throw err;
  }
}
