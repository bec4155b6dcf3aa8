/**
 * The clocks of a ticket (§5) and how one is planned: which SLA policy sets its duration,
 * and when it warns (80 %), falls due (100 %) and escalates to the province (150 %).
 * Pure: the caller loads policies and calendars and stores the plan as clock rows.
 */
import { addWorkingTime, ROUND_THE_CLOCK_ID, workingTimeBetween, type WorkingCalendar } from './calendar.ts';

/** The five clocks of §5, in the order a ticket meets them. */
export const CLOCK_NAMES = ['triage', 'initial_reply', 'resolution', 'commitment', 'follow_up'] as const;
/** One of CLOCK_NAMES. */
export type ClockName = (typeof CLOCK_NAMES)[number];

/** Complaint grades that select the durations (§5). */
export const GRADES = ['ordinary', 'important'] as const;
/** One of GRADES. */
export type Grade = (typeof GRADES)[number];

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/**
 * The built-in durations of the §5 table, used when no SLA policy matches; counted round the
 * clock. `commitment` is the default when the customer was not promised a time.
 */
export const DEFAULT_DURATIONS_MS: Readonly<Record<ClockName, Readonly<Record<Grade, number>>>> = Object.freeze({
  triage: Object.freeze({ ordinary: 2 * HOUR, important: 30 * MINUTE }),
  initial_reply: Object.freeze({ ordinary: 24 * HOUR, important: 4 * HOUR }),
  resolution: Object.freeze({ ordinary: 72 * HOUR, important: 24 * HOUR }),
  commitment: Object.freeze({ ordinary: 48 * HOUR, important: 24 * HOUR }),
  follow_up: Object.freeze({ ordinary: 72 * HOUR, important: 24 * HOUR }),
});

/** Share of the duration at which the assignee is warned (预警, §5). */
export const WARN_FRACTION = 0.8;
/** Share of the duration at which the ticket escalates to the province level (§5). */
export const PROVINCE_FRACTION = 1.5;

/** An SLA policy as stored (§11 `PUT /api/v1/sla-policies/{id}`, duration already parsed). */
export interface SlaPolicy {
  id: string;
  /** null: applies to every category. */
  category: string | null;
  grade: Grade;
  clock: ClockName;
  durationMs: number;
  /** `24x7` or the id of a working calendar. */
  calendarId: string;
}

/** The duration and calendar a clock runs on, and the policy they came from (null: §5 default). */
export interface ResolvedPolicy {
  policyId: string | null;
  durationMs: number;
  calendarId: string;
}

/** A planned clock: all epoch milliseconds. */
export interface ClockPlan {
  startedAt: number;
  /** Breach and escalation to the department's supervisor. */
  dueAt: number;
  /** 80 % of the duration: warning to the assignee. */
  warnAt: number;
  /** 150 % of the duration: escalation to the province level. */
  provinceAt: number;
}

/** Input of planClock. */
export interface PlanClockInput {
  clock: ClockName;
  startedAt: number;
  /** From resolvePolicy; for `commitment` with a promised time it is ignored. */
  durationMs: number;
  calendar: WorkingCalendar;
  /** `commitment` only: the time promised to the customer; it wins over the duration (§5). */
  promisedAt?: number | null;
}

/** A clock that cannot be planned (unknown clock, bad duration, promise before the start). */
export class ClockPlanError extends Error {
  override readonly name = 'ClockPlanError';
}

const compareIds = (a: SlaPolicy, b: SlaPolicy) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/**
 * Chooses the SLA policy of a clock (§11): among policies of the grade and clock, one for the
 * ticket's category wins over one without category; with none, the §5 default round the
 * clock. Saving refuses two policies for the same category, grade and clock (409), so a tie
 * should not happen; if it does, the smallest id wins, so the choice stays stable.
 */
export function resolvePolicy(
  policies: readonly SlaPolicy[],
  { category, grade, clock }: { category: string | null; grade: Grade; clock: ClockName },
): ResolvedPolicy {
  let specific: SlaPolicy | undefined;
  let general: SlaPolicy | undefined;
  for (const p of policies) {
    if (p.grade !== grade || p.clock !== clock) continue;
    if (p.category === null) {
      if (!general || compareIds(p, general) < 0) general = p;
    } else if (category !== null && p.category === category) {
      if (!specific || compareIds(p, specific) < 0) specific = p;
    }
  }
  const chosen = specific ?? general;
  if (chosen) return { policyId: chosen.id, durationMs: chosen.durationMs, calendarId: chosen.calendarId };
  const defaults = DEFAULT_DURATIONS_MS[clock]?.[grade];
  if (defaults === undefined) throw new ClockPlanError(`Unknown clock '${clock}' or grade '${grade}'`);
  return { policyId: null, durationMs: defaults, calendarId: ROUND_THE_CLOCK_ID };
}

/**
 * Plans one clock (§5): due when `durationMs` has elapsed after `startedAt`, warning at 80 %
 * and province escalation at 150 %, each counted the same way — working time on a working
 * calendar, round the clock on 24x7. For `commitment` a promised time is the due time and its
 * working time from the start is the duration the 80 % and 150 % are taken of. Re-timing after
 * a grade change is the same call with the original `startedAt` and the new duration.
 */
export function planClock({ clock, startedAt, durationMs, calendar, promisedAt = null }: PlanClockInput): ClockPlan {
  if (!(CLOCK_NAMES as readonly string[]).includes(clock)) throw new ClockPlanError(`Unknown clock '${clock}'`);
  if (!Number.isFinite(startedAt)) throw new ClockPlanError(`startedAt must be epoch milliseconds, got ${startedAt}`);
  if (promisedAt !== null) {
    if (clock !== 'commitment') throw new ClockPlanError(`Only the commitment clock takes a promised time, not '${clock}'`);
    if (!Number.isFinite(promisedAt) || promisedAt <= startedAt) {
      throw new ClockPlanError('The promised time must be after the start of the commitment clock');
    }
    const promised = workingTimeBetween(calendar, startedAt, promisedAt);
    return {
      startedAt,
      dueAt: promisedAt,
      warnAt: addWorkingTime(calendar, startedAt, Math.round(promised * WARN_FRACTION)),
      // A promise with no working time before it (Friday evening → Saturday) would put 150 %
      // at the start; escalating before the due time makes no sense, so not before it.
      provinceAt: Math.max(promisedAt, addWorkingTime(calendar, startedAt, Math.round(promised * PROVINCE_FRACTION))),
    };
  }
  if (!Number.isSafeInteger(durationMs) || durationMs <= 0) {
    throw new ClockPlanError(`durationMs must be a positive whole number of milliseconds, got ${durationMs}`);
  }
  return {
    startedAt,
    dueAt: addWorkingTime(calendar, startedAt, durationMs),
    warnAt: addWorkingTime(calendar, startedAt, Math.round(durationMs * WARN_FRACTION)),
    provinceAt: addWorkingTime(calendar, startedAt, Math.round(durationMs * PROVINCE_FRACTION)),
  };
}
