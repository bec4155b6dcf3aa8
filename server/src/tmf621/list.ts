import { sql, type Expression, type ExpressionBuilder, type SqlBool } from 'kysely';
import type { Deps } from '../http/deps.ts';
import type { Actor } from '../access/actor.ts';
import type { Database } from '../db/database.ts';
import { inScope } from '../access/scope.ts';
import type { Ticket } from '../tickets/repository.ts';
import { normaliseMsisdn } from '../pii/phone.ts';
import { parseIso } from '../shared/time.ts';
import { tmfError } from './errors.ts';
import { isTtAttribute, parseFields, selectFields } from './fields.ts';
import { gradeOfPriority, loadBundles, presentTroubleTicket, TMF621_BASE } from './present.ts';
import { netcareStatusesOf } from './status.ts';

type Eb = ExpressionBuilder<Database, 'ticket' | 'tmfTicket'>;
type SqlFilter = (eb: Eb) => Expression<SqlBool>;
type Op = 'eq' | 'gt' | 'gte' | 'lt' | 'lte';

const NOTHING: SqlFilter = () => sql<SqlBool>`1 = 0`;
const EVERYTHING: SqlFilter = () => sql<SqlBool>`1 = 1`;
const SQL_OP = { eq: '=', gt: '>', gte: '>=', lt: '<', lte: '<=' } as const;

/** Default and largest page (TMF630 `limit`). */
export const DEFAULT_LIMIT = 100;
export const MAX_LIMIT = 1000;
/** Filters on attributes computed from the history are applied after reading; past this many candidates, narrow the query. */
const MAX_SCAN = 5000;

const RESERVED = new Set(['fields', 'offset', 'limit']);
/** Date attributes filtered in SQL, with the TMF630 operators `attr.gt=` … */
const SQL_DATES: Record<string, 'ticket.reportedAt' | 'ticket.updatedAt' | 'tmfTicket.requestedResolutionDate'> = {
  creationDate: 'ticket.reportedAt', lastUpdate: 'ticket.updatedAt', requestedResolutionDate: 'tmfTicket.requestedResolutionDate',
};
/** Scalar attributes derived from the history or the clocks: compared after presenting. */
const MEMORY = new Set(['statusChangeDate', 'statusChangeReason', 'resolutionDate', 'expectedResolutionDate']);
const MEMORY_DATES = new Set(['statusChangeDate', 'resolutionDate', 'expectedResolutionDate']);
const STRUCTURED = new Set(['attachment', 'note', 'relatedEntity', 'relatedParty', 'statusChange', 'troubleTicketRelationship']);

const badFilter = (message: string) => tmfError(400, 'bad_request', message, 'filter on first-level attributes (exact match, several ANDed), e.g. status=inProgress&severity=Major; dates also take .gt .gte .lt .lte; sub-attributes: channel.name, relatedParty.id, relatedEntity.id');

function dateValue(attr: string, v: string): number {
  const ms = parseIso(v);
  if (ms == null) throw badFilter(`${attr} filter must be a date-time with offset, e.g. 2026-03-02T09:00:00+08:00`);
  return ms;
}

interface MemoryFilter { attr: string; op: Op; value: string }

/** One query parameter → a SQL condition or a check on the presented ticket. */
function filterFor(deps: Deps, key: string, value: string): { sql?: SqlFilter; memory?: MemoryFilter } {
  const m = /^(.+)\.(gt|gte|lt|lte)$/.exec(key);
  const attr = m ? m[1] : key;
  const op: Op = m ? (m[2] as Op) : 'eq';
  if (op !== 'eq' && !SQL_DATES[attr] && !MEMORY_DATES.has(attr)) throw badFilter(`${key}: .${op} applies to date attributes only`);
  if (SQL_DATES[attr]) {
    const ms = dateValue(attr, value);
    const col = SQL_DATES[attr];
    return { sql: (eb) => eb(col, SQL_OP[op], ms) };
  }
  if (MEMORY.has(attr)) {
    if (MEMORY_DATES.has(attr)) dateValue(attr, value);
    return { memory: { attr, op, value } };
  }
  switch (attr) {
    case 'id': return { sql: /^[1-9]\d{0,14}$/.test(value) ? (eb) => eb('ticket.id', '=', Number(value)) : NOTHING };
    case 'href': {
      const prefix = `${TMF621_BASE}/troubleTicket/`;
      const id = value.startsWith(prefix) ? value.slice(prefix.length) : '';
      return { sql: /^[1-9]\d{0,14}$/.test(id) ? (eb) => eb('ticket.id', '=', Number(id)) : NOTHING };
    }
    case 'description': return { sql: (eb) => eb('ticket.description', '=', value) };
    case 'externalId': return { sql: (eb) => eb('ticket.externalId', '=', value) };
    case 'name': return { sql: (eb) => eb('tmfTicket.name', '=', value) };
    case 'severity': return { sql: () => sql<SqlBool>`coalesce(tmf_ticket.severity, case when ticket.grade = 'important' then 'Major' else 'Minor' end) = ${value}` };
    case 'ticketType': return { sql: () => sql<SqlBool>`coalesce(tmf_ticket.ticket_type, ticket.category_id) = ${value}` };
    case 'priority': {
      const grade = gradeOfPriority(value);
      return { sql: grade ? (eb) => eb('ticket.grade', '=', grade) : NOTHING };
    }
    case 'status': {
      const s = netcareStatusesOf(value);
      if (!s) return { sql: NOTHING };
      return {
        sql: (eb) => eb.and([
          eb('ticket.status', 'in', s.statuses),
          ...(s.withdrawn === undefined ? [] : [eb('tmfTicket.withdrawnAt', s.withdrawn ? 'is not' : 'is', null)]),
        ]),
      };
    }
    case 'channel':
    case 'channel.id':
    case 'channel.name': return { sql: (eb) => eb('ticket.channel', '=', value) };
    case 'relatedParty.id': {
      const msisdn = normaliseMsisdn(value);
      const key = msisdn ? deps.pii.blindIndex(msisdn) : null;
      return { sql: key ? (eb) => eb('ticket.customerKey', '=', key) : NOTHING };
    }
    case 'relatedEntity.id':
      return { sql: (eb) => eb.or([eb('ticket.cellId', '=', value), eb('ticket.regionId', '=', value), eb('ticket.network', '=', value), eb('ticket.address', '=', value)]) };
    case '@type': return { sql: value === 'TroubleTicket' ? EVERYTHING : NOTHING };
    case '@baseType':
    case '@schemaLocation': return { sql: NOTHING };
  }
  if (STRUCTURED.has(attr)) throw badFilter(`${attr} is a list or an object: filter on a sub-attribute`);
  if (isTtAttribute(attr.split('.')[0])) throw badFilter(`filtering on ${attr} is not supported`);
  throw badFilter(`${attr} is not an attribute of TroubleTicket`);
}

function matches(tt: Record<string, unknown>, f: MemoryFilter): boolean {
  const v = tt[f.attr];
  if (typeof v !== 'string') return false;
  if (!MEMORY_DATES.has(f.attr)) return v === f.value;
  const a = Date.parse(v);
  const b = parseIso(f.value)!;
  switch (f.op) {
    case 'eq': return a === b;
    case 'gt': return a > b;
    case 'gte': return a >= b;
    case 'lt': return a < b;
    case 'lte': return a <= b;
  }
}

function intParam(name: string, v: unknown, min: number, max: number, dflt: number): number {
  if (v === undefined) return dflt;
  if (typeof v !== 'string' || !/^\d{1,9}$/.test(v)) throw tmfError(400, 'bad_request', `${name} must be a whole number`);
  const n = Number(v);
  if (n < min || n > max) throw tmfError(400, 'bad_request', `${name} must be between ${min} and ${max}`);
  return n;
}

/**
 * GET /troubleTicket: tickets in the actor's scope (not deleted through TMF621), in id order,
 * filtered by first-level attributes (exact match, ANDed; TMF630 `.gt/.gte/.lt/.lte` on dates),
 * paged by `offset`/`limit`, each reduced to `fields`. Returns the page and the total count.
 */
export async function listTroubleTickets(deps: Deps, actor: Actor, query: Record<string, unknown>): Promise<{ items: Record<string, unknown>[]; total: number }> {
  const fields = parseFields(query.fields === undefined ? undefined : String(query.fields));
  const offset = intParam('offset', query.offset, 0, 1e9, 0);
  const limit = intParam('limit', query.limit, 1, MAX_LIMIT, DEFAULT_LIMIT);
  const sqlFilters: SqlFilter[] = [];
  const memory: MemoryFilter[] = [];
  for (const [key, raw] of Object.entries(query)) {
    if (RESERVED.has(key)) continue;
    if (key === 'sort') throw badFilter('sort is not supported: tickets come in id order');
    for (const value of Array.isArray(raw) ? raw : [raw]) {
      const f = filterFor(deps, key, String(value));
      if (f.sql) sqlFilters.push(f.sql);
      if (f.memory) memory.push(f.memory);
    }
  }

  const k = deps.db.kysely;
  const tz = deps.config.timeZone;
  const base = () => {
    let q = k.selectFrom('ticket').leftJoin('tmfTicket', 'tmfTicket.ticketId', 'ticket.id')
      .where('tmfTicket.deletedAt', 'is', null)
      .$call(inScope(actor, 'ticket.regionId'));
    for (const f of sqlFilters) q = q.where(f);
    return q;
  };
  const render = async (rows: Ticket[]) => {
    const bundles = await loadBundles(k, rows);
    return rows.map((t) => presentTroubleTicket(bundles.get(t.id)!, actor, deps.pii, tz));
  };

  if (memory.length === 0) {
    const [count, rows] = await Promise.all([
      base().select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow(),
      base().selectAll('ticket').orderBy('ticket.id').limit(limit).offset(offset).execute(),
    ]);
    const items = (await render(rows)).map((tt) => selectFields(tt, fields));
    return { items, total: Number(count.n) };
  }
  const rows = await base().selectAll('ticket').orderBy('ticket.id').limit(MAX_SCAN + 1).execute();
  if (rows.length > MAX_SCAN) throw badFilter(`more than ${MAX_SCAN} tickets to check for ${memory.map((f) => f.attr).join(', ')}: add a filter such as status, creationDate.gt or ticketType`);
  const all = (await render(rows)).filter((tt) => memory.every((f) => matches(tt, f)));
  return { items: all.slice(offset, offset + limit).map((tt) => selectFields(tt, fields)), total: all.length };
}
