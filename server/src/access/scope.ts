import type { Actor } from './actor.ts';

/**
 * Restricts a query to the actor's regions: `qb.$call(inScope(actor, 'ticket.regionId'))`.
 * Province users and admins see all; everyone else their region and below.
 */
export const inScope = (actor: Actor, column: string) => <QB extends { where: (...args: any[]) => any }>(qb: QB): QB =>
  actor.isProvince ? qb : (qb.where(column as any, 'in', actor.regionSubtreeIds) as QB);
