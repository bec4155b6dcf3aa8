import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { bucketOf, contributionOf, counterKeyOf, dayOf, decodeContribution, diffContributions, EMPTY, encodeContribution, histogramKeyOf } from '../../src/kpis/contribution.ts';
import { dayKey } from '../../src/shared/time.ts';
import { quantile } from '../../src/kpis/percentile.ts';
import { parseGroupBy, parsePeriod, splitWholeMonths } from '../../src/kpis/period.ts';
import { COUNTER_INDEX } from '../../src/kpis/catalogue.ts';

const TZ = 'Asia/Shanghai';
const hist = (values: number[]) => {
  const m = new Map<number, [number, number]>();
  for (const v of values) { const b = bucketOf(v); const x = m.get(b) ?? [0, 0]; m.set(b, [x[0] + 1, x[1] + v]); }
  return m;
};

describe('handling-time buckets and quantiles', () => {
  it('keeps buckets ordered and at most 1/8 wide', () => {
    let prev = -1;
    for (let s = 0; s < 200 * 86400; s += 37) {
      const b = bucketOf(s * 1000);
      assert.ok(b >= prev, `monotone at ${s}`);
      prev = b;
    }
    for (const s of [40, 100, 1000, 3600, 86400, 30 * 86400]) {
      const b = bucketOf(s * 1000);
      let lo = s; while (lo > 0 && bucketOf((lo - 1) * 1000) === b) lo--;
      let hi = s; while (bucketOf((hi + 1) * 1000) === b) hi++;
      assert.ok((hi + 1 - lo) / lo <= 1 / 8 + 1e-9, `width at ${s}s: ${lo}..${hi}`);
    }
    assert.equal(bucketOf(15_999), 15, 'whole seconds below 16 s');
    assert.ok(bucketOf(90 * 86_400_000) - bucketOf(60_000) < 140, 'about 135 buckets from a minute to 90 days');
  });

  it('interpolates linearly between ranks (exact when buckets hold equal values)', () => {
    const h = 3_600_000;
    assert.equal(quantile(hist([]), 0.5), null);
    assert.equal(quantile(hist([5 * h]), 0.9), 5 * h);
    assert.equal(quantile(hist([1 * h, 3 * h]), 0.5), 2 * h);
    assert.ok(Math.abs(quantile(hist([0.5 * h, 0.5 * h, 4 * h]), 0.9)! - (0.5 * h + 0.8 * 3.5 * h)) < 1e-6);
    assert.equal(quantile(hist([1, 2, 3, 4].map((x) => x * h)), 0.5), 2.5 * h);
    // values sharing a bucket are read as their mean: off by less than the bucket width
    const spread = [100, 101, 102, 103, 104].map((x) => x * 60_000);
    const m = quantile(hist(spread), 0.5)!;
    assert.ok(Math.abs(m - 102 * 60_000) / (102 * 60_000) < 1 / 8);
  });
});

describe('a ticket contribution', () => {
  const base = {
    id: 1, regionId: 'hz', network: 'LTE', channel: 'hotline', isNetwork: 1, isRepeat: 0, resolvedAtIntake: 0,
    status: 'new', resolution: null, reportedAt: Date.parse('2026-03-31T23:30:00+08:00'), closedAt: null,
  };
  it('counts intake on the local reported day', () => {
    const c = contributionOf(base, [], [], [], TZ);
    assert.deepEqual(c.c, [[20260331, COUNTER_INDEX.tickets, 1], [20260331, COUNTER_INDEX.complaints, 1]]);
    const utc = contributionOf(base, [], [], [], 'UTC');
    assert.equal(utc.c[0][0], 20260331);
    const april = contributionOf({ ...base, reportedAt: Date.parse('2026-04-01T00:30:00+08:00') }, [], [], [], TZ);
    assert.equal(april.c[0][0], 20260401);
    assert.equal(contributionOf({ ...base, reportedAt: Date.parse('2026-04-01T00:30:00+08:00') }, [], [], [], 'UTC').c[0][0], 20260331);
  });
  it('decides a clock on its breach (due) time, else on its stop time; running clocks are undecided', () => {
    const start = Date.parse('2026-03-10T08:00:00+08:00');
    const due = Date.parse('2026-03-11T08:00:00+08:00');
    const stop = Date.parse('2026-03-12T09:00:00+08:00');
    const c = contributionOf(base, [
      { clock: 'resolution', startedAt: start, stoppedAt: stop, breachedAt: due },
      { clock: 'triage', startedAt: start, stoppedAt: start + 600_000, breachedAt: null },
      { clock: 'commitment', startedAt: start, stoppedAt: null, breachedAt: null },
      { clock: 'initial_reply', startedAt: start, stoppedAt: null, breachedAt: due },
    ], [], [], TZ);
    const at = (counter: keyof typeof COUNTER_INDEX) => c.c.filter((x) => x[1] === COUNTER_INDEX[counter]).map((x) => x[0]);
    assert.deepEqual(at('resolutionBreached'), [20260311]);
    assert.deepEqual(at('triageMet'), [20260310]);
    assert.deepEqual(at('commitmentMet').concat(at('commitmentBreached')), []);
    assert.deepEqual(at('initialReplyBreached'), [20260311]);
    assert.equal(c.h.length, 2, 'handling time of the two stopped clocks');
  });
  it('leaves a withdrawn ticket out of closed tickets and the clocks its withdrawal stopped', () => {
    const at = base.reportedAt + 600_000;
    const c = contributionOf({ ...base, status: 'closed', closedAt: at }, [
      { clock: 'commitment', startedAt: base.reportedAt, stoppedAt: at, breachedAt: null },
    ], [{ at, data: '{"via":"tmf621"}', type: 'withdrawn' }], [], TZ);
    assert.deepEqual(c.c.map((x) => x[1]).sort(), [COUNTER_INDEX.tickets, COUNTER_INDEX.complaints].sort());
    assert.equal(c.h.length, 0);
    const closed = contributionOf({ ...base, status: 'closed', closedAt: at }, [{ clock: 'commitment', startedAt: base.reportedAt, stoppedAt: at, breachedAt: null }], [], [], TZ);
    assert.ok(closed.c.some((x) => x[1] === COUNTER_INDEX.closed) && closed.c.some((x) => x[1] === COUNTER_INDEX.commitmentMet), 'closed without a withdrawal counts');
  });
  it('stores compactly and reads back what it stored', () => {
    const c = contributionOf({ ...base, status: 'closed', closedAt: base.reportedAt + 3 * 86_400_000, resolution: 'optimised' }, [
      { clock: 'commitment', startedAt: base.reportedAt, stoppedAt: base.reportedAt + 5_400_123, breachedAt: null },
    ], [{ at: base.reportedAt + 86_400_000, data: '{"responded":true,"score":7}' }], ['hz-noc', 'hz-optimisation'], TZ);
    const text = encodeContribution(c);
    assert.ok(text.length < 120, text);
    assert.deepEqual(decodeContribution(text), c);
    assert.deepEqual(decodeContribution(encodeContribution(EMPTY)), { ...EMPTY, r: '', n: '' });
  });
  it('diffs to nothing when nothing changed, and moves department copies', () => {
    const a = contributionOf(base, [], [], ['hz-noc'], TZ);
    assert.equal(diffContributions(a, a).counters.size, 0);
    const b = contributionOf(base, [], [], ['hz-noc', 'hz-maintenance'], TZ);
    const d = diffContributions(a, b);
    assert.deepEqual([...d.counters.keys()].map(counterKeyOf), [{ departmentId: 'hz-maintenance', regionId: 'hz', network: 'LTE', day: 20260331 }]);
    const fresh = diffContributions(EMPTY, a);
    assert.deepEqual([...fresh.counters.keys()].map((k) => counterKeyOf(k).departmentId).sort(), ['', 'hz-noc']);
    const h = diffContributions(EMPTY, contributionOf(base, [{ clock: 'follow_up', startedAt: base.reportedAt, stoppedAt: base.reportedAt + 7_200_000, breachedAt: null }], [], [], TZ));
    assert.deepEqual([...h.monthly.entries()].map(([k, v]) => [histogramKeyOf(k, 'month'), [...v]]), [[{ departmentId: '', regionId: 'hz', network: 'LTE', period: 202604, clock: 'follow_up' }, [[bucketOf(7_200_000), [1, 7_200_000]]]]]);
    assert.deepEqual([...h.daily.keys()].map((k) => histogramKeyOf(k, 'day').period), [20260401]);
  });
});

describe('local days', () => {
  it('agree with Intl in every zone, across DST changes', () => {
    for (const tz of ['Asia/Shanghai', 'UTC', 'Europe/Berlin', 'America/New_York', 'Asia/Kathmandu']) {
      for (let ms = Date.parse('2026-01-01T00:00:00Z'); ms < Date.parse('2026-12-31T00:00:00Z'); ms += 3_599_999) {
        assert.equal(dayOf(ms, tz), dayKey(ms, tz), `${tz} ${new Date(ms).toISOString()}`);
      }
    }
  });
});

describe('periods', () => {
  const now = Date.parse('2026-03-15T12:00:00+08:00');
  it('defaults to the current month and splits whole months from loose days', () => {
    const p = parsePeriod(undefined, undefined, TZ, now, false);
    assert.deepEqual([p.fromDay, p.toDay, p.days, p.months], [20260301, 20260401, 31, ['2026-03']]);
    assert.deepEqual(splitWholeMonths(parsePeriod('2026-01-15', '2026-04-10', TZ, now, false)), { months: [202602, 202603], dayRanges: [[20260115, 20260201], [20260401, 20260410]] });
    assert.deepEqual(splitWholeMonths(parsePeriod('2026-03', '2026-04', TZ, now, false)), { months: [202603], dayRanges: [] });
    assert.deepEqual(splitWholeMonths(parsePeriod('2026-03-02', '2026-03-20', TZ, now, false)), { months: [], dayRanges: [[20260302, 20260320]] });
    assert.deepEqual(splitWholeMonths(parsePeriod('2025-12', '2026-02', TZ, now, false)).months, [202512, 202601]);
  });
  it('takes a local midnight given in any offset', () => {
    const p = parsePeriod('2026-02-28T16:00:00Z', '2026-03-02', TZ, now, false);
    assert.equal(p.fromDay, 20260301);
  });
  it('refuses unknown group keys', () => {
    assert.deepEqual(parseGroupBy('region, network,region'), ['region', 'network']);
    assert.throws(() => parseGroupBy('region,weekday'), /unknown groupBy weekday/);
  });
});
