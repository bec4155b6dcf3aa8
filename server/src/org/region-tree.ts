import type { Q } from '../db/types.ts';
import { ReferenceCache } from '../db/reference-cache.ts';

export interface RegionTree {
  parentOf: Map<string, string | null>;
  /** each region with itself and every region below it */
  subtree: Map<string, string[]>;
}

// Regions change rarely; a short cache keeps sign-in checks to one query while edits show within seconds in every process.
const cache = new ReferenceCache<RegionTree>(2000, 1);

/** The region hierarchy (province → cities), cached briefly per database. */
export async function regionTree(db: Q, _now?: number): Promise<RegionTree> {
  return cache.get(db, 'tree', () => loadRegionTree(db));
}

async function loadRegionTree(db: Q): Promise<RegionTree> {
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
  return { parentOf, subtree };
}

/** Forget the cache (after a region changes in this process). */
export function invalidateRegionTree(): void {
  cache.clear();
}

/** The city a region belongs to (itself when it is a city); null for the province root. */
export function cityOf(tree: RegionTree, regionId: string): string | null {
  return tree.parentOf.get(regionId) ? regionId : null;
}
