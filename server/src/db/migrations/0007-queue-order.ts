import type { Migration } from './helpers.ts';
import { sql } from 'kysely';
import { index } from './helpers.ts';

/**
 * A department's queue in due order (issue 8, bench/queue.ts; figures in BENCHMARKS.md). The
 * NOC's incoming queue asks for two statuses (dispatched, in progress) and a department's whole
 * queue for every open one; on the (assignee_department_id, status, next_due_at, id) index of 0003
 * that is one range per status, so every page sorted the whole queue first. Without status in the
 * key the index is in queue order and a page stops after its 50 rows, however long the queue:
 * only tickets held by a department (dispatched, in progress) have `assignee_department_id`, so
 * the status filter drops next to nothing on the way. On PostgreSQL the planner also needs
 * statistics to see it (below); they take effect at the next ANALYZE of ticket (autovacuum's, or
 * by hand after migrating).
 * A city's open tickets (the supervisor's list) get no (region_id, next_due_at, id) twin: open
 * tickets without a running clock sort among the region's closed ones (both at NO_DUE) there, and
 * the last pages read every closed ticket of the city (bench/queue.ts showed it).
 */
export const queueOrder: Migration = {
  name: '0007-queue-order',
  async up(db, engine) {
    await index(db, 'ticket', ['assignee_department_id', 'next_due_at', 'id']);
    if (engine === 'postgres') {
      // PostgreSQL only, and only planner statistics (no effect on results; SQLite's planner needs
      // none): ~1 % of tickets have a department, so the default sample sees a handful per
      // department, and department, region and status are taken as independent. It estimated
      // 47 rows for a NOC queue of 13,750 at 10M, chose to sort them (224 ms) over reading this
      // index in order (0.6 ms once the statistics below are analyzed).
      await sql`alter table ticket alter column assignee_department_id set statistics 1000`.execute(db);
      await sql`create statistics ticket_assignee_region_status_stx (dependencies, mcv) on assignee_department_id, region_id, status from ticket`.execute(db);
    }
  },
};
