/**
 * Working calendars (§5): time limits count either round the clock or in the working time
 * of a calendar — working hours on working days, in the calendar's time zone, with the
 * Chinese public holidays and make-up working days (调休) when `official` is `cn`.
 *
 * Counting walks day by day over working periods; each day's periods (as UTC instants) are
 * computed once and cached on the calendar, so planning a clock costs a few map lookups.
 */
import { CalendarError, checkCalendarDefinition, isValidDate, type CalendarDefinition, type CheckedCalendar } from './calendar-definition.ts';
import { isOfficialCnYearCovered, officialCnDay, OFFICIAL_CN_YEARS } from './official-cn.ts';
import { DAY_MS, wallToUtc } from './time-zone.ts';

export { CalendarError, WEEKDAYS, type CalendarDefinition, type Weekday } from './calendar-definition.ts';
export { OFFICIAL_CN_YEARS } from './official-cn.ts';

/** The id of the round-the-clock calendar in SLA policies (§11 `calendar: "24x7"`). */
export const ROUND_THE_CLOCK_ID = '24x7';

/** One local day: where it starts and ends, and its working periods, all as UTC instants. */
interface Day {
  readonly start: number;
  readonly end: number;
  /** Flat [start, end, start, end…], increasing, within [start, end). */
  readonly periods: readonly number[];
}

/** Bounds the per-calendar cache (about 27 years of days), in case a process lives long. */
const MAX_CACHED_DAYS = 10_000;
/** A walk that finds no working time in this many days means the calendar cannot be walked. */
const MAX_IDLE_DAYS = 3_660;

/** A calendar with working hours; built by compileCalendar, walked by addWorkingTime. */
export class WorkingHoursCalendar {
  readonly kind = 'working_hours';
  private readonly days = new Map<number, Day>();
  /** Offset hint to find the local day of an instant; corrected as days are looked up. */
  private offsetHint = 0;

  /** @internal use compileCalendar */
  constructor(readonly definition: Readonly<CalendarDefinition>, private readonly spec: CheckedCalendar) {}

  /** True when the local date (`YYYY-MM-DD`) is a working day (see isWorkingDate). */
  isWorkingDate(date: string): boolean {
    const s = this.spec;
    if (s.extraHolidays.has(date)) return false;
    if (s.extraWorkdays.has(date)) return true;
    if (s.official === 'cn') {
      const year = Number(date.slice(0, 4));
      if (!isOfficialCnYearCovered(year)) {
        const [first, last] = [OFFICIAL_CN_YEARS[0], OFFICIAL_CN_YEARS[OFFICIAL_CN_YEARS.length - 1]];
        throw new CalendarError(
          `The official Chinese holidays of ${year} are not known (the chinese-days data covers ${first}–${last}); ` +
          `update the chinese-days package, or list that year's days in extraHolidays/extraWorkdays`,
        );
      }
      const official = officialCnDay(date);
      if (official) return official === 'workday'; // 调休: a make-up day has the normal hours
    }
    return s.workingDays[new Date(`${date}T00:00:00Z`).getUTCDay()];
  }

  /** The local day with index `n` (wall-clock days since 1970-01-01), cached. */
  day(n: number): Day {
    let d = this.days.get(n);
    if (d) return d;
    const tz = this.spec.timeZone;
    const wall = n * DAY_MS;
    const start = wallToUtc(tz, wall);
    const end = wallToUtc(tz, wall + DAY_MS);
    const periods: number[] = [];
    if (this.isWorkingDate(new Date(wall).toISOString().slice(0, 10))) {
      const p = this.spec.periods;
      for (let i = 0; i < p.length; i += 2) {
        // Clamp: a DST change can move a boundary past its neighbour.
        const a = Math.max(wallToUtc(tz, wall + p[i] * 60_000), periods[periods.length - 1] ?? start);
        const b = p[i + 1] === 1440 ? end : Math.min(wallToUtc(tz, wall + p[i + 1] * 60_000), end);
        if (b > a) periods.push(a, b);
      }
    }
    d = { start, end, periods };
    if (this.days.size >= MAX_CACHED_DAYS) this.days.clear();
    this.days.set(n, d);
    return d;
  }

  /** The index of the local day containing the instant. */
  dayIndexAt(ms: number): number {
    let n = Math.floor((ms + this.offsetHint) / DAY_MS);
    while (ms < this.day(n).start) n--;
    while (ms >= this.day(n).end) n++;
    this.offsetHint = n * DAY_MS - this.day(n).start;
    return n;
  }
}

/** The round-the-clock calendar: every millisecond is working time. */
export interface RoundTheClockCalendar {
  readonly kind: '24x7';
}

/** A compiled calendar: round the clock, or working hours. */
export type WorkingCalendar = RoundTheClockCalendar | WorkingHoursCalendar;

/** The special calendar `24x7` (§11): limits counted round the clock, holidays included. */
export const ROUND_THE_CLOCK: RoundTheClockCalendar = Object.freeze({ kind: '24x7' });

/**
 * Validates a §11 calendar body and compiles it for counting. Throws CalendarError with the
 * field and reason on bad input. Compile once per calendar and reuse it: the compiled
 * calendar caches each day's working periods.
 */
export function compileCalendar(def: CalendarDefinition): WorkingHoursCalendar {
  const spec = checkCalendarDefinition(def);
  const definition = Object.freeze({
    timeZone: spec.timeZone,
    workingDays: Object.freeze([...def.workingDays]),
    workingHours: Object.freeze(def.workingHours.map(([a, b]) => Object.freeze([a, b] as const))),
    official: spec.official,
    extraHolidays: Object.freeze([...spec.extraHolidays]),
    extraWorkdays: Object.freeze([...spec.extraWorkdays]),
  });
  return new WorkingHoursCalendar(definition, spec);
}

function checkInstant(ms: number, name: string): void {
  if (!Number.isFinite(ms)) throw new RangeError(`${name} must be a finite number of epoch milliseconds, got ${ms}`);
}

/**
 * Whether a local date (`YYYY-MM-DD`) is a working day: extra holidays, then extra working
 * days, then the official arrangement (`cn`: a holiday is off even on a weekday, a make-up
 * day is worked even on a weekend), then the normal working days. Always true on 24x7.
 * Throws CalendarError for an official `cn` date in a year the data does not cover.
 */
export function isWorkingDate(cal: WorkingCalendar, date: string): boolean {
  if (!isValidDate(date)) throw new CalendarError(`'${date}' is not a valid YYYY-MM-DD date`);
  return cal.kind === '24x7' ? true : cal.isWorkingDate(date);
}

/**
 * The instant at which `durationMs` of working time has elapsed after `startMs` (§5 due,
 * warning and escalation times). A start outside working hours begins counting at the next
 * working period; a limit used up exactly at the end of a period is due at that end, not at
 * the start of the next one. On 24x7 it is simply `startMs + durationMs`.
 * Throws CalendarError when the walk reaches a year the official data does not cover.
 */
export function addWorkingTime(cal: WorkingCalendar, startMs: number, durationMs: number): number {
  checkInstant(startMs, 'startMs');
  if (!Number.isFinite(durationMs) || durationMs < 0) {
    throw new RangeError(`durationMs must be a finite, non-negative number, got ${durationMs}`);
  }
  if (cal.kind === '24x7' || durationMs === 0) return startMs + durationMs;
  let left = durationMs;
  let idle = 0;
  for (let n = cal.dayIndexAt(startMs); ; n++) {
    const p = cal.day(n).periods;
    if (p.length === 0 && ++idle > MAX_IDLE_DAYS) throw new CalendarError(`No working time within ${MAX_IDLE_DAYS} days`);
    for (let i = 0; i < p.length; i += 2) {
      if (p[i + 1] <= startMs) continue;
      idle = 0;
      const from = Math.max(p[i], startMs);
      const available = p[i + 1] - from;
      if (left <= available) return from + left;
      left -= available;
    }
  }
}

/**
 * The working time between two instants: the inverse of addWorkingTime
 * (`workingTimeBetween(cal, s, addWorkingTime(cal, s, d)) === d`), for handling times and
 * for re-timing a promised time into a duration. Negative when `toMs` is before `fromMs`.
 */
export function workingTimeBetween(cal: WorkingCalendar, fromMs: number, toMs: number): number {
  checkInstant(fromMs, 'fromMs');
  checkInstant(toMs, 'toMs');
  if (toMs < fromMs) return -workingTimeBetween(cal, toMs, fromMs);
  if (cal.kind === '24x7') return toMs - fromMs;
  let total = 0;
  const last = cal.dayIndexAt(toMs);
  for (let n = cal.dayIndexAt(fromMs); n <= last; n++) {
    const p = cal.day(n).periods;
    for (let i = 0; i < p.length; i += 2) {
      const a = Math.max(p[i], fromMs);
      const b = Math.min(p[i + 1], toMs);
      if (b > a) total += b - a;
    }
  }
  return total;
}
