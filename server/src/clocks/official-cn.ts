/**
 * The State Council's public holidays and make-up working days (调休), from the maintained
 * data of the `chinese-days` package (its published `chinese-days.json`: `holidays` and
 * `workdays` keyed by `YYYY-MM-DD`). Read directly rather than through `isWorkday()` so that
 * we know which years the data covers and can refuse the others (§11: "for every year the
 * maintained data covers").
 */
import data from 'chinese-days/dist/chinese-days.json' with { type: 'json' };

const holidays: Readonly<Record<string, string>> = data.holidays;
const workdays: Readonly<Record<string, string>> = data.workdays;

/** Years (ascending) for which the package lists the official arrangement, e.g. 2004…2026. */
export const OFFICIAL_CN_YEARS: readonly number[] = Object.freeze(
  [...new Set([...Object.keys(holidays), ...Object.keys(workdays)].map((d) => Number(d.slice(0, 4))))].sort((a, b) => a - b),
);

const covered = new Set(OFFICIAL_CN_YEARS);

/** True when the official arrangement of the year is known; a date in another year cannot be classified. */
export function isOfficialCnYearCovered(year: number): boolean {
  return covered.has(year);
}

/**
 * What the official arrangement says of a date (`YYYY-MM-DD`, in a covered year): `holiday`
 * (a day off, even on a weekday), `workday` (a make-up working day, even on a weekend) or
 * `null` (an ordinary day: the calendar's own working days decide).
 */
export function officialCnDay(date: string): 'holiday' | 'workday' | null {
  if (Object.hasOwn(workdays, date)) return 'workday';
  if (Object.hasOwn(holidays, date)) return 'holiday';
  return null;
}
