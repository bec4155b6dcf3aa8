import type { Generated } from 'kysely';

export interface RegionRow {
  id: string;
  name: string;
  parentId: string | null;
  updatedAt: number;
}

export interface DepartmentRow {
  id: string;
  name: string;
  kind: string;
  regionId: string;
  updatedAt: number;
}

export interface UserRow {
  id: Generated<number>;
  username: string;
  displayName: string | null;
  passwordHash: string;
  role: string;
  regionId: string;
  departmentId: string | null;
  disabled: number;
  failedLogins: number;
  lockedUntil: number | null;
  createdAt: number;
  updatedAt: number;
}

export interface OrgTables {
  region: RegionRow;
  department: DepartmentRow;
  appUser: UserRow;
}
