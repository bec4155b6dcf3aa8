import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import type { Deps } from '../http/deps.ts';
import { actorOf, route } from '../http/route.ts';
import { errors } from '../errors.ts';
import { appendAudit } from '../audit/repository.ts';
import { CLOCK_NAMES, GRADES } from '../clocks/plan-clock.ts';
import { parseDuration, formatDuration, DurationError } from '../clocks/duration.ts';
import { compileCalendar, CalendarError, ROUND_THE_CLOCK_ID, WEEKDAYS } from '../clocks/calendar.ts';
import { isUniqueViolation } from '../db/errors.ts';
import { categoriesById } from '../tickets/categories.ts';
import { invalidateSla } from './policies.ts';

const Id = Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9][A-Za-z0-9_.:-]*$' });
const lit = <T extends readonly string[]>(xs: T) => Type.Union(xs.map((x) => Type.Literal(x)));

const PolicyBody = Type.Object({
  category: Type.Optional(Type.Union([Type.String({ minLength: 1, maxLength: 64 }), Type.Null()])),
  grade: lit(GRADES),
  clock: lit(CLOCK_NAMES),
  duration: Type.String({ minLength: 2, maxLength: 40, description: 'ISO 8601 duration, e.g. PT4H' }),
  calendar: Type.String({ minLength: 1, maxLength: 64, description: '"24x7" or a calendar id' }),
}, { additionalProperties: false });

const Date_ = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' });
const CalendarBody = Type.Object({
  timeZone: Type.String({ minLength: 1, maxLength: 64 }),
  workingDays: Type.Array(lit(WEEKDAYS), { maxItems: 7 }),
  workingHours: Type.Array(Type.Array(Type.String({ maxLength: 5 }), { minItems: 2, maxItems: 2 }), { maxItems: 12 }),
  official: Type.Optional(Type.Union([Type.Literal('cn'), Type.Null()])),
  extraHolidays: Type.Optional(Type.Array(Date_, { maxItems: 1000 })),
  extraWorkdays: Type.Optional(Type.Array(Date_, { maxItems: 1000 })),
}, { additionalProperties: false });

/** SLA policies and working calendars (DESIGN §5, §11), admin-edited, audited. */
export function slaRoutes(app: FastifyInstance, deps: Deps): void {
  const k = deps.db.kysely;
  const presentPolicy = (p: any) => ({ id: p.id, category: p.categoryId, grade: p.grade, clock: p.clock, duration: formatDuration(p.durationMs), calendar: p.calendarId });

  route(app, {
    method: 'GET', url: '/api/v1/sla-policies', access: ['admin', 'supervisor', 'noc', 'auditor'],
    schema: { tags: ['sla'], summary: 'SLA policies (the §5 table is the fallback when none matches)' },
    handler: async () => ({ items: (await k.selectFrom('slaPolicy').selectAll().orderBy('id').execute()).map(presentPolicy), nextCursor: null }),
  });

  route(app, {
    method: 'PUT', url: '/api/v1/sla-policies/:id', access: ['admin'],
    schema: { tags: ['sla'], summary: 'Create or replace an SLA policy; 409 when another id covers the same category, grade and clock', params: Type.Object({ id: Id }), body: PolicyBody },
    handler: async (req, reply) => {
      const { id } = req.params as { id: string };
      const b = req.body as { category?: string | null; grade: string; clock: string; duration: string; calendar: string };
      let durationMs: number;
      try { durationMs = parseDuration(b.duration); } catch (e) { if (e instanceof DurationError) throw errors.validation(e.message, { duration: b.duration }); throw e; }
      const category = b.category ?? null;
      if (category && !(await categoriesById(k)).has(category)) throw errors.validation(`unknown category ${category}`, { category });
      if (b.calendar !== ROUND_THE_CLOCK_ID && !(await k.selectFrom('calendar').select('id').where('id', '=', b.calendar).executeTakeFirst())) {
        throw errors.validation(`unknown calendar ${b.calendar}; use "24x7" or a calendar id`, { calendar: b.calendar });
      }
      const now = deps.clock.now();
      const row = { categoryId: category, categoryKey: category ?? '*', grade: b.grade, clock: b.clock, durationMs, calendarId: b.calendar, updatedAt: now };
      try {
        const created = await k.transaction().execute(async (trx) => {
          const other = await trx.selectFrom('slaPolicy').select('id').where('categoryKey', '=', row.categoryKey).where('grade', '=', b.grade).where('clock', '=', b.clock).where('id', '!=', id).executeTakeFirst();
          if (other) throw errors.conflict(`policy ${other.id} already covers ${category ?? 'every category'} / ${b.grade} / ${b.clock}`, { existing: other.id });
          const existing = await trx.selectFrom('slaPolicy').select('id').where('id', '=', id).executeTakeFirst();
          if (existing) await trx.updateTable('slaPolicy').set(row).where('id', '=', id).execute();
          else await trx.insertInto('slaPolicy').values({ id, ...row }).execute();
          await appendAudit(trx, deps.db.engine, { at: now, actor: actorOf(req).name, action: existing ? 'sla_policy.updated' : 'sla_policy.created', target: `sla_policy:${id}`, address: req.ip, details: b });
          return !existing;
        });
        invalidateSla();
        return reply.status(created ? 201 : 200).send(presentPolicy({ id, ...row }));
      } catch (e) {
        if (isUniqueViolation(e)) throw errors.conflict(`another policy already covers ${category ?? 'every category'} / ${b.grade} / ${b.clock}`);
        throw e;
      }
    },
  });

  route(app, {
    method: 'DELETE', url: '/api/v1/sla-policies/:id', access: ['admin'],
    schema: { tags: ['sla'], summary: 'Delete an SLA policy (running clocks keep their times)', params: Type.Object({ id: Id }) },
    handler: async (req, reply) => {
      const { id } = req.params as { id: string };
      await k.transaction().execute(async (trx) => {
        const r = await trx.deleteFrom('slaPolicy').where('id', '=', id).executeTakeFirst();
        if (Number(r.numDeletedRows) === 0) throw errors.notFound('sla policy', id);
        await appendAudit(trx, deps.db.engine, { at: deps.clock.now(), actor: actorOf(req).name, action: 'sla_policy.deleted', target: `sla_policy:${id}`, address: req.ip });
      });
      invalidateSla();
      return reply.status(204).send();
    },
  });

  route(app, {
    method: 'GET', url: '/api/v1/calendars', access: ['admin', 'supervisor', 'noc', 'auditor'],
    schema: { tags: ['sla'], summary: 'Working calendars' },
    handler: async () => ({ items: (await k.selectFrom('calendar').selectAll().orderBy('id').execute()).map((c) => ({ id: c.id, ...JSON.parse(c.definition) })), nextCursor: null }),
  });

  route(app, {
    method: 'GET', url: '/api/v1/calendars/:id', access: ['admin', 'supervisor', 'noc', 'auditor'],
    schema: { tags: ['sla'], summary: 'One working calendar', params: Type.Object({ id: Id }) },
    handler: async (req) => {
      const { id } = req.params as { id: string };
      const c = await k.selectFrom('calendar').selectAll().where('id', '=', id).executeTakeFirst();
      if (!c) throw errors.notFound('calendar', id);
      return { id: c.id, ...JSON.parse(c.definition) };
    },
  });

  route(app, {
    method: 'PUT', url: '/api/v1/calendars/:id', access: ['admin'],
    schema: { tags: ['sla'], summary: 'Create or replace a working calendar (official: "cn" applies Chinese public holidays and make-up days)', params: Type.Object({ id: Id }), body: CalendarBody },
    handler: async (req, reply) => {
      const { id } = req.params as { id: string };
      if (id === ROUND_THE_CLOCK_ID) throw errors.validation('"24x7" is built in', { id });
      const b = req.body as any;
      try { compileCalendar(b); } catch (e) { if (e instanceof CalendarError) throw errors.validation(e.message, { field: e.field ?? null }); throw e; }
      const now = deps.clock.now();
      const definition = JSON.stringify({ timeZone: b.timeZone, workingDays: b.workingDays, workingHours: b.workingHours, official: b.official ?? null, extraHolidays: b.extraHolidays ?? [], extraWorkdays: b.extraWorkdays ?? [] });
      const created = await k.transaction().execute(async (trx) => {
        const existing = await trx.selectFrom('calendar').select('id').where('id', '=', id).executeTakeFirst();
        if (existing) await trx.updateTable('calendar').set({ definition, updatedAt: now }).where('id', '=', id).execute();
        else await trx.insertInto('calendar').values({ id, definition, updatedAt: now }).execute();
        await appendAudit(trx, deps.db.engine, { at: now, actor: actorOf(req).name, action: existing ? 'calendar.updated' : 'calendar.created', target: `calendar:${id}`, address: req.ip, details: JSON.parse(definition) });
        return !existing;
      });
      invalidateSla();
      return reply.status(created ? 201 : 200).send({ id, ...JSON.parse(definition) });
    },
  });
}
