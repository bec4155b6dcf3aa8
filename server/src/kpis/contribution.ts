/**
 * What one ticket adds to the KPI aggregates (DESIGN §7), as a pure function of its row, its
 * clocks, its follow-up events and the departments it reached. The hook stores this per ticket
 * and adds the difference to the aggregates whenever the ticket changes, so the aggregates are
 * always the sum of every ticket's current contribution.
 */
import { dayKey, offsetMinutes } from '../shared/time.ts';
import { RESOLUTIONS } from '../tickets/workflow.ts';
import { CLOCK_COUNTERS, CLOCK_INDEX, CLOCK_NAMES, COUNTER_INDEX, COUNTERS, type Counter } from './catalogue.ts';

/** The ticket fields the KPIs read. */
export interface TicketFacts {
  id: number;
  regionId: string;
  network: string | null;
  channel: string;
  isNetwork: number;
  isRepeat: number;
  resolvedAtIntake: number;
  status: string;
  resolution: string | null;
  reportedAt: number;
  closedAt: number | null;
}
export interface ClockFacts { clock: string; startedAt: number; stoppedAt: number | null; breachedAt: number | null }
/** The events the KPIs read: `followed_up` (satisfaction) and `withdrawn` (TMF621 withdrawal; without a type, a follow-up). */
export interface FollowUpFacts { at: number; data: string | null; type?: string }

/**
 * A ticket's contribution: its aggregate key (region, network, departments) and its facts.
 * `c`: [day, counter index, amount]; `h`: [stop day, clock index, duration ms] per stopped clock.
 */
export interface Contribution {
  r: string;
  n: string;
  d: string[];
  c: [number, number, number][];
  h: [number, number, number][];
}

export const EMPTY: Contribution = { r: '', n: '', d: [], c: [], h: [] };

const DAY_MS = 86_400_000;
const offsetCache = new Map<string, Map<number, number | null>>();
const ymdCache = new Map<number, number>();

/** yyyymmdd of a day counted from 1970-01-01. */
function ymdOfEpochDay(e: number): number {
  let v = ymdCache.get(e);
  if (v === undefined) {
    const d = new Date(e * DAY_MS);
    v = d.getUTCFullYear() * 10000 + (d.getUTCMonth() + 1) * 100 + d.getUTCDate();
    if (ymdCache.size > 200_000) ymdCache.clear();
    ymdCache.set(e, v);
  }
  return v;
}

/**
 * The local day (yyyymmdd) of an instant in the zone. Intl costs microseconds per call, so the
 * zone's offset is looked up once per UTC day (null on a day when it changes: then Intl decides).
 */
export function dayOf(ms: number, timeZone: string): number {
  let m = offsetCache.get(timeZone);
  if (!m) { m = new Map(); offsetCache.set(timeZone, m); }
  const utcDay = Math.floor(ms / DAY_MS);
  let off = m.get(utcDay);
  if (off === undefined) {
    const a = offsetMinutes(utcDay * DAY_MS, timeZone);
    const b = offsetMinutes(utcDay * DAY_MS + DAY_MS - 1, timeZone);
    off = a === b ? a : null;
    if (m.size > 200_000) m.clear();
    m.set(utcDay, off);
  }
  return off === null ? dayKey(ms, timeZone) : ymdOfEpochDay(Math.floor((ms + off * 60_000) / DAY_MS));
}

/**
 * Handling-time bucket of a duration: whole seconds below 16 s, then 8 buckets per doubling
 * (each at most 1/8 wide: about 135 buckets from a minute to 90 days). A bucket keeps count and
 * summed duration, and its values are read as their mean: exact when a bucket holds equal
 * values, otherwise off by a fraction of the bucket width.
 */
export function bucketOf(ms: number): number {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 16) return s;
  const e = Math.floor(Math.log2(s));
  const m = Math.floor(s / 2 ** (e - 3)) - 8;
  return 16 + (e - 4) * 8 + m;
}

/** A follow-up event's fields (DESIGN §11: `responded`, `score`). */
function followUpData(data: string | null): { responded: boolean; score: number | null } {
  if (!data) return { responded: false, score: null };
  try {
    const d = JSON.parse(data);
    return { responded: !!d.responded, score: typeof d.score === 'number' ? d.score : null };
  } catch {
    return { responded: false, score: null };
  }
}

/**
 * The §7 counting rules, per ticket:
 * - taken in, network complaints, repeats, resolved at intake, regulator channel: on the reported day;
 * - closed (not resolved at intake) and closed with a solved resolution code: on the closed day;
 * - each clock once decided: breached on its recorded breach (its due time), otherwise met on its stop time;
 *   a running clock is undecided until the timer records the breach;
 * - each `followed_up` event on its day: responded, score sum, scores of 10;
 * - each stopped clock's handling time (stop − start) on its stop day;
 * - a ticket withdrawn by its requester (TMF621: closed while still new) is no closed ticket, and
 *   the clocks the withdrawal stopped are neither met nor timed (a clock breached before stays).
 */
export function contributionOf(t: TicketFacts, clocks: readonly ClockFacts[], followUps: readonly FollowUpFacts[], departments: readonly string[], timeZone: string): Contribution {
  const counts = new Map<number, number>();
  const add = (day: number, counter: Counter, n = 1) => {
    const k = day * 32 + COUNTER_INDEX[counter];
    counts.set(k, (counts.get(k) ?? 0) + n);
  };
  const events = followUps.filter((e) => e.type === undefined || e.type === 'followed_up');
  const withdrawnAt = followUps.filter((e) => e.type === 'withdrawn').reduce<number | null>((m, e) => (m === null || e.at > m ? e.at : m), null);
  const withdrawn = withdrawnAt !== null && t.status === 'closed' && t.closedAt === withdrawnAt;
  const reported = dayOf(t.reportedAt, timeZone);
  add(reported, 'tickets');
  if (t.isNetwork) add(reported, 'complaints');
  if (t.isRepeat) add(reported, 'repeats');
  if (t.resolvedAtIntake) add(reported, 'resolvedAtIntake');
  if (t.channel === 'regulator') add(reported, 'regulator');
  if (t.status === 'closed' && t.closedAt != null && !t.resolvedAtIntake && !withdrawn) {
    const closed = dayOf(t.closedAt, timeZone);
    add(closed, 'closed');
    if (t.resolution && RESOLUTIONS[t.resolution]) add(closed, 'solved');
  }
  for (const e of events) {
    const f = followUpData(e.data);
    const day = dayOf(e.at, timeZone);
    add(day, 'followUps');
    if (f.responded) {
      add(day, 'responded');
      if (f.score != null) {
        add(day, 'scoreSum', f.score);
        if (f.score === 10) add(day, 'tens');
      }
    }
  }
  const h: Contribution['h'] = [];
  for (const c of clocks) {
    const counters = CLOCK_COUNTERS[c.clock as keyof typeof CLOCK_COUNTERS];
    if (!counters) continue;
    if (withdrawn && c.stoppedAt === withdrawnAt && c.breachedAt == null) continue;
    if (c.breachedAt != null) add(dayOf(c.breachedAt, timeZone), counters.breached);
    else if (c.stoppedAt != null) add(dayOf(c.stoppedAt, timeZone), counters.met);
    if (c.stoppedAt != null && !(withdrawn && c.stoppedAt === withdrawnAt)) {
      const ms = Math.max(0, c.stoppedAt - c.startedAt);
      h.push([dayOf(c.stoppedAt, timeZone), CLOCK_INDEX[c.clock], ms]);
    }
  }
  const c: Contribution['c'] = [];
  for (const [k, n] of counts) if (n !== 0) c.push([Math.floor(k / 32), k % 32, n]);
  c.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  h.sort((a, b) => a[0] - b[0] || a[1] - b[1] || a[2] - b[2]);
  return { r: t.regionId, n: t.network ?? '', d: [...new Set(departments)].sort(), c, h };
}

const epochDayCache = new Map<number, number>();
/** Days since 1970-01-01 of a yyyymmdd day number. */
function epochDay(day: number): number {
  let e = epochDayCache.get(day);
  if (e === undefined) {
    e = Date.UTC(Math.floor(day / 10000), (Math.floor(day / 100) % 100) - 1, day % 100) / 86_400_000;
    if (epochDayCache.size > 100_000) epochDayCache.clear();
    epochDayCache.set(day, e);
  }
  return e;
}
function dayFromEpoch(e: number): number {
  const d = new Date(e * 86_400_000);
  return d.getUTCFullYear() * 10000 + (d.getUTCMonth() + 1) * 100 + d.getUTCDate();
}

/**
 * Stored form of a contribution (kpi_ticket.facts), compact because every ticket has one:
 * `2;region;network;dept,dept;baseDay;o.i[.n],…;o.c.ms,…` with days as offsets from the first
 * fact's day, counter and clock indexes, amounts other than 1, and durations in base 36.
 * Region and department ids are [A-Za-z0-9_.:-] (org/schemas.ts): never `;` or `,`.
 */
export function encodeContribution(c: Contribution): string {
  const base = c.c.length ? c.c[0][0] : c.h.length ? c.h[0][0] : 0;
  const b = base ? epochDay(base) : 0;
  const counters = c.c.map(([day, i, n]) => `${epochDay(day) - b}.${i}${n === 1 ? '' : `.${n}`}`).join(',');
  const clocks = c.h.map(([day, k, ms]) => `${epochDay(day) - b}.${k}.${ms.toString(36)}`).join(',');
  return `2;${c.r};${c.n};${c.d.join(',')};${base};${counters};${clocks}`;
}

export function decodeContribution(text: string | null | undefined): Contribution {
  if (!text) return EMPTY;
  if (text.startsWith('{')) {
    // the first stored form (JSON, clocks with their bucket): read it so a rebuild is not forced
    const v = JSON.parse(text);
    return { r: v.r, n: v.n, d: v.d ?? [], c: v.c ?? [], h: (v.h ?? []).map((x: number[]) => [x[0], x[1], x[x.length - 1]]) };
  }
  const [, r, n, d, baseText, counters, clocks] = text.split(';');
  const b = Number(baseText) ? epochDay(Number(baseText)) : 0;
  return {
    r, n, d: d ? d.split(',') : [],
    c: counters ? counters.split(',').map((x) => {
      const [o, i, k] = x.split('.');
      return [dayFromEpoch(b + Number(o)), Number(i), k === undefined ? 1 : Number(k)] as [number, number, number];
    }) : [],
    h: clocks ? clocks.split(',').map((x) => {
      const [o, k, ms] = x.split('.');
      return [dayFromEpoch(b + Number(o)), Number(k), parseInt(ms, 36)] as [number, number, number];
    }) : [],
  };
}

/**
 * Region, department and network ids as small numbers, so aggregate keys are numbers: the
 * rebuild adds millions of facts, and numeric map keys cost a fraction of built strings.
 */
const idOf = new Map<string, number>();
const idName: string[] = [];
function intern(s: string, limit: number): number {
  let i = idOf.get(s);
  if (i === undefined) {
    i = idName.length;
    idName.push(s);
    idOf.set(s, i);
  }
  if (i >= limit) throw new Error(`KPI keys hold at most ${limit} distinct region and department ids`);
  return i;
}
const netOf = new Map<string, number>(['', 'GSM', 'WCDMA', 'LTE', 'NR'].map((n, i) => [n, i]));
const netName = ['', 'GSM', 'WCDMA', 'LTE', 'NR'];
function internNetwork(n: string): number {
  let i = netOf.get(n);
  if (i === undefined) {
    i = netName.length;
    if (i >= 16) throw new Error('KPI keys hold at most 16 networks');
    netName.push(n);
    netOf.set(n, i);
  }
  return i;
}
const IDS = 8192;
const EPOCH_DAYS = 131_072;
const MONTHS = 2048;
const epochDayOf = (day: number) => Date.UTC(Math.floor(day / 10000), (Math.floor(day / 100) % 100) - 1, day % 100) / DAY_MS;
const monthIndex = (month: number) => (Math.floor(month / 100) - 1970) * 12 + (month % 100) - 1;

/** A counter row key: department, region, network, day. */
export interface CounterKey { departmentId: string; regionId: string; network: string; day: number }
/** A histogram row key: department, region, network, period (yyyymm of a month, yyyymmdd of a day), clock. */
export interface HistogramKey { departmentId: string; regionId: string; network: string; period: number; clock: string }
export type HistogramPeriod = 'day' | 'month';

export function counterKeyOf(key: number): CounterKey {
  const e = key % EPOCH_DAYS;
  let r = Math.floor(key / EPOCH_DAYS);
  const net = r % 16; r = Math.floor(r / 16);
  return { departmentId: idName[Math.floor(r / IDS)], regionId: idName[r % IDS], network: netName[net], day: ymdOfEpochDay(e) };
}

export function histogramKeyOf(key: number, kind: HistogramPeriod): HistogramKey {
  let r = key;
  const clock = r % 8; r = Math.floor(r / 8);
  const size = kind === 'day' ? EPOCH_DAYS : MONTHS;
  const p = r % size; r = Math.floor(r / size);
  const net = r % 16; r = Math.floor(r / 16);
  const period = kind === 'day' ? ymdOfEpochDay(p) : (1970 + Math.floor(p / 12)) * 100 + (p % 12) + 1;
  return { departmentId: idName[Math.floor(r / IDS)], regionId: idName[r % IDS], network: netName[net], period, clock: CLOCK_NAMES[clock] };
}

/** Aggregate changes, keyed like the tables' primary keys (shard aside); see counterKeyOf, histogramKeyOf. */
export interface Delta {
  /** counter key → counter amounts (COUNTERS order) */
  counters: Map<number, number[]>;
  /** histogram key (by stop day) → bucket → [count, sum ms] */
  daily: Map<number, Map<number, [number, number]>>;
  /** histogram key (by stop month) → bucket → [count, sum ms] */
  monthly: Map<number, Map<number, [number, number]>>;
}

export function emptyDelta(): Delta {
  return { counters: new Map(), daily: new Map(), monthly: new Map() };
}

function addToHistogram(map: Delta['monthly'], key: number, bucket: number, count: number, ms: number): void {
  let h = map.get(key);
  if (!h) { h = new Map(); map.set(key, h); }
  const v = h.get(bucket);
  if (v) { v[0] += count; v[1] += ms; } else h.set(bucket, [count, ms]);
}

/**
 * Adds `sign` × the contribution into a delta, once for every department key: '' (all tickets)
 * and each department the ticket reached.
 */
export function addContribution(delta: Delta, x: Contribution, sign: 1 | -1): void {
  if (x.c.length === 0 && x.h.length === 0) return;
  const region = intern(x.r, IDS);
  const net = internNetwork(x.n);
  const depts = [intern('', IDS), ...x.d.map((d) => intern(d, IDS))];
  for (const dept of depts) {
    const base = ((dept * IDS + region) * 16 + net) * EPOCH_DAYS;
    for (const [day, idx, n] of x.c) {
      const k = base + epochDayOf(day);
      let v = delta.counters.get(k);
      if (!v) { v = new Array(COUNTERS.length).fill(0); delta.counters.set(k, v); }
      v[idx] += sign * n;
    }
    const group = (dept * IDS + region) * 16 + net;
    for (const [day, clock, ms] of x.h) {
      const b = bucketOf(ms);
      addToHistogram(delta.daily, (group * EPOCH_DAYS + epochDayOf(day)) * 8 + clock, b, sign, sign * ms);
      addToHistogram(delta.monthly, (group * MONTHS + monthIndex(Math.floor(day / 100))) * 8 + clock, b, sign, sign * ms);
    }
  }
}

/** Drops the entries that net to zero (an unchanged fact subtracted and added again). */
export function pruneDelta(delta: Delta): Delta {
  for (const [k, v] of delta.counters) if (v.every((n) => n === 0)) delta.counters.delete(k);
  for (const map of [delta.daily, delta.monthly]) {
    for (const [k, h] of map) {
      for (const [b, v] of h) if (v[0] === 0 && v[1] === 0) h.delete(b);
      if (h.size === 0) map.delete(k);
    }
  }
  return delta;
}

/** The change that takes the aggregates from `before` to `after` for one ticket. */
export function diffContributions(before: Contribution, after: Contribution): Delta {
  const d = emptyDelta();
  addContribution(d, before, -1);
  addContribution(d, after, 1);
  return pruneDelta(d);
}

export function sameContribution(a: Contribution, b: Contribution): boolean {
  return encodeContribution(a) === encodeContribution(b);
}
