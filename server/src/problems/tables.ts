import type { Generated } from 'kysely';

// Migration 0004 adds columns to the problem tables of migration 0003 (declared in tickets/tables.ts).
declare module '../tickets/tables.ts' {
  interface ProblemRow {
    /** a problem of a hotspot that merged into another: the surviving hotspot's problem */
    mergedIntoId: number | null;
    closedBy: string | null;
  }
  interface ProblemTicketRow {
    linkedAt: number | null;
    linkedBy: string | null;
  }
}

/** One row of a problem record's history (DESIGN §6): appended, never edited. */
export interface ProblemEventRow {
  id: Generated<number>;
  problemId: number;
  /** `created`, `updated`, `tickets_linked`, `closed`, `reopened`, `merged` */
  type: string;
  at: number;
  actor: string;
  actorRole: string;
  data: string | null;
}

export interface ProblemTables {
  problemEvent: ProblemEventRow;
}
