import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { Deps } from '../http/deps.ts';
import { actorOf, route, type RouteSpec } from '../http/route.ts';
import { ANY_ROLE, type Role } from '../access/roles.ts';
import type { Actor } from '../access/actor.ts';
import { createSubscription, deleteSubscription } from '../webhooks/subscriptions.ts';
import { installTmfErrors, tmfErrors } from './errors.ts';
import { parseFields, selectFields } from './fields.ts';
import { loadBundles, presentTroubleTicket, TMF621_BASE, ticketHref } from './present.ts';
import { getVisible, parseTicketId } from './repository.ts';
import { createTroubleTicket } from './create.ts';
import { listTroubleTickets } from './list.ts';
import { patchTroubleTicket } from './patch.ts';
import { deleteTroubleTicket, WITHDRAWERS } from './withdraw.ts';
import { parseHubQuery } from './events.ts';
import { readTmfSettings, writeTmfSettings } from './settings.ts';
import { INFORMATION_ASKERS, requireInformation } from './information-required.ts';
import { HubSubscribe, IdParam, TroubleTicketCreate, TroubleTicketPatch, type TroubleTicketCreateBody } from './schemas.ts';

const READERS: readonly Role[] = ANY_ROLE;
const CREATORS: readonly Role[] = ['agent', 'api'];
const PATCHERS: readonly Role[] = ANY_ROLE.filter((r) => r !== 'auditor');
/** Hub listeners receive tickets as their owner sees them: systems (API keys) and admins subscribe. */
const SUBSCRIBERS: readonly Role[] = ['api', 'admin'];
const FieldsQuery = Type.Object({ fields: Type.Optional(Type.String({ maxLength: 2000 })) });

/**
 * TMF621 Trouble Ticket Management v4 at /tmf-api/troubleTicket/v4 (DESIGN §9), in its own scope:
 * errors in the TMF Error shape (also 401/403/404 and validation), JSON Merge Patch understood,
 * a trailing slash accepted on every path. Plus the admin's settings and the "information
 * required" action under /api/v1/tmf621.
 */
export function tmf621Routes(app: FastifyInstance, deps: Deps): void {
  const tz = deps.config.timeZone;

  const render = async (actor: Actor, id: number, fields: Set<string> | null) => {
    const { ticket } = await getVisible(deps.db.kysely, deps.db.engine, actor, id);
    const b = (await loadBundles(deps.db.kysely, [ticket])).get(ticket.id)!;
    return selectFields(presentTroubleTicket(b, actor, deps.pii, tz), fields);
  };

  app.register(async (scope) => {
    installTmfErrors(scope);
    scope.addContentTypeParser('application/merge-patch+json', { parseAs: 'string' }, scope.getDefaultJsonParser('error', 'error'));
    // both spellings of every path: with and without a trailing slash
    const both = <S extends object>(spec: RouteSpec<S>) => {
      route(scope, spec);
      route(scope, { ...spec, url: `${spec.url}/`, schema: { ...spec.schema, hide: true } as S });
    };

    both({
      method: 'GET', url: '/troubleTicket', access: READERS,
      schema: {
        tags: ['tmf621'], summary: 'List or find trouble tickets (TMF621): filters on attributes, fields, offset/limit; X-Total-Count, X-Result-Count',
        querystring: Type.Object({ fields: Type.Optional(Type.String()), offset: Type.Optional(Type.String()), limit: Type.Optional(Type.String()) }, { additionalProperties: true }),
      },
      handler: async (req, reply) => {
        const { items, total } = await listTroubleTickets(deps, actorOf(req), req.query as Record<string, unknown>);
        reply.header('x-total-count', String(total)).header('x-result-count', String(items.length));
        return items;
      },
    });
    both({
      method: 'POST', url: '/troubleTicket', access: CREATORS,
      schema: { tags: ['tmf621'], summary: 'Create a trouble ticket (TMF621): a netcare complaint, status acknowledged', body: TroubleTicketCreate },
      handler: async (req, reply) => {
        const actor = actorOf(req);
        const id = await createTroubleTicket(deps, actor, req.body as TroubleTicketCreateBody);
        reply.header('location', ticketHref(id));
        return reply.status(201).send(await render(actor, id, null));
      },
    });
    both({
      method: 'GET', url: '/troubleTicket/:id', access: READERS,
      schema: { tags: ['tmf621'], summary: 'Retrieve a trouble ticket (TMF621)', params: IdParam, querystring: FieldsQuery },
      handler: async (req) => {
        const q = req.query as { fields?: string };
        return render(actorOf(req), parseTicketId((req.params as { id: string }).id), parseFields(q.fields));
      },
    });
    both({
      method: 'PATCH', url: '/troubleTicket/:id', access: PATCHERS,
      schema: {
        tags: ['tmf621'], summary: 'Update a trouble ticket (TMF621, JSON Merge Patch): attributes, new notes, status as a workflow step',
        consumes: ['application/merge-patch+json', 'application/json'], params: IdParam, body: TroubleTicketPatch,
      },
      handler: async (req) => {
        const actor = actorOf(req);
        const id = parseTicketId((req.params as { id: string }).id);
        await patchTroubleTicket(deps, actor, id, req.body);
        return render(actor, id, null);
      },
    });
    both({
      method: 'DELETE', url: '/troubleTicket/:id', access: WITHDRAWERS,
      schema: { tags: ['tmf621'], summary: 'Delete (withdraw) a trouble ticket nobody has worked on yet (TMF621); 409 otherwise', params: IdParam },
      handler: async (req, reply) => {
        await deleteTroubleTicket(deps, actorOf(req), parseTicketId((req.params as { id: string }).id));
        return reply.status(204).send();
      },
    });

    both({
      method: 'POST', url: '/hub', access: SUBSCRIBERS,
      schema: { tags: ['tmf621'], summary: 'Register a listener (TMF621 hub): signed notifications; the secret is shown once', body: HubSubscribe },
      handler: async (req, reply) => {
        const body = req.body as { callback: string; query?: string | null };
        parseHubQuery(body.query);
        const { sub, secret } = await createSubscription(deps, actorOf(req), { kind: 'tmf621', callback: body.callback, query: body.query ?? null });
        reply.header('location', `${TMF621_BASE}/hub/${sub.id}`);
        return reply.status(201).send({ id: String(sub.id), callback: sub.callback, query: sub.query ?? '', secret });
      },
    });
    both({
      method: 'DELETE', url: '/hub/:id', access: SUBSCRIBERS,
      schema: { tags: ['tmf621'], summary: 'Unregister a listener (TMF621 hub)', params: IdParam },
      handler: async (req: FastifyRequest, reply: FastifyReply) => {
        const id = (req.params as { id: string }).id;
        if (!/^[1-9]\d{0,14}$/.test(id)) throw tmfErrors.notFound(id);
        await deleteSubscription(deps, actorOf(req), Number(id), 'tmf621');
        return reply.status(204).send();
      },
    });
  }, { prefix: TMF621_BASE });

  route(app, {
    method: 'GET', url: '/api/v1/tmf621/settings', access: ['admin'],
    schema: { tags: ['tmf621'], summary: 'TMF621 settings: the catch-all category for unknown ticket types' },
    handler: async () => readTmfSettings(deps.db.kysely),
  });
  route(app, {
    method: 'PUT', url: '/api/v1/tmf621/settings', access: ['admin'],
    schema: {
      tags: ['tmf621'], summary: 'Choose the catch-all category for TMF621 tickets of unknown ticketType',
      body: Type.Object({ catchAllCategory: Type.String({ minLength: 1, maxLength: 64 }) }, { additionalProperties: false }),
    },
    handler: async (req) => writeTmfSettings(deps, actorOf(req), req.body as { catchAllCategory: string }),
  });
  route(app, {
    method: 'POST', url: '/api/v1/tmf621/tickets/:id/information-required', access: INFORMATION_ASKERS,
    schema: {
      tags: ['tmf621'], summary: 'Ask the raising system for information (TMF621 TroubleTicketInformationRequiredEvent); recorded as a note',
      params: Type.Object({ id: Type.Integer({ minimum: 1 }) }),
      body: Type.Object({ text: Type.String({ minLength: 1, maxLength: 4000 }) }, { additionalProperties: false }),
    },
    handler: async (req, reply) => reply.status(201).send(await requireInformation(deps, actorOf(req), (req.params as { id: number }).id, (req.body as { text: string }).text)),
  });
}
