import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Deps } from '../http/deps.ts';
import { actorOf, route } from '../http/route.ts';
import { ANY_ROLE, type Role } from '../access/roles.ts';
import { errors } from '../errors.ts';
import { decodeCursor, encodeCursor } from '../http/pagination.ts';
import { parseIso, toIso } from '../shared/time.ts';
import { IMPORT_BODY_LIMIT } from '../app.ts';
import { regionTree } from '../org/region-tree.ts';
import {
  CellIdParams, CellImportBody, CellListQuery, IssueBody, IssueIdParams, IssueListQuery, IssuePatchBody, LookupQuery, SubscriberImportBody,
} from './schemas.ts';
import { importCells, type Ctx, type ImportInput } from './import-cells.ts';
import { importSubscribers } from './import-subscribers.ts';
import { closeIssue, createIssue, scopeOf, updateIssue } from './issue-operations.ts';
import { getIssue, listIssues } from './issues-repository.ts';
import { getCell, neighboursOf } from './cells-repository.ts';
import { findIssues } from './lookup.ts';
import { presentCell, presentFoundIssue, presentIssue } from './present.ts';
import { hotspotsAtCells } from '../hotspots/query.ts';

/** Who may import reference data (DESIGN §11: admin or api). */
const IMPORTERS: readonly Role[] = ['admin', 'api'];
/** Who records and maintains network issues. */
const ISSUE_EDITORS: readonly Role[] = ['noc', 'supervisor', 'admin', 'api'];
/** Who looks up known issues for a place (intake and analysis, DESIGN §3 steps 1 and 3). */
const LOOKUP_ROLES: readonly Role[] = ['agent', 'noc', 'supervisor', 'handler', 'expert', 'admin', 'api'];

const ctxOf = (deps: Deps, req: FastifyRequest): Ctx => ({ deps, actor: actorOf(req), address: req.ip });

/** An import body: CSV text when sent as text/csv, otherwise the JSON array. */
function importInput(req: FastifyRequest): ImportInput {
  const body = req.body as unknown;
  const type = String(req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  if (typeof body === 'string') {
    if (type !== 'text/csv' && type !== 'application/csv') throw errors.validation('send a JSON array, or CSV text as Content-Type: text/csv');
    return { csv: body };
  }
  return { rows: body as unknown[] };
}

/** Cells, subscriber counts and network issues (DESIGN §2, §3 steps 1 and 3, §11). */
export function networkRoutes(app: FastifyInstance, deps: Deps): void {
  const tz = deps.config.timeZone;

  // ---- imports: CSV is accepted here only, as a string body up to the import limit
  app.register(async (scope) => {
    scope.addContentTypeParser(['text/csv', 'application/csv'], { parseAs: 'string' }, (_req, body, done) => done(null, body));
    route(scope, {
      method: 'POST', url: '/api/v1/import/cells', access: IMPORTERS, bodyLimit: IMPORT_BODY_LIMIT,
      schema: {
        tags: ['network'], summary: 'Import cells with neighbours (CSV or JSON); upsert by cell id, rejections per row',
        consumes: ['application/json', 'text/csv'], body: CellImportBody,
      },
      handler: async (req) => importCells(ctxOf(deps, req), importInput(req), { via: 'api' }),
    });
    route(scope, {
      method: 'POST', url: '/api/v1/import/subscribers', access: IMPORTERS, bodyLimit: IMPORT_BODY_LIMIT,
      schema: {
        tags: ['network'], summary: 'Import subscriber counts per region, network and month (CSV or JSON); upsert',
        consumes: ['application/json', 'text/csv'], body: SubscriberImportBody,
      },
      handler: async (req) => importSubscribers(ctxOf(deps, req), importInput(req), { via: 'api' }),
    });
  });

  // ---- network issues
  route(app, {
    method: 'POST', url: '/api/v1/network-issues', access: ISSUE_EDITORS,
    schema: { tags: ['network'], summary: 'Record a network issue (cells and/or circle, window, explanation)', body: IssueBody },
    handler: async (req, reply) => reply.status(201).send(presentIssue(await createIssue(ctxOf(deps, req), req.body as any), tz)),
  });
  route(app, {
    method: 'GET', url: '/api/v1/network-issues', access: ANY_ROLE,
    schema: { tags: ['network'], summary: 'Network issues in scope, newest first', querystring: IssueListQuery },
    handler: async (req) => {
      const { limit = 50, cursor, status, kind, region, cellId } = req.query as { limit?: number; cursor?: string; status?: string; kind?: string; region?: string; cellId?: string };
      const after = decodeCursor(cursor, 1);
      const regions = region ? ((await regionTree(deps.db.kysely)).subtree.get(region) ?? [region]) : undefined;
      const rows = await listIssues(deps.db.kysely, {
        regionIds: scopeOf(actorOf(req)), status, kind, regions, cellId, beforeId: after ? Number(after[0]) : undefined, limit: limit + 1,
      });
      const more = rows.length > limit;
      const items = more ? rows.slice(0, limit) : rows;
      return { items: items.map((i) => presentIssue(i, tz)), nextCursor: more ? encodeCursor([items[items.length - 1].id]) : null };
    },
  });
  route(app, {
    method: 'GET', url: '/api/v1/network-issues/lookup', access: LOOKUP_ROLES,
    schema: {
      tags: ['network'], summary: 'Known issues covering a cell or a lon/lat at a time (default now)', querystring: LookupQuery,
    },
    handler: async (req) => {
      const { cellId, lon, lat, at, category } = req.query as { cellId?: string; lon?: number; lat?: number; at?: string; category?: string };
      if ((lon == null) !== (lat == null)) throw errors.validation('lon and lat go together', { fields: ['lon', 'lat'] });
      if (!cellId && lon == null) throw errors.validation('give cellId, or lon and lat', { fields: ['cellId', 'lon', 'lat'] });
      const atMs = at ? parseIso(at) : deps.clock.now();
      if (atMs == null) throw errors.validation('at must be an ISO 8601 time with offset', { field: 'at', value: at });
      const scope = scopeOf(actorOf(req));
      if (cellId && !(await getCell(deps.db.kysely, cellId, scope))) throw errors.notFound('cell', cellId);
      const r = await findIssues(deps.db.kysely, { cellIds: cellId ? [cellId] : [], lon, lat, at: atMs, regionIds: scope, category });
      return {
        at: toIso(atMs, tz),
        issues: r.issues.map((i) => presentFoundIssue(i, tz)),
        cells: r.cells.map((c) => presentCell(c, tz)),
        // open hotspots at these cells and their neighbours (§3 step 1, §4: shown at intake)
        hotspots: await hotspotsAtCells(deps.db.kysely, { cellIds: r.cells.map((c) => c.id), neighbours: true, regionIds: scope }, tz),
      };
    },
  });
  route(app, {
    method: 'GET', url: '/api/v1/network-issues/:id', access: ANY_ROLE,
    schema: { tags: ['network'], summary: 'One network issue', params: IssueIdParams },
    handler: async (req) => {
      const { id } = req.params as { id: number };
      const i = await getIssue(deps.db.kysely, id, scopeOf(actorOf(req)));
      if (!i) throw errors.notFound('network issue', id);
      return presentIssue(i, tz);
    },
  });
  route(app, {
    method: 'PATCH', url: '/api/v1/network-issues/:id', access: ISSUE_EDITORS,
    schema: { tags: ['network'], summary: 'Change an open network issue (texts, cells, circle, window)', params: IssueIdParams, body: IssuePatchBody },
    handler: async (req) => presentIssue(await updateIssue(ctxOf(deps, req), (req.params as { id: number }).id, req.body as any), tz),
  });
  route(app, {
    method: 'POST', url: '/api/v1/network-issues/:id/close', access: ISSUE_EDITORS,
    schema: { tags: ['network'], summary: 'Close a network issue: its window ends now', params: IssueIdParams },
    handler: async (req) => presentIssue(await closeIssue(ctxOf(deps, req), (req.params as { id: number }).id), tz),
  });

  // ---- cells (read)
  route(app, {
    method: 'GET', url: '/api/v1/cells', access: ANY_ROLE,
    schema: { tags: ['network'], summary: 'Cells in scope, by id', querystring: CellListQuery },
    handler: async (req) => {
      const { limit = 50, cursor, region, siteId, network } = req.query as { limit?: number; cursor?: string; region?: string; siteId?: string; network?: string };
      const after = decodeCursor(cursor, 1);
      const scope = scopeOf(actorOf(req));
      let q = deps.db.kysely.selectFrom('cell').select(['id', 'siteId', 'name', 'regionId', 'network', 'lon', 'lat', 'updatedAt']).orderBy('id').limit(limit + 1);
      if (scope) q = q.where('regionId', 'in', scope);
      if (region) q = q.where('regionId', '=', region);
      if (siteId) q = q.where('siteId', '=', siteId);
      if (network) q = q.where('network', '=', network);
      if (after) q = q.where('id', '>', String(after[0]));
      const rows = await q.execute();
      const more = rows.length > limit;
      const items = more ? rows.slice(0, limit) : rows;
      return { items: items.map((c) => presentCell(c, tz)), nextCursor: more ? encodeCursor([items[items.length - 1].id]) : null };
    },
  });
  route(app, {
    method: 'GET', url: '/api/v1/cells/:id', access: ANY_ROLE,
    schema: { tags: ['network'], summary: 'One cell with its neighbours', params: CellIdParams },
    handler: async (req) => {
      const { id } = req.params as { id: string };
      const c = await getCell(deps.db.kysely, id, scopeOf(actorOf(req)));
      if (!c) throw errors.notFound('cell', id);
      return presentCell(c, tz, await neighboursOf(deps.db.kysely, id));
    },
  });
}
