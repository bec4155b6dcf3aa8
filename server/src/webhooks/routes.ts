import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import type { Deps } from '../http/deps.ts';
import { actorOf, route } from '../http/route.ts';
import { PageQuery } from '../http/pagination.ts';
import { checkTopicPatterns } from './topics.ts';
import { createSubscription, deleteSubscription, findSubscription, listSubscriptions, presentSubscription, resumeSubscription } from './subscriptions.ts';

const IdParams = Type.Object({ id: Type.Integer({ minimum: 1 }) });

/**
 * netcare's own webhooks (DESIGN §9): subscribe to outbox topics (`ticket.*`, `clock.*`,
 * `hotspot.*`, exact topics), receive `{ eventId, topic, at, data }` signed with
 * `X-Netcare-Signature`. Admins also see and resume every subscription, TMF621 hub listeners included.
 */
export function webhookRoutes(app: FastifyInstance, deps: Deps): void {
  const tz = deps.config.timeZone;

  route(app, {
    method: 'POST', url: '/api/v1/webhooks', access: ['admin', 'api'],
    schema: {
      tags: ['webhooks'], summary: 'Subscribe a callback to topics; the signing secret is shown once',
      body: Type.Object({
        callback: Type.String({ minLength: 1, maxLength: 2000 }),
        topics: Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { minItems: 1, maxItems: 50 }),
      }, { additionalProperties: false }),
    },
    handler: async (req, reply) => {
      const body = req.body as { callback: string; topics: string[] };
      const { sub, secret } = await createSubscription(deps, actorOf(req), { kind: 'webhook', callback: body.callback, topics: checkTopicPatterns(body.topics) });
      reply.header('location', `/api/v1/webhooks/${sub.id}`);
      return reply.status(201).send({ ...presentSubscription(sub, tz, 0), secret });
    },
  });
  route(app, {
    method: 'GET', url: '/api/v1/webhooks', access: ['admin', 'api'],
    schema: {
      tags: ['webhooks'], summary: 'Subscriptions with their delivery state (admins: all, TMF621 hub listeners included; API keys: their own)',
      querystring: Type.Object({
        ...PageQuery,
        kind: Type.Optional(Type.Union([Type.Literal('webhook'), Type.Literal('tmf621')])),
        state: Type.Optional(Type.Union([Type.Literal('active'), Type.Literal('suspended'), Type.Literal('disabled')])),
      }),
    },
    handler: async (req) => listSubscriptions(deps, actorOf(req), req.query as any),
  });
  route(app, {
    method: 'GET', url: '/api/v1/webhooks/:id', access: ['admin', 'api'],
    schema: { tags: ['webhooks'], summary: 'One subscription and its delivery state', params: IdParams },
    handler: async (req) => {
      const s = await findSubscription(deps.db.kysely, actorOf(req), (req.params as { id: number }).id);
      const n = await deps.db.kysely.selectFrom('webhookDelivery').select((eb) => eb.fn.countAll().as('n')).where('subscriptionId', '=', s.id).executeTakeFirstOrThrow();
      return presentSubscription(s, tz, Number(n.n));
    },
  });
  route(app, {
    method: 'DELETE', url: '/api/v1/webhooks/:id', access: ['admin', 'api'],
    schema: { tags: ['webhooks'], summary: 'Unsubscribe (its undelivered events are dropped)', params: IdParams },
    handler: async (req, reply) => {
      await deleteSubscription(deps, actorOf(req), (req.params as { id: number }).id);
      return reply.status(204).send();
    },
  });
  route(app, {
    method: 'POST', url: '/api/v1/webhooks/:id/resume', access: ['admin'],
    schema: { tags: ['webhooks'], summary: 'Resume a suspended subscription: waiting events are retried now', params: IdParams },
    handler: async (req) => presentSubscription(await resumeSubscription(deps, actorOf(req), (req.params as { id: number }).id), tz),
  });
}
