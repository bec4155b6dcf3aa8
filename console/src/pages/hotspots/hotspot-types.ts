/** What the hotspot pages read from `/api/v1/hotspots…` (server/src/hotspots/query.ts). */

export type HotspotStatus = 'open' | 'closed' | 'merged';

/** A hotspot group (DESIGN §4, §11). */
export interface Hotspot {
  id: number;
  category: string;
  region: string;
  cells: string[];
  ticketIds?: number[];
  ticketCount: number;
  firstReportedAt: string;
  lastReportedAt: string;
  status: HotspotStatus;
  problemId: number | null;
  mergedInto: number | null;
  openedAt: string;
  closedAt: string | null;
}

/** A cell on the map with its network complaints in the chosen window. */
export interface MapCell {
  id: string;
  name: string;
  region: string;
  network: string;
  lon: number;
  lat: number;
  complaints: number;
  openComplaints: number;
  hotspotIds: number[];
}

/** `GET /api/v1/hotspots/map`. */
export interface MapAnswer {
  from: string;
  to: string;
  cells: MapCell[];
  hotspots: Hotspot[];
  truncated: boolean;
  allCells: boolean;
}

/** `GET /api/v1/hotspots/settings`. */
export interface HotspotRule {
  minComplaints: number;
  windowMinutes: number;
}
