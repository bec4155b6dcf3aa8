import { it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { sql } from 'kysely';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { eachEngine } from '../helpers/engines.ts';
import { testApp, TEST_PASSWORD, type TestApp } from '../helpers/app.ts';
import { intake } from '../helpers/factories.ts';
import { seedCells } from '../network/fixtures.ts';
import { buildApp } from '../../src/app.ts';
import { DEFAULT_SECURITY } from '../../src/security/settings.ts';
import { verifyAuditChain } from '../../src/audit/repository.ts';
import type { Role } from '../../src/access/roles.ts';
import type { RouteEntry } from '../../src/http/route.ts';
import { Histogram, report } from '../reliability/figures.ts';

/**
 * Hostile input (issue 9): every route is fuzzed from its schema (the OpenAPI document the app
 * serves): bodies, query strings and path parameters that are valid-ish (they follow the schema
 * and use real ids, so they reach the operations), mutated (one field of the wrong kind) and
 * garbage, with injection strings in text fields. Then garbage, huge and 10,000-level bodies, bad
 * encodings and content types, hostile headers and URLs. The properties: never a 5xx, never a
 * crash (no uncaught exception or rejection), an error body on every 4xx, no trace of a refused
 * request in the database, and a consistent database at the end.
 */

const RUNS_PER_ROUTE = Number(process.env.NETCARE_FUZZ_RUNS ?? 40);

/** Routes left out of the OpenAPI document on purpose (health/routes.ts: `hide`); they take no input and are fuzzed with query garbage only. */
const UNDOCUMENTED = ['GET /metrics'];

export const INJECTIONS = [
  "' OR '1'='1", "'; DROP TABLE ticket; --", '" OR ""="', "1); select pg_sleep(10); --", "1' union select password_hash from app_user --",
  '<script>alert(1)</script>', '"><img src=x onerror=alert(1)>', 'javascript:alert(1)', '../../../../etc/passwd', '..\\..\\windows\\win.ini',
  '/api/v1/../../etc/passwd', '%2e%2e%2f%2e%2e%2f', '\u0000', 'a\u0000b', '%00', '\u202e\u202d', '😀'.repeat(20), '${jndi:ldap://x/a}', '{{7*7}}',
  '__proto__', 'constructor', 'prototype', '%s%s%s%n', '\ud800', '\udfff', 'NaN', 'Infinity', '-1', '0', '1e309', '9'.repeat(30), ' ', '', '\t\n\r',
  'null', 'true', '[]', '{}', 'SELECT * FROM app_user', '\\', "'", '"', '`', '张三 李四', '\u200b', 'x'.repeat(5000),
];

type Schema = Record<string, any> | undefined;

/** Plausible values for fields the domain checks against real data, so valid-ish requests reach the operations. */
function known(name: string | undefined, fx: Fx): fc.Arbitrary<unknown> | null {
  switch (name) {
    case 'category': return fc.constantFrom('network.call_drop', 'network.slow_data', 'billing.overcharge', 'service.attitude', 'network.no_such');
    case 'region': case 'parent': return fc.constantFrom('hz', 'nb', 'wz', 'zj', 'xx');
    case 'department': case 'ownerDepartment': return fc.constantFrom('hz-noc', 'hz-maintenance', 'nb-noc', 'hz-expert', 'nope');
    case 'cellId': case 'cell': return fc.constantFrom('fz-1', 'fz-2', 'nope-1');
    case 'msisdn': return fc.oneof(fc.stringMatching(/^1[3-9]\d{9}$/), fc.constantFrom('+8613812345678', '12345', '+123456789012345'));
    case 'network': return fc.constantFrom('LTE', 'NR', 'GSM', 'WCDMA');
    case 'month': return fc.constantFrom('2026-03', '2026-02', '2025-13', '1999-01');
    case 'reportedAt': case 'startsAt': case 'endsAt': case 'at': case 'from': case 'to': case 'alarmRaisedTime': case 'alarmChangedTime': case 'alarmClearedTime':
      return fc.constantFrom('2026-03-02T08:00:00+08:00', '2026-03-01T00:00:00Z', '2026-02-28T23:59:59+08:00', '2026-03', 'not-a-time', '2026-03-02T08:00:00');
    case 'ticketIds': return fc.array(fc.constantFrom(...fx.tickets, 999999), { minLength: 1, maxLength: 3 });
    case 'type': return fc.constantFrom('noted', 'dispatched', 'triaged', 'forwarded', 'closed', 'reopened', 'followed_up', 'customer_contacted');
    case 'grade': return fc.constantFrom('ordinary', 'important');
    case 'duration': return fc.constantFrom('PT4H', 'P1D', 'PT0S', 'bogus');
    case 'callback': return fc.constantFrom('http://127.0.0.1:9/hook', 'https://example.invalid/x', 'file:///etc/passwd', 'http://169.254.169.254/latest');
    default: return null;
  }
}

const injection = fc.constantFrom(...INJECTIONS);

/** A fast-check arbitrary for a JSON schema (the subset TypeBox emits), with injection strings mixed into text. */
function arbitrary(schema: Schema, fx: Fx, name?: string, depth = 0): fc.Arbitrary<unknown> {
  if (!schema || depth > 6) return fc.jsonValue({ maxDepth: 2 });
  const k = known(name, fx);
  if (k && (schema.type === 'string' || name === 'ticketIds' || schema.anyOf)) return fc.oneof({ weight: 4, arbitrary: k }, { weight: 1, arbitrary: injection });
  if (schema.const !== undefined) return fc.constant(schema.const);
  if (Array.isArray(schema.enum)) return fc.constantFrom(...schema.enum);
  const union = schema.anyOf ?? schema.oneOf;
  if (Array.isArray(union)) return fc.oneof(...union.map((s: Schema) => arbitrary(s, fx, name, depth + 1)));
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  switch (type) {
    case 'object': {
      const props = Object.entries(schema.properties ?? {}) as [string, Schema][];
      if (props.length === 0) return fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 });
      const model = Object.fromEntries(props.map(([p, s]) => [p, arbitrary(s, fx, p, depth + 1)]));
      return fc.record(model, { requiredKeys: (schema.required ?? []).filter((r: string) => r in model) });
    }
    case 'array':
      return fc.array(arbitrary(schema.items, fx, name, depth + 1), { minLength: schema.minItems ?? 0, maxLength: Math.min(schema.maxItems ?? 4, 4) });
    case 'string': {
      const min = schema.minLength ?? 0;
      const max = Math.min(schema.maxLength ?? 40, 40);
      const plain = schema.pattern ? fc.stringMatching(new RegExp(schema.pattern)).filter((s) => s.length <= (schema.maxLength ?? 1e9)) : fc.string({ minLength: min, maxLength: Math.max(min, max), unit: 'grapheme' });
      const edges = [schema.maxLength != null ? 'x'.repeat(schema.maxLength) : null, schema.maxLength != null ? 'y'.repeat(schema.maxLength + 1) : null, 'z'.repeat(min)].filter((s): s is string => s != null);
      return fc.oneof({ weight: 5, arbitrary: plain }, { weight: 2, arbitrary: injection }, { weight: 1, arbitrary: fc.constantFrom(...edges) });
    }
    case 'integer': {
      const min = schema.minimum ?? -1000;
      const max = schema.maximum ?? 10_000_000;
      return fc.oneof({ weight: 5, arbitrary: fc.integer({ min: Math.max(min, -(2 ** 31)), max: Math.min(max, 2 ** 31) }) }, { weight: 1, arbitrary: fc.constantFrom(min - 1, max + 1, 0, -1, 2 ** 53, 1e20, -1e20, 9007199254740993) });
    }
    case 'number':
      return fc.oneof({ weight: 5, arbitrary: fc.double({ min: schema.minimum ?? -1e6, max: schema.maximum ?? 1e6, noNaN: true }) }, { weight: 1, arbitrary: fc.constantFrom(1e308, -1e308, 5e-324, 0, -0) });
    case 'boolean': return fc.boolean();
    case 'null': return fc.constant(null);
    default: return fc.jsonValue({ maxDepth: 3 });
  }
}

/** One field of the wrong kind, a field removed, or an unknown one added. */
function mutated(schema: Schema, fx: Fx): fc.Arbitrary<unknown> {
  return fc.tuple(arbitrary(schema, fx), fc.string({ maxLength: 10 }), fc.jsonValue({ maxDepth: 3 }), fc.nat(2)).map(([v, key, junk, how]) => {
    if (!v || typeof v !== 'object' || Array.isArray(v)) return junk;
    const o = { ...(v as Record<string, unknown>) };
    const keys = Object.keys(o);
    if (how === 0 && keys.length) o[keys[key.length % keys.length]] = junk;
    else if (how === 1 && keys.length) delete o[keys[key.length % keys.length]];
    else o[key || '__proto__'] = junk;
    return o;
  });
}

interface Fx { tickets: number[]; problem: number; issue: number; hotspot: number; alarm: number }

const T = '2026-03-02T08:00:00+08:00';
/** Valid requests per route (body or query), so fuzzing one field at a time reaches deep into the operations. */
const SAMPLES: Record<string, (fx: Fx) => fc.Arbitrary<Record<string, unknown>>> = {
  'POST /api/v1/tickets': () => fc.record({
    channel: fc.constantFrom('hotline', 'web', 'app', 'regulator', 'api'), customer: fc.record({ msisdn: fc.stringMatching(/^1[3-9]\d{9}$/), name: fc.constantFrom('王小明', '李四', 'O\'Brien'), vip: fc.boolean() }),
    category: fc.constantFrom('network.call_drop', 'network.slow_data', 'billing.overcharge', 'service.attitude'), network: fc.constantFrom('LTE', 'NR'),
    cellId: fc.constantFrom('fz-1', 'fz-2'), description: fc.string({ minLength: 1, maxLength: 200 }), commitmentHours: fc.integer({ min: 1, max: 72 }),
  }, { requiredKeys: ['channel', 'customer', 'category', 'cellId', 'description'] }),
  'POST /api/v1/tickets/:id/events': () => fc.oneof(
    fc.record({ type: fc.constant('noted'), text: fc.string({ minLength: 1, maxLength: 100 }) }),
    fc.constant({ type: 'dispatched' }), fc.record({ type: fc.constant('triaged'), grade: fc.constantFrom('ordinary', 'important') }),
    fc.record({ type: fc.constant('forwarded'), department: fc.constantFrom('hz-maintenance', 'hz-optimisation', 'hz-construction'), reason: fc.constant('故障') }),
    fc.record({ type: fc.constant('escalated'), to: fc.constantFrom('expert', 'supervisor', 'province'), reason: fc.constant('升级') }),
    fc.record({ type: fc.constant('department_replied'), kind: fc.constantFrom('initial', 'final'), text: fc.constant('已处理'), resolution: fc.constantFrom('fault_repaired', 'explained') }),
    fc.record({ type: fc.constant('noc_replied'), kind: fc.constantFrom('initial', 'final'), text: fc.constant('已回复'), resolution: fc.constantFrom('fault_repaired', 'optimised') }),
    fc.record({ type: fc.constant('customer_contacted'), kind: fc.constantFrom('initial', 'progress', 'final'), text: fc.constant('已联系') }),
    fc.record({ type: fc.constant('followed_up'), responded: fc.boolean(), score: fc.integer({ min: 1, max: 10 }) }),
    fc.constant({ type: 'closed' }), fc.record({ type: fc.constant('reopened'), reason: fc.constant('不满意') }),
    fc.record({ type: fc.constant('resolved_at_intake'), text: fc.constant('已解释') }),
  ),
  'POST /api/v1/network-issues': () => fc.record({
    kind: fc.constantFrom('outage', 'degradation', 'planned_work', 'coverage_gap'), title: fc.constant('基站故障'), explanation: fc.constant('正在抢修'),
    region: fc.constantFrom('hz', 'nb'), cells: fc.constant(['fz-1']), startsAt: fc.constant(T),
  }),
  'PATCH /api/v1/network-issues/:id': () => fc.record({ title: fc.string({ minLength: 1, maxLength: 50 }), endsAt: fc.constantFrom(null, '2026-03-03T08:00:00+08:00') }, { requiredKeys: ['title'] }),
  'POST /api/v1/problems': (fx) => fc.record({ title: fc.constant('弱覆盖'), region: fc.constantFrom('hz', 'nb'), ticketIds: fc.constant(fx.tickets.slice(0, 2)), dueDate: fc.constant('2026-04-01') }, { requiredKeys: ['title', 'region'] }),
  'PATCH /api/v1/problems/:id': () => fc.record({ rootCause: fc.constant('天线'), status: fc.constantFrom('open', 'in_progress') }, { requiredKeys: [] }).filter((o) => Object.keys(o).length > 0),
  'POST /api/v1/problems/:id/tickets': (fx) => fc.record({ ticketIds: fc.subarray(fx.tickets, { minLength: 1 }) }),
  'POST /api/v1/problems/:id/close': () => fc.record({ rootCause: fc.constant('天线'), finalReply: fc.constant({ text: '已优化', resolution: 'optimised' }) }, { requiredKeys: [] }),
  'POST /api/v1/webhooks': () => fc.record({ callback: fc.constant('http://127.0.0.1:9/hook'), topics: fc.subarray(['ticket.*', 'clock.*', '*', 'ticket.closed'], { minLength: 1 }) }),
  'POST /tmf-api/troubleTicket/v4/hub': () => fc.record({ callback: fc.constant('http://127.0.0.1:9/listener'), query: fc.constantFrom('eventType=TroubleTicketCreateEvent', '') }, { requiredKeys: ['callback'] }),
  'POST /tmf-api/alarmManagement/v4/alarm': () => fc.record({
    alarmType: fc.constant('EquipmentAlarm'), perceivedSeverity: fc.constantFrom('critical', 'major', 'cleared'), probableCause: fc.constant('powerProblem'),
    alarmedObject: fc.constantFrom({ id: 'fz-1' }, { id: 'fz' }, { id: 'nope' }), sourceSystemId: fc.constant('nms'), state: fc.constantFrom('raised', 'updated', 'cleared'),
    alarmRaisedTime: fc.constant(T), externalAlarmId: fc.constantFrom('a1', 'a2', 'a3'),
  }),
  'PATCH /tmf-api/alarmManagement/v4/alarm/:id': () => fc.record({ alarmDetails: fc.constant('x'), state: fc.constantFrom('updated', 'cleared') }, { requiredKeys: ['alarmDetails'] }),
  'POST /tmf-api/troubleTicket/v4/troubleTicket': () => fc.record({
    description: fc.string({ minLength: 1, maxLength: 100 }), severity: fc.constantFrom('Major', 'Minor'), ticketType: fc.constantFrom('service.store', 'network.call_drop', 'unknown.type'),
    relatedParty: fc.constant([{ id: '13812345678', name: '王小明', role: 'customer', '@referredType': 'Individual' }]),
  }),
  'PATCH /tmf-api/troubleTicket/v4/troubleTicket/:id': () => fc.record({ description: fc.string({ minLength: 1, maxLength: 50 }), note: fc.constant([{ text: 'n' }]) }, { requiredKeys: [] }),
  'PUT /api/v1/kpi-targets': () => fc.record({ targets: fc.constant([{ kpi: 'onTimeReplyRate', region: '*', value: 0.9 }]) }),
  'PUT /api/v1/kpi-weights': () => fc.record({ weights: fc.constant([{ kpi: 'complaintRatePer10k', points: 4 }]) }),
  'PUT /api/v1/tmf621/settings': () => fc.record({ catchAllCategory: fc.constantFrom('service.store', 'network.call_drop') }),
  'PUT /api/v1/sla-policies/:id': () => fc.record({ grade: fc.constantFrom('ordinary', 'important'), clock: fc.constantFrom('triage', 'resolution'), duration: fc.constantFrom('PT2H', 'PT30M'), calendar: fc.constant('24x7') }),
  'PUT /api/v1/calendars/:id': () => fc.record({ timeZone: fc.constant('Asia/Shanghai'), workingDays: fc.constant(['mon', 'tue', 'wed', 'thu', 'fri']), workingHours: fc.constant([['08:30', '12:00'], ['13:30', '17:30']]), official: fc.constantFrom('cn', null) }),
  'PUT /api/v1/users/:username': () => fc.record({ password: fc.constant('fuzz-password-1'), role: fc.constantFrom('agent', 'noc', 'supervisor'), region: fc.constantFrom('hz', 'nb') }),
  'POST /api/v1/auth/login': () => fc.record({ username: fc.constantFrom('nobody', 'fuzz-user'), password: fc.string({ minLength: 1, maxLength: 20 }) }),
  'POST /api/v1/import/tickets': () => fc.constant([{ externalId: 'fz-ext-1', channel: 'hotline', customer: { msisdn: '13800005555' }, category: 'network.call_drop', network: 'LTE', cellId: 'fz-1', reportedAt: T, description: 'imported', events: [{ type: 'dispatched', at: T }] }]) as any,
};

/** A sample with, now and then, one field replaced by a fuzzed value of its schema. */
function nearSample(sample: fc.Arbitrary<Record<string, unknown>>, schema: Schema, fx: Fx): fc.Arbitrary<unknown> {
  return fc.tuple(sample, fc.nat(20), fc.option(fc.jsonValue({ maxDepth: 2 }), { nil: undefined })).chain(([v, pick, junk]) => {
    if (!v || typeof v !== 'object' || Array.isArray(v)) return fc.constant(v);
    const keys = Object.keys(v);
    if (pick >= keys.length * 3 || keys.length === 0) return fc.constant(v);
    const key = keys[pick % keys.length];
    const field = schema?.properties?.[key];
    return (junk !== undefined && pick % 2 ? fc.constant(junk) : arbitrary(field, fx, key)).map((x) => ({ ...v, [key]: x }));
  });
}

/** Path parameter values: real ids mostly, else edge cases and injections. */
function paramArb(name: string, schema: Schema, fx: Fx): fc.Arbitrary<string> {
  const real: Record<string, string[]> = {
    id: [String(fx.tickets[0]), String(fx.problem), String(fx.issue), String(fx.hotspot), String(fx.alarm), 'hz', 'hz-noc', 'fz-1', '24x7'],
    // never the callers' own accounts: a fuzzed PUT would change their password
    username: ['fuzz-user', 'agent.wz', 'nobody'],
  };
  const edges = ['0', '-1', '1.5', '1e3', '99999999999999999999', '9007199254740993', 'abc', '%00', '..%2F..%2Fetc%2Fpasswd', '%ff', encodeURIComponent("1' OR '1'='1"), 'x'.repeat(300)];
  return fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...(real[name] ?? real.id)) },
    { weight: 1, arbitrary: arbitrary(schema, fx, name).map((v) => enc(String(v))) },
    { weight: 2, arbitrary: fc.constantFrom(...edges) },
  );
}

/** Percent-encodes the UTF-8 bytes of any string, lone surrogates included (they become U+FFFD, as a client would send). */
const enc = (s: string) => [...Buffer.from(s, 'utf8')].map((b) => (/[A-Za-z0-9._~-]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : `%${b.toString(16).padStart(2, '0')}`)).join('');

function toQuery(q: Record<string, unknown>): string {
  const parts: string[] = [];
  for (const [k, v] of Object.entries(q)) {
    for (const one of Array.isArray(v) ? v : [v]) parts.push(`${enc(k)}=${enc(typeof one === 'object' && one !== null ? JSON.stringify(one) : String(one))}`);
  }
  return parts.length ? `?${parts.join('&')}` : '';
}

interface OpenApiOp { parameters?: { in: string; name: string; required?: boolean; schema?: Schema }[]; requestBody?: { content?: Record<string, { schema?: Schema }> } }

eachEngine('hostile input: fuzzing every route, garbage, huge and deep bodies, bad encodings, injections', (ctx) => {
  let t: TestApp;
  let app: FastifyInstance;
  let fx: Fx;
  const callers = new Map<Role, string[]>();
  /** every request this suite sent, by status code (counted in `send`, the only way requests go out) */
  const allStatuses = new Histogram();
  /** the current test's requests, by status code */
  let statuses = new Histogram();
  const crashes: unknown[] = [];
  const onCrash = (e: unknown) => { crashes.push(e); };

  before(async () => {
    process.on('uncaughtException', onCrash);
    process.on('unhandledRejection', onCrash);
    t = await testApp(ctx.db);
    app = await buildApp(t.deps, { console: false, security: { ...DEFAULT_SECURITY, rateLimit: { user: null, address: null, login: null } } });
    await app.ready();
    await refreshCallers();
    await seedCells(t, [
      { cellId: 'fz-1', siteId: 'fz', region: 'hz', lon: 120.16, lat: 30.27, neighbours: ['fz-2'] },
      { cellId: 'fz-2', siteId: 'fz', region: 'hz', lon: 120.16, lat: 30.27 },
    ]);
    const tickets: number[] = [];
    let hotspot = 0;
    for (let i = 0; i < 6; i++) {
      const r = await t.as('agent', { method: 'POST', url: '/api/v1/tickets', payload: intake({ cellId: 'fz-1', region: undefined, address: undefined, customer: { msisdn: `1380000200${i}` } }) });
      tickets.push(r.json().id);
      hotspot = r.json().hotspotId ?? hotspot;
    }
    const issue = await t.as('noc', { method: 'POST', url: '/api/v1/network-issues', payload: { kind: 'outage', title: 'x', explanation: 'y', region: 'hz', cells: ['fz-1'], startsAt: '2026-03-02T08:00:00+08:00' } });
    const problem = await t.as('noc', { method: 'POST', url: '/api/v1/problems', payload: { title: 'p', region: 'hz' } });
    const alarm = await app.inject({
      method: 'POST', url: '/tmf-api/alarmManagement/v4/alarm', headers: { authorization: callers.get('api')![0] },
      payload: { alarmType: 'EquipmentAlarm', perceivedSeverity: 'critical', probableCause: 'powerProblem', alarmedObject: { id: 'fz-1' }, sourceSystemId: 'nms', state: 'raised', alarmRaisedTime: '2026-03-02T08:00:00+08:00' },
    });
    fx = { tickets, problem: issue.statusCode < 300 ? problem.json().id : 1, issue: issue.json().id, hotspot, alarm: Number(alarm.json().id) };
  });
  after(async () => {
    process.off('uncaughtException', onCrash);
    process.off('unhandledRejection', onCrash);
    await app.close();
    await t.close();
  });

  /** Signs every caller in afresh and makes a new API key: fuzzed requests may have signed out, revoked a key or ended sessions. */
  async function refreshCallers(): Promise<void> {
    callers.clear();
    let n = 0;
    const login = async (u: string) => {
      const r = await app.inject({ method: 'POST', url: '/api/v1/auth/login', remoteAddress: `10.250.${n++}.1`, payload: { username: u, password: TEST_PASSWORD } });
      assert.equal(r.statusCode, 200, `${u}: ${r.body}`);
      return `Bearer ${r.json().token}`;
    };
    const users: [Role, string][] = [['agent', 'agent'], ['agent', 'agent.nb'], ['noc', 'noc'], ['handler', 'maint'], ['expert', 'expert'], ['supervisor', 'supervisor'], ['supervisor', 'province'], ['admin', 'admin'], ['auditor', 'auditor']];
    for (const [role, u] of users) callers.set(role, [...(callers.get(role) ?? []), await login(u)]);
    const key = await app.inject({ method: 'POST', url: '/api/v1/api-keys', headers: { authorization: callers.get('admin')![0] }, payload: { name: `fuzz-${Date.now()}`, role: 'api', region: 'hz' } });
    callers.set('api', [`Bearer ${key.json().key}`]);
  }

  /**
   * Puts the demo organisation back as it was: fuzzed admin requests may legitimately have
   * re-parented a city or moved a department, which later tests rely on.
   */
  async function restoreOrganisation(): Promise<void> {
    const k = ctx.db.kysely;
    await k.updateTable('region').set({ parentId: null }).where('id', '=', 'zj').execute();
    await k.updateTable('region').set({ parentId: 'zj' }).where('id', 'in', ['hz', 'nb', 'wz']).execute();
    for (const d of await k.selectFrom('department').select('id').execute()) {
      const m = /^(hz|nb|wz)-(\w+)$/.exec(d.id);
      if (m) await k.updateTable('department').set({ regionId: m[1], kind: m[2] }).where('id', '=', d.id).execute();
    }
  }

  /** Sends one request and checks the per-request properties. */
  async function send(o: InjectOptions, what: string): Promise<LightMyRequestResponse> {
    const r = await app.inject(o);
    allStatuses.add(r.statusCode);
    statuses.add(r.statusCode);
    assert.ok(r.statusCode < 500, `${what}: ${r.statusCode} ${r.body.slice(0, 300)}\nrequest: ${JSON.stringify({ ...o, payload: typeof o.payload === 'string' ? o.payload.slice(0, 300) : o.payload }).slice(0, 1500)}`);
    if (r.statusCode >= 400 && String(o.url).startsWith('/api/')) {
      const b = r.json();
      assert.ok(typeof b.code === 'string' && typeof b.message === 'string' && 'details' in b, `${what}: not the error catalogue's body: ${r.body.slice(0, 200)}`);
      assert.equal(r.headers['x-content-type-options'], 'nosniff', `${what}: security headers on errors too`);
    }
    return r;
  }

  /** Row counts of every table but the ones a refused request legitimately writes (audit of failed sign-ins, throttle). */
  async function counts(): Promise<Record<string, number>> {
    const names = ctx.engine === 'sqlite'
      ? (await sql<{ name: string }>`select name from sqlite_master where type = 'table' and name not like 'sqlite_%'`.execute(ctx.db.kysely)).rows
      : (await sql<{ name: string }>`select tablename as name from pg_tables where schemaname = current_schema()`.execute(ctx.db.kysely)).rows;
    const out: Record<string, number> = {};
    for (const { name } of names) {
      if (['audit_log', 'login_throttle', 'session', 'app_user'].includes(name)) continue;
      out[name] = Number((await sql<{ n: number }>`select count(*) as n from ${sql.table(name)}`.execute(ctx.db.kysely)).rows[0].n);
    }
    return out;
  }

  it('fuzzes every route from its schema: never a 5xx, never a trace of a refused request', async (tc) => {
    statuses = new Histogram();
    const spec = app.swagger() as { paths: Record<string, Record<string, OpenApiOp>> };
    const table = app.routeTable.filter((r) => !(r.url.endsWith('/') && r.url.length > 1)); // trailing-slash twins share the handler
    // the routes that end sessions or revoke keys (sign-out, user edits, key revocation): last, and callers are signed in again afterwards
    const ending = (r: RouteEntry) => (r.url === '/api/v1/auth/logout' ? 2 : r.url === '/api/v1/api-keys/:id' || (r.method === 'PUT' && r.url === '/api/v1/users/:username') ? 1 : 0);
    table.sort((a, b) => ending(a) - ending(b));
    const perRoute = new Map<string, { runs: number; accepted: number; statuses: Histogram }>();
    const withoutSchema: string[] = [];
    for (const r of table) {
      const op: OpenApiOp | undefined = spec.paths[r.url.replace(/:(\w+)/g, '{$1}')]?.[r.method.toLowerCase()];
      if (!op) withoutSchema.push(`${r.method} ${r.url}`);
      const params = (op?.parameters ?? []).filter((p) => p.in === 'path');
      const query = (op?.parameters ?? []).filter((p) => p.in === 'query');
      const bodySchema = op?.requestBody?.content?.['application/json']?.schema;
      const hasBody = !['GET', 'DELETE', 'HEAD'].includes(r.method);
      const pathNames = [...r.url.matchAll(/:(\w+)/g)].map((m) => m[1]);
      const roles = r.access === 'public' ? [] : r.access;
      const auths = roles.flatMap((role) => callers.get(role) ?? []);
      const queryArb = fc.oneof(
        { weight: 2, arbitrary: fc.constant({}) },
        { weight: 4, arbitrary: fc.record(Object.fromEntries(query.map((p) => [p.name, arbitrary(p.schema, fx, p.name)])), { requiredKeys: query.filter((p) => p.required).map((p) => p.name) }) },
        { weight: 1, arbitrary: fc.dictionary(fc.oneof(fc.constantFrom(...query.map((p) => p.name), 'x'), fc.string({ maxLength: 5 })), fc.oneof(injection, fc.string())) },
      );
      const sample = SAMPLES[`${r.method} ${r.url}`]?.(fx);
      const bodyArb = !hasBody ? fc.constant(undefined) : fc.oneof(
        ...(sample ? [{ weight: 6, arbitrary: nearSample(sample, bodySchema, fx) }] : []),
        { weight: 5, arbitrary: arbitrary(bodySchema, fx) },
        { weight: 2, arbitrary: mutated(bodySchema, fx) },
        { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 4 }) },
      );
      const req = fc.record({
        path: fc.tuple(...pathNames.map((n) => paramArb(n, params.find((p) => p.name === n)?.schema, fx))),
        query: queryArb,
        body: bodyArb,
        auth: auths.length ? fc.constantFrom(...auths) : fc.constant(null),
        idem: fc.oneof({ weight: 3, arbitrary: fc.constant(undefined) }, { weight: 3, arbitrary: fc.uuid() }, { weight: 1, arbitrary: fc.oneof(fc.string({ maxLength: 20 }), injection) }),
      });
      const before = await counts();
      let ok = 0;
      let n = 0;
      const routeStatuses = new Histogram();
      await fc.assert(fc.asyncProperty(req, async (g) => {
        n++;
        let i = 0;
        const url = r.url.replace(/:(\w+)/g, () => g.path[i++] as string) + toQuery(g.query as Record<string, unknown>);
        const headers: Record<string, string> = {};
        if (g.auth) headers.authorization = g.auth;
        if (g.idem !== undefined && /^[\x20-\x7e]*$/.test(g.idem)) headers['idempotency-key'] = g.idem;
        // each sign-in attempt from its own address: the per-address failure delay (auth/login.ts) would otherwise slow the run to a crawl
        const remoteAddress = `10.${(n >> 8) & 255}.${n & 255}.${r.url.length}`;
        const res = await send({ method: r.method as any, url, headers, remoteAddress, ...(hasBody ? { payload: JSON.stringify(g.body ?? null), headers: { ...headers, 'content-type': 'application/json' } } : {}) }, `${r.method} ${r.url}`);
        if (res.statusCode < 300) ok++;
        routeStatuses.add(res.statusCode);
        if (process.env.NETCARE_FUZZ_DEBUG === `${r.method} ${r.url}`) console.log(res.statusCode, url, JSON.stringify(g.body)?.slice(0, 300), res.body.slice(0, 200));
      }), { numRuns: RUNS_PER_ROUTE, seed: Number(process.env.NETCARE_FUZZ_SEED ?? 20260302), endOnFailure: true });
      if (ok === 0) {
        const afterCounts = await counts();
        assert.deepEqual(afterCounts, before, `${r.method} ${r.url}: every request was refused, yet rows changed`);
      }
      // an admin's fuzzed PUT may have re-parented a city or moved a department: later routes need the organisation intact
      await restoreOrganisation();
      perRoute.set(`${r.method} ${r.url}`, { runs: n, accepted: ok, statuses: routeStatuses });
    }
    // the figures, from the requests that were sent (not from RUNS_PER_ROUTE)
    for (const [route, f] of perRoute) tc.diagnostic(`${route}: ${f.runs} requests, ${f.accepted} accepted (${f.statuses})`);
    const runs = [...perRoute.values()].map((f) => f.runs);
    report(tc, `fuzz schema [${ctx.engine}]`, {
      routes: perRoute.size, requests: statuses.total, minPerRoute: Math.min(...runs), maxPerRoute: Math.max(...runs),
      routesWithAnAcceptedRequest: [...perRoute.values()].filter((f) => f.accepted > 0).length, routesWithoutOpenApiSchema: withoutSchema.length,
      statuses: String(statuses), '5xx': statuses.sum((c) => Number(c) >= 500),
    });
    assert.equal(perRoute.size, table.length, 'every route of the route table was fuzzed');
    for (const [route, f] of perRoute) assert.ok(f.runs >= RUNS_PER_ROUTE, `${route}: fuzzed ${f.runs} times, fewer than ${RUNS_PER_ROUTE}`);
    assert.deepEqual(withoutSchema, UNDOCUMENTED, 'every route is fuzzed from its OpenAPI operation, but the ones hidden on purpose');
    assert.equal(statuses.total, runs.reduce((a, b) => a + b, 0));
  });

  // (signing out would end the session the next tests use)
  const writeRoutes = () => app.routeTable.filter((r) => ['POST', 'PUT', 'PATCH'].includes(r.method) && !r.url.endsWith('/') && r.url !== '/api/v1/auth/logout');
  const authFor = (r: RouteEntry) => (r.access === 'public' ? undefined : callers.get(r.access[0])?.[0]);

  it('refuses garbage, huge and 10,000-level bodies, bad encodings and content types with 4xx on every write route', async (tc) => {
    statuses = new Histogram();
    const byKind = new Map<string, Histogram>();
    let routes = 0;
    let bodyRoutes = 0;
    await restoreOrganisation();
    await refreshCallers();
    const deepArray = `${'['.repeat(10_000)}${']'.repeat(10_000)}`;
    const deepObject = `${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}`;
    const huge = JSON.stringify({ description: 'x'.repeat(1024 * 1024 + 10) });
    const invalidUtf8 = Buffer.concat([Buffer.from('{"description":"'), Buffer.from([0xff, 0xfe, 0xc3, 0x28, 0xa0, 0xa1, 0xf0, 0x28, 0x8c, 0xbc]), Buffer.from('"}')]);
    const utf16 = Buffer.from(JSON.stringify(intake()), 'utf16le');
    const bodies: [string, string | Buffer, string][] = [
      ['deep array', deepArray, 'application/json'],
      ['deep object', deepObject, 'application/json'],
      ['deep inside a field', JSON.stringify({ ...intake(), customer: 'X' }).replace('"X"', deepArray), 'application/json'],
      ['garbage bytes', Buffer.from(Array.from({ length: 512 }, (_, i) => (i * 7919) % 256)), 'application/json'],
      ['truncated json', '{"channel":"hotline","customer":{"msisdn":"138', 'application/json'],
      ['invalid UTF-8', invalidUtf8, 'application/json'],
      ['UTF-16 body', utf16, 'application/json'],
      ['latin1 charset', JSON.stringify(intake()), 'application/json; charset=latin1'],
      ['text/plain', JSON.stringify(intake()), 'text/plain'],
      ['xml', '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>', 'application/xml'],
      ['form', 'a=1&b=2', 'application/x-www-form-urlencoded'],
      ['multipart', '--b\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--b--', 'multipart/form-data; boundary=b'],
      ['no content type', JSON.stringify(intake()), ''],
      ['proto pollution', '{"__proto__":{"isAdmin":true},"constructor":{"prototype":{"x":1}}}', 'application/json'],
      ['duplicate keys', '{"channel":"hotline","channel":"regulator"}', 'application/json'],
      ['empty', '', 'application/json'],
      ['null', 'null', 'application/json'],
      ['number', '1e999999', 'application/json'],
    ];
    const spec = app.swagger() as { paths: Record<string, Record<string, OpenApiOp>> };
    const before = await counts();
    for (const r of writeRoutes()) {
      const url = r.url.replace(/:(\w+)/g, () => String(fx.tickets[0]));
      const authorization = authFor(r);
      const takesBody = !!(spec.paths[r.url.replace(/:(\w+)/g, '{$1}')]?.[r.method.toLowerCase()] as OpenApiOp | undefined)?.requestBody;
      let n = 0;
      routes++;
      if (takesBody) bodyRoutes++;
      for (const [what, payload, type] of bodies) {
        const headers: Record<string, string> = { ...(authorization ? { authorization } : {}), ...(type ? { 'content-type': type } : {}) };
        const res = await send({ method: r.method as any, url, headers, payload, remoteAddress: `10.99.${n++}.1` }, `${r.method} ${r.url} ${what}`);
        byKind.set(what, byKind.get(what) ?? new Histogram());
        byKind.get(what)!.add(res.statusCode);
        // a route that reads no body may ignore it; one that does must refuse all of these
        if (takesBody) assert.ok(res.statusCode >= 400 || what === 'duplicate keys' || what === 'null', `${r.method} ${r.url} ${what}: ${res.statusCode}`);
      }
      // over the body limit: 413 (imports take up to 100 MiB: there it is just invalid)
      const big = await send({ method: r.method as any, url, headers: { ...(authorization ? { authorization } : {}), 'content-type': 'application/json' }, payload: huge }, `${r.method} ${r.url} huge`);
      byKind.set('huge (1 MiB + 10)', byKind.get('huge (1 MiB + 10)') ?? new Histogram());
      byKind.get('huge (1 MiB + 10)')!.add(big.statusCode);
      assert.ok(r.url.includes('/import/') ? big.statusCode >= 400 : big.statusCode === 413, `${r.method} ${r.url} huge: ${big.statusCode}`);
    }
    for (const [what, h] of byKind) tc.diagnostic(`${what}: ${h.total} requests (${h})`);
    report(tc, `fuzz bodies [${ctx.engine}]`, {
      writeRoutes: routes, routesReadingABody: bodyRoutes, kinds: byKind.size, requests: statuses.total, statuses: String(statuses),
      status413: statuses.get(413), '5xx': statuses.sum((c) => Number(c) >= 500),
    });
    assert.equal(statuses.total, routes * (bodies.length + 1), 'every kind of body went to every write route');
    assert.ok(routes >= 30, `${routes} write routes`);
    assert.deepEqual(await counts(), before, 'no refused body left a row behind');
    assert.equal(({} as any).isAdmin, undefined, 'no prototype pollution');
  });

  it('stores injection strings as plain text, refuses NUL characters on both engines alike, and is not fooled by hostile headers or URLs', async (tc) => {
    statuses = new Histogram();
    const f = { injectionsStoredVerbatim: 0, nulRefused: 0, hostileHeaders: 0, hostileUrls: 0, oddMethods: 0 };
    await restoreOrganisation();
    await refreshCallers();
    const agent = callers.get('agent')![0];
    for (const s of INJECTIONS.filter((x) => x.length > 0 && x.trim() && !x.includes('\u0000') && !/[\ud800-\udfff]/.test(x) && x.length <= 4000)) {
      const r = await send({ method: 'POST', url: '/api/v1/tickets', headers: { authorization: agent }, payload: intake({ description: s, address: s.slice(0, 500), customer: { msisdn: '13800003000', name: s.slice(0, 100) } }) }, `intake with ${JSON.stringify(s.slice(0, 30))}`);
      assert.equal(r.statusCode, 201, r.body);
      const back = await send({ method: 'GET', url: `/api/v1/tickets/${r.json().id}`, headers: { authorization: agent } }, 'read back');
      assert.equal(back.json().description, s, 'stored exactly as sent, nothing executed');
      assert.equal(back.json().customer.name, s.slice(0, 100));
      f.injectionsStoredVerbatim++;
    }
    for (const s of ['a\u0000b', '\u0000']) {
      const before = await counts();
      const r = await send({ method: 'POST', url: '/api/v1/tickets', headers: { authorization: agent }, payload: intake({ description: s }) }, 'NUL in a body');
      assert.equal(r.statusCode, 400, r.body);
      const q = await send({ method: 'GET', url: `/api/v1/tickets?externalId=${encodeURIComponent(s)}`, headers: { authorization: agent } }, 'NUL in a query');
      assert.equal(q.statusCode, 400, q.body);
      assert.deepEqual(await counts(), before);
      f.nulRefused += 2;
    }
    const headerCases: Record<string, string>[] = [
      { authorization: 'Bearer ' + 'x'.repeat(10_000) }, { authorization: 'Basic YWRtaW46YWRtaW4=' }, { authorization: "Bearer ' OR 1=1 --" }, { authorization: 'Bearer' },
      { cookie: 'netcare_session=' + '%00'.repeat(100) }, { cookie: 'netcare_session="; drop table session; --' }, { authorization: agent, 'if-match': '"abc"' },
      { authorization: agent, 'if-match': '9'.repeat(40) }, { authorization: agent, 'idempotency-key': 'k'.repeat(201) }, { authorization: agent, 'accept-language': '../../etc' },
      { authorization: agent, 'x-forwarded-for': '1.2.3.4, <script>' }, { authorization: agent, 'content-length': '5' },
    ];
    for (const h of headerCases) {
      await send({ method: 'POST', url: `/api/v1/tickets/${fx.tickets[0]}/events`, headers: { ...h, 'content-type': 'application/json' }, payload: JSON.stringify({ type: 'noted', text: 'x' }) }, `headers ${JSON.stringify(h).slice(0, 60)}`);
      f.hostileHeaders++;
    }
    for (const url of ['/api/v1/tickets/%ff', '/api/v1/tickets/%00', '/api/v1/../../etc/passwd', '/api/v1/tickets/1/../../../etc/passwd', `/api/v1/tickets?${'a=1&'.repeat(2000)}`,
      '/api/v1/tickets?status=open&status=closed', '/api/v1/tickets?limit[]=1', '/api/v1/tickets?q[$ne]=1', `/${'a/'.repeat(500)}`, '/api/v1/tickets?cursor=%7B%7D', '/docs/../../package.json', '/%2e%2e/%2e%2e/etc/passwd']) {
      await send({ method: 'GET', url, headers: { authorization: agent } }, `url ${url.slice(0, 60)}`);
      f.hostileUrls++;
    }
    for (const method of ['PROPFIND', 'TRACE', 'CONNECT', 'OPTIONS', 'PURGE'] as const) {
      await send({ method: method as any, url: '/api/v1/tickets', headers: { authorization: agent } }, method);
      f.oddMethods++;
    }
    report(tc, `fuzz injection [${ctx.engine}]`, { ...f, requests: statuses.total, statuses: String(statuses), '5xx': statuses.sum((c) => Number(c) >= 500) });
    assert.ok(f.injectionsStoredVerbatim >= 30, `${f.injectionsStoredVerbatim} injection strings stored`);
  });

  it('stays consistent: every ticket whole, the audit chain intact, no crash, still healthy', async (tc) => {
    const k = ctx.db.kysely;
    const orphans = await sql<{ n: number }>`select count(*) as n from ticket t where not exists (select 1 from ticket_event e where e.ticket_id = t.id and e.type = 'created')
      or not exists (select 1 from ticket_clock c where c.ticket_id = t.id and c.clock = 'commitment')`.execute(k);
    assert.equal(Number(orphans.rows[0].n), 0, 'no ticket without its created event and commitment clock');
    const strayEvents = await sql<{ n: number }>`select count(*) as n from ticket_event e where not exists (select 1 from ticket t where t.id = e.ticket_id)`.execute(k);
    assert.equal(Number(strayEvents.rows[0].n), 0);
    if (ctx.engine === 'sqlite') {
      assert.deepEqual((await sql`pragma integrity_check`.execute(k)).rows, [{ integrityCheck: 'ok' }]);
      assert.deepEqual((await sql`pragma foreign_key_check`.execute(k)).rows, []);
    }
    assert.equal((await verifyAuditChain(k)).brokenAt, null);
    assert.deepEqual(crashes, [], 'no uncaught exception or unhandled rejection');
    assert.equal((await app.inject({ method: 'GET', url: '/healthz' })).statusCode, 200);
    report(tc, `fuzz total [${ctx.engine}]`, {
      requests: allStatuses.total, statuses: String(allStatuses), '5xx': allStatuses.sum((c) => Number(c) >= 500), uncaught: crashes.length,
      tickets: Number((await sql<{ n: number }>`select count(*) as n from ticket`.execute(k)).rows[0].n),
    });
    assert.equal(allStatuses.sum((c) => Number(c) >= 500), 0);
  });
});
