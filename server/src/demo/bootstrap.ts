import { invalidateRegionTree } from '../org/region-tree.ts';
import { randomBytes } from 'node:crypto';
import type { Deps } from '../http/deps.ts';
import { hashPassword } from '../auth/password.ts';
import { appendAudit } from '../audit/repository.ts';
import { DEMO_PROVINCE, seedOrganisation } from './organisation.ts';
import { seedDemo } from './seed.ts';

/**
 * First start of an empty database: the first admin (password from NETCARE_ADMIN_PASSWORD,
 * or random and printed once), and the demo province when demo data is on.
 */
export async function bootstrap(deps: Deps, opts: { log: (msg: string) => void }): Promise<{ adminPassword: string | null }> {
  const db = deps.db;
  const now = deps.clock.now();
  const { adminPassword, demo } = deps.config;
  const anyUser = await db.kysely.selectFrom('appUser').select('id').limit(1).executeTakeFirst();
  if (anyUser) return { adminPassword: null };
  const password = adminPassword ?? randomBytes(9).toString('base64url');
  if (demo) {
    await seedOrganisation(db, password, now);
  } else {
    await db.kysely.insertInto('region').values({ id: DEMO_PROVINCE.id, name: DEMO_PROVINCE.name, parentId: null, updatedAt: now }).onConflict((oc) => oc.doNothing()).execute();
    invalidateRegionTree();
  }
  const hash = await hashPassword(password);
  await db.kysely.transaction().execute(async (trx) => {
    await trx.insertInto('appUser').values({
      username: 'admin', displayName: '系统管理员', passwordHash: hash, role: 'admin', regionId: DEMO_PROVINCE.id, departmentId: null,
      disabled: 0, failedLogins: 0, lockedUntil: null, createdAt: now, updatedAt: now,
    }).execute();
    await appendAudit(trx, db.engine, { at: now, actor: 'system:bootstrap', action: 'user.created', target: 'user:admin', regionId: DEMO_PROVINCE.id, details: { role: 'admin', first: true } });
  });
  if (demo) await seedDemo(deps, opts.log);
  return { adminPassword: adminPassword ? null : password };
}
