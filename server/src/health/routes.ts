import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import type { Deps } from '../http/deps.ts';
import { route } from '../http/route.ts';
import type { Metrics } from './metrics.ts';

/** `GET /healthz` (200 when the database answers, 503 otherwise) and `GET /metrics` (Prometheus text). */
export function healthRoutes(app: FastifyInstance, deps: Deps, metrics: Metrics): void {
  route(app, {
    method: 'GET', url: '/healthz', access: 'public',
    schema: { tags: ['health'], summary: 'Liveness and database reachability' },
    handler: async (_req, reply) => {
      try {
        await sql`select 1`.execute(deps.db.kysely);
        return { status: 'ok', database: deps.db.engine };
      } catch {
        return reply.status(503).send({ status: 'unavailable', database: deps.db.engine });
      }
    },
  });
  route(app, {
    method: 'GET', url: '/metrics', access: 'public',
    schema: { tags: ['health'], summary: 'Prometheus metrics', hide: true } as any,
    handler: async (_req, reply) => reply.type('text/plain; version=0.0.4').send(metrics.render()),
  });
}
