import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import type { Deps } from '../http/deps.ts';
import { actorOf, route } from '../http/route.ts';
import { ANY_ROLE } from '../access/roles.ts';
import { PageQuery } from '../http/pagination.ts';
import { errors } from '../errors.ts';
import { parseIso } from '../shared/time.ts';
import { appendAudit } from '../audit/repository.ts';
import { getHotspotInScope, hotspotMap, listHotspots } from './query.ts';
import { hotspotRule, invalidateHotspotRule, RULE_LIMITS, setHotspotRule } from './settings.ts';

const IsoTime = Type.String({ minLength: 16, maxLength: 40, description: 'ISO 8601 with offset' });
const IdParams = Type.Object({ id: Type.Integer({ minimum: 1 }) });

const ListQuery = Type.Object({
  from: Type.Optional(IsoTime),
  to: Type.Optional(IsoTime),
  region: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
  category: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
  status: Type.Optional(Type.String({ maxLength: 40, description: 'open, closed, merged (comma-separated); default open,closed' })),
  ...PageQuery,
});
const MapQuery = Type.Object({
  from: Type.Optional(IsoTime),
  to: Type.Optional(IsoTime),
  region: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
  category: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
});
const SettingsBody = Type.Object({
  minComplaints: Type.Integer({ minimum: RULE_LIMITS.minComplaintsMin, maximum: RULE_LIMITS.minComplaintsMax }),
  windowMinutes: Type.Integer({ minimum: RULE_LIMITS.windowMinutesMin, maximum: RULE_LIMITS.windowMinutesMax }),
}, { additionalProperties: false });

/** Parses an optional ISO time of a query (400 naming the field when malformed). */
function timeOf(field: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const ms = parseIso(text);
  if (ms == null) throw errors.validation(`${field} must be an ISO 8601 time with offset`, { field, value: text });
  return ms;
}

/** Hotspot groups (DESIGN §4, §11), the map's data, and the §4 thresholds. */
export function hotspotRoutes(app: FastifyInstance, deps: Deps): void {
  const tz = deps.config.timeZone;
  const db = deps.db.kysely;

  route(app, {
    method: 'GET', url: '/api/v1/hotspots', access: ANY_ROLE,
    schema: { tags: ['hotspots'], summary: 'Hotspot groups in scope with a complaint in [from, to), newest first', querystring: ListQuery },
    handler: async (req) => {
      const q = req.query as { from?: string; to?: string; region?: string; category?: string; status?: string; limit?: number; cursor?: string };
      return listHotspots(db, actorOf(req), { ...q, from: timeOf('from', q.from), to: timeOf('to', q.to) }, tz);
    },
  });

  route(app, {
    method: 'GET', url: '/api/v1/hotspots/map', access: ANY_ROLE,
    schema: {
      tags: ['hotspots'], summary: 'Cells with complaint counts in [from, to) (default the last 24 h) and the hotspots then, for the map',
      querystring: MapQuery,
    },
    handler: async (req) => {
      const q = req.query as { from?: string; to?: string; region?: string; category?: string };
      const to = timeOf('to', q.to) ?? deps.clock.now();
      const from = timeOf('from', q.from) ?? to - 24 * 3600_000;
      return hotspotMap(db, actorOf(req), { from, to, region: q.region, category: q.category }, tz);
    },
  });

  route(app, {
    method: 'GET', url: '/api/v1/hotspots/settings', access: ANY_ROLE,
    schema: { tags: ['hotspots'], summary: 'The §4 thresholds: complaints per window and window length' },
    handler: async () => presentRule(await hotspotRule(db)),
  });

  route(app, {
    method: 'PUT', url: '/api/v1/hotspots/settings', access: ['admin'],
    schema: { tags: ['hotspots'], summary: 'Change the §4 thresholds (applies to complaints stored from now on)', body: SettingsBody },
    handler: async (req) => {
      const actor = actorOf(req);
      const body = req.body as { minComplaints: number; windowMinutes: number };
      const rule = await db.transaction().execute(async (trx) => {
        const now = deps.clock.now();
        const r = await setHotspotRule(trx, actor, body, now);
        await appendAudit(trx, deps.db.engine, { at: now, actor: actor.name, action: 'hotspot.settings', target: 'default', regionId: null, address: req.ip, details: body });
        return r;
      });
      invalidateHotspotRule(deps.db);
      return presentRule(rule);
    },
  });

  route(app, {
    method: 'GET', url: '/api/v1/hotspots/:id', access: ANY_ROLE,
    schema: { tags: ['hotspots'], summary: 'One hotspot group with its cells and member tickets', params: IdParams },
    handler: async (req) => getHotspotInScope(db, actorOf(req), (req.params as { id: number }).id, tz),
  });
}

const presentRule = (r: { minComplaints: number; windowMs: number }) => ({ minComplaints: r.minComplaints, windowMinutes: Math.round(r.windowMs / 60_000) });
