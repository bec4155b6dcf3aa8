import type { Db } from '../db/connect.ts';
import { hashPassword } from '../auth/password.ts';
import { departmentsChanged } from '../org/lookups.ts';
import { invalidateRegionTree } from '../org/region-tree.ts';

/** The demo province: three cities, each with every department kind. */
export const DEMO_PROVINCE = { id: 'zj', name: '浙江省' };
export const DEMO_CITIES = [
  { id: 'hz', name: '杭州市', lon: 120.16, lat: 30.27 },
  { id: 'nb', name: '宁波市', lon: 121.55, lat: 29.87 },
  { id: 'wz', name: '温州市', lon: 120.70, lat: 28.00 },
];
const DEPT_KINDS: [string, string][] = [
  ['complaint_centre', '投诉中心'], ['noc', '网优中心'], ['maintenance', '维护部'],
  ['optimisation', '优化部'], ['construction', '建设部'], ['network_management', '网管中心'], ['expert', '网优专家组'],
];

/** Demo users: one of every role, in Hangzhou unless province-wide. All share the admin password. */
export const DEMO_USERS: { username: string; displayName: string; role: string; region: string; department: string | null }[] = [
  { username: 'agent', displayName: '张坐席', role: 'agent', region: 'hz', department: 'hz-complaint_centre' },
  { username: 'agent.nb', displayName: '李坐席', role: 'agent', region: 'nb', department: 'nb-complaint_centre' },
  { username: 'agent.wz', displayName: '周坐席', role: 'agent', region: 'wz', department: 'wz-complaint_centre' },
  { username: 'noc', displayName: '王网优', role: 'noc', region: 'hz', department: 'hz-noc' },
  { username: 'noc.nb', displayName: '赵网优', role: 'noc', region: 'nb', department: 'nb-noc' },
  { username: 'noc.wz', displayName: '孙网优', role: 'noc', region: 'wz', department: 'wz-noc' },
  { username: 'maint', displayName: '陈维护', role: 'handler', region: 'hz', department: 'hz-maintenance' },
  { username: 'optim', displayName: '刘优化', role: 'handler', region: 'hz', department: 'hz-optimisation' },
  { username: 'build', displayName: '周建设', role: 'handler', region: 'hz', department: 'hz-construction' },
  { username: 'expert', displayName: '吴专家', role: 'expert', region: 'hz', department: 'hz-expert' },
  { username: 'supervisor', displayName: '郑主管', role: 'supervisor', region: 'hz', department: 'hz-noc' },
  { username: 'province', displayName: '省公司主管', role: 'supervisor', region: 'zj', department: null },
  { username: 'auditor', displayName: '审计员', role: 'auditor', region: 'zj', department: null },
];

/** Writes the demo organisation (regions, departments, users) in one transaction. */
export async function seedOrganisation(db: Db, password: string, now: number): Promise<void> {
  const hash = await hashPassword(password);
  await db.kysely.transaction().execute(async (trx) => {
    await trx.insertInto('region').values({ ...DEMO_PROVINCE, parentId: null, updatedAt: now }).onConflict((oc) => oc.doNothing()).execute();
    for (const c of DEMO_CITIES) {
      await trx.insertInto('region').values({ id: c.id, name: c.name, parentId: DEMO_PROVINCE.id, updatedAt: now }).onConflict((oc) => oc.doNothing()).execute();
      for (const [kind, name] of DEPT_KINDS) {
        await trx.insertInto('department').values({ id: `${c.id}-${kind}`, name: `${c.name.replace('市', '')}${name}`, kind, regionId: c.id, updatedAt: now })
          .onConflict((oc) => oc.doNothing()).execute();
      }
    }
    for (const u of DEMO_USERS) {
      await trx.insertInto('appUser').values({
        username: u.username, displayName: u.displayName, passwordHash: hash, role: u.role, regionId: u.region, departmentId: u.department,
        disabled: 0, failedLogins: 0, lockedUntil: null, createdAt: now, updatedAt: now,
      }).onConflict((oc) => oc.column('username').doNothing()).execute();
    }
  });
  departmentsChanged();
  invalidateRegionTree();
}
