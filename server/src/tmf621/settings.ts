import type { Q } from '../db/types.ts';
import type { Deps } from '../http/deps.ts';
import type { Actor } from '../access/actor.ts';
import { errors } from '../errors.ts';
import { categoriesById } from '../tickets/categories.ts';

/**
 * Where a TMF621 ticket whose `ticketType` is not a netcare category goes, until an admin
 * chooses otherwise. A non-network category: an unknown type is no evidence of a network fault,
 * so it must not reach the NOC or count in complaint rates (DESIGN §2, §7); `service.store` is
 * the seeded service category closest to "general service complaint". Admins who add an
 * "other" category point the setting there.
 */
export const DEFAULT_CATCH_ALL_CATEGORY = 'service.store';

const CATCH_ALL = 'catchAllCategory';

export interface Tmf621Settings {
  catchAllCategory: string;
}

export async function readTmfSettings(q: Q): Promise<Tmf621Settings> {
  const row = await q.selectFrom('tmfSetting').select('value').where('key', '=', CATCH_ALL).executeTakeFirst();
  return { catchAllCategory: row?.value ?? DEFAULT_CATCH_ALL_CATEGORY };
}

/** Sets the catch-all category: a second-level, active category (else 400). */
export async function writeTmfSettings(deps: Deps, actor: Actor, s: Tmf621Settings): Promise<Tmf621Settings> {
  const k = deps.db.kysely;
  const now = deps.clock.now();
  const c = (await categoriesById(k, now)).get(s.catchAllCategory);
  if (!c || !c.active || !c.parentId) {
    throw errors.validation(`catchAllCategory must be an active second-level category such as service.store, not ${s.catchAllCategory}`, { catchAllCategory: s.catchAllCategory });
  }
  await k.insertInto('tmfSetting').values({ key: CATCH_ALL, value: c.id, updatedBy: actor.name, updatedAt: now })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value: c.id, updatedBy: actor.name, updatedAt: now })).execute();
  return { catchAllCategory: c.id };
}
