import { toIso, toIsoOrNull } from '../shared/time.ts';
import type { NetworkIssue } from './issues-repository.ts';
import type { FoundIssue, LookupCell } from './lookup.ts';
import type { Cell } from './cells-repository.ts';

/** A network issue as the API shows it: times ISO 8601 in the configured zone. */
export function presentIssue(i: NetworkIssue, timeZone: string) {
  return {
    id: i.id, kind: i.kind, title: i.title, explanation: i.explanation, regionId: i.regionId,
    cells: i.cells, circle: i.circle,
    startsAt: toIso(i.startsAt, timeZone), endsAt: toIsoOrNull(i.endsAt, timeZone), plannedDate: i.plannedDate,
    status: i.status, source: i.source, externalAlarmId: i.externalAlarmId,
    createdBy: i.createdBy, createdAt: toIso(i.createdAt, timeZone), updatedAt: toIso(i.updatedAt, timeZone), closedAt: toIsoOrNull(i.closedAt, timeZone),
  };
}

/** A lookup hit: the issue plus how it matched. */
export const presentFoundIssue = (i: FoundIssue, timeZone: string) => ({ ...presentIssue(i, timeZone), matchedBy: i.matchedBy });

/** A cell as the API shows it (`neighbours` when loaded). */
export function presentCell(c: Cell | LookupCell, timeZone: string, neighbours?: string[]) {
  return {
    id: c.id, siteId: c.siteId, name: c.name, regionId: c.regionId, network: c.network, lon: c.lon, lat: c.lat,
    ...('distanceM' in c ? { distanceM: c.distanceM } : {}),
    ...(neighbours ? { neighbours } : {}),
    updatedAt: toIso(c.updatedAt, timeZone),
  };
}
