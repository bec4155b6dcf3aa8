/**
 * What one ticket adds to the KPI aggregates (DESIGN §7), as a pure function of its row, its
 * clocks, its follow-up events and the departments it reached. The hook stores this per ticket
 * and adds the difference to the aggregates whenever the ticket changes, so the aggregates are
 * always the sum of every ticket's current contribution.
 */
import { dayKey } from '../shared/time.ts';
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
export interface FollowUpFacts { at: number; data: string | null }

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

const dayCache = new Map<string, Map<number, number>>();
/**
 * The local day (yyyymmdd) of an instant in the zone, memoised per quarter hour (every zone's
 * offset is a multiple of 15 minutes), since Intl formatting costs microseconds per call.
 */
export function dayOf(ms: number, timeZone: string): number {
  let m = dayCache.get(timeZone);
  if (!m) { m = new Map(); dayCache.set(timeZone, m); }
  const slot = Math.floor(ms / 900_000);
  let d = m.get(slot);
  if (d === undefined) {
    if (m.size > 500_000) m.clear();
    d = dayKey(slot * 900_000, timeZone);
    m.set(slot, d);
  }
  return d;
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
 * - each stopped clock's handling time (stop − start) on its stop day.
 */
export function contributionOf(t: TicketFacts, clocks: readonly ClockFacts[], followUps: readonly FollowUpFacts[], departments: readonly string[], timeZone: string): Contribution {
  const counts = new Map<string, number>();
  const add = (day: number, counter: Counter, n = 1) => {
    const k = `${day}:${COUNTER_INDEX[counter]}`;
    counts.set(k, (counts.get(k) ?? 0) + n);
  };
  const reported = dayOf(t.reportedAt, timeZone);
  add(reported, 'tickets');
  if (t.isNetwork) add(reported, 'complaints');
  if (t.isRepeat) add(reported, 'repeats');
  if (t.resolvedAtIntake) add(reported, 'resolvedAtIntake');
  if (t.channel === 'regulator') add(reported, 'regulator');
  if (t.status === 'closed' && t.closedAt != null && !t.resolvedAtIntake) {
    const closed = dayOf(t.closedAt, timeZone);
    add(closed, 'closed');
    if (t.resolution && RESOLUTIONS[t.resolution]) add(closed, 'solved');
  }
  for (const e of followUps) {
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
    if (c.breachedAt != null) add(dayOf(c.breachedAt, timeZone), counters.breached);
    else if (c.stoppedAt != null) add(dayOf(c.stoppedAt, timeZone), counters.met);
    if (c.stoppedAt != null) {
      const ms = Math.max(0, c.stoppedAt - c.startedAt);
      h.push([dayOf(c.stoppedAt, timeZone), CLOCK_INDEX[c.clock], ms]);
    }
  }
  const c: Contribution['c'] = [];
  for (const [k, n] of counts) {
    if (n === 0) continue;
    const [day, idx] = k.split(':').map(Number);
    c.push([day, idx, n]);
  }
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

/** Aggregate changes, keyed like the tables' primary keys (shard aside). */
export interface Delta {
  /** `dept|day|region|network` → counter amounts (COUNTERS order) */
  counters: Map<string, number[]>;
  /** `dept|month|region|network|clock|bucket` → [count, sum ms] */
  monthly: Map<string, [number, number]>;
}

export function emptyDelta(): Delta {
  return { counters: new Map(), monthly: new Map() };
}

/**
 * Adds `sign` × the contribution into a delta, once for every department key: '' (all tickets)
 * and each department the ticket reached.
 */
export function addContribution(delta: Delta, x: Contribution, sign: 1 | -1): void {
  if (x.c.length === 0 && x.h.length === 0) return;
  for (const dept of ['', ...x.d]) {
    for (const [day, idx, n] of x.c) {
      const k = `${dept}|${day}|${x.r}|${x.n}`;
      let v = delta.counters.get(k);
      if (!v) { v = new Array(COUNTERS.length).fill(0); delta.counters.set(k, v); }
      v[idx] += sign * n;
    }
    for (const [day, clock, ms] of x.h) {
      const k = `${dept}|${Math.floor(day / 100)}|${x.r}|${x.n}|${CLOCK_NAMES[clock]}|${bucketOf(ms)}`;
      let v = delta.monthly.get(k);
      if (!v) { v = [0, 0]; delta.monthly.set(k, v); }
      v[0] += sign;
      v[1] += sign * ms;
    }
  }
}

/** Drops the entries that net to zero (an unchanged fact subtracted and added again). */
export function pruneDelta(delta: Delta): Delta {
  for (const [k, v] of delta.counters) if (v.every((n) => n === 0)) delta.counters.delete(k);
  for (const [k, v] of delta.monthly) if (v[0] === 0 && v[1] === 0) delta.monthly.delete(k);
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
