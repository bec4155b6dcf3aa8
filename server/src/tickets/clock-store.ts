import type { Selectable } from 'kysely';
import type { Q } from '../db/types.ts';
import { prepared } from '../db/prepared.ts';
import { planClock, resolvePolicy, type ClockName, type Grade } from '../clocks/plan-clock.ts';
import { ROUND_THE_CLOCK } from '../clocks/calendar.ts';
import type { SlaSettings } from '../sla/policies.ts';
import type { TicketClockRow } from './tables.ts';

type Clock = Omit<TicketClockRow, 'id'> & { id?: number };

/** What the timer must look at next for a running clock: warning, breach, province escalation, or nothing. */
export function nextFire(c: Pick<Clock, 'stoppedAt' | 'warnedAt' | 'breachedAt' | 'provinceEscalatedAt' | 'warnAt' | 'dueAt' | 'provinceAt'>): number | null {
  if (c.stoppedAt != null) return null;
  if (c.warnedAt == null) return c.warnAt;
  if (c.breachedAt == null) return c.dueAt;
  if (c.provinceEscalatedAt == null) return c.provinceAt;
  return null;
}

/** Plans a clock from the SLA settings: duration by policy (category, grade, clock), calendar, promised time. */
export function planFor(sla: SlaSettings, input: { clock: ClockName; categoryId: string; grade: Grade; startedAt: number; commitmentHours?: number | null }) {
  const policy = resolvePolicy(sla.policies, { category: input.categoryId, grade: input.grade, clock: input.clock });
  const calendar = sla.calendars.get(policy.calendarId) ?? ROUND_THE_CLOCK;
  const promisedAt = input.clock === 'commitment' && input.commitmentHours ? input.startedAt + Math.round(input.commitmentHours * 3600_000) : null;
  const plan = planClock({ clock: input.clock, startedAt: input.startedAt, durationMs: policy.durationMs, calendar, promisedAt });
  return { ...plan, calendarId: promisedAt ? 'promised' : policy.calendarId, durationMs: promisedAt ? promisedAt - input.startedAt : policy.durationMs };
}

/** Starts a clock (round = the ticket's round). */
export async function startClock(
  trx: Q, sla: SlaSettings, t: { id: number; categoryId: string; grade: string; round: number; commitmentHours: number | null }, clock: ClockName, startedAt: number,
  planned?: ReturnType<typeof planFor>,
): Promise<Selectable<TicketClockRow> | null> {
  const p = planned ?? planFor(sla, { clock, categoryId: t.categoryId, grade: t.grade as Grade, startedAt, commitmentHours: t.commitmentHours });
  const row = {
    ticketId: t.id, clock, round: t.round, calendarId: p.calendarId, durationMs: p.durationMs, startedAt,
    warnAt: p.warnAt, dueAt: p.dueAt, provinceAt: p.provinceAt,
    stoppedAt: null, warnedAt: null, breachedAt: null, provinceEscalatedAt: null,
  };
  // the row as stored, or null when this round's clock existed already (then nothing changed)
  const inserted = await insertClock.first(trx, { ...row, nextFireAt: nextFire(row) });
  return inserted ?? null;
}

// every intake and most steps start a clock: compiled once (db/prepared.ts)
const insertClock = prepared((q, p: Omit<Selectable<TicketClockRow>, 'id'>) => q.insertInto('ticketClock').values({
  ticketId: p.ticketId, clock: p.clock, round: p.round, calendarId: p.calendarId, durationMs: p.durationMs, startedAt: p.startedAt,
  warnAt: p.warnAt, dueAt: p.dueAt, provinceAt: p.provinceAt, stoppedAt: p.stoppedAt, warnedAt: p.warnedAt, breachedAt: p.breachedAt,
  provinceEscalatedAt: p.provinceEscalatedAt, nextFireAt: p.nextFireAt,
}).onConflict((oc) => oc.columns(['ticketId', 'clock', 'round']).doNothing()).returningAll());

/**
 * Stops a running clock at `at`. Its outcome is decided once (DESIGN §7): met when stopped by
 * its due time, otherwise breached at its due time (recorded here if the timer had not yet).
 * Returns the stopped row, or null when the clock was not running.
 */
export async function stopClock(trx: Q, ticketId: number, round: number, clock: ClockName, at: number): Promise<Selectable<TicketClockRow> | null> {
  const c = await trx.selectFrom('ticketClock').selectAll().where('ticketId', '=', ticketId).where('clock', '=', clock).where('round', '=', round)
    .where('stoppedAt', 'is', null).executeTakeFirst();
  if (!c) return null;
  return stopRunningClock(trx, c, at);
}

/** Stops a clock the caller has read as running (see stopClock). */
export async function stopRunningClock(trx: Q, c: Selectable<TicketClockRow>, at: number): Promise<Selectable<TicketClockRow>> {
  const stoppedAt = Math.max(at, c.startedAt);
  const breachedAt = c.breachedAt ?? (stoppedAt > c.dueAt ? c.dueAt : null);
  await trx.updateTable('ticketClock').set({ stoppedAt, breachedAt, nextFireAt: null }).where('id', '=', c.id).execute();
  return { ...c, stoppedAt, breachedAt, nextFireAt: null };
}

/**
 * Re-times the running clocks of a ticket after a grade change (DESIGN §5): from their start
 * with the new grade's durations. A warning or breach already recorded stays recorded; a new
 * due time already past is picked up by the timer at once and recorded at that due time.
 */
export async function retimeClocks(trx: Q, sla: SlaSettings, t: { id: number; categoryId: string; grade: string; round: number; commitmentHours: number | null }): Promise<void> {
  const running = await trx.selectFrom('ticketClock').selectAll().where('ticketId', '=', t.id).where('stoppedAt', 'is', null).execute();
  for (const c of running) {
    // a time promised to the customer stays promised whatever the grade
    if (c.clock === 'commitment' && t.commitmentHours) continue;
    const p = planFor(sla, { clock: c.clock as ClockName, categoryId: t.categoryId, grade: t.grade as Grade, startedAt: c.startedAt, commitmentHours: t.commitmentHours });
    const next = { ...c, warnAt: p.warnAt, dueAt: p.dueAt, provinceAt: p.provinceAt };
    await trx.updateTable('ticketClock').set({
      calendarId: p.calendarId, durationMs: p.durationMs, warnAt: p.warnAt, dueAt: p.dueAt, provinceAt: p.provinceAt, nextFireAt: nextFire(next),
    }).where('id', '=', c.id).execute();
  }
}

/** Stored as next_due_at when no clock runs: sorts last on both engines and keeps the queue index usable. */
export const NO_DUE = 253402300799000;

/** The ticket's queue fields from its running clocks: nearest due time (NO_DUE when none) and the worst state. */
export async function clockSummary(trx: Q, ticketId: number, now: number): Promise<{ nextDueAt: number; clockState: string }> {
  const running = await trx.selectFrom('ticketClock').select(['dueAt', 'warnAt', 'warnedAt', 'breachedAt']).where('ticketId', '=', ticketId).where('stoppedAt', 'is', null).execute();
  return summarise(running, now);
}

/** The queue's view of running clocks (clockSummary without the read: intake knows its one clock). */
export function summarise(running: readonly { dueAt: number; warnAt: number; warnedAt: number | null; breachedAt: number | null }[], now: number): { nextDueAt: number; clockState: string } {
  let nextDueAt = NO_DUE;
  let state = 'ok';
  for (const c of running) {
    nextDueAt = Math.min(nextDueAt, c.dueAt);
    if (c.breachedAt != null || c.dueAt <= now) state = 'breached';
    else if (state !== 'breached' && (c.warnedAt != null || c.warnAt <= now)) state = 'warned';
  }
  return { nextDueAt, clockState: state };
}
