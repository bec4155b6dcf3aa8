import type { FastifyInstance } from 'fastify';
import type { Deps } from '../http/deps.ts';
import { actorOf, route } from '../http/route.ts';
import { PROBLEM_MANAGERS, PROBLEM_READERS } from './abilities.ts';
import { CloseBody, CreateBody, LinkBody, ListQuery, PatchBody, ProblemIdParams } from './schemas.ts';
import { closeProblem, createProblem, linkProblemTickets, updateProblem } from './operations.ts';
import { listProblems, problemDetail } from './query.ts';

/** Problem records (DESIGN §6): open, list, read with linked tickets, edit, link tickets, close with the final reply. */
export function problemRoutes(app: FastifyInstance, deps: Deps): void {
  const tz = deps.config.timeZone;
  const db = deps.db.kysely;
  const detail = (req: Parameters<typeof actorOf>[0], id: number) => problemDetail(db, deps.db.engine, actorOf(req), id, tz);
  const idOf = (req: { params: unknown }) => (req.params as { id: number }).id;

  route(app, {
    method: 'POST', url: '/api/v1/problems', access: PROBLEM_MANAGERS,
    schema: { tags: ['problems'], summary: 'Open a problem record, optionally with linked tickets', body: CreateBody },
    handler: async (req, reply) => {
      const { id } = await createProblem(deps, actorOf(req), req.body as any);
      reply.header('location', `/api/v1/problems/${id}`);
      return reply.status(201).send(await detail(req, id));
    },
  });

  route(app, {
    method: 'GET', url: '/api/v1/problems', access: PROBLEM_READERS,
    schema: { tags: ['problems'], summary: 'Problem records in scope, newest first; filters and keyset paging', querystring: ListQuery },
    handler: async (req) => listProblems(db, actorOf(req), req.query as any, tz),
  });

  route(app, {
    method: 'GET', url: '/api/v1/problems/:id', access: PROBLEM_READERS,
    schema: { tags: ['problems'], summary: 'One problem record with its linked tickets and history', params: ProblemIdParams },
    handler: async (req) => detail(req, idOf(req)),
  });

  route(app, {
    method: 'PATCH', url: '/api/v1/problems/:id', access: [...PROBLEM_MANAGERS, 'handler', 'expert'],
    schema: {
      tags: ['problems'], summary: 'Change owner department, root cause, corrective action, due date or status (handlers and experts of the owner department: root cause and action)',
      params: ProblemIdParams, body: PatchBody,
    },
    handler: async (req) => {
      await updateProblem(deps, actorOf(req), idOf(req), req.body as any);
      return detail(req, idOf(req));
    },
  });

  route(app, {
    method: 'POST', url: '/api/v1/problems/:id/tickets', access: PROBLEM_MANAGERS,
    schema: { tags: ['problems'], summary: 'Link tickets to a problem record', params: ProblemIdParams, body: LinkBody },
    handler: async (req) => {
      const r = await linkProblemTickets(deps, actorOf(req), idOf(req), (req.body as { ticketIds: number[] }).ticketIds);
      return { ...r, problem: await detail(req, idOf(req)) };
    },
  });

  route(app, {
    method: 'POST', url: '/api/v1/problems/:id/close', access: PROBLEM_MANAGERS,
    schema: {
      tags: ['problems'],
      summary: 'Close a problem record (and its hotspot); with finalReply a NOC user sends the final reply on every linked ticket that can take it — the others are listed in skipped with the reason',
      params: ProblemIdParams, body: CloseBody,
    },
    handler: async (req) => {
      const r = await closeProblem(deps, actorOf(req), idOf(req), (req.body ?? {}) as any);
      return { ...r, problem: await detail(req, idOf(req)) };
    },
  });
}
