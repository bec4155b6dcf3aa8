/**
 * KPI tables (issue 5, DESIGN §7). Per-day aggregates kept by the ticket hook in the same
 * transaction as the change (kpis/hooks.ts); targets and scorecard weights edited by admins.
 */

/**
 * Counters per (department, day, region, network, shard). `departmentId` '' holds every ticket;
 * a department's id holds the tickets ever forwarded to it (§7 department filter). `network` ''
 * is a ticket without a network. `shard` spreads hot rows over several rows on PostgreSQL so
 * concurrent intakes do not queue on one row lock; readers sum over shards.
 */
export interface KpiDayRow {
  departmentId: string;
  day: number;
  regionId: string;
  network: string;
  shard: number;
  tickets: number;
  complaints: number;
  repeats: number;
  resolvedAtIntake: number;
  regulator: number;
  closed: number;
  solved: number;
  followUps: number;
  responded: number;
  scoreSum: number;
  tens: number;
  triageMet: number;
  triageBreached: number;
  initialReplyMet: number;
  initialReplyBreached: number;
  resolutionMet: number;
  resolutionBreached: number;
  commitmentMet: number;
  commitmentBreached: number;
  followUpMet: number;
  followUpBreached: number;
}

/**
 * Handling-time histogram of the clocks stopped on a day (yyyymmdd), per group and clock: count,
 * summed milliseconds, and `buckets`, JSON `[bucket, count, sum ms, …]` over the duration buckets
 * of contribution.ts bucketOf.
 */
export interface KpiDurationDayRow {
  departmentId: string;
  day: number;
  regionId: string;
  network: string;
  clock: string;
  count: number;
  sumMs: number;
  buckets: string;
}

/** The same histogram by stop month (yyyymm): whole months read 30 times fewer rows. */
export interface KpiDurationMonthRow {
  departmentId: string;
  month: number;
  regionId: string;
  network: string;
  clock: string;
  count: number;
  sumMs: number;
  buckets: string;
}

/** What each ticket adds to the aggregates now (contribution.ts encoding): the hook adds new − stored. */
export interface KpiTicketRow {
  ticketId: number;
  facts: string;
}

/** A target per KPI and region (`*`: every region without its own). */
export interface KpiTargetRow {
  kpi: string;
  regionId: string;
  value: number;
  updatedBy: string;
  updatedAt: number;
}

/** Scorecard points per KPI (§7 department scorecards). */
export interface KpiWeightRow {
  kpi: string;
  points: number;
  updatedBy: string;
  updatedAt: number;
}

export interface KpiTables {
  kpiDay: KpiDayRow;
  kpiDurationDay: KpiDurationDayRow;
  kpiDurationMonth: KpiDurationMonthRow;
  kpiTicket: KpiTicketRow;
  kpiTarget: KpiTargetRow;
  kpiWeight: KpiWeightRow;
}
