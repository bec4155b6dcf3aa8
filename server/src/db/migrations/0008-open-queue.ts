import type { Migration } from './helpers.ts';
import { index } from './helpers.ts';

/**
 * A city's open tickets in due order: the supervisor's city-wide list (`status=open`, no
 * department; issue 8, bench/queue.ts, figures in BENCHMARKS.md). On the (region_id, status,
 * next_due_at, id) index of 0003 that list is one range per open status, so PostgreSQL sorted
 * every open ticket of the city for each page (1.3 s at 10M). A (region_id, next_due_at, id)
 * index over every ticket was tried before (see 0007) and dropped: open tickets without a running
 * clock sort among the city's closed ones there. Partial, over tickets that are not closed, it
 * holds only the open ones (a few percent of the table) in queue order, so a page is one range
 * that stops after its rows on both engines. `listTickets` asks for `status=open` as
 * `status <> 'closed'`, in exactly these words: SQLite uses a partial index only when the query
 * holds its WHERE term (PostgreSQL also proves it from the list of open statuses).
 */
export const openQueue: Migration = {
  name: '0008-open-queue',
  async up(db) {
    await index(db, 'ticket', ['region_id', 'next_due_at', 'id'], { where: "status <> 'closed'", name: 'ticket_open_region_next_due_at_id_idx' });
  },
};
