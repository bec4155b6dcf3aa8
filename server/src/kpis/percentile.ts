/**
 * Quantiles over a handling-time histogram (contribution.ts bucketOf): buckets in index order
 * (index order is value order), each holding a count and the summed milliseconds; a bucket's
 * values are read as their mean. Ranks interpolate linearly (DESIGN §7): the p-quantile of n
 * sorted values x₀…xₙ₋₁ is x⌊h⌋ + (h − ⌊h⌋)(x⌊h⌋₊₁ − x⌊h⌋) with h = (n − 1)·p.
 */
export function quantile(hist: ReadonlyMap<number, readonly [number, number]>, p: number): number | null {
  const buckets = [...hist.entries()].filter(([, [c]]) => c > 0).sort((a, b) => a[0] - b[0]);
  const n = buckets.reduce((s, [, [c]]) => s + c, 0);
  if (n === 0) return null;
  const h = (n - 1) * p;
  const lo = Math.floor(h);
  const frac = h - lo;
  const at = (rank: number): number => {
    let seen = 0;
    for (const [, [c, sum]] of buckets) {
      seen += c;
      if (rank < seen) return sum / c;
    }
    const [, [c, sum]] = buckets[buckets.length - 1];
    return sum / c;
  };
  const a = at(lo);
  return frac === 0 ? a : a + frac * (at(lo + 1) - a);
}

/** Adds histogram rows into a histogram. */
export function mergeInto(into: Map<number, [number, number]>, bucket: number, count: number, sumMs: number): void {
  const v = into.get(bucket);
  if (v) { v[0] += count; v[1] += sumMs; } else into.set(bucket, [count, sumMs]);
}
