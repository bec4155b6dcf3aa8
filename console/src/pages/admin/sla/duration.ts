/**
 * ISO 8601 durations as the SLA policies hold them (server/src/clocks/duration.ts): weeks, days,
 * hours, minutes and seconds; a fraction on the last component only. The console parses them
 * to show hours and writes them from the hours the admin types; the server checks them again.
 */
const PATTERN = /^P(?:(\d+(?:[.,]\d+)?)W)?(?:(\d+(?:[.,]\d+)?)D)?(?:T(?:(\d+(?:[.,]\d+)?)H)?(?:(\d+(?:[.,]\d+)?)M)?(?:(\d+(?:[.,]\d+)?)S)?)?$/;
const UNIT_MS = [7 * 86_400_000, 86_400_000, 3_600_000, 60_000, 1000];

/** Milliseconds of a duration, or null when it is not one the server takes. */
export function parseIsoDuration(text: string): number | null {
  const m = PATTERN.exec(text.trim());
  if (!m || text.trim() === 'P' || text.trim().endsWith('T')) return null;
  const parts = m.slice(1);
  const present = parts.map((p, i) => (p === undefined ? -1 : i)).filter((i) => i >= 0);
  if (present.length === 0) return null;
  if (present.slice(0, -1).some((i) => /[.,]/.test(parts[i]!))) return null;
  return present.reduce((sum, i) => sum + Number(parts[i]!.replace(',', '.')) * UNIT_MS[i], 0);
}

/** Hours (e.g. 0.5, 4, 72) as an ISO duration: `PT30M`, `PT4H`, `PT72H`, `PT1H30M`. */
export function hoursToIso(hours: number): string {
  const minutes = Math.round(hours * 60);
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  if (minutes === 0) return 'PT0M';
  return `PT${h ? `${h}H` : ''}${m ? `${m}M` : ''}`;
}

/** Milliseconds as hours, rounded to minutes (for the hours input). */
export const msToHours = (ms: number): number => Math.round(ms / 60_000) / 60;
