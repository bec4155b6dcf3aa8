import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import type { Deps } from '../http/deps.ts';
import { actorOf, route } from '../http/route.ts';
import { errors } from '../errors.ts';
import { decodeCursor, page, PageQuery } from '../http/pagination.ts';
import { toIso } from '../shared/time.ts';

const STAFF = ['agent', 'noc', 'handler', 'expert', 'supervisor', 'admin', 'auditor'] as const;

/** In-app notifications: for the user's department, or for its role in its own region. */
export function notificationRoutes(app: FastifyInstance, deps: Deps): void {
  const k = deps.db.kysely;
  const mine = (a: ReturnType<typeof actorOf>) => (eb: any) => eb.or([
    ...(a.departmentId ? [eb('departmentId', '=', a.departmentId)] : []),
    eb.and([eb('role', '=', a.role), eb('regionId', '=', a.regionId)]),
  ]);

  route(app, {
    method: 'GET', url: '/api/v1/notifications', access: STAFF,
    schema: { tags: ['notifications'], summary: 'My notifications, newest first, with read flags', querystring: Type.Object({ ...PageQuery, unread: Type.Optional(Type.Boolean()) }) },
    handler: async (req) => {
      const a = actorOf(req);
      const { limit = 50, cursor, unread } = req.query as any;
      const after = decodeCursor(cursor, 1);
      let q = k.selectFrom('notification')
        .leftJoin('notificationRead', (j) => j.onRef('notificationRead.notificationId', '=', 'notification.id').on('notificationRead.userId', '=', a.id))
        .select(['notification.id', 'notification.ticketId', 'notification.kind', 'notification.message', 'notification.data', 'notification.createdAt', 'notificationRead.userId as readBy'])
        .where(mine(a)).orderBy('notification.id', 'desc').limit(limit + 1);
      if (after) q = q.where('notification.id', '<', Number(after[0]));
      if (unread) q = q.where('notificationRead.userId', 'is', null);
      const p = page(await q.execute(), limit, (r) => [r.id]);
      return {
        items: p.items.map((n) => ({ id: n.id, ticketId: n.ticketId, kind: n.kind, message: n.message, data: n.data ? JSON.parse(n.data) : null, createdAt: toIso(n.createdAt, deps.config.timeZone), read: n.readBy != null })),
        nextCursor: p.nextCursor,
      };
    },
  });

  route(app, {
    method: 'POST', url: '/api/v1/notifications/:id/read', access: STAFF,
    schema: { tags: ['notifications'], summary: 'Mark a notification read', params: Type.Object({ id: Type.Integer({ minimum: 1 }) }) },
    handler: async (req, reply) => {
      const a = actorOf(req);
      const id = (req.params as any).id as number;
      const n = await k.selectFrom('notification').select('id').where('id', '=', id).where(mine(a)).executeTakeFirst();
      if (!n) throw errors.notFound('notification', id);
      await k.insertInto('notificationRead').values({ notificationId: id, userId: a.id }).onConflict((oc) => oc.doNothing()).execute();
      return reply.status(204).send();
    },
  });
}
