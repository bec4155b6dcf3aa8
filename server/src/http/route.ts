import type { FastifyInstance, FastifyReply, FastifyRequest, FastifySchema, HTTPMethods, RouteShorthandOptions } from 'fastify';
import type { Role } from '../access/roles.ts';
import type { Actor } from '../access/actor.ts';
import { errors } from '../errors.ts';

/** Who may call a route: a list of roles, or `public` (no sign-in). */
export type Access = readonly Role[] | 'public';

/** One row of the route table: the access matrix test (issue 9) is generated from it. */
export interface RouteEntry {
  method: HTTPMethods;
  url: string;
  access: Access;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access;
  }
  interface FastifyRequest {
    actor?: Actor;
    /** how the caller signed in: `cookie` requests need the CSRF header on unsafe methods */
    authVia?: 'cookie' | 'bearer';
  }
  interface FastifyInstance {
    /** every declared route with its access rule */
    routeTable: RouteEntry[];
  }
}

/** The signed-in actor of a request on a non-public route (set by the authentication hook). */
export function actorOf(req: FastifyRequest): Actor {
  if (!req.actor) throw errors.unauthenticated();
  return req.actor;
}

export interface RouteSpec<S extends FastifySchema> {
  method: HTTPMethods;
  url: string;
  access: Access;
  schema: S;
  bodyLimit?: number;
  handler: (req: FastifyRequest<any>, reply: FastifyReply) => Promise<unknown>;
  extra?: RouteShorthandOptions;
}

/**
 * Declares a route with its access rule. Every route under /api and /tmf-api must go through
 * here: app.ts refuses to start when one does not (so a new route without a rule fails the build).
 */
export function route<S extends FastifySchema>(app: FastifyInstance, spec: RouteSpec<S>): void {
  app.route({
    method: spec.method,
    url: spec.url,
    schema: spec.schema,
    bodyLimit: spec.bodyLimit,
    config: { access: spec.access },
    handler: spec.handler,
    ...spec.extra,
  });
}
