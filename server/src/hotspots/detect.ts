import type { Q } from '../db/types.ts';
import type { Deps } from '../http/deps.ts';
import { notify } from '../notifications/notify.ts';
import { addOutbox } from '../outbox/outbox.ts';
import { categoriesById } from '../tickets/categories.ts';
import { linkHotspotMembers, mergeHotspotProblem, openHotspotProblem, reopenHotspotProblem } from '../problems/hotspot-problems.ts';
import { hotspotRule } from './settings.ts';
import { lockGroups, lockNeighbourhood } from './locks.ts';
import { qualifyingWindows, type Complaint, type Neighbourhood } from './windows.ts';
import { joinHotspot } from './membership.ts';
import {
  addHotspotCells, complaintsAt, neighboursOf, neighboursOfCells, foldHotspotCells, getHotspot, hotspotsForUpdate, memberIds, membershipOf, nocOf, type Hotspot,
} from './repository.ts';

/** A group whose last complaint is older than this is history (an import): the outbox records it, the NOC's inbox does not get it. */
export const NOTIFY_RECENT_MS = 24 * 3600_000;

/**
 * Hotspot detection (DESIGN §4), run in the transaction that stores a ticket — live intake and
 * imported history alike (tickets/intake.ts insertTicket).
 *
 * A new complaint j (category c, cell x, time t) changes exactly the windows that hold it: its
 * own W(j), and W(i) of every complaint i of category c at a cell of N(x) with t ≤ t_i < t + 60 min
 * (relations are symmetric, so x ∈ N(x_i) and j ∈ W(i)). No other window changes. Those windows
 * are recomputed in full from the ticket index (cell_id, category_id, reported_at): the complaints
 * of category c in (t − 60 min, t + 60 min) at the cells of N(x), which gives the owners i, then
 * at the cells of N(x_i) for the owners' cells not read yet (usually there are none: j is the only
 * owner) — N(x) from the neighbour cache, one or two reads of the ticket index.
 * Every qualifying one of them holds j, so they and j form one chain: their members and the
 * groups they already belong to become one group, under the oldest group's id (the lowest id:
 * ids are handed out in the order groups open), and the others are marked `merged` into it.
 *
 * Why the groups never depend on arrival order: windows only grow as complaints arrive, a window
 * changes only when a complaint in it arrives, and at that moment it is recomputed whole and its
 * members united. So after every ticket the stored groups are exactly the connected components of
 * all qualifying windows over the stored complaints — the same set whatever the order, because
 * union does not care about order. (Which id survives a merge does depend on the order.)
 *
 * Only network complaints with a cell take part: a complaint located by lon/lat or address alone
 * has no N(x), so it neither counts in windows nor joins a group. Cost per ticket follows the
 * complaints in that neighbourhood and time, never the number of stored tickets.
 *
 * Returns whether any group changed (this ticket and others may then have been regraded).
 */
export async function detectHotspots(trx: Q, deps: Deps, ticketId: number, now: number, known?: DetectFacts, hooks?: DetectHooks): Promise<boolean> {
  const j = known ?? await trx.selectFrom('ticket').select(['id', 'categoryId', 'isNetwork', 'cellId', 'reportedAt', 'regionId']).where('id', '=', ticketId).executeTakeFirst();
  if (!j || !j.isNetwork || !j.cellId) return false;
  const engine = deps.db.engine;
  const rule = await hotspotRule(trx, deps.db, now);
  const x = j.cellId;
  const t = j.reportedAt;
  const W = rule.windowMs;

  // the owners of the windows j is in are complaints at cells of N(x), reported in [t, t + W)
  const neighbours = new Map<string, string[]>([[x, await neighboursOf(trx, x)]]);
  const nx = [x, ...neighbours.get(x)!];
  if (!hooks?.neighbourhoodLocked) await lockNeighbourhood(trx, engine, j.categoryId, nx);
  const inNx = new Set(nx);
  const read = (cells: string[]) => (hooks?.complaintsAt ?? ((...a) => complaintsAt(trx, ...a)))(j.categoryId, cells, t - W, t + W);
  const complaints = await read(nx);
  const owners = complaints.filter((c) => c.reportedAt >= t);

  // a window W(o) holds complaints at N(x_o): read the neighbour lists of the owners' cells (only
  // those: usually j is the only owner and N(x) is known) and the complaints at cells not read yet
  const ownerCells = [...new Set(owners.map((o) => o.cellId))].filter((c) => c !== x);
  if (ownerCells.length) {
    for (const [cell, list] of await (hooks?.neighboursOfCells ?? ((cells) => neighboursOfCells(trx, cells)))(ownerCells)) neighbours.set(cell, list);
    const more = new Set<string>();
    for (const y of ownerCells) for (const z of neighbours.get(y) ?? []) if (!inNx.has(z)) more.add(z);
    if (more.size) complaints.push(...await read([...more]));
  }

  const sets = new Map<string, Set<string>>();
  const n: Neighbourhood = (cell) => {
    let s = sets.get(cell);
    if (!s) { s = new Set([cell, ...(neighbours.get(cell) ?? [])]); sets.set(cell, s); }
    return s;
  };
  // (a window that does not hold j cannot have changed; filtering guards against asymmetric neighbour data)
  const qualifying = qualifyingWindows(owners, complaints, n, rule).filter((w) => w.members.includes(j.id));
  if (qualifying.length === 0) return false;

  // when each member joined, in event time: a window exists from its owner's report time
  const joinAt = new Map<number, number>();
  for (const w of qualifying) for (const m of w.members) joinAt.set(m, Math.min(joinAt.get(m) ?? Infinity, w.owner.reportedAt));
  const mergeAt = Math.min(...qualifying.map((w) => w.owner.reportedAt));

  await hooks?.beforeChange?.();
  await lockGroups(trx, engine, j.categoryId);
  const current = await membershipOf(trx, [...joinAt.keys()]);
  const groups = await liveGroups(trx, engine, current.map((c) => c.hotspotId).filter((id): id is number => id != null));
  const fresh = current.filter((c) => c.hotspotId == null || !groups.some((g) => g.id === c.hotspotId));
  if (fresh.length === 0 && groups.length <= 1) return false; // nothing new (detection ran twice for this ticket)

  const categories = await categoriesById(trx, now);
  const categoryName = categories.get(j.categoryId)?.nameZh ?? j.categoryId;
  const created = groups.length === 0;
  let survivor: Hotspot;
  if (created) {
    const times = fresh.map((c) => c.reportedAt);
    const ins = await trx.insertInto('hotspot').values({
      categoryId: j.categoryId, regionId: j.regionId, status: 'open',
      firstReportedAt: Math.min(...times), lastReportedAt: Math.max(...times), ticketCount: 0,
      problemId: null, mergedIntoId: null, openedAt: now, closedAt: null, mergedAt: null, updatedAt: now,
    }).returning('id').executeTakeFirstOrThrow();
    survivor = (await getHotspot(trx, Number(ins.id)))!;
  } else {
    survivor = groups[0];
  }
  const merged = groups.slice(1);
  const S = survivor.id;

  let problemId = survivor.problemId == null ? null : Number(survivor.problemId);
  if (problemId == null) {
    const cellIds = [...new Set(fresh.map((c) => c.cellId))].sort();
    problemId = await openHotspotProblem(trx, { hotspotId: S, regionId: survivor.regionId, categoryId: j.categoryId, cellIds, ticketIds: fresh.map((c) => c.id), nocId: await nocOf(trx, survivor.regionId) }, now);
  }

  // members of the merged groups move to the survivor, then the new members join
  const moves: { id: number; from: number | null; at: number }[] = [];
  for (const g of merged) for (const id of await memberIds(trx, g.id)) moves.push({ id, from: g.id, at: joinAt.get(id) ?? mergeAt });
  for (const c of fresh) moves.push({ id: c.id, from: null, at: joinAt.get(c.id)! });
  moves.sort((a, b) => a.id - b.id); // one lock order for ticket rows
  for (const m of moves) await joinHotspot(trx, deps, m.id, { hotspotId: S, problemId, from: m.from, at: m.at }, now);

  const perCell = new Map<string, { cellId: string; regionId: string; n: number }>();
  for (const c of fresh) {
    const e = perCell.get(c.cellId);
    if (e) e.n++; else perCell.set(c.cellId, { cellId: c.cellId, regionId: c.regionId, n: 1 });
  }
  await foldHotspotCells(trx, S, merged.map((g) => g.id));
  await addHotspotCells(trx, S, [...perCell.values()]);

  const times = [...fresh.map((c) => c.reportedAt), ...merged.flatMap((g) => [g.firstReportedAt, g.lastReportedAt])];
  const first = Math.min(created ? Infinity : survivor.firstReportedAt, ...times);
  const last = Math.max(created ? -Infinity : survivor.lastReportedAt, ...times);
  // a closed group opens again when the fault comes back: a complaint after its close, or an open group merging in
  const reopened = !created && survivor.status === 'closed'
    && (merged.some((g) => g.status === 'open') || fresh.some((c) => c.reportedAt > (survivor.closedAt ?? Infinity)));
  const status = created || survivor.status === 'open' || reopened ? 'open' : 'closed';
  const ticketCount = Number(survivor.ticketCount) + merged.reduce((s, g) => s + Number(g.ticketCount), 0) + fresh.length;
  await trx.updateTable('hotspot').set({
    firstReportedAt: first, lastReportedAt: last, ticketCount, status, problemId, updatedAt: now,
    ...(reopened ? { closedAt: null } : {}),
  }).where('id', '=', S).execute();
  for (const g of merged) {
    await trx.updateTable('hotspot').set({ status: 'merged', mergedIntoId: S, mergedAt: now, updatedAt: now }).where('id', '=', g.id).execute();
    if (g.problemId != null) await mergeHotspotProblem(trx, Number(g.problemId), problemId, now);
    await addOutbox(trx, { topic: 'hotspot.merged', payload: { hotspotId: g.id, into: S, problemId: g.problemId }, at: now });
  }
  await linkHotspotMembers(trx, problemId, moves.map((m) => m.id), now);
  if (reopened) await reopenHotspotProblem(trx, problemId, now, { hotspotId: S, becauseOf: j.id });

  const added = fresh.map((c) => c.id).sort((a, b) => a - b);
  const topic = created ? 'hotspot.opened' : 'hotspot.grown';
  await addOutbox(trx, {
    topic, ticketId: j.id,
    payload: { hotspotId: S, problemId, category: j.categoryId, regionId: survivor.regionId, added, mergedFrom: merged.map((g) => g.id), reopened, ticketCount },
    at: now,
  });
  if (last >= now - NOTIFY_RECENT_MS) {
    // the NOC of every city the change touches (§4: "notifies the city's NOC")
    const regions = new Set<string>([survivor.regionId, ...fresh.map((c) => c.regionId)]);
    for (const regionId of [...regions].sort()) {
      const noc = await nocOf(trx, regionId);
      if (!noc) continue;
      await notify(trx, {
        ticketId: j.id, kind: created ? 'hotspot_opened' : 'hotspot_grown', departmentId: noc, regionId,
        message: created
          ? `热点 #${S} 已形成：${categoryName}，${ticketCount} 张投诉`
          : `热点 #${S} ${reopened ? '再次出现' : '扩大'}：新增 ${added.length} 张投诉${merged.length ? `，并入热点 ${merged.map((g) => `#${g.id}`).join('、')}` : ''}，共 ${ticketCount} 张`,
        data: { hotspotId: S, problemId }, at: now,
      });
    }
  }
  return true;
}

/** What detection needs of the new ticket (intake passes the row it has just written instead of a read). */
export interface DetectFacts { id: number; categoryId: string; isNetwork: number; cellId: string | null; reportedAt: number; regionId: string }

/**
 * For a caller that holds tickets it has not written yet (the history import writes a batch at
 * once): `complaintsAt` answers the reads of the ticket index (repository.ts complaintsAt)
 * including those tickets, `neighboursOfCells` the neighbour reads, and `beforeChange` is awaited
 * before detection reads or changes anything else, so the caller can write them first. Live
 * intake passes none.
 */
export interface DetectHooks {
  complaintsAt?: (categoryId: string, cellIds: readonly string[], after: number, before: number) => Promise<Complaint[]>;
  neighboursOfCells?: (cellIds: readonly string[]) => Promise<Map<string, string[]>>;
  beforeChange?: () => Promise<void>;
  /** the caller holds the neighbourhood's locks already (locks.ts lockNeighbourhoods) */
  neighbourhoodLocked?: boolean;
}

/** The live groups of these ids, oldest first; a merged id (history only) resolves to the group it went into. */
async function liveGroups(trx: Q, engine: Deps['db']['engine'], ids: number[]): Promise<Hotspot[]> {
  let rows = await hotspotsForUpdate(trx, engine, ids);
  for (let i = 0; i < 8 && rows.some((r) => r.status === 'merged'); i++) {
    const next = rows.map((r) => (r.status === 'merged' && r.mergedIntoId != null ? Number(r.mergedIntoId) : r.id));
    rows = await hotspotsForUpdate(trx, engine, next);
  }
  return rows.filter((r) => r.status !== 'merged').map((r) => ({ ...r, id: Number(r.id) }));
}
