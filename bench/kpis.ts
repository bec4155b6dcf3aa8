/**
 * KPI benchmark (issue 5: a province, one month, grouped by city and network in ≤ 100 ms with
 * 10,000,000 tickets; what the aggregates cost intake).
 *
 * 1. Seeds a fresh database — SQLite in a temp folder, or with `--pg URL` a throwaway database on
 *    that PostgreSQL server — with bench/lib/seed.ts: a province of 11 cities and N tickets over 36
 *    months written in bulk into the raw tables the KPIs read, then the aggregates built with
 *    rebuildKpis, the same contribution and upsert code the live hook runs (and that the property
 *    test checks against the raw tables).
 * 2. Times KPI queries through kpiReport and through the HTTP route: p50 / p99.
 * 3. Times live intake (createTicket, one transaction per ticket) on a fresh database with the KPI
 *    hook and without it (a child process whose module loader swaps kpis/hooks.ts for a no-op).
 *
 *   node bin/run-ts.mjs bench/kpis.ts [--tickets 1000000] [--queries 50] [--intake 2000] [--concurrency 16] [--skip-intake]
 *     [--pg postgres://…]   a throwaway database on that PostgreSQL server instead of SQLite
 *     [--sqlite FILE]       keep the SQLite database in FILE; a later run reuses it without seeding
 *     [--pg-db NAME]        with --pg: keep the database NAME on that server, reused likewise (bench/seed.ts seeds one)
 *     [--shapes 0,1,5]      only those query shapes (indexes into the list in main())
 *
 * Progress on stderr, JSON results on stdout.
 */
import { register } from 'node:module';
import { spawnSync } from 'node:child_process';
import { loadavg, tmpdir } from 'node:os';
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';

const args = process.argv.slice(2);
const opt = (name: string, dflt: string) => { const i = args.indexOf(`--${name}`); return i >= 0 ? args[i + 1] : dflt; };
const flag = (name: string) => args.includes(`--${name}`);
const TICKETS = Number(opt('tickets', '1000000'));
const QUERIES = Number(opt('queries', '50'));
const INTAKE = Number(opt('intake', '2000'));
const PG_URL = opt('pg', '');
const KEEP = opt('sqlite', '');
const PG_DB = opt('pg-db', '');

// the intake child without the hook: resolve kpis/hooks.ts to a module whose hook does nothing
if (flag('no-kpi-hook')) {
  const loader = `export async function resolve(spec, ctx, next) {
    if (/\\/kpis\\/hooks\\.ts$/.test(spec)) return { url: 'data:text/javascript,export async function kpiTicketHook() {} export async function addNewTicketKpis() {} export async function refreshTicketKpis() {}', shortCircuit: true };
    return next(spec, ctx);
  }`;
  register(`data:text/javascript,${encodeURIComponent(loader)}`);
}

const { migrate } = await import('../server/src/db/migrate.ts');
const { loadConfig } = await import('../server/src/config.ts');
const { systemClock, ManualClock } = await import('../server/src/shared/clock.ts');
const { testPii } = await import('../server/src/pii/pii.ts');
const { BENCH_PASSWORD, CITIES, NETWORK_CATEGORIES, NOW, TZ, openBenchDb, percentile, pick, round, say, seedBench, seedProvince, timeRuns } = await import('./lib/seed.ts');

// ---------------------------------------------------------------- intake (child process)

async function intakeRun(): Promise<void> {
  const { createTicket } = await import('../server/src/tickets/create-ticket.ts');
  const h = await openBenchDb({ pg: PG_URL || undefined });
  await migrate(h.db);
  await seedProvince(h.db);
  const config = { ...loadConfig({ NETCARE_DATA_DIR: tmpdir(), NETCARE_DATABASE_URL: h.url }), timeZone: TZ };
  const deps = { db: h.db, config, clock: systemClock, pii: testPii() };
  const actor = { kind: 'user' as const, id: 1, name: 'agent', role: 'agent' as const, regionId: 'hz', departmentId: 'hz-complaint_centre', isProvince: false, regionSubtreeIds: ['hz'] };
  const body = (i: number) => ({
    channel: 'hotline', customer: { msisdn: `138${String(i % 5000).padStart(8, '0')}` }, category: pick(NETWORK_CATEGORIES), network: 'LTE',
    region: 'hz', address: '杭州市西湖区文三路 100 号', description: '室内通话经常掉线',
  });
  // concurrent callers: SQLite group-commits them (db/group-commit.ts), PostgreSQL runs them on the pool
  const concurrency = Number(opt('concurrency', '16'));
  for (let i = 0; i < 50; i++) await createTicket(deps, actor, body(i), null);
  let next = 0;
  const started = performance.now();
  const cpu = process.cpuUsage();
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < INTAKE) { const i = next++; await createTicket(deps, actor, body(i + 50), null); }
  }));
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  // this process's CPU per ticket: on SQLite the whole intake, on PostgreSQL the client side only
  const cpuMsPerTicket = round((used.user + used.system) / 1000 / INTAKE);
  // proof of which variant ran: the hook stores one contribution per ticket
  const stored = Number((await h.db.kysely.selectFrom('kpiTicket').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
  await h.drop();
  process.stdout.write(JSON.stringify({ tickets: INTAKE, concurrency, seconds: round(seconds), perSecond: Math.round(INTAKE / seconds), cpuMsPerTicket, storedContributions: stored }));
}

function intakeChild(withHook: boolean): unknown {
  const script = resolve(import.meta.dirname, 'kpis.ts');
  const r = spawnSync(process.execPath, [resolve(import.meta.dirname, '../bin/run-ts.mjs'), script, '--intake-child', '--intake', String(INTAKE), '--concurrency', opt('concurrency', '16'),
    ...(PG_URL ? ['--pg', PG_URL] : []), ...(withHook ? [] : ['--no-kpi-hook'])], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  if (r.status !== 0) throw new Error(`intake child failed (${r.status})`);
  return JSON.parse(r.stdout);
}

// ---------------------------------------------------------------- main

async function main(): Promise<void> {
  if (flag('intake-child')) return intakeRun();
  const h = await openBenchDb({ sqlite: KEEP || undefined, pg: PG_URL || undefined, pgDb: PG_DB || undefined });
  const started = performance.now();
  const { kpiReport } = await import('../server/src/kpis/query.ts');
  const seeded = await seedBench(h, { tickets: TICKETS });
  const { loadSeconds, rebuildSeconds } = seeded;
  const counts = async (table: 'kpiDay' | 'kpiTicket' | 'kpiDurationDay' | 'kpiDurationMonth') =>
    Number((await h.db.kysely.selectFrom(table).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
  // the raw tables by their highest id (ids are 1…N as seeded): a count(*) of 45M clock rows reads the whole table
  const maxId = async (table: 'ticket' | 'ticketClock') => Number((await h.db.kysely.selectFrom(table).select((eb) => eb.fn.max('id').as('n')).executeTakeFirstOrThrow()).n);
  const rows = { ticket: await maxId('ticket'), ticketClock: await maxId('ticketClock'), kpiDay: await counts('kpiDay'), kpiDurationDay: await counts('kpiDurationDay'), kpiDurationMonth: await counts('kpiDurationMonth'), kpiTicket: await counts('kpiTicket') };

  const config = { ...loadConfig({ NETCARE_DATA_DIR: tmpdir(), NETCARE_DATABASE_URL: h.url }), timeZone: TZ };
  const deps = { db: h.db, config, clock: new ManualClock(NOW), pii: testPii() };
  const province = { kind: 'user' as const, id: 1, name: 'province', role: 'supervisor' as const, regionId: 'zj', departmentId: null, isProvince: true, regionSubtreeIds: ['zj', ...CITIES] };
  const shapes: [string, Record<string, string>][] = [
    ['province month by city and network', { from: '2026-05', to: '2026-06', groupBy: 'region,network' }],
    ['province month, no grouping', { from: '2026-05', to: '2026-06' }],
    ['province 12 months by month', { from: '2025-06', to: '2026-06', groupBy: 'month' }],
    ['city month by day', { from: '2026-05', to: '2026-06', region: 'hz', groupBy: 'day' }],
    ['province month by department', { from: '2026-05', to: '2026-06', groupBy: 'department' }],
    ['loose days (03-15..04-15) by city and network', { from: '2026-03-15', to: '2026-04-15', groupBy: 'region,network' }],
  ];
  const queries: Record<string, unknown> = {};
  // --shapes 0,1,…: only those (indexes into the list above)
  const only = opt('shapes', '') ? opt('shapes', '').split(',').map(Number) : null;
  for (const [name, q] of shapes.filter((_, i) => !only || only.includes(i))) {
    for (let i = 0; i < 3; i++) await kpiReport(deps, province, q);
    const { ms, cpu, last } = await timeRuns(QUERIES, () => kpiReport(deps, province, q));
    const groups = last.groups.length;
    // SQLite runs inside this process: its CPU time is the query's work whatever else loads the machine
    queries[name] = { p50: round(percentile(ms, 0.5)), p99: round(percentile(ms, 0.99)), max: round(Math.max(...ms)), cpuP50: round(percentile(cpu, 0.5)), cpuP99: round(percentile(cpu, 0.99)), groups };
    say(`${name}: p50 ${round(percentile(ms, 0.5))} ms, p99 ${round(percentile(ms, 0.99))} ms, process CPU p50 ${round(percentile(cpu, 0.5))} ms (${groups} groups)\n`);
  }
  // the same first query through the HTTP route (authentication, validation, JSON)
  const { buildApp } = await import('../server/src/app.ts');
  const app = await buildApp(deps, { console: false });
  await app.ready();
  deps.clock.set(Date.now());
  const login = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'province', password: BENCH_PASSWORD } });
  const token = login.json().token;
  const http: number[] = [];
  for (let i = 0; i < QUERIES + 3; i++) {
    const t = performance.now();
    const r = await app.inject({ method: 'GET', url: '/api/v1/kpis?from=2026-05&to=2026-06&groupBy=region,network', headers: { authorization: `Bearer ${token}` } });
    if (r.statusCode !== 200) throw new Error(r.body);
    if (i >= 3) http.push(performance.now() - t);
  }
  queries['HTTP: province month by city and network'] = { p50: round(percentile(http, 0.5)), p99: round(percentile(http, 0.99)) };
  say(`HTTP: p50 ${round(percentile(http, 0.5))} ms, p99 ${round(percentile(http, 0.99))} ms\n`);
  await app.close();
  const size = h.size();
  await h.drop();

  let intake: unknown = 'skipped';
  if (!flag('skip-intake')) {
    say(`intake: ${INTAKE} tickets with the KPI hook, then without\n`);
    intake = { withHook: intakeChild(true), withoutHook: intakeChild(false) };
  }
  process.stdout.write(`${JSON.stringify({
    engine: h.engine, tickets: TICKETS, rows, databaseBytes: size, loadSeconds: round(loadSeconds), rebuildSeconds: round(rebuildSeconds),
    queriesEach: QUERIES, queryMs: queries, intake, loadavg: loadavg().map(round), totalSeconds: round((performance.now() - started) / 1000),
  }, null, 2)}\n`);
}

await main();
