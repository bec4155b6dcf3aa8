import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import type { Deps } from '../http/deps.ts';
import { actorOf, route } from '../http/route.ts';
import { ANY_ROLE } from '../access/roles.ts';
import { errors } from '../errors.ts';
import { IntakeBody, EventBody, ListQuery } from './schemas.ts';
import { createTicket } from './create-ticket.ts';
import type { WrittenHistory } from './intake.ts';
import { applyStep, parseIfMatch } from './apply-event.ts';
import { getInScope, type Ticket } from './repository.ts';
import { presentClock, presentEvent, presentTicket } from './present.ts';
import { listTickets } from './list.ts';
import { knownIssuesFor, constructionCheck } from './known-issues.ts';
import { categoriesById } from './categories.ts';

const IdParams = Type.Object({ id: Type.Integer({ minimum: 1 }) });
const READERS = ['agent', 'noc', 'handler', 'expert', 'supervisor', 'admin', 'auditor', 'api'] as const;

/** Tickets: intake, lists and queues, one ticket with history and clocks, workflow steps (DESIGN §11). */
export function ticketRoutes(app: FastifyInstance, deps: Deps): void {
  const tz = deps.config.timeZone;

  /**
   * a ticket with its clocks and history as the caller may see it; `known`: a row just written by
   * this caller (in scope by construction), `written`: all its events and clocks, just written too
   */
  const full = async (actor: ReturnType<typeof actorOf>, id: number, known?: Ticket, written?: WrittenHistory) => {
    const k = deps.db.kysely;
    const t = known ?? await getInScope(k, deps.db.engine, actor, id);
    const [events, clocks] = written ? [written.events, written.clocks] : await Promise.all([
      k.selectFrom('ticketEvent').selectAll().where('ticketId', '=', id).orderBy('id').execute(),
      k.selectFrom('ticketClock').selectAll().where('ticketId', '=', id).orderBy('id').execute(),
    ]);
    const now = deps.clock.now();
    return {
      ...presentTicket(t, actor, deps.pii, tz),
      clocks: clocks.map((c) => presentClock(c, tz, now)),
      events: events.map((e) => presentEvent(e, tz)),
    };
  };

  route(app, {
    method: 'POST', url: '/api/v1/tickets', access: ['agent', 'api'],
    schema: {
      tags: ['tickets'], summary: 'Take a complaint in (intake); honours Idempotency-Key',
      body: IntakeBody,
      headers: Type.Object({ 'idempotency-key': Type.Optional(Type.String({ minLength: 1, maxLength: 200 })) }),
    },
    handler: async (req, reply) => {
      const actor = actorOf(req);
      const key = (req.headers['idempotency-key'] as string | undefined) ?? null;
      const { ticket, replayed, written } = await createTicket(deps, actor, req.body as any, key);
      const body = await full(actor, ticket.id, replayed ? undefined : ticket, written);
      const known = await knownIssuesFor(deps, actor, ticket);
      reply.header('etag', `"${ticket.version}"`).header('location', `/api/v1/tickets/${ticket.id}`);
      if (replayed) reply.header('idempotent-replayed', 'true');
      return reply.status(201).send({ ...body, ...known });
    },
  });

  route(app, {
    method: 'GET', url: '/api/v1/categories', access: READERS,
    schema: { tags: ['tickets'], summary: 'Complaint categories: a two-level tree; isNetwork ones go to the NOC and count in complaint rates' },
    handler: async () => {
      const all = [...(await categoriesById(deps.db.kysely)).values()].filter((c) => c.active);
      return { items: all.sort((a, b) => a.id.localeCompare(b.id)).map((c) => ({ id: c.id, parentId: c.parentId, nameZh: c.nameZh, nameEn: c.nameEn, isNetwork: c.isNetwork })), nextCursor: null };
    },
  });

  route(app, {
    method: 'GET', url: '/api/v1/tickets', access: READERS,
    schema: { tags: ['tickets'], summary: 'Tickets in scope: filters, queue order by nearest due time, keyset paging', querystring: ListQuery },
    handler: async (req) => {
      const actor = actorOf(req);
      const page = await listTickets(deps, actor, req.query as any);
      return { items: page.items.map((t) => presentTicket(t, actor, deps.pii, tz)), nextCursor: page.nextCursor };
    },
  });

  route(app, {
    method: 'GET', url: '/api/v1/tickets/:id', access: READERS,
    schema: { tags: ['tickets'], summary: 'One ticket with its history (events) and clocks', params: IdParams },
    handler: async (req, reply) => {
      const body = await full(actorOf(req), (req.params as any).id);
      reply.header('etag', `"${body.version}"`);
      return body;
    },
  });

  route(app, {
    method: 'GET', url: '/api/v1/tickets/:id/construction-check', access: ['noc', 'supervisor', 'admin'],
    schema: { tags: ['tickets'], summary: 'Before forwarding to construction (§3 step 3): construction plans and no-investment areas covering the ticket\'s place; a match lets the NOC reply directly', params: IdParams },
    handler: async (req) => {
      const actor = actorOf(req);
      const t = await getInScope(deps.db.kysely, deps.db.engine, actor, (req.params as any).id);
      return { items: await constructionCheck(deps, t) };
    },
  });

  route(app, {
    method: 'POST', url: '/api/v1/tickets/:id/events', access: ANY_ROLE.filter((r) => r !== 'auditor'),
    schema: {
      tags: ['tickets'], summary: 'A workflow step (DESIGN §11 event table); If-Match on the ticket version',
      params: IdParams, body: EventBody,
      headers: Type.Object({ 'if-match': Type.Optional(Type.String({ maxLength: 40 })) }),
    },
    handler: async (req, reply) => {
      const actor = actorOf(req);
      const body = req.body as any;
      if (body.at !== undefined) throw errors.validation('at is set by the server for live steps (imports carry their own times)', { field: 'at' });
      const id = (req.params as any).id;
      const { eventId } = await applyStep(deps, actor, id, body, parseIfMatch(req.headers['if-match'] as string | undefined));
      const t = await full(actor, id);
      reply.header('etag', `"${t.version}"`);
      // forwarding to construction answers the plan and no-investment matches too (§3 step 3)
      const toConstruction = body.type === 'forwarded' && (await deps.db.kysely.selectFrom('department').select('kind').where('id', '=', body.department).executeTakeFirst())?.kind === 'construction';
      const check = toConstruction ? { constructionCheck: await constructionCheck(deps, await getInScope(deps.db.kysely, deps.db.engine, actor, id)) } : {};
      return reply.status(201).send({ eventId, ticket: t, ...check });
    },
  });
}
