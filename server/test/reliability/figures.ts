import type { TestContext } from 'node:test';

/**
 * The figures issue 9 asks for, counted from what a test actually did (never from the
 * settings it was given) and reported with node:test's `t.diagnostic()`, so they show
 * under the test in every reporter. One line per figure set, `figures <label>: k=v, …`:
 * docs/RELIABILITY.md quotes these lines.
 */

/** Counts of status codes (or any key): `200×3 404×1`. */
export class Histogram {
  readonly counts = new Map<string | number, number>();
  add(key: string | number, n = 1): void { this.counts.set(key, (this.counts.get(key) ?? 0) + n); }
  merge(other: Histogram): void { for (const [k, n] of other.counts) this.add(k, n); }
  get total(): number { let s = 0; for (const n of this.counts.values()) s += n; return s; }
  get(key: string | number): number { return this.counts.get(key) ?? 0; }
  /** how many keys satisfy `pred`, summed */
  sum(pred: (key: string | number) => boolean): number { let s = 0; for (const [k, n] of this.counts) if (pred(k)) s += n; return s; }
  toString(): string {
    return [...this.counts].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).map(([k, n]) => `${k}×${n}`).join(' ') || '(none)';
  }
}

/** Prints one figure set under the running test: `figures crash [sqlite]: kills=20, acked=312, …`. */
export function report(t: TestContext, label: string, figures: Record<string, string | number | boolean>): void {
  t.diagnostic(`figures ${label}: ${Object.entries(figures).map(([k, v]) => `${k}=${v}`).join(', ')}`);
}
