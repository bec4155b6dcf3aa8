import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import type { Deps } from '../http/deps.ts';
import { actorOf, route } from '../http/route.ts';
import { ANY_ROLE } from '../access/roles.ts';
import { inScope } from '../access/scope.ts';
import type { Actor } from '../access/actor.ts';
import { errors } from '../errors.ts';
import { decodeCursor, page, PageQuery } from '../http/pagination.ts';
import { toIso, toIsoOrNull } from '../shared/time.ts';
import { ApiKeyBody, DepartmentBody, DEPARTMENT_KINDS, Id, RegionBody, UserBody, Username } from './schemas.ts';
import { createApiKey, putDepartment, putRegion, putUser, revokeApiKey } from './operations.ts';
import { regionTree } from './region-tree.ts';

const IdParams = Type.Object({ id: Id });

/** Regions a user may see: its own subtree and the regions above it. */
async function visibleRegions(deps: Deps, a: Actor): Promise<Set<string> | null> {
  if (a.isProvince) return null;
  const tree = await regionTree(deps.db.kysely);
  const ids = new Set(a.regionSubtreeIds);
  for (let at = tree.parentOf.get(a.regionId) ?? null; at; at = tree.parentOf.get(at) ?? null) ids.add(at);
  return ids;
}

/** Regions, departments, users and API keys (DESIGN §1, §2, §11). */
export function orgRoutes(app: FastifyInstance, deps: Deps): void {
  const ctx = (req: any) => ({ deps, actor: actorOf(req), address: req.ip as string });
  const tz = deps.config.timeZone;

  // ---- regions
  route(app, {
    method: 'GET', url: '/api/v1/regions', access: ANY_ROLE,
    schema: { tags: ['organisation'], summary: 'Regions in scope (and the ones above)', querystring: Type.Object(PageQuery) },
    handler: async (req) => {
      const { limit = 50, cursor } = req.query as { limit?: number; cursor?: string };
      const after = decodeCursor(cursor, 1);
      const visible = await visibleRegions(deps, actorOf(req));
      let q = deps.db.kysely.selectFrom('region').select(['id', 'name', 'parentId']).orderBy('id').limit(limit + 1);
      if (visible) q = q.where('id', 'in', [...visible]);
      if (after) q = q.where('id', '>', String(after[0]));
      return page(await q.execute(), limit, (r) => [r.id]);
    },
  });
  route(app, {
    method: 'GET', url: '/api/v1/regions/:id', access: ANY_ROLE,
    schema: { tags: ['organisation'], summary: 'One region', params: IdParams },
    handler: async (req) => {
      const { id } = req.params as { id: string };
      const visible = await visibleRegions(deps, actorOf(req));
      const r = await deps.db.kysely.selectFrom('region').select(['id', 'name', 'parentId']).where('id', '=', id).executeTakeFirst();
      if (!r || (visible && !visible.has(id))) throw errors.notFound('region', id);
      return r;
    },
  });
  route(app, {
    method: 'PUT', url: '/api/v1/regions/:id', access: ['admin'],
    schema: { tags: ['organisation'], summary: 'Create or update a region', params: IdParams, body: RegionBody },
    handler: async (req, reply) => {
      const r = await putRegion(ctx(req), (req.params as any).id, req.body as any);
      return reply.status(r.created ? 201 : 200).send(r.region);
    },
  });

  // ---- departments
  route(app, {
    method: 'GET', url: '/api/v1/departments', access: ANY_ROLE,
    schema: {
      tags: ['organisation'], summary: 'Departments in scope',
      querystring: Type.Object({ ...PageQuery, kind: Type.Optional(Type.Union(DEPARTMENT_KINDS.map((k) => Type.Literal(k)))), region: Type.Optional(Id) }),
    },
    handler: async (req) => {
      const { limit = 50, cursor, kind, region } = req.query as { limit?: number; cursor?: string; kind?: string; region?: string };
      const after = decodeCursor(cursor, 1);
      let q = deps.db.kysely.selectFrom('department').select(['id', 'name', 'kind', 'regionId']).$call(inScope(actorOf(req), 'regionId')).orderBy('id').limit(limit + 1);
      if (kind) q = q.where('kind', '=', kind);
      if (region) q = q.where('regionId', '=', region);
      if (after) q = q.where('id', '>', String(after[0]));
      return page(await q.execute(), limit, (r) => [r.id]);
    },
  });
  route(app, {
    method: 'GET', url: '/api/v1/departments/:id', access: ANY_ROLE,
    schema: { tags: ['organisation'], summary: 'One department', params: IdParams },
    handler: async (req) => {
      const { id } = req.params as { id: string };
      const d = await deps.db.kysely.selectFrom('department').select(['id', 'name', 'kind', 'regionId']).where('id', '=', id).$call(inScope(actorOf(req), 'regionId')).executeTakeFirst();
      if (!d) throw errors.notFound('department', id);
      return d;
    },
  });
  route(app, {
    method: 'PUT', url: '/api/v1/departments/:id', access: ['admin'],
    schema: { tags: ['organisation'], summary: 'Create or update a department', params: IdParams, body: DepartmentBody },
    handler: async (req, reply) => {
      const r = await putDepartment(ctx(req), (req.params as any).id, req.body as any);
      return reply.status(r.created ? 201 : 200).send(r.department);
    },
  });

  // ---- users
  const userCols = ['username', 'displayName', 'role', 'regionId', 'departmentId', 'disabled'] as const;
  const presentUser = (u: any) => ({ ...u, disabled: !!u.disabled });
  route(app, {
    method: 'GET', url: '/api/v1/users', access: ['admin', 'supervisor', 'auditor'],
    schema: { tags: ['organisation'], summary: 'Users in scope', querystring: Type.Object({ ...PageQuery, role: Type.Optional(Type.String({ maxLength: 32 })), department: Type.Optional(Id) }) },
    handler: async (req) => {
      const { limit = 50, cursor, role, department } = req.query as any;
      const after = decodeCursor(cursor, 1);
      let q = deps.db.kysely.selectFrom('appUser').select([...userCols]).$call(inScope(actorOf(req), 'regionId')).orderBy('username').limit(limit + 1);
      if (role) q = q.where('role', '=', role);
      if (department) q = q.where('departmentId', '=', department);
      if (after) q = q.where('username', '>', String(after[0]));
      const p = page(await q.execute(), limit, (r) => [r.username]);
      return { items: p.items.map(presentUser), nextCursor: p.nextCursor };
    },
  });
  route(app, {
    method: 'GET', url: '/api/v1/users/:username', access: ['admin', 'supervisor', 'auditor'],
    schema: { tags: ['organisation'], summary: 'One user', params: Type.Object({ username: Username }) },
    handler: async (req) => {
      const { username } = req.params as { username: string };
      const u = await deps.db.kysely.selectFrom('appUser').select([...userCols]).where('username', '=', username).$call(inScope(actorOf(req), 'regionId')).executeTakeFirst();
      if (!u) throw errors.notFound('user', username);
      return presentUser(u);
    },
  });
  route(app, {
    method: 'PUT', url: '/api/v1/users/:username', access: ['admin'],
    schema: { tags: ['organisation'], summary: 'Create or update a user', params: Type.Object({ username: Username }), body: UserBody },
    handler: async (req, reply) => {
      const r = await putUser(ctx(req), (req.params as any).username, req.body as any);
      return reply.status(r.created ? 201 : 200).send(r.user);
    },
  });

  // ---- API keys
  route(app, {
    method: 'GET', url: '/api/v1/api-keys', access: ['admin'],
    schema: { tags: ['organisation'], summary: 'API keys (never the keys themselves)', querystring: Type.Object(PageQuery) },
    handler: async (req) => {
      const { limit = 50, cursor } = req.query as any;
      const after = decodeCursor(cursor, 1);
      let q = deps.db.kysely.selectFrom('apiKey').select(['id', 'name', 'role', 'regionId', 'prefix', 'createdBy', 'createdAt', 'revokedAt'])
        .$call(inScope(actorOf(req), 'regionId')).orderBy('id').limit(limit + 1);
      if (after) q = q.where('id', '>', Number(after[0]));
      const p = page(await q.execute(), limit, (r) => [r.id]);
      return { items: p.items.map((k) => ({ ...k, createdAt: toIso(k.createdAt, tz), revokedAt: toIsoOrNull(k.revokedAt, tz) })), nextCursor: p.nextCursor };
    },
  });
  route(app, {
    method: 'POST', url: '/api/v1/api-keys', access: ['admin'],
    schema: { tags: ['organisation'], summary: 'Create an API key: the key is shown once', body: ApiKeyBody },
    handler: async (req, reply) => reply.status(201).send(await createApiKey(ctx(req), req.body as any)),
  });
  route(app, {
    method: 'DELETE', url: '/api/v1/api-keys/:id', access: ['admin'],
    schema: { tags: ['organisation'], summary: 'Revoke an API key', params: Type.Object({ id: Type.Integer({ minimum: 1 }) }) },
    handler: async (req, reply) => {
      await revokeApiKey(ctx(req), (req.params as any).id);
      return reply.status(204).send();
    },
  });
}
