import type { Migration } from './helpers.ts';
import { index } from './helpers.ts';

/**
 * A department's queue in due order (issue 8, bench/queue.ts; figures in BENCHMARKS.md). The
 * NOC's incoming queue asks for two statuses (dispatched, in progress) and a department's whole
 * queue for every open one; on the (assignee_department_id, status, next_due_at, id) index of 0003
 * that is one range per status, so every page sorted the whole queue first. Without status in the
 * key the index is in queue order and a page stops after its 50 rows, however long the queue:
 * only tickets held by a department (dispatched, in progress) have `assignee_department_id`, so
 * the status filter drops next to nothing on the way.
 * A city's open tickets (the supervisor's list) get no (region_id, next_due_at, id) twin: open
 * tickets without a running clock sort among the region's closed ones (both at NO_DUE) there, and
 * the last pages read every closed ticket of the city (bench/queue.ts showed it).
 */
export const queueOrder: Migration = {
  name: '0007-queue-order',
  async up(db) {
    await index(db, 'ticket', ['assignee_department_id', 'next_due_at', 'id']);
  },
};
