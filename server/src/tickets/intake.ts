import type { Deps } from '../http/deps.ts';
import type { Actor } from '../access/actor.ts';
import { regionInScope } from '../access/actor.ts';
import { errors } from '../errors.ts';
import type { Selectable } from 'kysely';
import type { Q } from '../db/types.ts';
import { prepared } from '../db/prepared.ts';
import type { TicketClockRow, TicketEventRow, TicketRow } from './tables.ts';
import { dayKey, parseIso } from '../shared/time.ts';
import { normaliseMsisdn } from '../pii/phone.ts';
import { categoriesById, type Category } from './categories.ts';
import { slaSettings } from '../sla/policies.ts';
import { planFor, startClock, summarise } from './clock-store.ts';
import { appendEvent, appendEventRow } from './events.ts';
import { addOutbox } from '../outbox/outbox.ts';
import { isRepeat, laterNonRepeats } from './repeats.ts';
import { gradeProposal } from './grade-proposal.ts';
import { changeTicket } from './change.ts';
import { updateTicket, type Ticket } from './repository.ts';
import { addNewTicketKpis } from '../kpis/hooks.ts';
import { detectHotspots } from '../hotspots/detect.ts';
import { regionTree } from '../org/region-tree.ts';

export interface IntakeInput {
  channel: string;
  customer: { msisdn: string; name?: string; vip?: boolean };
  category: string;
  network?: string;
  cellId?: string;
  location?: { lon: number; lat: number };
  address?: string;
  region?: string;
  reportedAt?: string;
  description: string;
  commitmentHours?: number;
  externalId?: string;
}

/** The input's cell as stored. */
async function findCell(trx: Q, cellId: string): Promise<IntakeCell | null> {
  // through the query builder: the CamelCasePlugin renames result columns, raw `region_id` would come back as `regionId`
  const c = await cellById.first(trx, { cellId });
  return c ? { regionId: c.regionId, network: c.network, lon: Number(c.lon), lat: Number(c.lat) } : null;
}

// asked or written at every intake: compiled once (db/prepared.ts)
const cellById = prepared((q, p: { cellId: string }) => q.selectFrom('cell').select(['regionId', 'network', 'lon', 'lat']).where('id', '=', p.cellId));
type NewTicket = Omit<Selectable<TicketRow>, 'id'>;
// every column, each once: `satisfies` fails to compile when a column is added to the table but not here
const TICKET_COLUMNS = Object.keys({
  externalId: 1, channel: 1, customerKey: 1, customerMsisdnEnc: 1, customerNameEnc: 1, customerVip: 1, categoryId: 1, isNetwork: 1,
  network: 1, cellId: 1, lon: 1, lat: 1, address: 1, regionId: 1, reportedAt: 1, reportedDay: 1, description: 1, status: 1, grade: 1,
  gradeProposal: 1, isRepeat: 1, hotspotId: 1, nocDepartmentId: 1, assigneeDepartmentId: 1, prevDepartmentId: 1, commitmentHours: 1,
  resolution: 1, resolvedAtIntake: 1, nextDueAt: 1, clockState: 1, round: 1, version: 1, createdBy: 1, createdAt: 1, updatedAt: 1, closedAt: 1,
} satisfies Record<keyof NewTicket, 1>) as (keyof NewTicket)[];
const insertTicketRow = prepared((q, p: NewTicket) => q.insertInto('ticket')
  .values(Object.fromEntries(TICKET_COLUMNS.map((c) => [c, p[c]])) as NewTicket).returningAll());

/** A cell as intake needs it (the network domain owns the table). */
export interface IntakeCell { regionId: string; network: string; lon: number; lat: number }

/** An intake's input checked, with what it names resolved. */
export interface CheckedIntake {
  category: Category; msisdn: string; reportedAt: number;
  regionId: string; network: string | null; lon: number | null; lat: number | null;
}

/**
 * The checks of an intake that need nothing but reference data (live intake here, imports in
 * imports/replay.ts): category, phone number, report time, place and region, the caller's
 * scope. `cell` is the input's cell as stored (null when it names none or an unknown one).
 */
export function checkIntake(input: IntakeInput, actor: Actor, now: number, ref: { categories: Map<string, Category>; parentOf: Map<string, string | null>; cell: IntakeCell | null }): CheckedIntake {
  const category = ref.categories.get(input.category);
  if (!category || !category.active || !category.parentId) {
    throw errors.validation(`unknown category ${input.category}; use a second-level id such as network.call_drop`, { category: input.category });
  }
  const msisdn = normaliseMsisdn(input.customer.msisdn);
  if (!msisdn) throw errors.validation('customer.msisdn must be 5–15 digits, optionally with a leading +', { msisdn: 'invalid' });
  const reportedAt = input.reportedAt === undefined ? now : parseIso(input.reportedAt);
  if (reportedAt == null) throw errors.validation('reportedAt must be an ISO 8601 time with offset, e.g. 2026-03-07T17:00:00+08:00', { reportedAt: input.reportedAt });
  if (reportedAt > now + 5 * 60_000) throw errors.validation('reportedAt is in the future', { reportedAt: input.reportedAt });

  let regionId = input.region ?? null;
  let network = input.network ?? null;
  let lon = input.location?.lon ?? null;
  let lat = input.location?.lat ?? null;
  if (input.cellId) {
    const cell = ref.cell;
    if (!cell) throw errors.validation(`unknown cell ${input.cellId}`, { cellId: input.cellId });
    if (regionId && regionId !== cell.regionId) throw errors.validation(`cell ${input.cellId} is in region ${cell.regionId}, not ${regionId}`, { cellId: input.cellId });
    regionId = cell.regionId;
    network ??= cell.network;
    lon ??= cell.lon;
    lat ??= cell.lat;
  }
  if (!regionId) throw errors.validation('give region (the city), or a cellId to take it from', { field: 'region' });
  const parentId = ref.parentOf.get(regionId);
  if (parentId === undefined) throw errors.validation(`unknown region ${regionId}`, { region: regionId });
  if (!parentId) throw errors.validation(`region ${regionId} is the province; give the city`, { region: regionId });
  if (!regionInScope(actor, regionId)) throw errors.forbidden(`region ${regionId} is outside your scope`, { region: regionId });
  if (category.isNetwork && !network) throw errors.validation('network is required for a network complaint (or give a cellId)', { field: 'network' });
  if (category.isNetwork && !input.cellId && lon == null && !input.address) {
    throw errors.validation('a network complaint needs a place: cellId, location {lon, lat} or address', { field: 'cellId' });
  }
  return { category, msisdn, reportedAt, regionId, network, lon, lat };
}

/** A new ticket's row as intake stores it (live intake and imports). */
export function newTicketRow(input: IntakeInput, actor: Actor, now: number, c: CheckedIntake, x: {
  customerKey: string; customerMsisdnEnc: string; customerNameEnc: string | null; repeat: boolean;
  summary: { nextDueAt: number | null; clockState: string }; reportedDay: number;
}): NewTicket {
  const proposal = gradeProposal({ vip: !!input.customer.vip, repeat: x.repeat, channel: input.channel, hotspot: false });
  return {
    externalId: input.externalId ?? null,
    channel: input.channel,
    customerKey: x.customerKey,
    customerMsisdnEnc: x.customerMsisdnEnc,
    customerNameEnc: x.customerNameEnc,
    customerVip: input.customer.vip ? 1 : 0,
    categoryId: c.category.id,
    isNetwork: c.category.isNetwork ? 1 : 0,
    network: c.network, cellId: input.cellId ?? null, lon: c.lon, lat: c.lat, address: input.address ?? null,
    regionId: c.regionId, reportedAt: c.reportedAt, reportedDay: x.reportedDay,
    description: input.description,
    status: 'new', grade: 'ordinary', gradeProposal: proposal ? JSON.stringify(proposal) : null,
    isRepeat: x.repeat ? 1 : 0, hotspotId: null, nocDepartmentId: null, assigneeDepartmentId: null, prevDepartmentId: null,
    commitmentHours: input.commitmentHours ?? null, resolution: null, resolvedAtIntake: 0,
    nextDueAt: x.summary.nextDueAt, clockState: x.summary.clockState, round: 1, version: 1,
    createdBy: actor.name, createdAt: now, updatedAt: now, closedAt: null,
  };
}

/** The history intake wrote for a new ticket, for an answer without reading it back. */
export interface WrittenHistory { events: Selectable<TicketEventRow>[]; clocks: Selectable<TicketClockRow>[] }

/**
 * Takes a complaint in (DESIGN §3 step 1): validates it, stores the ticket with its `created`
 * event and commitment clock, marks repeats (and later tickets that this one makes repeats),
 * proposes the grade, runs hotspot detection, and writes the outbox, all in `trx`.
 * `at` is when the system learns of it (now for live intake, the import's time otherwise).
 * With `deferHotspots` the caller runs detectHotspots itself once it has applied the ticket's
 * imported history, so a cluster affects the finished history whichever ticket came first (§11).
 * `written` is filled with the ticket's events and clocks when they are all the ones it wrote
 * (left empty when hotspot detection changed the ticket: then read them).
 */
export async function insertTicket(trx: Q, deps: Deps, actor: Actor, input: IntakeInput, now: number, opts: { deferHotspots?: boolean; written?: WrittenHistory } = {}): Promise<Ticket> {
  const cell = input.cellId ? await findCell(trx, input.cellId) : null;
  const checked = checkIntake(input, actor, now, { categories: await categoriesById(trx, now), parentOf: (await regionTree(trx)).parentOf, cell });
  const { category, msisdn, reportedAt } = checked;

  const customerKey = deps.pii.blindIndex(msisdn);
  const repeat = await isRepeat(trx, customerKey, category.id, reportedAt, null);
  // the commitment clock is planned first, so the ticket row carries its queue position from the start
  const sla = await slaSettings(trx, now);
  const commitment = planFor(sla, { clock: 'commitment', categoryId: category.id, grade: 'ordinary', startedAt: reportedAt, commitmentHours: input.commitmentHours ?? null });
  const summary = summarise([{ ...commitment, warnedAt: null, breachedAt: null }], now);
  const row = (await insertTicketRow.first(trx, newTicketRow(input, actor, now, checked, {
    customerKey, repeat, summary, reportedDay: dayKey(reportedAt, deps.config.timeZone),
    customerMsisdnEnc: deps.pii.encrypt(msisdn), customerNameEnc: input.customer.name ? deps.pii.encrypt(input.customer.name) : null,
  })))!;
  const id = row.id;

  const created = await appendEventRow(trx, { ticketId: id, type: 'created', at: reportedAt, actor, data: { channel: input.channel, category: category.id, ...(repeat ? { repeat: true } : {}) } }, now);
  const clock = await startClock(trx, sla, { id, categoryId: category.id, grade: 'ordinary', round: 1, commitmentHours: input.commitmentHours ?? null }, 'commitment', reportedAt, commitment);
  await addNewTicketKpis(trx, deps.config.timeZone, row, [{ clock: 'commitment', startedAt: reportedAt, stoppedAt: null, breachedAt: null }]);

  // a late-arriving earlier ticket makes later ones repeats (DESIGN §11: order independence)
  for (const laterId of await laterNonRepeats(trx, customerKey, category.id, reportedAt, id)) {
    await changeTicket(trx, deps, laterId, async () => {
      const later = await trx.selectFrom('ticket').selectAll().where('id', '=', laterId).executeTakeFirstOrThrow();
      const p = gradeProposal({ vip: !!later.customerVip, repeat: true, channel: later.channel, hotspot: later.hotspotId != null });
      await updateTicket(trx, later, { isRepeat: 1, gradeProposal: p ? JSON.stringify(p) : null }, now);
      await appendEvent(trx, { ticketId: laterId, type: 'marked_repeat', at: now, actor: { ...actor, kind: 'system', name: 'system:repeats' }, data: { becauseOf: id } }, now);
    });
  }

  const regraded = !opts.deferHotspots && await detectHotspots(trx, deps, id, now, row);
  await addOutbox(trx, { topic: 'ticket.created', ticketId: id, payload: { ticketId: id }, at: now });
  // the row as inserted is current unless a hotspot changed it (later repeats change other tickets)
  if (regraded) return trx.selectFrom('ticket').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  if (opts.written && clock) { opts.written.events.push(created); opts.written.clocks.push(clock); }
  return row;
}
