import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import type { Deps } from '../http/deps.ts';
import { actorOf, route } from '../http/route.ts';
import { LIMITS } from './schemas.ts';
import { parseIfMatch } from './apply-event.ts';
import { reassignTicket } from './reassign.ts';
import { getInScope } from './repository.ts';
import { presentClock, presentEvent, presentTicket } from './present.ts';

const IdParams = Type.Object({ id: Type.Integer({ minimum: 1 }) });
const AssignmentBody = Type.Object({
  department: Type.String({ minLength: 1, maxLength: 64, description: 'a department of the ticket\'s city that can hold it now' }),
  reason: Type.String({ minLength: 1, maxLength: LIMITS.textMax }),
}, { additionalProperties: false });

/**
 * The supervisor's reassignment (DESIGN §1): not a step of the §11 event table, so a route of its
 * own. Answers like a workflow step: `{ eventId, ticket }` with the ticket's history and clocks.
 */
export function assignmentRoutes(app: FastifyInstance, deps: Deps): void {
  const tz = deps.config.timeZone;
  route(app, {
    method: 'POST', url: '/api/v1/tickets/:id/assignment', access: ['supervisor'],
    schema: {
      tags: ['tickets'],
      summary: 'Reassign a ticket to another department of its city (supervisor); records a `reassigned` history event; If-Match on the ticket version',
      params: IdParams, body: AssignmentBody,
      headers: Type.Object({ 'if-match': Type.Optional(Type.String({ maxLength: 40 })) }),
    },
    handler: async (req, reply) => {
      const actor = actorOf(req);
      const id = (req.params as { id: number }).id;
      const { eventId } = await reassignTicket(deps, actor, id, req.body as { department: string; reason: string }, parseIfMatch(req.headers['if-match'] as string | undefined));
      const k = deps.db.kysely;
      const t = await getInScope(k, deps.db.engine, actor, id);
      const [events, clocks] = await Promise.all([
        k.selectFrom('ticketEvent').selectAll().where('ticketId', '=', id).orderBy('id').execute(),
        k.selectFrom('ticketClock').selectAll().where('ticketId', '=', id).orderBy('id').execute(),
      ]);
      const now = deps.clock.now();
      const ticket = {
        ...presentTicket(t, actor, deps.pii, tz),
        clocks: clocks.map((c) => presentClock(c, tz, now)),
        events: events.map((e) => presentEvent(e, tz)),
      };
      reply.header('etag', `"${t.version}"`);
      return reply.status(201).send({ eventId, ticket });
    },
  });
}
