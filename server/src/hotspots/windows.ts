/**
 * The hotspot rule of DESIGN §4, as pure functions over complaints of one category.
 *
 * For a network complaint i at cell x reported at t, its window W(i) is every complaint of the
 * same category reported in (t − window, t] at a cell of N(x) = {x} ∪ neighbours(x), i included.
 * A window with at least `minComplaints` complaints qualifies. Hotspot complaints are exactly
 * those in some qualifying window; two are in the same group when a chain of qualifying
 * windows, each sharing a complaint with the next, connects them.
 */

/** The thresholds of §4 (settings; the defaults are 6 complaints in 60 minutes). */
export interface HotspotRule {
  minComplaints: number;
  windowMs: number;
}

export const DEFAULT_RULE: HotspotRule = { minComplaints: 6, windowMs: 60 * 60_000 };

/** A complaint as the rule sees it: only its cell and report time matter (one category at a time). */
export interface Complaint {
  id: number;
  cellId: string;
  reportedAt: number;
}

/** N(x): the cell and its neighbours (neighbour relations are symmetric, DESIGN §2). */
export type Neighbourhood = (cellId: string) => ReadonlySet<string>;

/** True when `k` belongs to the window of a complaint at `owner`: reported in (t − window, t] at a cell of N(x). */
export function inWindow(owner: { cellId: string; reportedAt: number }, k: Complaint, n: Neighbourhood, rule: HotspotRule): boolean {
  return k.reportedAt <= owner.reportedAt && k.reportedAt > owner.reportedAt - rule.windowMs && n(owner.cellId).has(k.cellId);
}

/**
 * The qualifying windows among those of `owners`, each as its member ids, computed over
 * `complaints` (which must hold every complaint that can fall in those windows). Owners with
 * the same cell and time have the same window; it is computed once.
 */
export function qualifyingWindows(owners: readonly Complaint[], complaints: readonly Complaint[], n: Neighbourhood, rule: HotspotRule): { owner: Complaint; members: number[] }[] {
  const byCell = new Map<string, Complaint[]>();
  for (const c of complaints) {
    const list = byCell.get(c.cellId);
    if (list) list.push(c); else byCell.set(c.cellId, [c]);
  }
  const seen = new Set<string>();
  const out: { owner: Complaint; members: number[] }[] = [];
  for (const o of owners) {
    const key = `${o.cellId}\u0000${o.reportedAt}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const members: number[] = [];
    for (const cell of n(o.cellId)) {
      for (const k of byCell.get(cell) ?? []) if (k.reportedAt <= o.reportedAt && k.reportedAt > o.reportedAt - rule.windowMs) members.push(k.id);
    }
    if (members.length >= rule.minComplaints) out.push({ owner: o, members });
  }
  return out;
}

/**
 * The hotspot groups of a whole set of complaints of one category, from scratch: the reference
 * the incremental detection must always agree with (tests compare the two). Quadratic; for
 * tests and checks only. Groups are sorted member id lists, sorted by their first id.
 */
export function hotspotGroups(complaints: readonly Complaint[], n: Neighbourhood, rule: HotspotRule): number[][] {
  const parent = new Map<number, number>();
  const find = (a: number): number => {
    let r = a;
    while (parent.get(r) !== r) r = parent.get(r)!;
    let x = a;
    while (parent.get(x) !== r) { const next = parent.get(x)!; parent.set(x, r); x = next; }
    return r;
  };
  const inHotspot = new Set<number>();
  for (const w of qualifyingWindows(complaints, complaints, n, rule)) {
    for (const m of w.members) { if (!parent.has(m)) parent.set(m, m); inHotspot.add(m); }
    const root = find(w.members[0]);
    for (const m of w.members) { const r = find(m); if (r !== root) parent.set(r, root); }
  }
  const groups = new Map<number, number[]>();
  for (const id of inHotspot) {
    const r = find(id);
    const g = groups.get(r);
    if (g) g.push(id); else groups.set(r, [id]);
  }
  return [...groups.values()].map((g) => g.sort((a, b) => a - b)).sort((a, b) => a[0] - b[0]);
}

/** A neighbourhood function over an adjacency list, made symmetric, each cell its own member. */
export function neighbourhoodOf(adjacency: ReadonlyMap<string, readonly string[]> | Record<string, readonly string[]>): Neighbourhood {
  const map = new Map<string, Set<string>>();
  const entries = adjacency instanceof Map ? [...adjacency.entries()] : Object.entries(adjacency);
  const add = (a: string, b: string) => { let s = map.get(a); if (!s) { s = new Set([a]); map.set(a, s); } s.add(b); };
  for (const [a, list] of entries) for (const b of list) { add(a, b); add(b, a); }
  return (cell) => map.get(cell) ?? new Set([cell]);
}
