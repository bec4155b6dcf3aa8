import type { Generated } from 'kysely';

/** A radio cell (DESIGN §2): its id is the operator's cell id text (ECGI/CGI). */
export interface CellRow {
  id: string;
  siteId: string;
  name: string;
  regionId: string;
  network: string;
  lon: number;
  lat: number;
  /** square of the fine cell grid (geo.ts cellGridKey): the nearby-cell search reads it by index */
  gridKey: number;
  updatedAt: number;
}

/** One direction of a neighbour relation; both directions are always stored (§2: symmetric). */
export interface CellNeighbourRow {
  cellId: string;
  neighbourId: string;
}

/** Subscribers of a region and network in a month: the denominator of complaint rates (§7). */
export interface SubscriberCountRow {
  regionId: string;
  network: string;
  /** `YYYY-MM` */
  month: string;
  count: number;
  updatedAt: number;
}

/** A known network issue (网络信息, §2) that the front line may read out to a customer. */
export interface NetworkIssueRow {
  id: Generated<number>;
  kind: string;
  title: string;
  explanation: string;
  regionId: string;
  startsAt: number;
  /** null: open-ended */
  endsAt: number | null;
  /** `YYYY-MM-DD`, for construction plans */
  plannedDate: string | null;
  status: string;
  source: string;
  externalAlarmId: string | null;
  circleLon: number | null;
  circleLat: number | null;
  circleRadiusM: number | null;
  createdBy: string;
  createdAt: number;
  updatedAt: number;
  closedAt: number | null;
}

/** The cells an issue covers. */
export interface NetworkIssueCellRow {
  issueId: number;
  cellId: string;
}

/** The coarse grid squares an issue's circle touches (geo.ts issueGridKey): the circle lookup's index. */
export interface NetworkIssueGridRow {
  gridKey: number;
  issueId: number;
}

/** A TMF642 alarm pushed by the NMS, and the outage issue it opened. */
export interface NetworkAlarmRow {
  id: Generated<number>;
  externalAlarmId: string | null;
  issueId: number;
  regionId: string;
  state: string;
  perceivedSeverity: string;
  alarmType: string;
  probableCause: string;
  specificProblem: string | null;
  sourceSystemId: string;
  alarmedObjectId: string;
  alarmedObjectType: string | null;
  raisedAt: number;
  reportedAt: number | null;
  changedAt: number;
  clearedAt: number | null;
  clearSystemId: string | null;
  clearUserId: string | null;
  /** the other TMF642 attributes as sent (JSON), echoed back in the Alarm representation */
  attributes: string;
  createdBy: string;
  createdAt: number;
  updatedAt: number;
}

export interface NetworkTables {
  cell: CellRow;
  cellNeighbour: CellNeighbourRow;
  subscriberCount: SubscriberCountRow;
  networkIssue: NetworkIssueRow;
  networkIssueCell: NetworkIssueCellRow;
  networkIssueGrid: NetworkIssueGridRow;
  networkAlarm: NetworkAlarmRow;
}
