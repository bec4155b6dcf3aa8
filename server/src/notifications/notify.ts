import type { Q } from '../db/types.ts';

/**
 * Records an in-app notification for a department (its members) or for a role in a region
 * (e.g. the city's supervisors). Other channels read the outbox.
 */
export async function notify(trx: Q, n: { ticketId?: number | null; kind: string; departmentId?: string | null; role?: string | null; regionId: string; message: string; data?: unknown; at: number }): Promise<void> {
  await trx.insertInto('notification').values({
    ticketId: n.ticketId ?? null, kind: n.kind, departmentId: n.departmentId ?? null, role: n.role ?? null, regionId: n.regionId,
    message: n.message, data: n.data === undefined ? null : JSON.stringify(n.data), createdAt: n.at,
  }).execute();
}
