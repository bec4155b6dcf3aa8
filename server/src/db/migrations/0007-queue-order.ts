import type { Migration } from './helpers.ts';
import { index } from './helpers.ts';

/**
 * Queue order at scale (issue 8, bench/queue.ts). A queue asks for several statuses at once (the
 * NOC's incoming queue: dispatched and in progress; a city's open tickets: every open status) in
 * nearest-due order. On the (…, status, next_due_at, id) indexes of 0003 that is one range per
 * status, merged by sorting the whole queue on every page. Without status in the key the index
 * is already in queue order and the page stops after 50 rows, whatever the queue's length:
 * - a department's queue: only tickets with a department (dispatched, in progress) have
 *   `assignee_department_id`, so the status filter drops nothing on the way;
 * - a region's open tickets: a closed ticket's `next_due_at` is NO_DUE, so closed tickets sort
 *   after every open one of the region and are never read for an open queue.
 * The 0003 indexes stay: single-status lists by region (the agent's queues) read them exactly.
 */
export const queueOrder: Migration = {
  name: '0007-queue-order',
  async up(db) {
    await index(db, 'ticket', ['assignee_department_id', 'next_due_at', 'id']);
    await index(db, 'ticket', ['region_id', 'next_due_at', 'id']);
  },
};
