/**
 * Wall-clock arithmetic in an IANA time zone, with Intl only (no tz packages).
 *
 * "Wall milliseconds" are a local date and time written as if it were UTC:
 * `Date.UTC(2025, 2, 7, 17, 0)` stands for 2025-03-07 17:00 on the wall clock of the zone.
 * The calendar caches what it computes here per day, so these Intl calls run once per
 * calendar day, not once per ticket.
 */

/** Milliseconds in a (wall-clock) day. */
export const DAY_MS = 86_400_000;

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric',
      hour: 'numeric', minute: 'numeric', second: 'numeric', era: 'short',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** True when Intl knows the IANA time zone (e.g. `Asia/Shanghai`); a calendar refuses any other. */
export function isKnownTimeZone(timeZone: string): boolean {
  if (typeof timeZone !== 'string' || timeZone.length === 0) return false;
  try {
    formatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** The zone's offset from UTC at an instant, in milliseconds (wall − UTC; +8 h for Asia/Shanghai). */
export function zoneOffsetMs(timeZone: string, utcMs: number): number {
  let year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0, bc = false;
  for (const p of formatter(timeZone).formatToParts(utcMs)) {
    switch (p.type) {
      case 'year': year = Number(p.value); break;
      case 'month': month = Number(p.value); break;
      case 'day': day = Number(p.value); break;
      case 'hour': hour = Number(p.value); break;
      case 'minute': minute = Number(p.value); break;
      case 'second': second = Number(p.value); break;
      case 'era': bc = p.value.startsWith('B'); break;
    }
  }
  const d = new Date(0);
  d.setUTCFullYear(bc ? 1 - year : year, month - 1, day); // setUTCFullYear: no 19xx mapping of years < 100
  d.setUTCHours(hour, minute, second, 0);
  const wholeSecond = utcMs - (((utcMs % 1000) + 1000) % 1000);
  return d.getTime() - wholeSecond;
}

/**
 * The UTC instant of a wall-clock time in the zone. A time that occurs twice (autumn
 * fall-back) maps to the first occurrence; a time that does not exist (spring-forward gap)
 * maps to the instant just as far past the gap, like Temporal's `disambiguation: 'compatible'`.
 */
export function wallToUtc(timeZone: string, wallMs: number): number {
  // Zones change offset at most once in any two days, so the offsets a day either side
  // are the only candidates.
  const before = zoneOffsetMs(timeZone, wallMs - DAY_MS);
  const after = zoneOffsetMs(timeZone, wallMs + DAY_MS);
  if (before === after) return wallMs - before;
  const withBefore = wallMs - before;
  const withAfter = wallMs - after;
  const beforeFits = zoneOffsetMs(timeZone, withBefore) === before;
  const afterFits = zoneOffsetMs(timeZone, withAfter) === after;
  if (beforeFits && afterFits) return Math.min(withBefore, withAfter);
  if (afterFits) return withAfter;
  return withBefore; // fits, or in a gap: the offset before the gap pushes the time past it
}
