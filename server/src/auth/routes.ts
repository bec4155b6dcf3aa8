import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import type { Deps } from '../http/deps.ts';
import { actorOf, route } from '../http/route.ts';
import { ANY_ROLE } from '../access/roles.ts';
import { abilitiesOf } from '../access/areas.ts';
import { errors } from '../errors.ts';
import { login, logout } from './login.ts';
import { SESSION_TTL_MS } from './tokens.ts';

export const SESSION_COOKIE = 'netcare_session';

const UserOut = Type.Object({
  id: Type.Integer(), username: Type.String(), displayName: Type.Union([Type.String(), Type.Null()]),
  role: Type.String(), regionId: Type.String(), departmentId: Type.Union([Type.String(), Type.Null()]),
});

/** Sign-in, sign-out and "who am I". */
export function authRoutes(app: FastifyInstance, deps: Deps): void {
  route(app, {
    method: 'POST', url: '/api/v1/auth/login', access: 'public',
    schema: {
      tags: ['auth'], summary: 'Sign in: returns a bearer token and sets an HttpOnly session cookie',
      body: Type.Object({ username: Type.String({ minLength: 1, maxLength: 64 }), password: Type.String({ minLength: 1, maxLength: 256 }) }, { additionalProperties: false }),
      response: { 200: Type.Object({ token: Type.String(), expiresAt: Type.String(), user: UserOut }) },
    },
    handler: async (req, reply) => {
      const { username, password } = req.body as { username: string; password: string };
      const s = await login(deps, { username, password, address: req.ip });
      const user = await deps.db.kysely.selectFrom('appUser').select(['id', 'username', 'displayName', 'role', 'regionId', 'departmentId']).where('id', '=', s.userId).executeTakeFirstOrThrow();
      reply.setCookie(SESSION_COOKIE, s.token, {
        httpOnly: true, sameSite: 'strict', path: '/', secure: deps.config.secureCookies, maxAge: Math.floor(SESSION_TTL_MS / 1000),
      });
      return { token: s.token, expiresAt: new Date(s.expiresAt).toISOString(), user };
    },
  });

  route(app, {
    method: 'POST', url: '/api/v1/auth/logout', access: ANY_ROLE,
    schema: { tags: ['auth'], summary: 'Sign out: ends the session' },
    handler: async (req, reply) => {
      const token = req.headers.authorization?.replace(/^Bearer\s+/i, '') ?? req.cookies[SESSION_COOKIE];
      if (token) await logout(deps, token);
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return reply.status(204).send();
    },
  });

  route(app, {
    method: 'GET', url: '/api/v1/auth/me', access: ANY_ROLE,
    schema: { tags: ['auth'], summary: 'The signed-in user and the console areas it may open' },
    handler: async (req) => {
      const a = actorOf(req);
      if (a.kind !== 'user') return { user: { id: a.id, username: a.name, displayName: a.name, role: a.role, regionId: a.regionId, departmentId: null }, abilities: abilitiesOf(a.role) };
      const user = await deps.db.kysely.selectFrom('appUser').select(['id', 'username', 'displayName', 'role', 'regionId', 'departmentId']).where('id', '=', a.id).executeTakeFirst();
      if (!user) throw errors.unauthenticated();
      return { user, abilities: abilitiesOf(a.role) };
    },
  });
}
