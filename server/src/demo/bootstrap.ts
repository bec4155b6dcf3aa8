import { randomBytes } from 'node:crypto';
import type { Db } from '../db/connect.ts';
import { hashPassword } from '../auth/password.ts';
import { appendAudit } from '../audit/repository.ts';
import { DEMO_PROVINCE, seedOrganisation } from './organisation.ts';
import { seedDemo } from './seed.ts';

/**
 * First start of an empty database: the first admin (password from NETCARE_ADMIN_PASSWORD,
 * or random and printed once), and the demo province when demo data is on.
 */
export async function bootstrap(db: Db, opts: { adminPassword?: string; demo: boolean; timeZone: string; now: number; log: (msg: string) => void }): Promise<{ adminPassword: string | null }> {
  const anyUser = await db.kysely.selectFrom('appUser').select('id').limit(1).executeTakeFirst();
  if (anyUser) return { adminPassword: null };
  const password = opts.adminPassword ?? randomBytes(9).toString('base64url');
  if (opts.demo) {
    await seedOrganisation(db, password, opts.now);
  } else {
    await db.kysely.insertInto('region').values({ id: DEMO_PROVINCE.id, name: DEMO_PROVINCE.name, parentId: null, updatedAt: opts.now }).onConflict((oc) => oc.doNothing()).execute();
  }
  const hash = await hashPassword(password);
  await db.kysely.transaction().execute(async (trx) => {
    await trx.insertInto('appUser').values({
      username: 'admin', displayName: '系统管理员', passwordHash: hash, role: 'admin', regionId: DEMO_PROVINCE.id, departmentId: null,
      disabled: 0, failedLogins: 0, lockedUntil: null, createdAt: opts.now, updatedAt: opts.now,
    }).execute();
    await appendAudit(trx, db.engine, { at: opts.now, actor: 'system:bootstrap', action: 'user.created', target: 'user:admin', regionId: DEMO_PROVINCE.id, details: { role: 'admin', first: true } });
  });
  if (opts.demo) await seedDemo(db, { timeZone: opts.timeZone, now: opts.now, log: opts.log });
  return { adminPassword: opts.adminPassword ? null : password };
}
