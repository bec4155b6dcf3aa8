/** The roles of DESIGN §1. */
export const ROLES = ['agent', 'noc', 'handler', 'expert', 'supervisor', 'admin', 'auditor', 'api'] as const;
export type Role = (typeof ROLES)[number];

/** Roles that see personal data (phone, name) unmasked (DESIGN §1). */
export const ROLES_SEEING_PERSONAL_DATA: ReadonlySet<Role> = new Set(['agent', 'noc', 'supervisor', 'admin', 'api']);

/** Every role: for routes that anyone signed in may call (still scoped by region). */
export const ANY_ROLE: readonly Role[] = ROLES;
