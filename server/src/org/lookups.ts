import type { Q } from '../db/types.ts';

/** The department of a kind in a region (e.g. the city's NOC or complaint centre); null when it has none. */
export async function departmentOfKind(trx: Q, regionId: string, kind: string): Promise<string | null> {
  const d = await trx.selectFrom('department').select('id').where('regionId', '=', regionId).where('kind', '=', kind).orderBy('id').limit(1).executeTakeFirst();
  return d?.id ?? null;
}

/** The province (root) above a region, for province-level escalation. */
export async function provinceOf(trx: Q, regionId: string): Promise<string> {
  let at = regionId;
  for (let i = 0; i < 8; i++) {
    const r = await trx.selectFrom('region').select('parentId').where('id', '=', at).executeTakeFirst();
    if (!r?.parentId) return at;
    at = r.parentId;
  }
  return at;
}
