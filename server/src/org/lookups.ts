import type { Q } from '../db/types.ts';
import { ReferenceCache } from '../db/reference-cache.ts';

/** region + kind → department id; intake and every forward ask it, admins change departments rarely */
const departments = new ReferenceCache<string | null>(10_000, 10_000);

/** The department of a kind in a region (e.g. the city's NOC or complaint centre); null when it has none. */
export async function departmentOfKind(trx: Q, regionId: string, kind: string): Promise<string | null> {
  return departments.get(trx, `${regionId}\u0000${kind}`, async () => {
    const d = await trx.selectFrom('department').select('id').where('regionId', '=', regionId).where('kind', '=', kind).orderBy('id').limit(1).executeTakeFirst();
    return d?.id ?? null;
  });
}

/** Departments were written: lookups read them afresh. */
export function departmentsChanged(): void { departments.clear(); }

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
