import type { Deps } from '../http/deps.ts';
import type { Ticket } from './repository.ts';
import { hotspotsAtCells } from '../hotspots/query.ts';

/**
 * What the agent sees at intake beside the new ticket (DESIGN §3 step 1): matching network
 * issues, open hotspots there, and the caller's recent tickets.
 */
export async function knownIssuesFor(deps: Deps, t: Ticket): Promise<{ knownIssues: unknown[]; hotspots: unknown[]; recentTickets: unknown[] }> {
  const k = deps.db.kysely;
  const recent = await k.selectFrom('ticket').select(['id', 'categoryId', 'status', 'reportedAt'])
    .where('customerKey', '=', t.customerKey).where('id', '!=', t.id).orderBy('reportedAt', 'desc').limit(5).execute();
  // open hotspots at the ticket's cell and its neighbours (§4); a ticket without a cell has none
  const hotspots = t.cellId ? await hotspotsAtCells(k, { cellIds: [t.cellId], neighbours: true }, deps.config.timeZone) : [];
  return { knownIssues: [], hotspots, recentTickets: recent.map((r) => ({ id: r.id, category: r.categoryId, status: r.status, reportedAt: new Date(r.reportedAt).toISOString() })) };
}
