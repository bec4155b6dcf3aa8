/**
 * `GET /api/v1/kpis` (DESIGN §7, §11): every KPI of a period, per group, from the per-day
 * aggregates (counters and handling-time histograms), the subscriber counts, and the open
 * tickets (backlog). Reads a number of rows that depends on days × groups, never on tickets.
 */
import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/database.ts';
import type { Deps } from '../http/deps.ts';
import type { Actor } from '../access/actor.ts';
import { regionInScope } from '../access/actor.ts';
import { errors } from '../errors.ts';
import { NETWORKS } from '../shared/network.ts';
import { regionTree, type RegionTree } from '../org/region-tree.ts';
import { CLOCK_NAMES, COUNTERS, type GroupKey } from './catalogue.ts';
import { dayNumberToText, monthNumberToText, parseGroupBy, parsePeriod, periodIso, splitWholeMonths, type Period } from './period.ts';
import { parseBuckets } from './store.ts';
import { quantile, mergeInto } from './percentile.ts';
import { backlogRows, emptyBacklog, addBacklog, type Backlog } from './backlog.ts';

export interface KpiParams {
  from?: string;
  to?: string;
  region?: string;
  network?: string;
  department?: string;
  groupBy?: string;
}

/** A group's key: only the grouped dimensions appear. `network` null: tickets without a network. */
export interface GroupKeyValue {
  region?: string;
  network?: string | null;
  department?: string;
  month?: string;
  day?: string;
}

export interface KpiGroup {
  key: GroupKeyValue;
  tickets: number;
  complaints: number;
  subscribers: number;
  complaintRatePer10k: number | null;
  onTimeReplyRate: number | null;
  resolutionRate: number | null;
  commitmentComplianceRate: number | null;
  firstContactResolutionRate: number | null;
  repeatRate: number | null;
  escalatedPerMillion: number | null;
  satisfactionMean: number | null;
  tenPointShare: number | null;
  surveyResponseRate: number | null;
  handlingHours: Record<string, { median: number | null; p90: number | null }>;
  backlog: Backlog;
  /** the counts behind the rates (numerators and denominators), for drill-down and exports */
  counts: Record<string, number>;
}

export interface KpiReport {
  from: string;
  to: string;
  groupBy: GroupKey[];
  groups: KpiGroup[];
}

/** What the caller may see and asked to filter, resolved once per query. */
export interface KpiScope {
  tree: RegionTree;
  /** ticket regions to read (null: every region) */
  regions: string[] | null;
  network: string | null;
  /** department keys of the aggregates to read ('' = every ticket) */
  departmentKeys: string[];
  /** region of each department that may appear in a group */
  departmentRegion: Map<string, string>;
}

/** Checks the filters against the caller's scope: 400 for unknown values, 403 outside the scope. */
export async function resolveScope(db: Kysely<Database>, actor: Actor, p: { region?: string; network?: string; department?: string }, groupBy: readonly GroupKey[]): Promise<KpiScope> {
  const tree = await regionTree(db);
  let regions: string[] | null = actor.isProvince ? null : [...actor.regionSubtreeIds];
  if (p.region) {
    if (!tree.parentOf.has(p.region)) throw errors.validation(`unknown region ${p.region}`, { region: p.region });
    if (!regionInScope(actor, p.region)) throw errors.forbidden(`region ${p.region} is outside your scope`, { region: p.region });
    regions = tree.subtree.get(p.region) ?? [p.region];
  }
  if (p.network && !(NETWORKS as readonly string[]).includes(p.network)) {
    throw errors.validation(`unknown network ${p.network}; one of ${NETWORKS.join(', ')}`, { network: p.network });
  }
  const departmentRegion = new Map<string, string>();
  if (p.department) {
    const d = await db.selectFrom('department').select(['id', 'regionId']).where('id', '=', p.department).executeTakeFirst();
    if (!d) throw errors.validation(`unknown department ${p.department}`, { department: p.department });
    if (!regionInScope(actor, d.regionId)) throw errors.forbidden(`department ${p.department} is outside your scope`, { department: p.department });
    departmentRegion.set(d.id, d.regionId);
  } else if (groupBy.includes('department')) {
    let q = db.selectFrom('department').select(['id', 'regionId']).orderBy('id');
    if (regions) q = q.where('regionId', 'in', regions.length ? regions : ['']);
    for (const d of await q.execute()) departmentRegion.set(d.id, d.regionId);
  }
  const departmentKeys = p.department || groupBy.includes('department') ? [...departmentRegion.keys()] : [''];
  return { tree, regions, network: p.network ?? null, departmentKeys, departmentRegion };
}

type Row = Record<string, any>;

/** The select and group-by columns of the grouped dimensions (month is always selected: complaint rates are monthly). */
function dimensions(groupBy: readonly GroupKey[], dayColumn: 'day' | 'month') {
  const cols: any[] = [];
  if (groupBy.includes('region')) cols.push('regionId');
  if (groupBy.includes('network')) cols.push('network');
  if (groupBy.includes('department')) cols.push('departmentId');
  if (dayColumn === 'day' && groupBy.includes('day')) cols.push('day');
  return cols;
}

function filtered(q: any, s: KpiScope): any {
  q = s.departmentKeys.length === 1 ? q.where('departmentId', '=', s.departmentKeys[0]) : q.where('departmentId', 'in', s.departmentKeys);
  if (s.regions) q = q.where('regionId', 'in', s.regions.length ? s.regions : ['']);
  if (s.network) q = q.where('network', '=', s.network);
  return q;
}

/** Counter sums per group and month over the period's days. */
async function counterRows(db: Kysely<Database>, p: Period, s: KpiScope, groupBy: readonly GroupKey[]): Promise<Row[]> {
  if (s.departmentKeys.length === 0) return [];
  const dims = dimensions(groupBy, 'day');
  const month = sql<number>`day / 100`;
  let q: any = db.selectFrom('kpiDay').where('day', '>=', p.fromDay).where('day', '<', p.toDay);
  q = filtered(q, s);
  q = q.select([...dims, month.as('month')]).select((eb: any) => COUNTERS.map((c) => eb.fn.sum(c).as(c))).groupBy([...dims, month]);
  return q.execute();
}

/**
 * Handling-time histograms per group and clock (and month or day when grouped by them), as rows
 * with flat `buckets` [bucket, count, sum ms, …]: whole months from the monthly histograms, loose
 * days (and every day when grouped by day) from the daily ones. Both hold the same clocks
 * bucketed alike, so a period gives the same quantiles whichever rows it is read from.
 */
async function histogramRows(db: Kysely<Database>, p: Period, s: KpiScope, groupBy: readonly GroupKey[]): Promise<Row[]> {
  if (s.departmentKeys.length === 0) return [];
  const byDay = groupBy.includes('day');
  const byMonth = groupBy.includes('month');
  const read = async (table: 'kpiDurationDay' | 'kpiDurationMonth', column: 'day' | 'month', from: number, toExcl: number) => {
    let q: any = db.selectFrom(table).where(column, '>=', from).where(column, '<', toExcl);
    q = filtered(q, s);
    const dims = dimensions(groupBy, 'month');
    const period = column === 'day' ? (byDay ? ['day'] : byMonth ? [sql<number>`day / 100`.as('month')] : []) : byMonth ? ['month'] : [];
    q = q.select([...dims, ...period, 'clock', 'buckets']);
    return ((await q.execute()) as Row[]).map((r) => ({ ...r, buckets: parseBuckets(r.buckets) }));
  };
  if (byDay) return read('kpiDurationDay', 'day', p.fromDay, p.toDay);
  const split = splitWholeMonths(p);
  const out: Row[] = [];
  if (split.months.length) out.push(...(await read('kpiDurationMonth', 'month', split.months[0], split.months[split.months.length - 1] + 1)));
  for (const [a, b] of split.dayRanges) out.push(...(await read('kpiDurationDay', 'day', a, b)));
  return out;
}

interface Acc {
  key: GroupKeyValue;
  counters: number[];
  /** per month (yyyymm): complaints and regulator tickets, for the monthly means */
  monthly: Map<number, { complaints: number; regulator: number }>;
  hist: Map<string, Map<number, [number, number]>>;
  backlog: Backlog;
}

function keyOf(row: Row, groupBy: readonly GroupKey[]): GroupKeyValue {
  const k: GroupKeyValue = {};
  if (groupBy.includes('region')) k.region = row.regionId;
  if (groupBy.includes('network')) k.network = row.network === '' || row.network == null ? null : row.network;
  if (groupBy.includes('department')) k.department = row.departmentId;
  if (groupBy.includes('month')) k.month = row.day != null ? monthNumberToText(Math.floor(Number(row.day) / 100)) : monthNumberToText(Number(row.month));
  if (groupBy.includes('day')) k.day = dayNumberToText(Number(row.day));
  return k;
}
const keyText = (k: GroupKeyValue) => JSON.stringify([k.region, k.network, k.department, k.month, k.day]);

const ratio = (a: number, b: number): number | null => (b > 0 ? a / b : null);
const mean = (xs: number[]): number | null => (xs.length ? xs.reduce((s, x) => s + x, 0) / xs.length : null);

/** Subscriber counts: month → region → network → count (regions below the root only: tickets live there). */
async function subscriberTable(db: Kysely<Database>, p: Period, s: KpiScope): Promise<Map<string, Map<string, Map<string, number>>>> {
  let q = db.selectFrom('subscriberCount').select(['regionId', 'network', 'month', 'count']).where('month', 'in', p.months);
  if (s.regions) q = q.where('regionId', 'in', s.regions.length ? s.regions : ['']);
  if (s.network) q = q.where('network', '=', s.network);
  const out = new Map<string, Map<string, Map<string, number>>>();
  for (const r of await q.execute()) {
    if (!s.tree.parentOf.get(r.regionId)) continue;
    let m = out.get(r.month);
    if (!m) { m = new Map(); out.set(r.month, m); }
    let n = m.get(r.regionId);
    if (!n) { n = new Map(); m.set(r.regionId, n); }
    n.set(r.network, Number(r.count));
  }
  return out;
}

/** Every KPI of §7 for the period, grouped; see the module comment. */
export async function kpiReport(deps: Pick<Deps, 'db' | 'config' | 'clock'>, actor: Actor, params: KpiParams): Promise<KpiReport> {
  const tz = deps.config.timeZone;
  const db = deps.db.kysely;
  const now = deps.clock.now();
  const groupBy = parseGroupBy(params.groupBy);
  const period = parsePeriod(params.from, params.to, tz, now, groupBy.includes('day'));
  const scope = await resolveScope(db, actor, params, groupBy);

  const [counters, hist, subs, backlog] = await Promise.all([
    counterRows(db, period, scope, groupBy),
    histogramRows(db, period, scope, groupBy),
    subscriberTable(db, period, scope),
    backlogRows(db, { fromMs: period.fromMs, toMs: period.toMs }, scope, groupBy, now),
  ]);

  const groups = new Map<string, Acc>();
  const acc = (key: GroupKeyValue): Acc => {
    const k = keyText(key);
    let a = groups.get(k);
    if (!a) {
      a = { key, counters: new Array(COUNTERS.length).fill(0), monthly: new Map(), hist: new Map(), backlog: emptyBacklog() };
      groups.set(k, a);
    }
    return a;
  };
  const tickets = COUNTERS.indexOf('tickets');
  const complaints = COUNTERS.indexOf('complaints');
  const regulator = COUNTERS.indexOf('regulator');
  for (const r of counters) {
    const a = acc(keyOf(r, groupBy));
    const v = COUNTERS.map((c) => Number(r[c] ?? 0));
    v.forEach((n, i) => { a.counters[i] += n; });
    const m = Number(r.month);
    const mm = a.monthly.get(m) ?? { complaints: 0, regulator: 0 };
    mm.complaints += v[complaints];
    mm.regulator += v[regulator];
    a.monthly.set(m, mm);
  }
  for (const r of hist) {
    const a = acc(keyOf(r, groupBy));
    let h = a.hist.get(r.clock);
    if (!h) { h = new Map(); a.hist.set(r.clock, h); }
    const b = r.buckets as number[];
    for (let i = 0; i < b.length; i += 3) mergeInto(h, b[i], b[i + 1], b[i + 2]);
  }
  for (const r of backlog) addBacklog(acc(keyOf(r, groupBy)).backlog, r);
  // a city or network with subscribers but no complaint still has a complaint rate (0)
  if (!groupBy.includes('department') && !groupBy.includes('day')) {
    for (const [month, byRegion] of subs) {
      for (const [regionId, byNetwork] of byRegion) {
        for (const network of byNetwork.keys()) acc(keyOf({ regionId, network, month: Number(month.replace('-', '')) }, groupBy));
      }
    }
  }
  if (groupBy.length === 0) acc({});

  const periodMonths = period.months.map((m) => Number(m.replace('-', '')));
  const out: KpiGroup[] = [];
  for (const a of groups.values()) {
    // §7: subscribers of the group's regions and networks, per month; several regions or networks add up
    const regionSet = groupRegions(a.key, scope);
    const networkSet = a.key.network !== undefined ? (a.key.network ? [a.key.network] : []) : scope.network ? [scope.network] : null;
    const months = a.key.month ? [Number(a.key.month.replace('-', ''))] : a.key.day ? [Number(a.key.day.slice(0, 7).replace('-', ''))] : periodMonths;
    const rates: number[] = [];
    const escalated: number[] = [];
    const subscriberMonths: number[] = [];
    for (const m of months) {
      const count = subscribersOf(subs.get(monthNumberToText(m)), regionSet, networkSet);
      if (count <= 0) continue;
      const x = a.monthly.get(m) ?? { complaints: 0, regulator: 0 };
      subscriberMonths.push(count);
      rates.push((x.complaints / count) * 10_000);
      escalated.push((x.regulator / count) * 1_000_000);
    }
    const c = Object.fromEntries(COUNTERS.map((name, i) => [name, a.counters[i]])) as Record<(typeof COUNTERS)[number], number>;
    const handlingHours: KpiGroup['handlingHours'] = {};
    for (const clock of CLOCK_NAMES) {
      const h = a.hist.get(clock);
      const q = (p: number) => { const v = h ? quantile(h, p) : null; return v == null ? null : v / 3_600_000; };
      handlingHours[clock] = { median: q(0.5), p90: q(0.9) };
    }
    out.push({
      key: a.key,
      tickets: a.counters[tickets],
      complaints: a.counters[complaints],
      subscribers: mean(subscriberMonths) ?? 0,
      complaintRatePer10k: mean(rates),
      onTimeReplyRate: ratio(c.initialReplyMet, c.initialReplyMet + c.initialReplyBreached),
      resolutionRate: ratio(c.solved, c.closed),
      commitmentComplianceRate: ratio(c.commitmentMet, c.commitmentMet + c.commitmentBreached),
      firstContactResolutionRate: ratio(c.resolvedAtIntake, c.tickets),
      repeatRate: ratio(c.repeats, c.tickets),
      escalatedPerMillion: mean(escalated),
      satisfactionMean: ratio(c.scoreSum, c.responded),
      tenPointShare: ratio(c.tens, c.responded),
      surveyResponseRate: ratio(c.responded, c.followUps),
      handlingHours,
      backlog: a.backlog,
      counts: c,
    });
  }
  out.sort((x, y) => cmpKey(x.key, y.key));
  return { ...periodIso(period, tz), groupBy, groups: out };
}

function cmpKey(a: GroupKeyValue, b: GroupKeyValue): number {
  for (const f of ['region', 'department', 'network', 'month', 'day'] as const) {
    const x = a[f] ?? '';
    const y = b[f] ?? '';
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

/** The regions whose subscribers a group's rates divide by: its region, its department's region, or the whole scope. */
function groupRegions(key: GroupKeyValue, s: KpiScope): Set<string> | null {
  const within = (r: string) => {
    const sub = s.tree.subtree.get(r) ?? [r];
    return new Set(s.regions ? sub.filter((x) => s.regions!.includes(x)) : sub);
  };
  if (key.region) return within(key.region);
  if (key.department) {
    const r = s.departmentRegion.get(key.department);
    return r ? within(r) : new Set();
  }
  return s.regions ? new Set(s.regions) : null;
}

function subscribersOf(month: Map<string, Map<string, number>> | undefined, regions: Set<string> | null, networks: string[] | null): number {
  if (!month) return 0;
  let n = 0;
  for (const [region, byNetwork] of month) {
    if (regions && !regions.has(region)) continue;
    for (const [network, count] of byNetwork) if (!networks || networks.includes(network)) n += count;
  }
  return n;
}
