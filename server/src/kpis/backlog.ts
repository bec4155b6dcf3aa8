/**
 * Backlog (DESIGN §7): open tickets by age and by clock state, a figure of the present, read from
 * the ticket table through the partial index of open tickets (migration 0005).
 */
import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { Database } from '../db/database.ts';
import type { GroupKey } from './catalogue.ts';
import type { Deps } from '../http/deps.ts';
import type { Actor } from '../access/actor.ts';
import { errors } from '../errors.ts';
import { parseGroupBy } from './period.ts';
import { resolveScope, type KpiScope } from './query.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** Age classes of open tickets, by time since they were reported. */
export const AGE_CLASSES = [
  { age: '0-1d', under: DAY },
  { age: '1-3d', under: 3 * DAY },
  { age: '3-7d', under: 7 * DAY },
  { age: '7-30d', under: 30 * DAY },
  { age: '30d+', under: Infinity },
] as const;
export const CLOCK_STATES = ['ok', 'warned', 'breached'] as const;

export interface BacklogCell { age: string; total: number; ok: number; warned: number; breached: number }
export interface Backlog { total: number; ok: number; warned: number; breached: number; byAge: BacklogCell[] }

export function emptyBacklog(): Backlog {
  return { total: 0, ok: 0, warned: 0, breached: 0, byAge: AGE_CLASSES.map((a) => ({ age: a.age, total: 0, ok: 0, warned: 0, breached: 0 })) };
}

/** Adds one backlog row (`age` index, `state`, `n`) into a group's backlog. */
export function addBacklog(b: Backlog, row: Record<string, any>): void {
  const n = Number(row.n);
  const state = (CLOCK_STATES as readonly string[]).includes(row.state) ? (row.state as (typeof CLOCK_STATES)[number]) : 'ok';
  const cell = b.byAge[Number(row.age)] ?? b.byAge[b.byAge.length - 1];
  b.total += n;
  b[state] += n;
  cell.total += n;
  cell[state] += n;
}

/**
 * Open tickets reported in [fromMs, toMs), per group, age class and clock state. The state is
 * `breached` when the ticket's nearest running due time has passed or a breach was recorded,
 * `warned` when a warning was recorded, otherwise `ok`. Grouped by month or day, the ticket's
 * reported day decides the group (§7: a ticket belongs to a period by its reportedAt).
 */
export async function backlogRows(db: Kysely<Database>, window: { fromMs: number; toMs: number }, s: KpiScope, groupBy: readonly GroupKey[], now: number): Promise<Record<string, any>[]> {
  if (s.departmentKeys.length === 0) return [];
  const dims: [RawBuilder<unknown>, string][] = [];
  if (groupBy.includes('region')) dims.push([sql`t.region_id`, 'regionId']);
  if (groupBy.includes('network')) dims.push([sql`coalesce(t.network, '')`, 'network']);
  if (groupBy.includes('department')) dims.push([sql`td.department_id`, 'departmentId']);
  if (groupBy.includes('day')) dims.push([sql`t.reported_day`, 'day']);
  else if (groupBy.includes('month')) dims.push([sql`t.reported_day / 100`, 'month']);

  const byDept = s.departmentKeys[0] !== '';
  const where: RawBuilder<unknown>[] = [sql`t.status <> 'closed'`, sql`t.reported_at >= ${window.fromMs}`, sql`t.reported_at < ${window.toMs}`];
  if (s.regions) where.push(sql`t.region_id in (${sql.join(s.regions.length ? s.regions : [''])})`);
  if (s.network) where.push(sql`t.network = ${s.network}`);
  if (byDept) where.push(sql`td.department_id in (${sql.join(s.departmentKeys)})`);
  const ages = AGE_CLASSES.slice(0, -1).map((a, i) => sql`when t.reported_at > ${now - a.under} then ${sql.lit(i)}`);
  const inner = sql`select ${sql.join([...dims.map(([e, alias]) => sql`${e} as ${sql.ref(alias)}`),
    sql`case ${sql.join(ages, sql` `)} else ${sql.lit(AGE_CLASSES.length - 1)} end as age`,
    sql`case when t.next_due_at <= ${now} or t.clock_state = 'breached' then 'breached' when t.clock_state = 'warned' then 'warned' else 'ok' end as state`])}
    from ticket t ${byDept ? sql`join ticket_department td on td.ticket_id = t.id` : sql``}
    where ${sql.join(where, sql` and `)}`;
  const cols = [...dims.map(([, alias]) => sql.ref(alias)), sql.ref('age'), sql.ref('state')];
  const r = await sql<Record<string, any>>`select ${sql.join(cols)}, count(*) as n from (${inner}) s group by ${sql.join(cols)}`.execute(db);
  return r.rows;
}

/** `GET /api/v1/kpis/backlog`: every open ticket now, by age and clock state, per region, network or department. */
export async function currentBacklog(deps: Pick<Deps, 'db' | 'clock'>, actor: Actor, q: { region?: string; network?: string; department?: string; groupBy?: string }) {
  const groupBy = parseGroupBy(q.groupBy);
  const bad = groupBy.filter((g) => g === 'month' || g === 'day');
  if (bad.length) throw errors.validation('the backlog is a figure of now: group it by region, network or department', { groupBy: bad });
  const scope = await resolveScope(deps.db.kysely, actor, q, groupBy);
  const now = deps.clock.now();
  const rows = await backlogRows(deps.db.kysely, { fromMs: 0, toMs: now + 86_400_000 }, scope, groupBy, now);
  const groups = new Map<string, { key: Record<string, unknown>; backlog: Backlog }>();
  if (groupBy.length === 0) groups.set('{}', { key: {}, backlog: emptyBacklog() });
  for (const r of rows) {
    const key: Record<string, unknown> = {};
    if (groupBy.includes('region')) key.region = r.regionId;
    if (groupBy.includes('network')) key.network = r.network || null;
    if (groupBy.includes('department')) key.department = r.departmentId;
    const k = JSON.stringify(key);
    let g = groups.get(k);
    if (!g) { g = { key, backlog: emptyBacklog() }; groups.set(k, g); }
    addBacklog(g.backlog, r);
  }
  return { at: new Date(now).toISOString(), groups: [...groups.values()].sort((a, b) => JSON.stringify(a.key).localeCompare(JSON.stringify(b.key))) };
}
