import { it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance, InjectOptions } from 'fastify';
import { eachEngine } from '../helpers/engines.ts';
import { testApp, type TestApp } from '../helpers/app.ts';
import { intake } from '../helpers/factories.ts';
import { seedCells } from '../network/fixtures.ts';
import { buildApp } from '../../src/app.ts';
import { DEFAULT_SECURITY } from '../../src/security/settings.ts';
import { ROLES, type Role } from '../../src/access/roles.ts';
import type { RouteEntry } from '../../src/http/route.ts';
import { Histogram, report } from '../reliability/figures.ts';

/**
 * The access matrix (issue 9), generated from `app.routeTable`: every route × every role × a
 * caller in the record's own city (hz), in the province above it (zj) and in a sibling city (nb).
 *
 * - role: a role outside the route's declared access list gets 403; a role inside never gets
 *   401 or a `role_not_allowed` 403; anonymous callers get 401 on every non-public route.
 * - region: for routes whose path names a record of a region (`scope: 'region'` below, the
 *   record is in hz), callers in hz and zj (and admins, who see every region) reach it; a caller
 *   in nb gets 404 — the record does not exist for it — never 403 or a state error.
 * - no answer is a 5xx.
 *
 * Every route must have an entry in CASES: a new route fails this test until someone decides
 * how it is scoped, and an entry without a route fails too (it would hide a renamed route).
 */
type Scope =
  /** no sign-in */
  | 'public'
  /** no record of a region in the path: lists (scoped in SQL, tested per domain), settings, reference data of the province */
  | 'global'
  /** records that belong to the caller (its subscriptions, its notifications): someone else's are 404 whatever the region */
  | 'owner'
  /** the path names a record of a region (hz): sibling cities get 404 */
  | 'region';

interface Fixtures {
  ticket: number; tmfTicket: number; hotspot: number; issue: number; problem: number; alarm: number; cell: string;
  /** a fresh record for calls that consume it (close, withdraw, revoke) */
  freshTicket(): Promise<number>; freshIssue(): Promise<number>; freshProblem(): Promise<number>; freshApiKey(): Promise<number>;
}

interface Case { scope: Scope; req?: (fx: Fixtures) => Partial<InjectOptions> | Promise<Partial<InjectOptions>> }

const T0 = '2026-03-02T08:30:00+08:00';
const json = (payload: unknown): Partial<InjectOptions> => ({ payload: payload as any });
const mergePatch = (payload: unknown): Partial<InjectOptions> => ({ payload: JSON.stringify(payload), headers: { 'content-type': 'application/merge-patch+json' } });

/** How each route is called and scoped. Bodies of unscoped writes are deliberately invalid (400 after the access check: nothing changes). */
const CASES: Record<string, Case> = {
  'GET /healthz': { scope: 'public' },
  'GET /metrics': { scope: 'public' },
  'POST /api/v1/auth/login': { scope: 'public', req: () => json({ username: 'nobody-here', password: 'x' }) },
  'POST /api/v1/auth/logout': { scope: 'global' },
  'GET /api/v1/auth/me': { scope: 'global' },

  'GET /api/v1/regions': { scope: 'global' },
  'GET /api/v1/regions/:id': { scope: 'region', req: () => ({ url: '/api/v1/regions/hz' }) },
  'PUT /api/v1/regions/:id': { scope: 'region', req: () => ({ url: '/api/v1/regions/hz', ...json({ name: '杭州市', parent: 'zj' }) }) },
  'GET /api/v1/departments': { scope: 'global' },
  'GET /api/v1/departments/:id': { scope: 'region', req: () => ({ url: '/api/v1/departments/hz-noc' }) },
  'PUT /api/v1/departments/:id': { scope: 'region', req: () => ({ url: '/api/v1/departments/hz-noc', ...json({ name: '杭州网优中心', kind: 'noc', region: 'hz' }) }) },
  'GET /api/v1/users': { scope: 'global' },
  'GET /api/v1/users/:username': { scope: 'region', req: () => ({ url: '/api/v1/users/agent' }) },
  'PUT /api/v1/users/:username': { scope: 'global', req: () => ({ url: '/api/v1/users/matrix-tmp', ...json({}) }) },
  'GET /api/v1/api-keys': { scope: 'global' },
  'POST /api/v1/api-keys': { scope: 'global', req: () => json({}) },
  'DELETE /api/v1/api-keys/:id': { scope: 'global', req: async (fx) => ({ url: `/api/v1/api-keys/${await fx.freshApiKey()}` }) },
  'GET /api/v1/audit': { scope: 'global' },

  'POST /api/v1/network-issues': { scope: 'global', req: () => json({}) },
  'GET /api/v1/network-issues': { scope: 'global' },
  'GET /api/v1/network-issues/lookup': { scope: 'global', req: () => ({ url: `/api/v1/network-issues/lookup?lon=120.16&lat=30.27&at=${encodeURIComponent(T0)}` }) },
  'GET /api/v1/network-issues/:id': { scope: 'region', req: (fx) => ({ url: `/api/v1/network-issues/${fx.issue}` }) },
  'PATCH /api/v1/network-issues/:id': { scope: 'region', req: (fx) => ({ url: `/api/v1/network-issues/${fx.issue}`, ...json({ title: '文三路基站故障' }) }) },
  'POST /api/v1/network-issues/:id/close': { scope: 'region', req: async (fx) => ({ url: `/api/v1/network-issues/${await fx.freshIssue()}/close`, ...json({}) }) },
  'GET /api/v1/cells': { scope: 'global' },
  'GET /api/v1/cells/:id': { scope: 'region', req: (fx) => ({ url: `/api/v1/cells/${fx.cell}` }) },

  'POST /api/v1/tickets': { scope: 'global', req: () => json({}) },
  'GET /api/v1/tickets': { scope: 'global' },
  'GET /api/v1/tickets/:id': { scope: 'region', req: (fx) => ({ url: `/api/v1/tickets/${fx.ticket}` }) },
  'POST /api/v1/tickets/:id/events': { scope: 'region', req: (fx) => ({ url: `/api/v1/tickets/${fx.ticket}/events`, ...json({ type: 'noted', text: 'matrix' }) }) },
  'GET /api/v1/tickets/export': { scope: 'global' },
  // the ticket already sits with hz-noc: 409 in scope (nothing changes), 404 from a sibling city
  'POST /api/v1/tickets/:id/assignment': { scope: 'region', req: (fx) => ({ url: `/api/v1/tickets/${fx.ticket}/assignment`, ...json({ department: 'hz-noc', reason: 'matrix' }) }) },
  'GET /api/v1/tickets/:id/construction-check': { scope: 'region', req: (fx) => ({ url: `/api/v1/tickets/${fx.ticket}/construction-check` }) },
  'GET /api/v1/categories': { scope: 'global' },

  'GET /api/v1/hotspots': { scope: 'global' },
  'GET /api/v1/hotspots/map': { scope: 'global' },
  'GET /api/v1/hotspots/settings': { scope: 'global' },
  'PUT /api/v1/hotspots/settings': { scope: 'global', req: () => json({}) },
  'GET /api/v1/hotspots/:id': { scope: 'region', req: (fx) => ({ url: `/api/v1/hotspots/${fx.hotspot}` }) },

  'POST /api/v1/problems': { scope: 'global', req: () => json({}) },
  'GET /api/v1/problems': { scope: 'global' },
  'GET /api/v1/problems/:id': { scope: 'region', req: (fx) => ({ url: `/api/v1/problems/${fx.problem}` }) },
  'PATCH /api/v1/problems/:id': { scope: 'region', req: (fx) => ({ url: `/api/v1/problems/${fx.problem}`, ...json({ rootCause: '天线倾角' }) }) },
  'POST /api/v1/problems/:id/tickets': { scope: 'region', req: (fx) => ({ url: `/api/v1/problems/${fx.problem}/tickets`, ...json({ ticketIds: [fx.ticket] }) }) },
  'POST /api/v1/problems/:id/close': { scope: 'region', req: async (fx) => ({ url: `/api/v1/problems/${await fx.freshProblem()}/close`, ...json({}) }) },

  'GET /api/v1/kpis': { scope: 'global', req: () => ({ url: '/api/v1/kpis?from=2026-03&to=2026-04' }) },
  'GET /api/v1/kpis/backlog': { scope: 'global' },
  'GET /api/v1/kpis/export': { scope: 'global', req: () => ({ url: '/api/v1/kpis/export?from=2026-03&to=2026-04' }) },
  'GET /api/v1/kpi-targets': { scope: 'global' },
  'PUT /api/v1/kpi-targets': { scope: 'global', req: () => json('x') },
  'GET /api/v1/kpi-weights': { scope: 'global' },
  'PUT /api/v1/kpi-weights': { scope: 'global', req: () => json('x') },
  'GET /api/v1/scorecards': { scope: 'global', req: () => ({ url: '/api/v1/scorecards?from=2026-03&to=2026-04' }) },
  'GET /api/v1/reports/monthly': { scope: 'global', req: () => ({ url: '/api/v1/reports/monthly?month=2026-03' }) },

  'GET /api/v1/sla-policies': { scope: 'global' },
  'PUT /api/v1/sla-policies/:id': { scope: 'global', req: () => ({ url: '/api/v1/sla-policies/matrix', ...json({}) }) },
  'DELETE /api/v1/sla-policies/:id': { scope: 'global', req: () => ({ url: '/api/v1/sla-policies/matrix-none' }) },
  'GET /api/v1/calendars': { scope: 'global' },
  'GET /api/v1/calendars/:id': { scope: 'global', req: () => ({ url: '/api/v1/calendars/24x7' }) },
  'PUT /api/v1/calendars/:id': { scope: 'global', req: () => ({ url: '/api/v1/calendars/matrix', ...json({}) }) },
  'GET /api/v1/notifications': { scope: 'global' },
  'POST /api/v1/notifications/:id/read': { scope: 'owner', req: () => ({ url: '/api/v1/notifications/999999/read' }) },

  'POST /api/v1/import/cells': { scope: 'global', req: () => json({}) },
  'POST /api/v1/import/subscribers': { scope: 'global', req: () => json({}) },
  'POST /api/v1/import/tickets': { scope: 'global', req: () => json({}) },

  'POST /tmf-api/alarmManagement/v4/alarm': { scope: 'global', req: () => json({}) },
  'PATCH /tmf-api/alarmManagement/v4/alarm/:id': { scope: 'region', req: (fx) => ({ url: `/tmf-api/alarmManagement/v4/alarm/${fx.alarm}`, ...mergePatch({ alarmDetails: 'matrix' }) }) },
  'GET /tmf-api/alarmManagement/v4/alarm/:id': { scope: 'region', req: (fx) => ({ url: `/tmf-api/alarmManagement/v4/alarm/${fx.alarm}` }) },

  'GET /tmf-api/troubleTicket/v4/troubleTicket': { scope: 'global' },
  'POST /tmf-api/troubleTicket/v4/troubleTicket': { scope: 'global', req: () => json({}) },
  'GET /tmf-api/troubleTicket/v4/troubleTicket/:id': { scope: 'region', req: (fx) => ({ url: `/tmf-api/troubleTicket/v4/troubleTicket/${fx.tmfTicket}` }) },
  'PATCH /tmf-api/troubleTicket/v4/troubleTicket/:id': { scope: 'region', req: (fx) => ({ url: `/tmf-api/troubleTicket/v4/troubleTicket/${fx.tmfTicket}`, ...mergePatch({ note: [{ text: 'matrix' }] }) }) },
  'DELETE /tmf-api/troubleTicket/v4/troubleTicket/:id': { scope: 'region', req: async (fx) => ({ url: `/tmf-api/troubleTicket/v4/troubleTicket/${await fx.freshTicket()}` }) },
  'POST /tmf-api/troubleTicket/v4/hub': { scope: 'global', req: () => json({}) },
  'DELETE /tmf-api/troubleTicket/v4/hub/:id': { scope: 'owner', req: () => ({ url: '/tmf-api/troubleTicket/v4/hub/999999' }) },
  'GET /api/v1/tmf621/settings': { scope: 'global' },
  'PUT /api/v1/tmf621/settings': { scope: 'global', req: () => json('x') },
  'POST /api/v1/tmf621/tickets/:id/information-required': { scope: 'region', req: (fx) => ({ url: `/api/v1/tmf621/tickets/${fx.tmfTicket}/information-required`, ...json({ text: '请补充发生时间' }) }) },

  'POST /api/v1/webhooks': { scope: 'global', req: () => json({}) },
  'GET /api/v1/webhooks': { scope: 'global' },
  'GET /api/v1/webhooks/:id': { scope: 'owner', req: () => ({ url: '/api/v1/webhooks/999999' }) },
  'DELETE /api/v1/webhooks/:id': { scope: 'owner', req: () => ({ url: '/api/v1/webhooks/999999' }) },
  'POST /api/v1/webhooks/:id/resume': { scope: 'owner', req: () => ({ url: '/api/v1/webhooks/999999/resume' }) },
};

/** A route's key in CASES: TMF621 serves each path with and without a trailing slash, one rule for both. */
const keyOf = (r: RouteEntry) => `${r.method} ${r.url.length > 1 ? r.url.replace(/\/$/, '') : r.url}`;

/** The callers: one per role and region (handlers and experts belong to a city department, so none at province level). */
const REGIONS = ['hz', 'zj', 'nb'] as const;
type Caller = { role: Role; region: (typeof REGIONS)[number]; name: string; authorization: string };

eachEngine('access matrix: every route × role × region', (ctx) => {
  let t: TestApp;
  let app: FastifyInstance;
  let fx: Fixtures;
  const callers: Caller[] = [];

  before(async () => {
    t = await testApp(ctx.db, { start: '2026-03-02T09:00:00+08:00' });
    // the matrix fires thousands of requests: no rate limits here (they have their own test)
    app = await buildApp(t.deps, { console: false, security: { ...DEFAULT_SECURITY, rateLimit: { user: null, address: null, login: null } } });
    await app.ready();
    const admin = { authorization: `Bearer ${await t.token('admin')}` };
    const as = async (who: { authorization: string }, o: InjectOptions) => {
      const r = await app.inject({ ...o, headers: { ...(o.headers as object), ...who } });
      if (r.statusCode >= 300) throw new Error(`fixture ${o.method} ${o.url}: ${r.statusCode} ${r.body}`);
      return r.json();
    };

    for (const role of ROLES) {
      for (const region of REGIONS) {
        const name = `m-${role}-${region}`;
        if (role === 'api') {
          const k = await as(admin, { method: 'POST', url: '/api/v1/api-keys', payload: { name, role: 'api', region } });
          callers.push({ role, region, name, authorization: `Bearer ${k.key}` });
          continue;
        }
        const department = role === 'handler' ? `${region}-maintenance` : role === 'expert' ? `${region}-expert` : null;
        if (department && region === 'zj') continue;
        await as(admin, { method: 'PUT', url: `/api/v1/users/${name}`, payload: { password: 'matrix-password-1', role, region, ...(department ? { department } : {}) } });
        const s = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: name, password: 'matrix-password-1' } });
        callers.push({ role, region, name, authorization: `Bearer ${s.json().token}` });
      }
    }

    // records in hz
    await seedCells(t, [
      { cellId: 'mx-1', siteId: 'mx', region: 'hz', lon: 120.16, lat: 30.27, neighbours: ['mx-2'] },
      { cellId: 'mx-2', siteId: 'mx', region: 'hz', lon: 120.16, lat: 30.27 },
    ]);
    const agent = { authorization: `Bearer ${await t.token('agent')}` };
    const noc = { authorization: `Bearer ${await t.token('noc')}` };
    const apiHz = callers.find((c) => c.role === 'api' && c.region === 'hz')!;
    const newTicket = async (over = {}) => (await as(agent, { method: 'POST', url: '/api/v1/tickets', payload: intake(over) })).id as number;
    let hotspot = 0;
    let first = 0;
    for (let i = 0; i < 6; i++) {
      const tk = await as(agent, { method: 'POST', url: '/api/v1/tickets', payload: intake({ cellId: 'mx-1', region: undefined, address: undefined, customer: { msisdn: `1380000100${i}` } }) });
      first ||= tk.id;
      hotspot = tk.hotspotId ?? hotspot;
    }
    assert.ok(hotspot, 'six complaints at one cell make a hotspot');
    const newIssue = async () => (await as(noc, { method: 'POST', url: '/api/v1/network-issues', payload: { kind: 'outage', title: '文三路基站', explanation: '正在抢修', region: 'hz', cells: ['mx-1'], startsAt: T0 } })).id as number;
    const newProblem = async () => (await as(noc, { method: 'POST', url: '/api/v1/problems', payload: { title: '文三路弱覆盖', region: 'hz' } })).id as number;
    const alarm = await as({ authorization: apiHz.authorization }, {
      method: 'POST', url: '/tmf-api/alarmManagement/v4/alarm',
      payload: { alarmType: 'EquipmentAlarm', perceivedSeverity: 'critical', probableCause: 'powerProblem', alarmedObject: { id: 'mx-1' }, sourceSystemId: 'nms', state: 'raised', alarmRaisedTime: T0 },
    });
    fx = {
      ticket: first, tmfTicket: await newTicket(), hotspot, issue: await newIssue(), problem: await newProblem(), alarm: Number(alarm.id), cell: 'mx-1',
      freshTicket: () => newTicket(), freshIssue: newIssue, freshProblem: newProblem,
      freshApiKey: async () => (await as(admin, { method: 'POST', url: '/api/v1/api-keys', payload: { name: `tmp-${Math.random().toString(36).slice(2)}`, role: 'api', region: 'hz' } })).id,
    };
  });
  after(async () => { await app.close(); await t.close(); });

  it('has a rule and an expectation for every route, and no expectation without a route', (tc) => {
    const table = app.routeTable;
    assert.ok(table.length >= 60, `${table.length} routes`);
    const keys = new Set(table.map(keyOf));
    const missing = [...keys].filter((k) => !CASES[k]);
    assert.deepEqual(missing, [], 'routes without an entry in the access matrix: decide their scope in access-matrix.test.ts');
    for (const r of table) assert.ok(r.access === 'public' || (Array.isArray(r.access) && r.access.length > 0), `${keyOf(r)} declares no roles`);
    for (const r of table) assert.equal(r.access === 'public', CASES[keyOf(r)].scope === 'public', `${keyOf(r)}: public in the app iff public in the matrix`);
    const stale = Object.keys(CASES).filter((k) => !keys.has(k));
    const scopes = new Histogram();
    for (const k of keys) if (CASES[k]) scopes.add(CASES[k].scope);
    report(tc, `access routes [${ctx.engine}]`, { routeTableEntries: table.length, distinctRoutes: keys.size, withoutEntry: missing.length, staleEntries: stale.length, scopes: String(scopes) });
    assert.deepEqual(stale, [], 'matrix entries for routes that no longer exist');
  });

  it('answers every route × role × region as the access list and the region scope say', async (tc) => {
    const failures: string[] = [];
    let checked = 0;
    const pairs = new Set<string>();
    const routesChecked = new Set<RouteEntry>();
    /** every cell by what it checked: anonymous refused (401), role refused (403), role allowed, and of those the region verdicts */
    const cells = new Histogram();
    const statuses = new Histogram();
    // signing out ends the callers' sessions: last
    const routes = [...app.routeTable].sort((a, b) => Number(keyOf(a) === 'POST /api/v1/auth/logout') - Number(keyOf(b) === 'POST /api/v1/auth/logout'));
    for (const r of routes) {
      const c = CASES[keyOf(r)];
      if (!c) continue;
      const roles = r.access === 'public' ? [] : r.access;
      const call = async (authorization: string | null) => {
        const base = await (c.req?.(fx) ?? {});
        const url = String(base.url ?? r.url).replace(/\/$/, r.url.endsWith('/') ? '/' : '');
        const withSlash = r.url.endsWith('/') && !url.includes('?') ? (url.endsWith('/') ? url : `${url}/`) : url;
        const headers = { ...(base.headers as object), ...(authorization ? { authorization } : {}) };
        return app.inject({ method: r.method as any, ...base, url: withSlash, headers });
      };

      // anonymous
      const anon = await call(null);
      checked++;
      routesChecked.add(r);
      statuses.add(anon.statusCode);
      cells.add(r.access === 'public' ? 'public' : 'anonymous-denied');
      if (anon.statusCode >= 500) failures.push(`${keyOf(r)} anonymous: ${anon.statusCode} ${anon.body.slice(0, 200)}`);
      if (r.access !== 'public' && anon.statusCode !== 401) failures.push(`${keyOf(r)} anonymous: ${anon.statusCode}, expected 401`);
      if (r.access === 'public' && (anon.statusCode === 403 || (anon.statusCode === 401 && /unauthenticated/.test(anon.body)))) failures.push(`${keyOf(r)} anonymous: ${anon.statusCode} on a public route`);
      if (r.access === 'public') continue;

      for (const caller of callers) {
        const res = await call(caller.authorization);
        checked++;
        statuses.add(res.statusCode);
        pairs.add(`${keyOf(r)} ${caller.role}`);
        const who = `${r.method} ${r.url} as ${caller.role}@${caller.region}`;
        const body = res.body.slice(0, 200);
        const allowed = roles.includes(caller.role);
        if (res.statusCode >= 500) { failures.push(`${who}: ${res.statusCode} ${body}`); continue; }
        if (res.statusCode === 401) { failures.push(`${who}: 401 for a signed-in caller`); continue; }
        if (!allowed) {
          cells.add('role-denied');
          if (res.statusCode !== 403) failures.push(`${who}: ${res.statusCode}, expected 403 (role not in ${JSON.stringify(roles)}) ${body}`);
          continue;
        }
        cells.add('role-allowed');
        // the access list's refusal (http/authentication.ts); a domain rule may still say no (e.g. not the owner department)
        const roleRefused = res.statusCode === 403 && res.json().details?.action === `${r.method} ${r.url}`;
        if (roleRefused) { failures.push(`${who}: refused for its role though the route lists it: ${body}`); continue; }
        if (c.scope !== 'region') continue;
        const inScope = caller.region !== 'nb' || caller.role === 'admin';
        cells.add(inScope ? 'region-reached' : 'region-hidden-404');
        if (inScope && res.statusCode === 404) failures.push(`${who}: 404 for a record in its scope ${body}`);
        if (inScope && r.method === 'GET' && res.statusCode !== 200) failures.push(`${who}: ${res.statusCode}, expected 200 ${body}`);
        if (!inScope && res.statusCode !== 404) failures.push(`${who}: ${res.statusCode}, expected 404 for a record in a sibling city ${body}`);
      }
    }
    // what must have run: each route once anonymously, each non-public route once per caller
    const expected = app.routeTable.reduce((n, r) => n + 1 + (r.access === 'public' ? 0 : callers.length), 0);
    const callerRegions = new Set(callers.map((c) => c.region));
    const callerRoles = new Set(callers.map((c) => c.role));
    report(tc, `access matrix [${ctx.engine}]`, {
      routes: routesChecked.size, roles: callerRoles.size, regions: callerRegions.size, callers: callers.length, routeRolePairs: pairs.size, cells: checked,
      anonymousDenied: cells.get('anonymous-denied'), publicRoutes: cells.get('public'), roleDenied: cells.get('role-denied'), roleAllowed: cells.get('role-allowed'),
      regionReached: cells.get('region-reached'), regionHidden404: cells.get('region-hidden-404'), statuses: String(statuses), failures: failures.length,
    });
    assert.equal(routesChecked.size, app.routeTable.length, 'every route in the route table was checked');
    assert.equal(checked, expected, 'every route × caller cell was checked');
    assert.deepEqual([...callerRoles].sort(), [...ROLES].sort(), 'a caller of every role');
    assert.deepEqual([...callerRegions].sort(), [...REGIONS].sort(), 'callers in the own city, the province and a sibling city');
    assert.deepEqual(failures, []);
  });
});
