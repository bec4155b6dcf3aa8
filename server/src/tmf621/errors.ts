import { randomUUID } from 'node:crypto';
import type { FastifyError, FastifyInstance, FastifyReply } from 'fastify';
import { AppError } from '../errors.ts';
import { isDatabaseDown } from '../http/error-handler.ts';

/** A TMF621 caller mistake: netcare's AppError, answered in the TMF Error shape by the scope's handler. */
export const tmfError = (status: number, code: string, message: string, hint?: string) => new AppError(status, code, message, hint ? { hint } : undefined);

export const tmfErrors = {
  notFound: (id: string | number) => tmfError(404, 'not_found', `trouble ticket ${id} not found`),
  notPatchable: (attr: string) => tmfError(400, 'not_patchable', `${attr} is not patchable`, 'patchable: description, name, severity, externalId, requestedResolutionDate, status (with statusChangeReason), note (new notes)'),
};

/**
 * The TMF Error body (`Error` of the v4 specification): `code` is netcare's machine code,
 * `reason` the explanation, `message` the corrective detail, `status` the HTTP status as text.
 */
export function sendTmfError(reply: FastifyReply, status: number, code: string, reason: string, message?: string) {
  return reply.status(status).send({ code, reason, message: message ?? reason, status: String(status), '@type': 'Error' });
}

/**
 * Makes every error of a scope (validation, authentication 401/403, 404, 409, body parsing,
 * the unexpected) answer the TMF Error body instead of netcare's `{ code, message, details }`.
 */
export function installTmfErrors(scope: FastifyInstance): void {
  scope.setErrorHandler((err: FastifyError & { validation?: any[] }, req, reply) => {
    if (err instanceof AppError) {
      const hint = (err.details as { hint?: string } | undefined)?.hint;
      return sendTmfError(reply, err.status, err.code, err.message, hint);
    }
    if (err.validation) {
      const v = err.validation[0];
      const path = `${err.validationContext ?? 'body'}${v?.instancePath ?? ''}`.replace(/\//g, '.');
      const what = v?.keyword === 'required' ? `lacks the mandatory attribute '${v.params?.missingProperty}'`
        : v?.keyword === 'additionalProperties' ? `has an unknown attribute '${v.params?.additionalProperty}'`
        : (v?.message ?? 'is invalid');
      return sendTmfError(reply, 400, 'validation_failed', `${path} ${what}`);
    }
    const status = err.statusCode ?? 500;
    if (status === 413 || err.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return sendTmfError(reply, 413, 'payload_too_large', 'Request body is too large');
    if (status >= 400 && status < 500) {
      const code = err.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE' ? 'unsupported_media_type'
        : err instanceof SyntaxError || /JSON/.test(err.code ?? '') ? 'malformed_json' : 'bad_request';
      return sendTmfError(reply, status, code, code === 'malformed_json' ? 'The body is not valid JSON' : err.message, err.message);
    }
    if (isDatabaseDown(err)) {
      reply.header('retry-after', '2');
      return sendTmfError(reply, 503, 'unavailable', 'The database is not reachable', 'try again shortly');
    }
    const ref = randomUUID();
    req.log.error({ err, ref }, 'unexpected error');
    return sendTmfError(reply, 500, 'internal', 'Something went wrong on our side', `quote the reference ${ref} when reporting it`);
  });
  scope.setNotFoundHandler((req, reply) => {
    sendTmfError(reply, 404, 'not_found', `No resource ${req.method} ${req.url.split('?')[0]}`);
  });
}
