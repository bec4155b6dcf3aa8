import type { Q } from '../db/types.ts';

export interface RegionTree {
  parentOf: Map<string, string | null>;
  /** each region with itself and every region below it */
  subtree: Map<string, string[]>;
}

let cached: { at: number; tree: RegionTree; key: Q } | null = null;
// Regions change rarely; a short cache keeps sign-in checks to one query while edits show within seconds in every process.
const TTL_MS = 2000;

/** The region hierarchy (province → cities), cached briefly per database handle. */
export async function regionTree(db: Q, now = Date.now()): Promise<RegionTree> {
  if (cached && cached.key === db && now - cached.at < TTL_MS) return cached.tree;
  const rows = await db.selectFrom('region').select(['id', 'parentId']).execute();
  const parentOf = new Map(rows.map((r) => [r.id, r.parentId]));
  const children = new Map<string, string[]>();
  for (const r of rows) if (r.parentId) children.set(r.parentId, [...(children.get(r.parentId) ?? []), r.id]);
  const subtree = new Map<string, string[]>();
  const collect = (id: string, seen = new Set<string>()): string[] => {
    if (seen.has(id)) return [];
    seen.add(id);
    return [id, ...(children.get(id) ?? []).flatMap((c) => collect(c, seen))];
  };
  for (const r of rows) subtree.set(r.id, collect(r.id));
  const tree = { parentOf, subtree };
  cached = { at: now, tree, key: db };
  return tree;
}

/** Forget the cache (after a region changes in this process). */
export function invalidateRegionTree(): void {
  cached = null;
}

/** The city a region belongs to (itself when it is a city); null for the province root. */
export function cityOf(tree: RegionTree, regionId: string): string | null {
  return tree.parentOf.get(regionId) ? regionId : null;
}
