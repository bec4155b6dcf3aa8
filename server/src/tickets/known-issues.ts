import type { Deps } from '../http/deps.ts';
import type { Ticket } from './repository.ts';

/**
 * What the agent sees at intake beside the new ticket (DESIGN §3 step 1): matching network
 * issues, open hotspots there, and the caller's recent tickets.
 */
export async function knownIssuesFor(deps: Deps, t: Ticket): Promise<{ knownIssues: unknown[]; hotspots: unknown[]; recentTickets: unknown[] }> {
  const k = deps.db.kysely;
  const recent = await k.selectFrom('ticket').select(['id', 'categoryId', 'status', 'reportedAt'])
    .where('customerKey', '=', t.customerKey).where('id', '!=', t.id).orderBy('reportedAt', 'desc').limit(5).execute();
  return { knownIssues: [], hotspots: [], recentTickets: recent.map((r) => ({ id: r.id, category: r.categoryId, status: r.status, reportedAt: new Date(r.reportedAt).toISOString() })) };
}
