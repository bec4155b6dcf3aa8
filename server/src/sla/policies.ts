import type { Q } from '../db/types.ts';
import { compileCalendar, ROUND_THE_CLOCK, ROUND_THE_CLOCK_ID, type WorkingCalendar } from '../clocks/calendar.ts';
import type { CalendarDefinition } from '../clocks/calendar.ts';
import type { ClockName, Grade, SlaPolicy } from '../clocks/plan-clock.ts';

/** SLA policies and compiled calendars, as every clock plan needs them. */
export interface SlaSettings {
  policies: SlaPolicy[];
  calendars: Map<string, WorkingCalendar>;
}

let cache: { at: number; key: Q; settings: SlaSettings } | null = null;
// Re-read at most every 2 s: intake plans clocks on every ticket, policies change rarely.
const TTL_MS = 2000;

/** Loads policies and compiles calendars once, reusing them (compiled calendars cache their working days). */
export async function slaSettings(db: Q, now = Date.now()): Promise<SlaSettings> {
  if (cache && cache.key === db && now - cache.at < TTL_MS) return cache.settings;
  const [pRows, cRows] = await Promise.all([
    db.selectFrom('slaPolicy').selectAll().execute(),
    db.selectFrom('calendar').selectAll().execute(),
  ]);
  const calendars = new Map<string, WorkingCalendar>([[ROUND_THE_CLOCK_ID, ROUND_THE_CLOCK]]);
  for (const c of cRows) calendars.set(c.id, compileCalendar(JSON.parse(c.definition) as CalendarDefinition));
  const policies: SlaPolicy[] = pRows.map((p) => ({
    id: p.id, category: p.categoryId, grade: p.grade as Grade, clock: p.clock as ClockName, durationMs: p.durationMs, calendarId: p.calendarId,
  }));
  const settings = { policies, calendars };
  cache = { at: now, key: db, settings };
  return settings;
}

/** Forget the cache after a policy or calendar changed in this process. */
export function invalidateSla(): void { cache = null; }
