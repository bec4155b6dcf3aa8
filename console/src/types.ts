/** The shapes the console reads from `/api/v1` (DESIGN §11 and the auth/admin contract). */

/** Roles of people (DESIGN §1); `api` is only for API keys. */
export const USER_ROLES = ['agent', 'noc', 'handler', 'expert', 'supervisor', 'admin', 'auditor'] as const;
export type Role = 'api' | (typeof USER_ROLES)[number];
/** Roles an API key may carry: never `admin`. */
export const KEY_ROLES = ['api', 'agent', 'noc', 'handler', 'expert', 'supervisor', 'auditor'] as const satisfies readonly Role[];

/** Department kinds (DESIGN §2). */
export const DEPARTMENT_KINDS = [
  'complaint_centre', 'noc', 'maintenance', 'construction', 'optimisation', 'network_management', 'expert',
] as const;
export type DepartmentKind = (typeof DEPARTMENT_KINDS)[number];

/** The console's areas; `GET /auth/me` says which of them the user may open. */
export const AREAS = ['intake', 'queue', 'tickets', 'hotspots', 'problems', 'kpis', 'admin', 'audit'] as const;
export type Area = (typeof AREAS)[number];
export type Abilities = Partial<Record<string, boolean>>;

export interface SessionUser {
  id: number | string;
  username: string;
  displayName: string | null;
  role: Role;
  regionId: string;
  departmentId: string | null;
}

export interface Me {
  user: SessionUser;
  abilities: Abilities;
}

export interface LoginAnswer {
  token: string;
  user: SessionUser;
}

export interface Region {
  id: string;
  name: string;
  parentId: string | null;
}

export interface Department {
  id: string;
  name: string;
  kind: DepartmentKind;
  regionId: string;
}

export interface User {
  username: string;
  displayName: string | null;
  role: Role;
  regionId: string;
  departmentId: string | null;
  disabled: boolean;
}

/** Times arrive as ISO 8601 text; epoch milliseconds are accepted too. */
export type Instant = string | number;

export interface ApiKey {
  id: number | string;
  name: string;
  role: Role;
  regionId: string;
  prefix: string;
  createdAt: Instant;
  revokedAt: Instant | null;
}

export interface AuditEntry {
  id: number | string;
  at: Instant;
  actor: string;
  action: string;
  target: string | null;
  regionId: string | null;
  address: string | null;
  details: unknown;
}
