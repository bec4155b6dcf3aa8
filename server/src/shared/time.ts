/** Time helpers: the database stores epoch milliseconds; the API speaks ISO 8601 with offset. */

const offsetFormatters = new Map<string, Intl.DateTimeFormat>();

function partsFormatter(timeZone: string): Intl.DateTimeFormat {
  let f = offsetFormatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit',
      hour: '2-digit', minute: '2-digit', second: '2-digit',
    });
    offsetFormatters.set(timeZone, f);
  }
  return f;
}

/** Wall-clock fields of an instant, read from ICU: exact, but costly (µs each). */
function formattedParts(ms: number, timeZone: string): { year: number; month: number; day: number; hour: number; minute: number; second: number } {
  const p: Record<string, number> = {};
  for (const x of partsFormatter(timeZone).formatToParts(new Date(ms))) if (x.type !== 'literal') p[x.type] = Number(x.value);
  return { year: p.year, month: p.month, day: p.day, hour: p.hour, minute: p.minute, second: p.second };
}

function formattedOffset(ms: number, timeZone: string): number {
  const z = formattedParts(ms, timeZone);
  const asUtc = Date.UTC(z.year, z.month - 1, z.day, z.hour, z.minute, z.second);
  return Math.round((asUtc - Math.floor(ms / 1000) * 1000) / 60000);
}

const HOUR = 3_600_000;
/** zone → hour number → offset, for hours without a change of offset inside them */
const offsetCache = new Map<string, Map<number, number>>();

/**
 * The zone's offset from UTC at an instant, in minutes. Time formatting runs for every time of
 * every answer and event, so offsets are remembered per hour: an hour whose first and last
 * millisecond have the same offset has it throughout (zones change offset at most once an hour);
 * an hour with a change in it is always asked of ICU.
 */
export function offsetMinutes(ms: number, timeZone: string): number {
  const hour = Math.floor(ms / HOUR);
  let zone = offsetCache.get(timeZone);
  if (!zone) { zone = new Map(); offsetCache.set(timeZone, zone); }
  const known = zone.get(hour);
  if (known !== undefined) return known;
  const start = formattedOffset(hour * HOUR, timeZone);
  const end = formattedOffset(hour * HOUR + HOUR - 1, timeZone);
  if (start !== end) return formattedOffset(ms, timeZone);
  if (zone.size >= 50_000) zone.clear();
  zone.set(hour, start);
  return start;
}

/** Wall-clock fields of an instant in a time zone. */
export function zonedParts(ms: number, timeZone: string): { year: number; month: number; day: number; hour: number; minute: number; second: number } {
  const local = new Date(ms + offsetMinutes(ms, timeZone) * 60000);
  return {
    year: local.getUTCFullYear(), month: local.getUTCMonth() + 1, day: local.getUTCDate(),
    hour: local.getUTCHours(), minute: local.getUTCMinutes(), second: local.getUTCSeconds(),
  };
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** ISO 8601 with the zone's offset, e.g. `2026-03-07T17:00:00.000+08:00`. */
export function toIso(ms: number, timeZone: string): string {
  const off = offsetMinutes(ms, timeZone);
  const local = new Date(ms + off * 60000);
  const sign = off >= 0 ? '+' : '-';
  const a = Math.abs(off);
  return `${local.toISOString().slice(0, 23)}${sign}${pad(Math.floor(a / 60))}:${pad(a % 60)}`;
}

/** Nullable variant of toIso. */
export const toIsoOrNull = (ms: number | null | undefined, timeZone: string): string | null => (ms == null ? null : toIso(ms, timeZone));

/** Parses an ISO 8601 timestamp that carries a zone (Z or ±hh:mm); null when malformed. */
export function parseIso(text: string): number | null {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/.test(text)) return null;
  const ms = Date.parse(text);
  return Number.isFinite(ms) ? ms : null;
}

/** The local calendar day (yyyymmdd as a number) of an instant in a time zone: KPI day buckets. */
export function dayKey(ms: number, timeZone: string): number {
  const z = zonedParts(ms, timeZone);
  return z.year * 10000 + z.month * 100 + z.day;
}

/** The UTC instant of local midnight starting the given yyyy-mm-dd in the zone. */
export function startOfLocalDay(year: number, month: number, day: number, timeZone: string): number {
  let guess = Date.UTC(year, month - 1, day);
  // two passes settle the offset even across a DST change
  for (let i = 0; i < 2; i++) guess = Date.UTC(year, month - 1, day) - offsetMinutes(guess, timeZone) * 60000;
  return guess;
}
