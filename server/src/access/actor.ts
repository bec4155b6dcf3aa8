import type { Role } from './roles.ts';

/** Who is acting: a signed-in user, an API key, or the system itself (timers, imports). */
export interface Actor {
  kind: 'user' | 'api' | 'system';
  /** user id, api key id, or 0 for the system */
  id: number;
  /** username, `apikey:NAME`, or `system:REASON`: what the history and audit record */
  name: string;
  role: Role;
  regionId: string;
  departmentId: string | null;
  /** province-level (root region) or admin: sees every region */
  isProvince: boolean;
  /** the actor's region and every region below it */
  regionSubtreeIds: string[];
}

/** The system acting on its own (DESIGN: timers and imports act as `{ kind: 'system', reason }`). */
export function systemActor(reason: string, rootRegionId = ''): Actor {
  return {
    kind: 'system', id: 0, name: `system:${reason}`, role: 'admin', regionId: rootRegionId,
    departmentId: null, isProvince: true, regionSubtreeIds: [],
  };
}

/** True when the region is inside the actor's scope. */
export function regionInScope(actor: Actor, regionId: string): boolean {
  return actor.isProvince || actor.regionSubtreeIds.includes(regionId);
}
