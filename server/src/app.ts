import Fastify, { type FastifyInstance } from 'fastify';
import cookie from '@fastify/cookie';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { Deps } from './http/deps.ts';
import { validatorCompiler } from './http/validation.ts';
import { frameworkErrors, installErrorHandler, noRouteBody } from './http/error-handler.ts';
import { installAuthentication } from './http/authentication.ts';
import type { RouteEntry } from './http/route.ts';
import { Metrics } from './health/metrics.ts';
import { healthRoutes } from './health/routes.ts';
import { authRoutes } from './auth/routes.ts';
import { orgRoutes } from './org/routes.ts';
import { auditRoutes } from './audit/routes.ts';
import { networkRoutes } from './network/routes.ts';
import { tmf642Routes } from './network/tmf642-routes.ts';
import { ticketRoutes } from './tickets/routes.ts';
import { assignmentRoutes } from './tickets/assignment-routes.ts';
import { hotspotRoutes } from './hotspots/routes.ts';
import { problemRoutes } from './problems/routes.ts';
import { kpiRoutes } from './kpis/routes.ts';
import { importRoutes } from './imports/routes.ts';
import { slaRoutes } from './sla/routes.ts';
import { notificationRoutes } from './notifications/routes.ts';
import { tmf621Routes } from './tmf621/routes.ts';
import { webhookRoutes } from './webhooks/routes.ts';
import { serveConsole } from './console-serve.ts';
import { NO_LIMITS, type SecuritySettings } from './security/settings.ts';
import { installSecurityHeaders } from './security/headers.ts';
import { installRateLimits } from './security/rate-limit.ts';
import { withLogRedaction } from './security/log-redaction.ts';
import { installInputGuard } from './security/input-guard.ts';

/** The request body limit (DESIGN §11); imports raise it per route. */
export const BODY_LIMIT = 1024 * 1024;
export const IMPORT_BODY_LIMIT = 100 * 1024 * 1024;

export interface AppOptions {
  logger?: boolean | object;
  /** serve the console bundle from console/dist (off in API tests) */
  console?: boolean;
  /**
   * rate limits (security/settings.ts); the server passes them from the environment (on by
   * default), an app built without them (API tests, tools) has none
   */
  security?: SecuritySettings;
}

/** Builds the HTTP server: plugins, hooks, every domain's routes. Does not listen. */
export async function buildApp(deps: Deps, opts: AppOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    // phone numbers in URLs (searches) are masked in the request log (security/log-redaction.ts)
    logger: withLogRedaction(opts.logger ?? false),
    bodyLimit: BODY_LIMIT,
    trustProxy: false,
    ajv: { customOptions: { removeAdditional: false } },
    genReqId: () => Math.random().toString(36).slice(2, 10),
    // malformed URLs answered in the error catalogue's shape (http/error-handler.ts)
    frameworkErrors,
  });
  app.setValidatorCompiler(validatorCompiler);
  installErrorHandler(app);

  // Every /api and /tmf-api route must say who may call it (http/route.ts).
  const table: RouteEntry[] = [];
  app.decorate('routeTable', table);
  app.addHook('onRoute', (r) => {
    const url = r.url;
    const access = r.config?.access;
    if ((url.startsWith('/api/') || url.startsWith('/tmf-api/')) && !access) throw new Error(`route ${r.method} ${url} declares no access rule`);
    if (access) for (const m of ([] as string[]).concat(r.method as any)) if (m !== 'HEAD') table.push({ method: m as any, url, access });
  });

  const metrics = new Metrics();
  app.addHook('onResponse', async (req, reply) => {
    metrics.observe(req.method, req.routeOptions.url ?? 'unmatched', reply.statusCode, reply.elapsedTime / 1000);
  });
  // security headers and rate limits (issue 9, security/)
  installSecurityHeaders(app, { hsts: deps.config.secureCookies });
  const limits = installRateLimits(app, (opts.security ?? NO_LIMITS).rateLimit);
  // text no column can hold (NUL, lone surrogates, non-UTF-8 JSON) and inexact numbers: 400 before validation
  installInputGuard(app);

  await app.register(cookie);
  await app.register(swagger, {
    openapi: {
      info: { title: 'netcare API', version: '1', description: 'Complaint handling and service quality (DESIGN §11)' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  installAuthentication(app, deps);
  limits.afterAuthentication();

  healthRoutes(app, deps, metrics);
  authRoutes(app, deps);
  orgRoutes(app, deps);
  auditRoutes(app, deps);
  networkRoutes(app, deps);
  tmf642Routes(app, deps);
  ticketRoutes(app, deps);
  assignmentRoutes(app, deps);
  hotspotRoutes(app, deps);
  problemRoutes(app, deps);
  kpiRoutes(app, deps);
  importRoutes(app, deps);
  slaRoutes(app, deps);
  notificationRoutes(app, deps);
  tmf621Routes(app, deps);
  webhookRoutes(app, deps);

  if (opts.console !== false) await serveConsole(app);
  else app.setNotFoundHandler((req, reply) => reply.status(404).send(noRouteBody(req.method, req.url)));
  return app;
}
