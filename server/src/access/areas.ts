import type { Role } from './roles.ts';

/** Console areas and the roles that use them: the console hides what would be refused. */
export const AREA_ROLES: Record<string, readonly Role[]> = {
  intake: ['agent'],
  queue: ['agent', 'noc', 'handler', 'expert', 'supervisor'],
  tickets: ['agent', 'noc', 'handler', 'expert', 'supervisor', 'admin', 'auditor'],
  hotspots: ['agent', 'noc', 'supervisor', 'admin', 'auditor'],
  problems: ['noc', 'handler', 'expert', 'supervisor', 'admin', 'auditor'],
  kpis: ['noc', 'supervisor', 'admin', 'auditor', 'agent', 'handler', 'expert'],
  admin: ['admin'],
  audit: ['admin', 'auditor'],
};

/** Which areas a role may open. */
export function abilitiesOf(role: Role): Record<string, boolean> {
  return Object.fromEntries(Object.entries(AREA_ROLES).map(([area, roles]) => [area, roles.includes(role)]));
}
