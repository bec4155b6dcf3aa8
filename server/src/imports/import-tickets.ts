import type { Deps } from '../http/deps.ts';
import type { Actor } from '../access/actor.ts';
import type { Role } from '../access/roles.ts';
import type { Q } from '../db/types.ts';
import { AppError, errors } from '../errors.ts';
import { isUniqueViolation } from '../db/errors.ts';
import { isDatabaseDown } from '../http/error-handler.ts';
import { insertTicket } from '../tickets/intake.ts';
import { applyStepIn } from '../tickets/apply-event.ts';
import { EVENT_ROLES, type StepType } from '../tickets/workflow.ts';
import type { Ticket } from '../tickets/repository.ts';
import { detectHotspots } from '../hotspots/detect.ts';
import { kpiTicketHook } from '../kpis/hooks.ts';
import { arrayRows, checkRow, externalIdOf, ndjsonRows, type ImportEvent, type ImportRow, type RawRow, type Rejection } from './ticket-rows.ts';
import { allDepartments, refreshPlannerStats, regionParents, savepoint, ticketIdsByExternalId, usersByName, type DepartmentInfo, type KnownUser } from './repository.ts';

/** The body of an import: a JSON array already parsed, or NDJSON text (one ticket per line). */
export type TicketImportInput = { rows: readonly unknown[] } | { ndjson: string };

export interface TicketImportOptions {
  /** after each batch: rows finished (created, skipped or rejected) out of all rows */
  onProgress?: (done: number, total: number) => void;
  /** most rows per transaction (each row in its own savepoint); default 500 */
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
 * Each row goes through the live rules in event time: intake (insertTicket: repeats, grade
 * proposal, commitment clock from reportedAt), then each event as a workflow step at its own time
 * (applyStepIn: state checks, clocks started, stopped and re-timed at the event's time), then
 * hotspot detection on the finished history. Rules that involve other tickets update those
 * tickets when a late one arrives (repeats, hotspots), so the outcome does not depend on the
 * order of arrival. An already imported `externalId` is skipped, a bad row is rejected with its
 * reason; rows are applied in batches, one transaction per batch and one savepoint per row, so a
 * rejected row leaves nothing behind and never stops the others.
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
    regions: await regionParents(deps.db.kysely),
    users: await usersByName(deps.db.kysely, todo.flatMap((r) => r.events.map((e) => e.actor).filter((a): a is string => a != null))),
  };
  const batchSize = opts.batchSize ?? 500;
  const batchMs = opts.batchMs ?? 500;
  // planner statistics after 1,000 new tickets, then each time the import has grown fourfold, and at the end
  let statsAt = STATS_FIRST;

  let next = 0;
  while (next < todo.length) {
    const outcomes: { row: ImportRow; id?: number; skippedId?: number; reason?: string }[] = [];
    await deps.db.kysely.transaction().execute(async (trx) => {
      const started = Date.now();
      for (let i = next; i < todo.length && outcomes.length < batchSize && (outcomes.length === 0 || Date.now() - started < batchMs); i++) {
        const row = todo[i];
        await savepoint.begin(trx);
        try {
          const id = await applyRow(trx, context, row);
          await savepoint.release(trx);
          outcomes.push({ row, id });
        } catch (err) {
          await savepoint.rollback(trx);
          if (isUniqueViolation(err)) {
            // the same externalId committed meanwhile by a concurrent import: nothing to do
            const other = (await ticketIdsByExternalId(trx, [row.externalId])).get(row.externalId);
            outcomes.push(other != null ? { row, skippedId: other } : { row, reason: 'conflicts with a ticket stored at the same time' });
          } else if (err instanceof AppError) {
            outcomes.push({ row, reason: err.message });
          } else if (isDatabaseDown(err)) {
            throw err;
          } else {
            opts.onUnexpected?.(err, row.row);
            outcomes.push({ row, reason: `unexpected error: ${(err as Error)?.message ?? err}` });
          }
        }
      }
    });
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
  regions: Map<string, string | null>;
  users: Map<string, KnownUser>;
}

/** The import acting as the system, within the caller's regions: `import:<caller>` in the history. */
export function importActor(caller: Actor): Actor {
  const who = caller.kind === 'system' ? caller.name.replace(/^system:/, '') : caller.name;
  return {
    kind: 'system', id: 0, name: `import:${who}`, role: caller.role, regionId: caller.regionId, departmentId: null,
    isProvince: caller.isProvince, regionSubtreeIds: caller.regionSubtreeIds,
  };
}

/** Stores one row: intake, each event in time order, then hotspot detection on the finished ticket. Throws AppError with the reason. */
async function applyRow(trx: Q, c: RowContext, row: ImportRow): Promise<number> {
  let t = await insertTicket(trx, c.deps, c.importer, row.intake, c.now, { deferHotspots: true });
  for (let i = 0; i < row.events.length; i++) {
    const e = row.events[i];
    try {
      checkDepartment(c, t, e);
      ({ ticket: t } = await applyStepIn(trx, c.deps, eventActor(c, t, e), t, e.step, e.at, c.now, { history: true }));
    } catch (err) {
      if (err instanceof AppError) throw new AppError(err.status, err.code, `event ${i + 1} (${e.step.type} at ${e.atText}): ${err.message}`, err.details);
      throw err;
    }
  }
  // the KPI contribution once, for the finished history (history steps skip the per-step refresh)
  await kpiTicketHook(trx, c.deps, t.id, 'after');
  // after the history, so a cluster meets the same finished ticket whichever arrived first (§4, §11)
  await detectHotspots(trx, c.deps, t.id, c.now);
  return t.id;
}

/** Departments named by events must exist; a network ticket is dispatched to its city's NOC only (§11 event table). */
function checkDepartment(c: RowContext, t: Ticket, e: ImportEvent): void {
  const name = e.step.department;
  if (name === undefined) return;
  const d = c.departments.get(name);
  if (!d) throw errors.validation(`unknown department ${name}`, { department: name });
  if (e.step.type === 'dispatched' && t.isNetwork && (d.kind !== 'noc' || d.regionId !== t.regionId)) {
    throw errors.validation(`a network complaint is dispatched to the NOC of its city (${t.regionId}), not to ${name}`, { department: name });
  }
}

/** The role the workflow gives a step at this point of the ticket: who would take it live. */
function naturalRole(c: RowContext, type: StepType, t: Ticket): Role {
  switch (type) {
    case 'triaged': case 'forwarded': case 'noc_replied':
      return 'noc';
    case 'department_replied':
      return c.departments.get(t.assigneeDepartmentId ?? '')?.kind === 'expert' ? 'expert' : 'handler';
    case 'escalated':
      return t.assigneeDepartmentId != null && t.assigneeDepartmentId === t.nocDepartmentId ? 'noc' : 'handler';
    default:
      return 'agent';
  }
}

/** True when `regionId` is `ancestor` or below it. */
function within(c: RowContext, regionId: string, ancestor: string): boolean {
  let at: string | null | undefined = regionId;
  for (let i = 0; at && i < 8; i++, at = c.regions.get(at)) if (at === ancestor) return true;
  return false;
}

/**
 * Who an imported step is recorded as: the named user when it exists, has the step's role (any
 * allowed role for steps whose effect does not depend on it) and works in the ticket's region or
 * above it; else `import:<caller>` (a name from another system is not a person here). The user's
 * current department is not checked: people move, the history stays.
 */
function eventActor(c: RowContext, t: Ticket, e: ImportEvent): Actor {
  const role = naturalRole(c, e.step.type, t);
  const user = e.actor != null ? c.users.get(e.actor) : undefined;
  const anyAllowed = e.step.type === 'noted' || e.step.type === 'followed_up' || e.step.type === 'reopened';
  const allowed = (EVENT_ROLES[e.step.type] as readonly Role[]);
  if (user && within(c, t.regionId, user.regionId) && (user.role === role || (anyAllowed && allowed.includes(user.role)))) {
    return { ...c.importer, kind: 'user', id: user.id, name: user.username, role: user.role, regionId: user.regionId };
  }
  return { ...c.importer, role };
}
