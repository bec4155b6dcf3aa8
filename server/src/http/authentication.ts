import type { FastifyInstance } from 'fastify';
import type { Deps } from './deps.ts';
import { errors } from '../errors.ts';
import { actorFromToken } from '../auth/authenticate.ts';

const SESSION_COOKIE = 'netcare_session';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Before any body is parsed: resolve the caller, check the route's role list, and for cookie
 * sessions demand the `X-Requested-With: netcare` header on unsafe methods (CSRF: a cross-site
 * form cannot set it). Bearer tokens and API keys need no such header.
 */
export function installAuthentication(app: FastifyInstance, deps: Deps): void {
  app.addHook('onRequest', async (req) => {
    const access = req.routeOptions.config?.access;
    if (!access || access === 'public') return;
    const header = req.headers.authorization;
    let token: string | undefined;
    if (header) {
      const m = /^Bearer\s+(\S+)$/i.exec(header);
      if (!m) throw errors.unauthenticated('Authorization must be "Bearer <token or API key>"');
      token = m[1];
      req.authVia = 'bearer';
    } else if (req.cookies?.[SESSION_COOKIE]) {
      token = req.cookies[SESSION_COOKIE];
      req.authVia = 'cookie';
    }
    if (!token) throw errors.unauthenticated();
    const actor = await actorFromToken(deps.db.kysely, token, deps.clock.now());
    if (!actor) throw errors.unauthenticated('The session has expired or the key is not valid; sign in again');
    if (req.authVia === 'cookie' && !SAFE_METHODS.has(req.method) && req.headers['x-requested-with'] !== 'netcare') {
      throw errors.forbidden('Cookie-authenticated changes must send the header X-Requested-With: netcare', { reason: 'csrf' });
    }
    if (!access.includes(actor.role)) throw errors.roleNotAllowed(actor.role, `${req.method} ${req.routeOptions.url}`);
    req.actor = actor;
  });
}
