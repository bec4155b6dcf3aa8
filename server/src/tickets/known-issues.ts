import type { Deps } from '../http/deps.ts';
import type { Actor } from '../access/actor.ts';
import { inScope } from '../access/scope.ts';
import type { Ticket } from './repository.ts';
import { hotspotsAtCells } from '../hotspots/query.ts';
import { findIssues } from '../network/lookup.ts';
import { presentFoundIssue } from '../network/present.ts';
import { toIso } from '../shared/time.ts';

/**
 * What the agent sees at intake beside the new ticket (DESIGN §3 step 1): the network issues
 * covering its place at its report time (network complaints only), open hotspots there, and
 * the caller's recent tickets in the agent's scope.
 */
export async function knownIssuesFor(deps: Deps, actor: Actor, t: Ticket): Promise<{ knownIssues: unknown[]; hotspots: unknown[]; recentTickets: unknown[] }> {
  const k = deps.db.kysely;
  const tz = deps.config.timeZone;
  const recent = await k.selectFrom('ticket').select(['id', 'categoryId', 'status', 'reportedAt'])
    .where('customerKey', '=', t.customerKey).where('id', '!=', t.id).$call(inScope(actor, 'regionId'))
    .orderBy('reportedAt', 'desc').limit(5).execute();
  const place = t.cellId || (t.lon != null && t.lat != null);
  const found = t.isNetwork && place
    ? await findIssues(k, { cellIds: t.cellId ? [t.cellId] : undefined, lon: t.cellId ? undefined : t.lon ?? undefined, lat: t.cellId ? undefined : t.lat ?? undefined, at: t.reportedAt, category: t.categoryId })
    : { issues: [] };
  // open hotspots at the ticket's cell and its neighbours (§4); a ticket without a cell has none
  const hotspots = t.cellId ? await hotspotsAtCells(k, { cellIds: [t.cellId], neighbours: true }, tz) : [];
  return {
    knownIssues: found.issues.map((i) => presentFoundIssue(i, tz)),
    hotspots,
    recentTickets: recent.map((r) => ({ id: r.id, category: r.categoryId, status: r.status, reportedAt: toIso(r.reportedAt, tz) })),
  };
}

/**
 * The construction plans and no-investment areas covering a ticket's place now (DESIGN §3
 * step 3): checked before a ticket goes to construction, so the NOC can reply with the plan or
 * the agreed explanation instead.
 */
export async function constructionCheck(deps: Deps, t: Ticket): Promise<unknown[]> {
  if (!t.cellId && (t.lon == null || t.lat == null)) return [];
  const found = await findIssues(deps.db.kysely, {
    cellIds: t.cellId ? [t.cellId] : undefined, lon: t.cellId ? undefined : t.lon ?? undefined, lat: t.cellId ? undefined : t.lat ?? undefined,
    at: deps.clock.now(), kinds: ['construction_plan', 'no_investment'],
  });
  return found.issues.map((i) => presentFoundIssue(i, deps.config.timeZone));
}
