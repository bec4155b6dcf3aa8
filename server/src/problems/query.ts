import type { Q } from '../db/types.ts';
import type { Engine } from '../db/connect.ts';
import type { Actor } from '../access/actor.ts';
import { inScope } from '../access/scope.ts';
import { errors } from '../errors.ts';
import { decodeCursor, page } from '../http/pagination.ts';
import { regionTree } from '../org/region-tree.ts';
import { PROBLEM_STATUSES } from './abilities.ts';
import { getProblemInScope } from './repository.ts';
import { presentLinkedTicket, presentProblem, presentProblemEvent } from './present.ts';

export interface ProblemFilters {
  status?: string; region?: string; category?: string; ownerDepartment?: string; hotspot?: number; q?: string; limit?: number; cursor?: string;
}

/** Linked-ticket counts of these problems. */
async function ticketCounts(db: Q, ids: number[]): Promise<Map<number, number>> {
  if (ids.length === 0) return new Map();
  const rows = await db.selectFrom('problemTicket').select((eb) => ['problemId', eb.fn.countAll<number>().as('n')]).where('problemId', 'in', ids).groupBy('problemId').execute();
  return new Map(rows.map((r) => [Number(r.problemId), Number(r.n)]));
}

/** Problem records in the actor's scope, newest first, with filters; keyset paging by id. */
export async function listProblems(db: Q, actor: Actor, f: ProblemFilters, tz: string) {
  const limit = f.limit ?? 50;
  let q = db.selectFrom('problem').selectAll().$call(inScope(actor, 'regionId'));
  if (f.status) {
    const wanted = f.status.split(',').map((s) => s.trim()).flatMap((s) => (s === 'active' ? ['open', 'in_progress'] : [s]));
    const bad = wanted.filter((s) => !(PROBLEM_STATUSES as readonly string[]).includes(s));
    if (bad.length) throw errors.validation(`unknown status ${bad.join(', ')}; one of ${PROBLEM_STATUSES.join(', ')} or active`, { status: bad });
    q = q.where('status', 'in', wanted);
  }
  if (f.region) q = q.where('regionId', 'in', (await regionTree(db)).subtree.get(f.region) ?? [f.region]);
  if (f.category) q = q.where('categoryId', '=', f.category);
  if (f.ownerDepartment) q = q.where('ownerDepartmentId', '=', f.ownerDepartment);
  if (f.hotspot) q = q.where('hotspotId', '=', f.hotspot);
  if (f.q) {
    const text = f.q.trim();
    if (/^\d{1,12}$/.test(text)) q = q.where((eb) => eb.or([eb('id', '=', Number(text)), eb('title', 'like', `%${text}%`)]));
    // LIKE wildcards in the words are dropped: SQLite and PostgreSQL escape them differently
    else q = q.where('title', 'like', `%${text.replace(/[%_\\]/g, '')}%`);
  }
  const after = decodeCursor(f.cursor, 1);
  if (after) q = q.where('id', '<', Number(after[0]));
  const rows = await q.orderBy('id', 'desc').limit(limit + 1).execute();
  const p = page(rows, limit, (r) => [r.id]);
  const counts = await ticketCounts(db, p.items.map((r) => Number(r.id)));
  return { items: p.items.map((r) => presentProblem(r, counts.get(Number(r.id)) ?? 0, tz)), nextCursor: p.nextCursor };
}

/** One problem record with its linked tickets (those in the actor's scope) and its history. */
export async function problemDetail(db: Q, engine: Engine, actor: Actor, id: number, tz: string) {
  const p = await getProblemInScope(db, engine, actor, id);
  const [tickets, events, total] = await Promise.all([
    db.selectFrom('problemTicket').innerJoin('ticket', 'ticket.id', 'problemTicket.ticketId')
      .select(['ticket.id', 'ticket.status', 'ticket.grade', 'ticket.categoryId', 'ticket.cellId', 'ticket.regionId', 'ticket.reportedAt', 'ticket.hotspotId', 'ticket.assigneeDepartmentId', 'ticket.resolution'])
      .where('problemTicket.problemId', '=', id).$call(inScope(actor, 'ticket.regionId')).orderBy('ticket.id').execute(),
    db.selectFrom('problemEvent').selectAll().where('problemId', '=', id).orderBy('id').execute(),
    ticketCounts(db, [id]),
  ]);
  return {
    ...presentProblem(p, total.get(id) ?? 0, tz),
    tickets: tickets.map((t) => presentLinkedTicket(t, tz)),
    events: events.map((e) => presentProblemEvent(e, tz)),
  };
}
