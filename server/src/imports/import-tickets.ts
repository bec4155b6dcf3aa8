import type { Deps } from '../http/deps.ts';
import type { Actor } from '../access/actor.ts';
import type { Q } from '../db/types.ts';
import { AppError } from '../errors.ts';
import { isUniqueViolation } from '../db/errors.ts';
import { isDatabaseDown } from '../http/error-handler.ts';
import { updateTicket, type Ticket } from '../tickets/repository.ts';
import { categoriesById } from '../tickets/categories.ts';
import { changeTicket } from '../tickets/change.ts';
import { appendEvent } from '../tickets/events.ts';
import { gradeProposal } from '../tickets/grade-proposal.ts';
import { REPEAT_WINDOW_MS } from '../tickets/repeats.ts';
import { slaSettings } from '../sla/policies.ts';
import { regionTree } from '../org/region-tree.ts';
import { normaliseMsisdn } from '../pii/phone.ts';
import { detectHotspots, type DetectHooks } from '../hotspots/detect.ts';
import { hotspotRule } from '../hotspots/settings.ts';
import { lockNeighbourhoods } from '../hotspots/locks.ts';
import { complaintsAt, neighboursOfCells } from '../hotspots/repository.ts';
import { neighbourhoods } from '../network/neighbour-cache.ts';
import type { Complaint } from '../hotspots/windows.ts';
import { addContribution, emptyDelta, encodeContribution, pruneDelta, type Delta } from '../kpis/contribution.ts';
import { applyDelta, insertStored, shardOf } from '../kpis/store.ts';
import { arrayRows, checkRow, externalIdOf, ndjsonRows, type ImportRow, type RawRow, type Rejection } from './ticket-rows.ts';
import { planContribution, planHistory, planIntake, type Plan, type ReplayReference } from './replay.ts';
import {
  allDepartments, cellsById, insertMany, networkComplaintsBetween, refreshPlannerStats, savepoint, ticketIdsByExternalId, ticketIdSource, ticketsOfCustomers, usersByName,
  type DepartmentInfo, type KnownUser,
} from './repository.ts';

/** The body of an import: a JSON array already parsed, or NDJSON text (one ticket per line). */
export type TicketImportInput = { rows: readonly unknown[] } | { ndjson: string };

export interface TicketImportOptions {
  /** after each batch: rows finished (created, skipped or rejected) out of all rows */
  onProgress?: (done: number, total: number) => void;
  /** most rows per transaction; default 500 */
  batchSize?: number;
  /** commit a batch after this long even if it is not full, so live requests are not held up long; default 500 ms */
  batchMs?: number;
  /**
   * Apply rows in the file's order instead of by reportedAt. The outcome is the same either way
   * (DESIGN §11 order independence); by reportedAt is faster (fewer later tickets to update).
   */
  keepFileOrder?: boolean;
  /** told about a row that failed for a reason that is not the caller's (it is rejected too) */
  onUnexpected?: (err: unknown, row: number) => void;
}

/** The answer of DESIGN §11. */
export interface TicketImportResult {
  created: number;
  skipped: number;
  rejected: Rejection[];
  /** externalId → ticket id, for created and skipped rows */
  ids: Record<string, number>;
}

/**
 * Imports historical tickets with their full event history (DESIGN §11 `POST /api/v1/import/tickets`).
 *
 * Each row goes through the live rules in event time: intake (insertTicket's rules: repeats, grade
 * proposal, commitment clock from reportedAt), then each event as a workflow step at its own time
 * (applyStepIn's rules: state checks, clocks started, stopped and re-timed at the event's time),
 * then hotspot detection on the finished history. Rules that involve other tickets update those
 * tickets when a late one arrives (repeats, hotspots), so the outcome does not depend on the
 * order of arrival. An already imported `externalId` is skipped, a bad row is rejected with its
 * reason; rows are applied in batches, one transaction per batch (runBatch: each row worked out
 * in memory, so a rejected row leaves nothing behind and never stops the others; the accepted
 * ones written together; a row failing in the database sends the batch back row by row, each in
 * its own savepoint).
 *
 * Imports act as the system (`import:<caller>`) within the caller's regions. An event's `actor`
 * names the user who took the step; it is recorded as that user when the user exists and has the
 * step's role, as `import:<caller>` otherwise. Either way the step is taken in the role the
 * workflow gives it at that point (an expert's reply when the ticket is with the experts…), and
 * every state check applies, so an impossible history is rejected.
 */
export async function importTickets(deps: Deps, caller: Actor, input: TicketImportInput, opts: TicketImportOptions = {}): Promise<TicketImportResult> {
  const now = deps.clock.now();
  const raw: RawRow[] = 'ndjson' in input ? ndjsonRows(input.ndjson) : arrayRows(input.rows);
  const total = raw.length;
  const result: TicketImportResult = { created: 0, skipped: 0, rejected: [], ids: {} };

  // an externalId twice in one file is ambiguous: neither row is imported
  const seen = new Map<string, number[]>();
  for (const r of raw) {
    const id = 'value' in r ? externalIdOf(r.value) : null;
    if (id != null) seen.set(id, [...(seen.get(id) ?? []), r.row]);
  }
  const existing = await ticketIdsByExternalId(deps.db.kysely, [...seen.keys()]);

  let todo: ImportRow[] = [];
  for (const r of raw) {
    const externalId = 'value' in r ? externalIdOf(r.value) : null;
    const rowsWithId = externalId != null ? seen.get(externalId)! : [];
    if (externalId != null && rowsWithId.length > 1) {
      result.rejected.push({ row: r.row, externalId, reason: `externalId ${externalId} appears more than once in this import (rows ${rowsWithId.join(', ')})` });
      continue;
    }
    if (externalId != null && existing.has(externalId)) {
      // re-importing changes nothing (DESIGN §11)
      result.skipped++;
      result.ids[externalId] = existing.get(externalId)!;
      continue;
    }
    const checked = checkRow(r, now);
    if ('reject' in checked) result.rejected.push(checked.reject);
    else todo.push(checked.ok);
  }
  // by report time; ties by externalId, so that which of two same-time tickets of one customer is the repeat does not follow the file
  if (!opts.keepFileOrder) todo = [...todo].sort((a, b) => a.reportedAt - b.reportedAt || (a.externalId < b.externalId ? -1 : a.externalId > b.externalId ? 1 : 0));

  let done = total - todo.length;
  opts.onProgress?.(done, total);
  if (todo.length === 0) return finish(result);

  const context: RowContext = {
    deps, now,
    importer: importActor(caller),
    departments: await allDepartments(deps.db.kysely),
    users: await usersByName(deps.db.kysely, todo.flatMap((r) => r.events.map((e) => e.actor).filter((a): a is string => a != null))),
    onUnexpected: opts.onUnexpected,
    neighbours: new Map(),
  };
  const batchSize = opts.batchSize ?? 500;
  const batchMs = opts.batchMs ?? 500;
  // planner statistics after 1,000 new tickets, then each time the import has grown fourfold, and at the end
  let statsAt = STATS_FIRST;

  let next = 0;
  while (next < todo.length) {
    const rows = todo.slice(next, next + batchSize);
    let outcomes: Outcome[];
    try {
      // the fast way: rows worked out in memory and written together, no savepoint per row
      outcomes = await deps.db.kysely.transaction().execute((trx) => runBatch(trx, context, rows, batchMs, false));
    } catch (err) {
      if (!(err instanceof BatchFailed)) throw err;
      // a row failed in the database (e.g. its externalId was stored meanwhile by a concurrent
      // import): the batch again, each row in its own savepoint and written on its own
      outcomes = await deps.db.kysely.transaction().execute((trx) => runBatch(trx, context, rows, batchMs, true));
    }
    // counted only once the batch is committed
    for (const o of outcomes) {
      if (o.id != null) { result.created++; result.ids[o.row.externalId] = o.id; }
      else if (o.skippedId != null) { result.skipped++; result.ids[o.row.externalId] = o.skippedId; }
      else result.rejected.push({ row: o.row.row, externalId: o.row.externalId, reason: o.reason! });
    }
    next += outcomes.length;
    done += outcomes.length;
    if (result.created >= statsAt) {
      await refreshPlannerStats(deps.db.kysely, deps.db.engine);
      statsAt *= 4;
    }
    opts.onProgress?.(done, total);
  }
  if (result.created >= STATS_FIRST) await refreshPlannerStats(deps.db.kysely, deps.db.engine);
  return finish(result);
}

const STATS_FIRST = 1000;

function finish(r: TicketImportResult): TicketImportResult {
  r.rejected.sort((a, b) => a.row - b.row);
  return r;
}

interface RowContext {
  deps: Deps;
  now: number;
  importer: Actor;
  departments: Map<string, DepartmentInfo>;
  users: Map<string, KnownUser>;
  onUnexpected?: (err: unknown, row: number) => void;
  /** neighbour lists read so far (cell → neighbours, empty when none) */
  neighbours: Map<string, string[]>;
}

interface Outcome { row: ImportRow; id?: number; skippedId?: number; reason?: string }

/** A row failed in the database on the fast way: the batch is rolled back and done again row by row. */
class BatchFailed extends Error {
  constructor(cause: unknown) { super(`import batch failed: ${(cause as Error)?.message ?? cause}`, { cause }); }
}

/** The import acting as the system, within the caller's regions: `import:<caller>` in the history. */
export function importActor(caller: Actor): Actor {
  const who = caller.kind === 'system' ? caller.name.replace(/^system:/, '') : caller.name;
  return {
    kind: 'system', id: 0, name: `import:${who}`, role: caller.role, regionId: caller.regionId, departmentId: null,
    isProvince: caller.isProvince, regionSubtreeIds: caller.regionSubtreeIds,
  };
}


/** A stored or batch ticket as the repeat rule sees it; `plan` while the batch holds it (then its flags are the plan's). */
interface Candidate { id: number; reportedAt: number; isRepeat: number; plan?: Plan }

/**
 * One batch in one transaction (DESIGN §11), with the outcome each row would have on its own,
 * in order:
 *
 * - each row is worked out in memory (replay.ts: intake, then every event as a history step); a
 *   row that breaks a rule is rejected with its reason before anything of it is written;
 * - the repeat rule reads the batch's customers once, and keeps the batch's own tickets in memory:
 *   a row is a repeat when a ticket of its customer and category was reported in the 30 days
 *   before, and it makes later non-repeats repeats (stored ones are updated at once, with their
 *   system event; batch ones in memory);
 * - accepted rows wait, and are written together (ticket rows with ids handed out in row order,
 *   histories, clocks, departments, KPI contributions and their summed aggregate change, outbox):
 *   at the end of the batch, or before hotspot detection changes anything, since detection
 *   reads stored rows. Detection runs after each network row as before, seeing the waiting
 *   rows as if they were stored.
 *
 * With `safe`, each row has its own savepoint and is written at once, the way every row went
 * before: the fallback when a row fails in the database (BatchFailed on the fast way).
 */
async function runBatch(trx: Q, c: RowContext, rows: ImportRow[], batchMs: number, safe: boolean): Promise<Outcome[]> {
  const { deps, now } = c;
  const engine = deps.db.engine;
  const started = Date.now();
  const tree = await regionTree(trx, now);
  const customerKeys = new Map<string, string>();
  const ref: ReplayReference = {
    categories: await categoriesById(trx, now),
    cells: await cellsById(trx, rows.map((r) => r.intake.cellId).filter((x): x is string => !!x)),
    parentOf: tree.parentOf,
    sla: await slaSettings(trx, now),
    departments: c.departments,
    users: c.users,
    timeZone: deps.config.timeZone,
    pii: deps.pii,
    customerKey: (msisdn) => {
      let key = customerKeys.get(msisdn);
      if (key === undefined) { key = deps.pii.blindIndex(msisdn); customerKeys.set(msisdn, key); }
      return key;
    },
  };
  const nextId = await ticketIdSource(trx, engine, Math.min(rows.length, 1000));

  // the repeat rule's candidates: stored tickets of the batch's customers around the batch's times
  let candidates = new Map<string, Candidate[]>();
  const loadCandidates = async (from: number) => {
    candidates = new Map();
    const left = rows.slice(from);
    if (left.length === 0) return;
    const keys = new Set<string>();
    let lo = Infinity;
    let hi = -Infinity;
    for (const r of left) {
      const msisdn = normaliseMsisdn(r.intake.customer?.msisdn ?? '');
      if (msisdn) keys.add(ref.customerKey(msisdn));
      lo = Math.min(lo, r.reportedAt);
      hi = Math.max(hi, r.reportedAt);
    }
    for (const x of await ticketsOfCustomers(trx, [...keys], lo - REPEAT_WINDOW_MS, hi + REPEAT_WINDOW_MS)) {
      const k = `${x.customerKey}\u0000${x.categoryId}`;
      const list = candidates.get(k);
      const cand = { id: x.id, reportedAt: x.reportedAt, isRepeat: x.isRepeat };
      if (list) list.push(cand); else candidates.set(k, [cand]);
    }
  };
  await loadCandidates(0);
  const isRepeatOf = (x: Candidate) => (x.plan ? x.plan.ticket.isRepeat : x.isRepeat);

  // accepted rows not written yet, in row order; network ones by category for detection's reads
  let pending: Plan[] = [];
  let pendingByCategory = new Map<string, Plan[]>();
  // the written rows' KPI change, added to the aggregates once at the end of the batch (sums
  // commute: the other changes in between add their own); in safe mode with each row
  const delta = emptyDelta();
  const flush = async () => {
    if (pending.length === 0) return;
    const plans = pending;
    pending = [];
    pendingByCategory = new Map();
    await writePlans(trx, deps, plans, now, safe ? null : delta);
  };
  // hotspot detection's reads: on the fast way from a snapshot of the batch's time span taken
  // under the batch's neighbourhood locks, plus the batch's own rows; else the ticket index plus
  // the rows not written yet
  const rule = await hotspotRule(trx, deps.db, now);
  const span = safe ? null : await complaintSnapshot(trx, c, ref, rows, rule.windowMs);
  const batchComplaints = new Map<string, Complaint[]>();
  const inMemory = (list: readonly Complaint[] | undefined, cellIds: readonly string[], after: number, before: number) => {
    if (!list) return [];
    const cells = new Set(cellIds);
    return list.filter((x) => cells.has(x.cellId) && x.reportedAt > after && x.reportedAt < before);
  };
  const hooks: DetectHooks = {
    complaintsAt: async (categoryId, cellIds, after, before) => {
      if (span && after >= span.from && before <= span.to) {
        return [...inMemory(span.byCategory.get(categoryId), cellIds, after, before), ...inMemory(batchComplaints.get(categoryId), cellIds, after, before)];
      }
      const pendingOnes = inMemory(pendingByCategory.get(categoryId)?.map((p) => ({ id: p.ticket.id, cellId: p.ticket.cellId!, reportedAt: p.ticket.reportedAt })), cellIds, after, before);
      return [...await complaintsAt(trx, categoryId, cellIds, after, before), ...pendingOnes];
    },
    neighboursOfCells: (cellIds) => neighboursFor(trx, c, cellIds),
    beforeChange: flush,
    neighbourhoodLocked: span != null,
  };

  const outcomes: Outcome[] = [];
  for (let i = 0; i < rows.length && (outcomes.length === 0 || Date.now() - started < batchMs); i++) {
    const row = rows[i];
    // the rules of the row itself: nothing is written for a row they reject
    let plan: Plan;
    try {
      plan = planIntake(ref, c.importer, row, now, (customerKey, categoryId, reportedAt) =>
        (candidates.get(`${customerKey}\u0000${categoryId}`) ?? []).some((x) => x.reportedAt >= reportedAt - REPEAT_WINDOW_MS && x.reportedAt <= reportedAt));
      planHistory(ref, c.importer, plan, now);
    } catch (err) {
      if (err instanceof AppError) outcomes.push({ row, reason: err.message });
      else {
        c.onUnexpected?.(err, row.row);
        outcomes.push({ row, reason: `unexpected error: ${(err as Error)?.message ?? err}` });
      }
      continue;
    }

    if (safe) await savepoint.begin(trx);
    try {
      const id = await nextId();
      const t = plan.ticket;
      t.id = id;
      // a late-arriving earlier ticket makes later ones repeats (DESIGN §11: order independence)
      const key = `${t.customerKey}\u0000${t.categoryId}`;
      const list = candidates.get(key) ?? [];
      for (const x of list) {
        if (isRepeatOf(x) !== 0 || x.id === id || x.reportedAt < t.reportedAt || x.reportedAt > t.reportedAt + REPEAT_WINDOW_MS) continue;
        if (!(x.reportedAt > t.reportedAt || x.id > id)) continue;
        if (x.plan && pending.includes(x.plan)) markRepeatInPlan(x.plan, c.importer, id, now);
        else {
          await markRepeatStored(trx, deps, c.importer, x.id, id, now);
          if (x.plan) x.plan.ticket.isRepeat = 1;
        }
        x.isRepeat = 1;
      }
      list.push({ id, reportedAt: t.reportedAt, isRepeat: t.isRepeat, plan });
      candidates.set(key, list);
      pending.push(plan);
      if (t.isNetwork && t.cellId) {
        const byCat = pendingByCategory.get(t.categoryId);
        if (byCat) byCat.push(plan); else pendingByCategory.set(t.categoryId, [plan]);
        const complaint = { id, cellId: t.cellId, reportedAt: t.reportedAt };
        const inBatch = batchComplaints.get(t.categoryId);
        if (inBatch) inBatch.push(complaint); else batchComplaints.set(t.categoryId, [complaint]);
        // after the history, so a cluster meets the same finished ticket whichever arrived first (§4, §11)
        await detectHotspots(trx, deps, id, now, { id, categoryId: t.categoryId, isNetwork: t.isNetwork, cellId: t.cellId, reportedAt: t.reportedAt, regionId: t.regionId }, hooks);
      }
      if (safe) {
        await flush();
        await savepoint.release(trx);
      }
      outcomes.push({ row, id });
    } catch (err) {
      if (isDatabaseDown(err)) throw err;
      if (!safe) throw new BatchFailed(err);
      await savepoint.rollback(trx);
      pending = [];
      pendingByCategory = new Map();
      // what this row changed in memory went with its savepoint: read the candidates again
      await loadCandidates(i + 1);
      if (isUniqueViolation(err)) {
        // the same externalId committed meanwhile by a concurrent import: nothing to do
        const other = (await ticketIdsByExternalId(trx, [row.externalId])).get(row.externalId);
        outcomes.push(other != null ? { row, skippedId: other } : { row, reason: 'conflicts with a ticket stored at the same time' });
      } else if (err instanceof AppError) {
        outcomes.push({ row, reason: err.message });
      } else {
        c.onUnexpected?.(err, row.row);
        outcomes.push({ row, reason: `unexpected error: ${(err as Error)?.message ?? err}` });
      }
    }
  }
  try {
    await flush();
    await applyDelta(trx, pruneDelta(delta), shardOf(trx));
  } catch (err) {
    if (isDatabaseDown(err) || safe) throw err;
    throw new BatchFailed(err);
  }
  return outcomes;
}

/** A waiting batch row made a repeat by an earlier ticket (insertTicket's update, in memory). */
function markRepeatInPlan(p: Plan, importer: Actor, becauseOf: number, now: number): void {
  const t = p.ticket;
  const proposal = gradeProposal({ vip: !!t.customerVip, repeat: true, channel: t.channel, hotspot: t.hotspotId != null });
  p.ticket = { ...t, isRepeat: 1, gradeProposal: proposal ? JSON.stringify(proposal) : null, version: t.version + 1, updatedAt: now };
  p.events.push({
    type: 'marked_repeat', at: now, recordedAt: now, actor: 'system:repeats', actorRole: 'system',
    fromDepartmentId: null, toDepartmentId: null, data: JSON.stringify({ becauseOf }),
  });
  void importer;
}

/** A stored ticket made a repeat by an earlier one (as tickets/intake.ts insertTicket does it). */
async function markRepeatStored(trx: Q, deps: Deps, importer: Actor, laterId: number, becauseOf: number, now: number): Promise<void> {
  await changeTicket(trx, deps, laterId, async () => {
    const later = await trx.selectFrom('ticket').selectAll().where('id', '=', laterId).executeTakeFirstOrThrow();
    const p = gradeProposal({ vip: !!later.customerVip, repeat: true, channel: later.channel, hotspot: later.hotspotId != null });
    await updateTicket(trx, later, { isRepeat: 1, gradeProposal: p ? JSON.stringify(p) : null }, now);
    await appendEvent(trx, { ticketId: laterId, type: 'marked_repeat', at: now, actor: { ...importer, kind: 'system', name: 'system:repeats' }, data: { becauseOf } }, now);
  });
}

const TICKET_COLUMNS = [
  'id', 'external_id', 'channel', 'customer_key', 'customer_msisdn_enc', 'customer_name_enc', 'customer_vip', 'category_id', 'is_network',
  'network', 'cell_id', 'lon', 'lat', 'address', 'region_id', 'reported_at', 'reported_day', 'description', 'status', 'grade', 'grade_proposal',
  'is_repeat', 'hotspot_id', 'noc_department_id', 'assignee_department_id', 'prev_department_id', 'commitment_hours', 'resolution',
  'resolved_at_intake', 'next_due_at', 'clock_state', 'round', 'version', 'created_by', 'created_at', 'updated_at', 'closed_at',
] as const;
const EVENT_COLUMNS = ['ticket_id', 'type', 'at', 'recorded_at', 'actor', 'actor_role', 'from_department_id', 'to_department_id', 'data'];
const CLOCK_COLUMNS = [
  'ticket_id', 'clock', 'round', 'calendar_id', 'duration_ms', 'started_at', 'warn_at', 'due_at', 'province_at',
  'stopped_at', 'warned_at', 'breached_at', 'province_escalated_at', 'next_fire_at',
];
const camel = (c: string) => c.replace(/_([a-z])/g, (_, x: string) => x.toUpperCase());
const TICKET_FIELDS = TICKET_COLUMNS.map(camel) as (keyof Ticket)[];

/**
 * Writes worked-out rows: what insertTicket, each history step and the KPI hook would have
 * written, as a few multi-row statements (in row order, so ids follow the rows as before).
 */
async function writePlans(trx: Q, deps: Deps, plans: Plan[], now: number, batchDelta: Delta | null): Promise<void> {
  await insertMany(trx, 'ticket', TICKET_COLUMNS, plans.map((p) => TICKET_FIELDS.map((f) => p.ticket[f])));
  const events: unknown[][] = [];
  const clocks: unknown[][] = [];
  const departments: unknown[][] = [];
  const stored: { ticketId: number; facts: string }[] = [];
  const delta = batchDelta ?? emptyDelta();
  for (const p of plans) {
    const id = p.ticket.id;
    for (const e of p.events) events.push([id, e.type, e.at, e.recordedAt, e.actor, e.actorRole, e.fromDepartmentId, e.toDepartmentId, e.data]);
    for (const k of p.clocks) {
      clocks.push([id, k.clock, k.round, k.calendarId, k.durationMs, k.startedAt, k.warnAt, k.dueAt, k.provinceAt, k.stoppedAt, k.warnedAt, k.breachedAt, k.provinceEscalatedAt, k.nextFireAt]);
    }
    for (const d of p.departments) departments.push([id, d]);
    const contribution = planContribution(p, deps.config.timeZone);
    addContribution(delta, contribution, 1);
    stored.push({ ticketId: id, facts: encodeContribution(contribution) });
  }
  await insertMany(trx, 'ticket_event', EVENT_COLUMNS, events);
  await insertMany(trx, 'ticket_clock', CLOCK_COLUMNS, clocks);
  await insertMany(trx, 'ticket_department', ['ticket_id', 'department_id'], departments);
  // the KPI contributions, and their sum added to the aggregates once
  await insertStored(trx, stored);
  if (!batchDelta) await applyDelta(trx, pruneDelta(delta), shardOf(trx));
  // one ticket.created message per ticket (history is not news: no message per past step)
  const outbox = await insertMany(trx, 'outbox', ['topic', 'ticket_id', 'payload', 'created_at'],
    plans.map((p) => ['ticket.created', p.ticket.id, JSON.stringify({ ticketId: p.ticket.id }), now]), 'id, ticket_id');
  await insertMany(trx, 'outbox_pending', ['outbox_id', 'ticket_id'], outbox.map((r) => [Number(r.id), Number(r.ticketId ?? r.ticket_id)]));
}

/** Most stored complaints a batch reads at once for detection; a busier time span is read per row. */
const SNAPSHOT_MAX = 20_000;

/**
 * The stored network complaints of the batch's categories reported within a window of the batch's
 * time span, read once after the neighbourhoods of the batch's network rows are locked (on
 * PostgreSQL, so that concurrent intake at those cells waits for this batch, as it would wait for
 * a row's own detection). Null when the span holds too many: then each row reads the index.
 */
async function complaintSnapshot(trx: Q, c: RowContext, ref: ReplayReference, rows: ImportRow[], windowMs: number): Promise<{ from: number; to: number; byCategory: Map<string, Complaint[]> } | null> {
  const network = rows.filter((r) => r.intake.cellId && ref.categories.get(r.intake.category)?.isNetwork && ref.cells.has(r.intake.cellId));
  if (network.length === 0) return null;
  const neighbours = await neighboursFor(trx, c, network.map((r) => r.intake.cellId!));
  // detection asks the shared neighbour cache for N(x): answer it from these lists instead of a read per cell
  for (const x of new Set(network.map((r) => r.intake.cellId!))) await neighbourhoods.get(trx, x, async () => neighbours.get(x) ?? []);
  await lockNeighbourhoods(trx, c.deps.db.engine, network.map((r) => ({ categoryId: r.intake.category, cellIds: [r.intake.cellId!, ...(neighbours.get(r.intake.cellId!) ?? [])] })));
  let from = Infinity;
  let to = -Infinity;
  for (const r of network) { from = Math.min(from, r.reportedAt - windowMs); to = Math.max(to, r.reportedAt + windowMs); }
  const stored = await networkComplaintsBetween(trx, [...ref.parentOf.keys()], [...new Set(network.map((r) => r.intake.category))], from, to, SNAPSHOT_MAX + 1);
  if (stored.length > SNAPSHOT_MAX) return null;
  const byCategory = new Map<string, Complaint[]>();
  for (const x of stored) {
    const list = byCategory.get(x.categoryId);
    const complaint = { id: x.id, cellId: x.cellId, reportedAt: x.reportedAt };
    if (list) list.push(complaint); else byCategory.set(x.categoryId, [complaint]);
  }
  return { from, to, byCategory };
}

/** Neighbour lists, read once per import for the cells its rows name (and their neighbours' when detection asks). */
async function neighboursFor(trx: Q, c: RowContext, cellIds: readonly string[]): Promise<Map<string, string[]>> {
  const missing = [...new Set(cellIds)].filter((x) => !c.neighbours.has(x));
  if (missing.length) {
    const found = await neighboursOfCells(trx, missing);
    for (const x of missing) c.neighbours.set(x, found.get(x) ?? []);
  }
  const out = new Map<string, string[]>();
  for (const x of cellIds) {
    const list = c.neighbours.get(x)!;
    if (list.length) out.set(x, list);
  }
  return out;
}
