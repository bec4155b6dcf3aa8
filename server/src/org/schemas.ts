import { Type } from 'typebox';
import { ROLES } from '../access/roles.ts';

/** Department kinds of DESIGN §2. */
export const DEPARTMENT_KINDS = ['complaint_centre', 'noc', 'maintenance', 'construction', 'optimisation', 'network_management', 'expert'] as const;
export type DepartmentKind = (typeof DEPARTMENT_KINDS)[number];

export const Id = Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9][A-Za-z0-9_.:-]*$' });
const Nullable = <T extends object>(t: T) => Type.Union([t as any, Type.Null()]);

export const RegionBody = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 200 }),
  parent: Type.Optional(Nullable(Id)),
}, { additionalProperties: false });

export const DepartmentBody = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 200 }),
  kind: Type.Union(DEPARTMENT_KINDS.map((k) => Type.Literal(k))),
  region: Id,
}, { additionalProperties: false });

export const UserBody = Type.Object({
  password: Type.Optional(Type.String({ minLength: 8, maxLength: 256 })),
  role: Type.Union(ROLES.filter((r) => r !== 'api').map((r) => Type.Literal(r))),
  region: Id,
  department: Type.Optional(Nullable(Id)),
  displayName: Type.Optional(Nullable(Type.String({ maxLength: 200 }))),
  disabled: Type.Optional(Type.Boolean()),
}, { additionalProperties: false });

export const ApiKeyBody = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 200 }),
  role: Type.Union(ROLES.filter((r) => r !== 'admin').map((r) => Type.Literal(r))),
  region: Id,
}, { additionalProperties: false });

export const Username = Type.String({ minLength: 2, maxLength: 64, pattern: '^[A-Za-z0-9][A-Za-z0-9_.@-]*$' });
