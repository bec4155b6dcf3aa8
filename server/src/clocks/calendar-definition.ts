/**
 * The body of `PUT /api/v1/calendars/{id}` (§11) and its validation. A calendar that
 * passes here can always be walked: it has at least one working day and one working period.
 */
import { isKnownTimeZone } from './time-zone.ts';

/** Day names of `workingDays`, Sunday first so that the index is `Date#getUTCDay()`. */
export const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
/** One of `sun`…`sat`. */
export type Weekday = (typeof WEEKDAYS)[number];

/** A working calendar as the API receives and stores it (§11). */
export interface CalendarDefinition {
  /** IANA zone of the working hours, e.g. `Asia/Shanghai`. */
  timeZone: string;
  /** Normal working days, e.g. `["mon", "tue", "wed", "thu", "fri"]`. */
  workingDays: readonly Weekday[];
  /** Wall-clock periods of a working day, increasing: `[["08:30", "12:00"], ["13:30", "17:30"]]`; an end may be `24:00`. */
  workingHours: readonly (readonly [string, string])[];
  /** `cn`: apply the State Council's holidays and make-up working days (调休); null: none. */
  official?: 'cn' | null;
  /** Local dates (`YYYY-MM-DD`) off work on top of the official ones; they win over everything. */
  extraHolidays?: readonly string[];
  /** Local dates worked with the normal hours; they win over weekends and official holidays. */
  extraWorkdays?: readonly string[];
}

/** A bad calendar body or a date the calendar cannot classify; `field` points into the body. */
export class CalendarError extends Error {
  override readonly name = 'CalendarError';
  constructor(
    /** Why, in words a console user understands. */
    readonly reason: string,
    /** Path of the offending field, e.g. `workingHours[1][0]`; absent when not about the body. */
    readonly field?: string,
  ) {
    super(field ? `Invalid calendar: ${field}: ${reason}` : reason);
  }
}

/** The validated definition in the form the calendar walks: minutes and sets. */
export interface CheckedCalendar {
  timeZone: string;
  /** Indexed by `getUTCDay()` of the local date. */
  workingDays: readonly boolean[];
  /** Flat [start, end, start, end…] in minutes after local midnight, increasing. */
  periods: readonly number[];
  official: 'cn' | null;
  extraHolidays: ReadonlySet<string>;
  extraWorkdays: ReadonlySet<string>;
}

const HHMM = /^([01]\d|2[0-3]):([0-5]\d)$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Minutes after midnight of `HH:MM` (or `24:00` when allowed), else null. */
function minutesOf(text: unknown, allowMidnightEnd: boolean): number | null {
  if (typeof text !== 'string') return null;
  if (allowMidnightEnd && text === '24:00') return 1440;
  const m = HHMM.exec(text);
  return m ? Number(m[1]) * 60 + Number(m[2]) : null;
}

/** True for a real calendar date written `YYYY-MM-DD` (no 2025-02-30). */
export function isValidDate(text: unknown): text is string {
  if (typeof text !== 'string') return false;
  const m = DATE.exec(text);
  if (!m) return false;
  const d = new Date(0);
  d.setUTCFullYear(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  return d.getUTCFullYear() === Number(m[1]) && d.getUTCMonth() === Number(m[2]) - 1 && d.getUTCDate() === Number(m[3]);
}

const show = (v: unknown) => (typeof v === 'string' ? `'${v}'` : JSON.stringify(v) ?? String(v));

function checkDates(value: unknown, field: string): Set<string> {
  if (value === undefined || value === null) return new Set();
  if (!Array.isArray(value)) throw new CalendarError('must be a list of YYYY-MM-DD dates', field);
  value.forEach((d, i) => {
    if (!isValidDate(d)) throw new CalendarError(`${show(d)} is not a valid YYYY-MM-DD date`, `${field}[${i}]`);
  });
  return new Set(value as string[]);
}

function checkWorkingDays(value: unknown): boolean[] {
  if (!Array.isArray(value) || value.length === 0) {
    throw new CalendarError('must list at least one day, e.g. ["mon", "tue", "wed", "thu", "fri"]', 'workingDays');
  }
  const days = WEEKDAYS.map(() => false);
  value.forEach((d, i) => {
    const index = WEEKDAYS.indexOf(d as Weekday);
    if (index < 0) throw new CalendarError(`${show(d)} is not one of ${WEEKDAYS.join(', ')}`, `workingDays[${i}]`);
    if (days[index]) throw new CalendarError(`'${d}' is listed twice`, `workingDays[${i}]`);
    days[index] = true;
  });
  return days;
}

function checkWorkingHours(value: unknown): number[] {
  if (!Array.isArray(value) || value.length === 0) {
    throw new CalendarError('must list at least one period, e.g. [["08:30", "12:00"], ["13:30", "17:30"]]', 'workingHours');
  }
  const periods: number[] = [];
  value.forEach((pair, i) => {
    if (!Array.isArray(pair) || pair.length !== 2) {
      throw new CalendarError('must be a pair ["HH:MM", "HH:MM"]', `workingHours[${i}]`);
    }
    const start = minutesOf(pair[0], false);
    if (start === null) throw new CalendarError(`${show(pair[0])} is not a time HH:MM (00:00–23:59)`, `workingHours[${i}][0]`);
    const end = minutesOf(pair[1], true);
    if (end === null) throw new CalendarError(`${show(pair[1])} is not a time HH:MM (00:00–24:00)`, `workingHours[${i}][1]`);
    if (end <= start) throw new CalendarError(`ends at ${pair[1]}, not after its start ${pair[0]}`, `workingHours[${i}]`);
    const previousEnd = periods[periods.length - 1];
    if (previousEnd !== undefined && start < previousEnd) {
      throw new CalendarError(
        `starts at ${pair[0]}, before the previous period ends at ${value[i - 1][1]}: periods must be increasing and not overlap`,
        `workingHours[${i}]`,
      );
    }
    periods.push(start, end);
  });
  return periods;
}

/**
 * Validates a calendar body (§11) and returns it in walkable form. Throws a CalendarError
 * naming the field and the reason: unknown time zone, bad or repeated day names, hours not
 * `HH:MM`, periods empty, reversed, unordered or overlapping, invalid dates, or a date that
 * is both an extra holiday and an extra working day.
 */
export function checkCalendarDefinition(def: unknown): CheckedCalendar {
  if (typeof def !== 'object' || def === null || Array.isArray(def)) {
    throw new CalendarError('must be an object { timeZone, workingDays, workingHours, official, extraHolidays, extraWorkdays }', 'calendar');
  }
  const d = def as Record<string, unknown>;
  if (!isKnownTimeZone(d.timeZone as string)) {
    throw new CalendarError(`${show(d.timeZone)} is not a known IANA time zone (e.g. Asia/Shanghai)`, 'timeZone');
  }
  const workingDays = checkWorkingDays(d.workingDays);
  const periods = checkWorkingHours(d.workingHours);
  const official = d.official ?? null;
  if (official !== null && official !== 'cn') throw new CalendarError(`${show(official)} is not "cn" or null`, 'official');
  const extraHolidays = checkDates(d.extraHolidays, 'extraHolidays');
  const extraWorkdays = checkDates(d.extraWorkdays, 'extraWorkdays');
  (d.extraWorkdays as string[] | undefined)?.forEach((date, i) => {
    if (extraHolidays.has(date)) {
      throw new CalendarError(`${date} is also listed in extraHolidays; a day is either off or worked`, `extraWorkdays[${i}]`);
    }
  });
  return { timeZone: d.timeZone as string, workingDays, periods, official, extraHolidays, extraWorkdays };
}
