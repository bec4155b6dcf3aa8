import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import type { Deps } from '../http/deps.ts';
import { actorOf, route } from '../http/route.ts';
import { inScope } from '../access/scope.ts';
import { decodeCursor, page, PageQuery } from '../http/pagination.ts';
import { parseIso, toIso } from '../shared/time.ts';
import { errors } from '../errors.ts';

/** The audit trail, newest first, for admins and auditors in their scope. */
export function auditRoutes(app: FastifyInstance, deps: Deps): void {
  route(app, {
    method: 'GET', url: '/api/v1/audit', access: ['admin', 'auditor'],
    schema: {
      tags: ['audit'], summary: 'Audit trail (append-only, hash-chained)',
      querystring: Type.Object({
        ...PageQuery,
        from: Type.Optional(Type.String({ maxLength: 40 })), to: Type.Optional(Type.String({ maxLength: 40 })),
        action: Type.Optional(Type.String({ maxLength: 64 })), actor: Type.Optional(Type.String({ maxLength: 128 })),
      }),
    },
    handler: async (req) => {
      const { limit = 50, cursor, from, to, action, actor } = req.query as any;
      const fromMs = from ? parseIso(from) : null;
      const toMs = to ? parseIso(to) : null;
      if (from && fromMs == null) throw errors.validation('from must be an ISO 8601 time with offset', { from });
      if (to && toMs == null) throw errors.validation('to must be an ISO 8601 time with offset', { to });
      const after = decodeCursor(cursor, 1);
      const a = actorOf(req);
      let q = deps.db.kysely.selectFrom('auditLog').select(['id', 'at', 'actor', 'action', 'target', 'regionId', 'address', 'details']).orderBy('id', 'desc').limit(limit + 1);
      if (!a.isProvince) q = q.$call(inScope(a, 'regionId'));
      if (fromMs != null) q = q.where('at', '>=', fromMs);
      if (toMs != null) q = q.where('at', '<', toMs);
      if (action) q = q.where('action', '=', action);
      if (actor) q = q.where('actor', '=', actor);
      if (after) q = q.where('id', '<', Number(after[0]));
      const p = page(await q.execute(), limit, (r) => [r.id]);
      return {
        items: p.items.map((r) => ({ ...r, at: toIso(r.at, deps.config.timeZone), details: r.details ? JSON.parse(r.details) : null })),
        nextCursor: p.nextCursor,
      };
    },
  });
}
