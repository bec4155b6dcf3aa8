import { randomUUID } from 'node:crypto';
import type { FastifyError, FastifyInstance, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { Deps } from '../http/deps.ts';
import { actorOf, route } from '../http/route.ts';
import type { Role } from '../access/roles.ts';
import { AppError } from '../errors.ts';
import { isDatabaseDown } from '../http/error-handler.ts';
import type { Ctx } from './import-cells.ts';
import { ALARM_BASE, findAlarm, patchAlarm, presentAlarm, raiseAlarm, tmfError } from './alarm-operations.ts';
import { AlarmCreate, AlarmUpdate, type AlarmFields } from './tmf642-schemas.ts';

/** Who may push alarms (the NMS through an API key, or an admin). */
const ALARM_WRITERS: readonly Role[] = ['api', 'admin'];
const ALARM_READERS: readonly Role[] = ['api', 'admin', 'noc', 'supervisor'];

const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 20 }) }, { additionalProperties: false });

/** TMF642 errors are `{ code, reason, message, status }` (the specification's Error), not netcare's `{ code, message, details }`. */
function installTmfErrors(scope: FastifyInstance): void {
  scope.setErrorHandler((err: FastifyError & { validation?: any[] }, req, reply) => {
    const send = (status: number, code: string, reason: string, message: string) =>
      reply.status(status).send({ code, reason, message, status: String(status), '@type': 'Error' });
    if (err instanceof AppError) {
      const d = err.details as { tmfMessage?: string } | undefined;
      return send(err.status, err.code, err.message, d?.tmfMessage ?? err.message);
    }
    if (err.validation) {
      const v = err.validation[0];
      const path = `${err.validationContext ?? 'body'}${v?.instancePath ?? ''}`.replace(/\//g, '.');
      const what = v?.keyword === 'required' ? `lacks the mandatory field '${v.params?.missingProperty}'`
        : v?.keyword === 'additionalProperties' ? `has an unknown field '${v.params?.additionalProperty}'`
        : (v?.message ?? 'is invalid');
      return send(400, 'validation_failed', 'Malformed alarm', `${path} ${what}`);
    }
    const status = err.statusCode ?? 500;
    if (status === 413 || err.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return send(413, 'payload_too_large', 'Request body is too large', err.message);
    if (status >= 400 && status < 500) {
      const code = err.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE' ? 'unsupported_media_type' : err instanceof SyntaxError || /JSON/.test(err.code ?? '') ? 'malformed_json' : 'bad_request';
      return send(status, code, code === 'malformed_json' ? 'Malformed JSON' : 'Bad request', err.message);
    }
    if (isDatabaseDown(err)) {
      reply.header('retry-after', '2');
      return send(503, 'unavailable', 'The database is not reachable', 'try again shortly');
    }
    const ref = randomUUID();
    req.log.error({ err, ref }, 'unexpected error');
    return send(500, 'internal', 'Something went wrong on our side', `quote the reference ${ref} when reporting it`);
  });
}

/**
 * The TMF642 alarm feed (DESIGN §2, §9): the NMS creates and patches alarms; an alarm on a cell or
 * site opens, extends or closes an `outage` network issue. Registered in its own scope so errors
 * take the TMF shape and `application/merge-patch+json` is understood.
 */
export function tmf642Routes(app: FastifyInstance, deps: Deps): void {
  app.register(async (scope) => {
    installTmfErrors(scope);
    scope.addContentTypeParser('application/merge-patch+json', { parseAs: 'string' }, scope.getDefaultJsonParser('error', 'error'));
    const tz = deps.config.timeZone;
    const ctx = (req: FastifyRequest): Ctx => ({ deps, actor: actorOf(req), address: req.ip });
    const idOf = (req: FastifyRequest) => {
      const { id } = req.params as { id: string };
      if (!/^[1-9]\d{0,14}$/.test(id)) throw tmfError(404, 'not_found', `alarm ${id} not found`);
      return Number(id);
    };

    route(scope, {
      method: 'POST', url: ALARM_BASE, access: ALARM_WRITERS,
      schema: { tags: ['tmf642'], summary: 'Create an alarm (TMF642): opens or extends an outage network issue', body: AlarmCreate },
      handler: async (req, reply) => {
        const r = await raiseAlarm(ctx(req), req.body as AlarmFields);
        const body = presentAlarm(r.alarm, tz);
        if (r.created) reply.header('location', body.href as string);
        return reply.status(r.created ? 201 : 200).send(body);
      },
    });
    route(scope, {
      method: 'PATCH', url: `${ALARM_BASE}/:id`, access: ALARM_WRITERS,
      schema: {
        tags: ['tmf642'], summary: 'Update an alarm (TMF642 merge patch): state cleared closes its outage issue',
        consumes: ['application/merge-patch+json', 'application/json'], params: IdParams, body: AlarmUpdate,
      },
      handler: async (req) => presentAlarm(await patchAlarm(ctx(req), idOf(req), req.body as AlarmFields), tz),
    });
    route(scope, {
      method: 'GET', url: `${ALARM_BASE}/:id`, access: ALARM_READERS,
      schema: { tags: ['tmf642'], summary: 'One alarm (TMF642)', params: IdParams },
      handler: async (req) => {
        const id = idOf(req);
        const a = await findAlarm(ctx(req), id);
        if (!a) throw tmfError(404, 'not_found', `alarm ${id} not found`);
        return presentAlarm(a, tz);
      },
    });
  });
}
