import type { Generated } from 'kysely';

/** The §4 thresholds: one row (`default`). */
export interface HotspotSettingRow {
  id: string;
  minComplaints: number;
  windowMs: number;
  updatedBy: string | null;
  updatedAt: number;
}

/** A hotspot group (DESIGN §4). Its members are the tickets with `hotspot_id` = id. */
export interface HotspotRow {
  id: Generated<number>;
  categoryId: string;
  regionId: string;
  /** `open`, `closed` (its problem record was closed) or `merged` (into `mergedIntoId`) */
  status: string;
  firstReportedAt: number;
  lastReportedAt: number;
  ticketCount: number;
  problemId: number | null;
  mergedIntoId: number | null;
  openedAt: number;
  closedAt: number | null;
  mergedAt: number | null;
  updatedAt: number;
}

/** A cell of a hotspot and how many of its members were reported there. */
export interface HotspotCellRow {
  hotspotId: number;
  cellId: string;
  regionId: string;
  ticketCount: number;
}

export interface HotspotTables {
  hotspotSetting: HotspotSettingRow;
  hotspot: HotspotRow;
  hotspotCell: HotspotCellRow;
}
