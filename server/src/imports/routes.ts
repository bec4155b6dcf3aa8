import type { FastifyInstance } from 'fastify';
import type { Deps } from '../http/deps.ts';
import { actorOf, route } from '../http/route.ts';
import { errors } from '../errors.ts';
import { IMPORT_BODY_LIMIT } from '../app.ts';
import { importTickets, type TicketImportInput } from './import-tickets.ts';

const IMPORTERS = ['admin', 'api'] as const;
const NDJSON = 'application/x-ndjson';

/** The history import (DESIGN §11): JSON array or NDJSON, up to the import body limit. */
export function importRoutes(app: FastifyInstance, deps: Deps): void {
  // NDJSON is accepted on this route only (its own scope), as a string body
  app.register(async (scope) => {
    scope.addContentTypeParser(NDJSON, { parseAs: 'string', bodyLimit: IMPORT_BODY_LIMIT }, (_req, body, done) => done(null, body));
    route(scope, {
      method: 'POST', url: '/api/v1/import/tickets', access: IMPORTERS, bodyLimit: IMPORT_BODY_LIMIT,
      schema: {
        tags: ['imports'],
        summary: 'Import historical tickets with their full event history (JSON array or NDJSON); idempotent by externalId, rejections per row',
        description: 'Each row: the intake fields plus `externalId`, `reportedAt` and `events: [{ type, at, actor?, …fields }]` in the '
          + 'workflow event vocabulary. Answer: `{ created, skipped, rejected: [{ row, externalId, reason }], ids: { externalId: id } }`.',
        consumes: ['application/json', NDJSON],
      },
      handler: async (req) => {
        const actor = actorOf(req);
        const body = req.body as unknown;
        let input: TicketImportInput;
        if (typeof body === 'string') input = { ndjson: body };
        else if (Array.isArray(body)) input = { rows: body };
        else throw errors.validation(`send a JSON array of tickets (application/json) or one ticket per line (${NDJSON})`, { body: typeof body });
        return importTickets(deps, actor, input, { onUnexpected: (err, row) => req.log.error({ err, row }, 'ticket import: unexpected error on a row') });
      },
    });
  });
}
