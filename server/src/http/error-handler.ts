import { randomUUID } from 'node:crypto';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../errors.ts';
import { applySecurityHeaders } from '../security/headers.ts';

/** True when the error says the database could not be reached (answered 503, not 500). */
export function isDatabaseDown(err: any): boolean {
  const code = err?.code as string | undefined;
  return ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', '57P01', '57P03', '08006', '08001', '08003'].includes(code ?? '')
    || /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error/i.test(err?.message ?? '');
}

/** Turns every error into `{ code, message, details }`: 4xx for the caller's mistakes, 500 with a logged reference otherwise. */
export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError & { validation?: any[] }, req, reply) => {
    if (err instanceof AppError) {
      // 429 and 503 say when to come back (RFC 9110 Retry-After, whole seconds)
      const retry = (err.details as { retryAfterSeconds?: number } | undefined)?.retryAfterSeconds;
      if ((err.status === 429 || err.status === 503) && retry) reply.header('retry-after', String(retry));
      return reply.status(err.status).send({ code: err.code, message: err.message, details: err.details ?? null });
    }
    // a working calendar that cannot place a date (a year the holiday data does not cover): loud, not a 500
    if (err.name === 'CalendarError' || err.name === 'ClockPlanError') {
      return reply.status(409).send({ code: 'calendar_not_covered', message: err.message, details: null });
    }
    if (err.validation) {
      const first = err.validation[0];
      const where = err.validationContext ?? 'body';
      const path = `${where}${first?.instancePath ?? ''}`.replace(/\//g, '.');
      let msg = first?.message ?? 'is invalid';
      if (first?.keyword === 'additionalProperties') msg = `has an unknown field '${first.params?.additionalProperty}'`;
      return reply.status(400).send({ code: 'validation_failed', message: `${path} ${msg}`, details: err.validation.map((v) => ({ path: v.instancePath, message: v.message, params: v.params })) });
    }
    const status = err.statusCode ?? 500;
    if (status === 413 || err.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      return reply.status(413).send({ code: 'payload_too_large', message: 'Request body is too large', details: null });
    }
    if (status >= 400 && status < 500) {
      const code = err.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE' ? 'unsupported_media_type'
        : err.code === 'FST_ERR_CTP_EMPTY_JSON_BODY' || err.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || err instanceof SyntaxError ? 'malformed_json'
        : 'bad_request';
      return reply.status(status).send({ code, message: err.message, details: null });
    }
    if (isDatabaseDown(err)) {
      req.log.warn({ err: { message: err.message, code: err.code } }, 'database unavailable');
      return reply.status(503).header('retry-after', '2').send({ code: 'unavailable', message: 'The database is not reachable; try again shortly', details: null });
    }
    const ref = randomUUID();
    req.log.error({ err, ref }, 'unexpected error');
    return reply.status(500).send({ code: 'internal', message: 'Something went wrong on our side; quote the reference when reporting it', details: { ref } });
  });
}

/**
 * Fastify's own refusals before any route runs (a URL that is not valid percent-encoding, a path
 * parameter over the length limit) in the catalogue's shape rather than Fastify's, with the
 * security headers (issue 9, found by fuzzing).
 */
export function frameworkErrors(err: FastifyError, req: FastifyRequest, reply: FastifyReply): void {
  // these answers skip the hooks: the security headers are set here (no HSTS: no config at hand, and it is not needed on an error)
  applySecurityHeaders(reply, req.raw.url ?? '', false);
  if (err.code === 'FST_ERR_MAX_PARAM_LENGTH') {
    reply.status(414).send({ code: 'uri_too_long', message: 'A path segment of the URL is too long', details: null });
  } else {
    reply.status(400).send({ code: 'bad_url', message: 'The URL is not valid (bad percent-encoding?)', details: null });
  }
}

/** The JSON 404 for a path no route serves. */
export const noRouteBody = (method: string, url: string) => ({ code: 'not_found', message: `No route ${method} ${url.split('?')[0]}`, details: null });
