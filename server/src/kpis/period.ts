import { errors } from '../errors.ts';
import { parseIso, startOfLocalDay, toIso, zonedParts } from '../shared/time.ts';
import { GROUP_KEYS, type GroupKey } from './catalogue.ts';

/** Longest period a KPI query may cover, and the longest when grouped by day (issue 5: bad input is a 4xx). */
export const MAX_PERIOD_DAYS = 1096;
export const MAX_DAY_GROUPED_DAYS = 400;

/** A local calendar date. */
export interface LocalDate { y: number; m: number; d: number }

/** A half-open period [from, to) of whole local days in the configured zone (DESIGN §11). */
export interface Period {
  from: LocalDate;
  to: LocalDate;
  /** yyyymmdd of the first day and of the day after the last */
  fromDay: number;
  toDay: number;
  fromMs: number;
  toMs: number;
  days: number;
  /** `YYYY-MM` of every month the period touches */
  months: string[];
}

export const dayNumber = (x: LocalDate) => x.y * 10000 + x.m * 100 + x.d;
export const monthText = (y: number, m: number) => `${y}-${String(m).padStart(2, '0')}`;
export const monthNumberToText = (ym: number) => monthText(Math.floor(ym / 100), ym % 100);
export const dayNumberToText = (d: number) => `${Math.floor(d / 10000)}-${String(Math.floor(d / 100) % 100).padStart(2, '0')}-${String(d % 100).padStart(2, '0')}`;
const utcDays = (x: LocalDate) => Date.UTC(x.y, x.m - 1, x.d) / 86_400_000;
export function addDays(x: LocalDate, n: number): LocalDate {
  const t = new Date(Date.UTC(x.y, x.m - 1, x.d + n));
  return { y: t.getUTCFullYear(), m: t.getUTCMonth() + 1, d: t.getUTCDate() };
}
export function addMonths(x: LocalDate, n: number): LocalDate {
  const t = new Date(Date.UTC(x.y, x.m - 1 + n, 1));
  return { y: t.getUTCFullYear(), m: t.getUTCMonth() + 1, d: 1 };
}
export const dateOfDayNumber = (d: number): LocalDate => ({ y: Math.floor(d / 10000), m: Math.floor(d / 100) % 100, d: d % 100 });

/**
 * One end of a period: `YYYY-MM` (the month's first day), `YYYY-MM-DD`, or an ISO 8601 time with
 * offset that is a local midnight in the zone. The aggregates are per local day, so a time inside
 * a day is refused rather than silently rounded.
 */
export function parseBound(text: string, timeZone: string, name: 'from' | 'to'): LocalDate {
  let m = /^(\d{4})-(\d{2})$/.exec(text);
  if (m) {
    const x = { y: Number(m[1]), m: Number(m[2]), d: 1 };
    if (x.m < 1 || x.m > 12) throw errors.validation(`${name} is not a month: ${text}`, { [name]: text });
    return x;
  }
  m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (m) {
    const x = { y: Number(m[1]), m: Number(m[2]), d: Number(m[3]) };
    const back = addDays(x, 0);
    if (back.y !== x.y || back.m !== x.m || back.d !== x.d) throw errors.validation(`${name} is not a date: ${text}`, { [name]: text });
    return x;
  }
  const ms = parseIso(text);
  if (ms == null) throw errors.validation(`${name} must be YYYY-MM, YYYY-MM-DD or an ISO 8601 time with offset, got ${text}`, { [name]: text });
  const z = zonedParts(ms, timeZone);
  if (z.hour !== 0 || z.minute !== 0 || z.second !== 0 || ms % 1000 !== 0) {
    throw errors.validation(`${name} must be a midnight in ${timeZone} (KPIs are kept per local day), got ${text}`, { [name]: text, timeZone });
  }
  return { y: z.year, m: z.month, d: z.day };
}

/**
 * The period of a KPI query: both ends given, or neither (then the current month). `from` must
 * come before `to`; at most MAX_PERIOD_DAYS, or MAX_DAY_GROUPED_DAYS when grouped by day.
 */
export function parsePeriod(from: string | undefined, to: string | undefined, timeZone: string, now: number, byDay: boolean): Period {
  let a: LocalDate;
  let b: LocalDate;
  if (from === undefined && to === undefined) {
    const z = zonedParts(now, timeZone);
    a = { y: z.year, m: z.month, d: 1 };
    b = addMonths(a, 1);
  } else if (from === undefined || to === undefined) {
    throw errors.validation('give both from and to (a half-open period [from, to)), or neither for the current month', { missing: from === undefined ? 'from' : 'to' });
  } else {
    a = parseBound(from, timeZone, 'from');
    b = parseBound(to, timeZone, 'to');
  }
  const days = utcDays(b) - utcDays(a);
  if (days <= 0) throw errors.validation(`from must be before to (the period is [from, to)), got ${from} … ${to}`, { from, to });
  if (days > MAX_PERIOD_DAYS) throw errors.validation(`a period is at most ${MAX_PERIOD_DAYS} days (3 years), this one has ${days}`, { days, max: MAX_PERIOD_DAYS });
  if (byDay && days > MAX_DAY_GROUPED_DAYS) throw errors.validation(`grouped by day, a period is at most ${MAX_DAY_GROUPED_DAYS} days, this one has ${days}`, { days, max: MAX_DAY_GROUPED_DAYS });
  const months: string[] = [];
  for (let x = { ...a, d: 1 }; dayNumber(x) < dayNumber(b); x = addMonths(x, 1)) months.push(monthText(x.y, x.m));
  return {
    from: a, to: b, fromDay: dayNumber(a), toDay: dayNumber(b),
    fromMs: startOfLocalDay(a.y, a.m, a.d, timeZone), toMs: startOfLocalDay(b.y, b.m, b.d, timeZone),
    days, months,
  };
}

/** ISO form of the period's ends in the zone. */
export const periodIso = (p: Period, timeZone: string) => ({ from: toIso(p.fromMs, timeZone), to: toIso(p.toMs, timeZone) });

/** `groupBy=region,network,month`: known keys only, each once, in the order given. */
export function parseGroupBy(text: string | undefined): GroupKey[] {
  if (!text) return [];
  const keys = text.split(',').map((s) => s.trim()).filter(Boolean);
  const bad = keys.filter((k) => !(GROUP_KEYS as readonly string[]).includes(k));
  if (bad.length) throw errors.validation(`unknown groupBy ${bad.join(', ')}; use any of ${GROUP_KEYS.join(', ')}`, { groupBy: bad });
  return [...new Set(keys)] as GroupKey[];
}

/**
 * Splits a period into whole months (read from the monthly rollup) and the days at either end
 * that do not fill a month (read day by day): `[fromDay, toDay)` day ranges and yyyymm months.
 */
export function splitWholeMonths(p: Period): { months: number[]; dayRanges: [number, number][] } {
  const first = p.from.d === 1 ? { ...p.from } : addMonths(p.from, 1);
  const months: number[] = [];
  const dayRanges: [number, number][] = [];
  let x = first;
  while (dayNumber(addMonths(x, 1)) <= p.toDay) {
    months.push(x.y * 100 + x.m);
    x = addMonths(x, 1);
  }
  if (months.length === 0) return { months, dayRanges: [[p.fromDay, p.toDay]] };
  if (dayNumber(first) > p.fromDay) dayRanges.push([p.fromDay, dayNumber(first)]);
  if (dayNumber(x) < p.toDay) dayRanges.push([dayNumber(x), p.toDay]);
  return { months, dayRanges };
}
