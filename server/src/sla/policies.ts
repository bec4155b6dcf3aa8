import type { Q } from '../db/types.ts';
import { ReferenceCache } from '../db/reference-cache.ts';
import { compileCalendar, ROUND_THE_CLOCK, ROUND_THE_CLOCK_ID, type WorkingCalendar } from '../clocks/calendar.ts';
import type { CalendarDefinition } from '../clocks/calendar.ts';
import type { ClockName, Grade, SlaPolicy } from '../clocks/plan-clock.ts';

/** SLA policies and compiled calendars, as every clock plan needs them. */
export interface SlaSettings {
  policies: SlaPolicy[];
  calendars: Map<string, WorkingCalendar>;
}

// Re-read at most every 2 s (so another process's edit shows soon): intake plans clocks on every ticket, policies change rarely.
const cache = new ReferenceCache<SlaSettings>(2000, 1);

/** Loads policies and compiles calendars once, reusing them (compiled calendars cache their working days). */
export async function slaSettings(db: Q, _now?: number): Promise<SlaSettings> {
  return cache.get(db, 'sla', () => loadSlaSettings(db));
}

async function loadSlaSettings(db: Q): Promise<SlaSettings> {
  const [pRows, cRows] = await Promise.all([
    db.selectFrom('slaPolicy').selectAll().execute(),
    db.selectFrom('calendar').selectAll().execute(),
  ]);
  const calendars = new Map<string, WorkingCalendar>([[ROUND_THE_CLOCK_ID, ROUND_THE_CLOCK]]);
  for (const c of cRows) calendars.set(c.id, compileCalendar(JSON.parse(c.definition) as CalendarDefinition));
  const policies: SlaPolicy[] = pRows.map((p) => ({
    id: p.id, category: p.categoryId, grade: p.grade as Grade, clock: p.clock as ClockName, durationMs: p.durationMs, calendarId: p.calendarId,
  }));
  return { policies, calendars };
}

/** Forget the cache after a policy or calendar changed in this process. */
export function invalidateSla(): void { cache.clear(); }
