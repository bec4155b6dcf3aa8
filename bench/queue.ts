/**
 * Queue page benchmark (issues 5 and 8): a department's open tickets by nearest due time —
 * `GET /api/v1/tickets` in queue order, 50 per page, the first page and a deep keyset page —
 * with millions of stored tickets. Target: p99 ≤ 20 ms at 10,000,000 tickets.
 *
 *   node bin/run-ts.mjs bench/queue.ts [--tickets 1000000] [--requests 200]
 *     [--sqlite FILE | --pg postgres://… [--pg-db NAME]]   kept database (bench/seed.ts), else a fresh one
 *     [--no-http]      only the in-process measurement
 *     [--shapes 0,1,2] only those queue shapes (index into SHAPES)
 *
 * Seeds with bench/lib/seed.ts (no KPI aggregates needed), then for each queue shape (the console's
 * queue tabs: handler, NOC incoming, a department's whole open queue, a city supervisor's open
 * tickets) and each page (first; deep: the cursor at 80 % of the queue):
 * 1. in-process: listTickets — the route's list function — p50/p99 wall time and this process's
 *    CPU time (on SQLite the query runs in this process, so CPU is steady under machine load);
 * 2. through the real server (`netcare serve` in its own process, bench/lib/server.ts): p50/p99 of
 *    sequential requests with the handler's or NOC's token (authentication, presentation, JSON);
 * 3. the plan: EXPLAIN QUERY PLAN (SQLite) or EXPLAIN (ANALYZE, BUFFERS) (PostgreSQL) of the very
 *    SQL listTickets sent, and whether it scans the whole table or sorts.
 * Progress on stderr, JSON results on stdout.
 */
import { loadavg, tmpdir } from 'node:os';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import SQLite from 'better-sqlite3';
import type { KyselyPlugin, PluginTransformQueryArgs, PluginTransformResultArgs, QueryResult, RootOperationNode, UnknownRow } from 'kysely';
import { flags, startServerProcess, login } from './lib/server.ts';
import { BENCH_SERVER_ENV, NOW, TZ, openBenchDb, percentile, round, say, seedBench, timeRuns } from './lib/seed.ts';
import { loadConfig } from '../server/src/config.ts';
import { migrate } from '../server/src/db/migrate.ts';
import { ManualClock } from '../server/src/shared/clock.ts';
import { testPii } from '../server/src/pii/pii.ts';
import { listTickets, type ListFilters } from '../server/src/tickets/list.ts';
import { encodeCursor } from '../server/src/http/pagination.ts';
import type { Actor } from '../server/src/access/actor.ts';

const f = flags();
const TICKETS = Number(f.tickets ?? 1_000_000);
const REQUESTS = Number(f.requests ?? 200);
const HTTP = f['no-http'] !== 'true';
/** `--shapes 0,1,2`: only those queue shapes (the supervisor's sorts its whole city on PostgreSQL: slow to page through at 10M) */
const ONLY = f.shapes ? f.shapes.split(',').map(Number) : null;

/** The console's queue tabs (console/src/pages/queue/queue-page.tsx), as the demo users of Hangzhou. */
const user = (name: string, role: Actor['role'], departmentId: string | null): Actor => ({ kind: 'user', id: 0, name, role, regionId: 'hz', departmentId, isProvince: false, regionSubtreeIds: ['hz'] });
const SHAPES: { name: string; username: string; actor: Actor; query: Record<string, string> }[] = [
  { name: 'handler: department queue (in progress)', username: 'maint', actor: user('maint', 'handler', 'hz-maintenance'), query: { status: 'in_progress', department: 'hz-maintenance' } },
  { name: 'NOC: incoming (dispatched, in progress)', username: 'noc', actor: user('noc', 'noc', 'hz-noc'), query: { status: 'dispatched,in_progress', department: 'hz-noc' } },
  { name: 'NOC: department, every open status', username: 'noc', actor: user('noc', 'noc', 'hz-noc'), query: { status: 'open', department: 'hz-noc' } },
  { name: 'supervisor: every open ticket of the city', username: 'supervisor', actor: user('supervisor', 'supervisor', 'hz-noc'), query: { status: 'open' } },
];

/** Captures the SQL of the queries run through it (for EXPLAIN of exactly what listTickets sends). */
class Capture implements KyselyPlugin {
  last: RootOperationNode | null = null;
  transformQuery(args: PluginTransformQueryArgs): RootOperationNode { this.last = args.node; return args.node; }
  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> { return args.result; }
}

const h = await openBenchDb({ sqlite: f.sqlite, pg: f.pg, pgDb: f['pg-db'] });
const seeded = await seedBench(h, { tickets: TICKETS, aggregates: false });
// a kept database gets the migrations written since it was seeded (indexes), as the server would apply them
const applied = await migrate(h.db);
if (applied.length) say(`migrations applied: ${applied.join(', ')}\n`);
const capture = new Capture();
const config = { ...loadConfig({ NETCARE_DATA_DIR: tmpdir(), NETCARE_DATABASE_URL: h.url }), timeZone: TZ };
const deps = { db: { ...h.db, kysely: h.db.kysely.withPlugin(capture) }, config, clock: new ManualClock(NOW), pii: testPii() } as any;

// the status mix (a scan of every ticket: on a loaded machine it can outlast PostgreSQL's 30 s query timeout, and is only informative)
const counts = await h.db.kysely.selectFrom('ticket').select(['status']).select((eb) => eb.fn.countAll().as('n')).groupBy('status').execute()
  .then((rows) => Object.fromEntries(rows.map((r) => [r.status, Number(r.n)])), (e: Error) => ({ notCounted: e.message }));
say(`tickets by status: ${JSON.stringify(counts)}\n`);

/** The cursor 80 % into the queue: what the console holds after following many pages. */
async function deepCursor(s: (typeof SHAPES)[number]): Promise<{ cursor: string | null; queueLength: number }> {
  const all = await listTickets(deps, s.actor, { ...s.query, limit: 500 } as ListFilters);
  let rows = all.items;
  let next = all.nextCursor;
  while (next) { const p = await listTickets(deps, s.actor, { ...s.query, limit: 500, cursor: next } as ListFilters); rows = rows.concat(p.items); next = p.nextCursor; }
  const at = Math.floor(rows.length * 0.8);
  return { cursor: rows.length > 50 ? encodeCursor([rows[at].nextDueAt, rows[at].id]) : null, queueLength: rows.length };
}

/** The plan of the SQL listTickets just sent, with its parameters. */
async function explain(): Promise<{ plan: string[]; fullScan: boolean; sort: boolean }> {
  const compiled = h.db.kysely.getExecutor().compileQuery(capture.last!, { queryId: 'explain' } as any);
  if (h.engine === 'sqlite') {
    const raw = new SQLite(h.url.slice('sqlite:'.length), { readonly: true });
    const rows = raw.prepare(`explain query plan ${compiled.sql}`).all(...(compiled.parameters as unknown[])) as { detail: string }[];
    raw.close();
    const plan = rows.map((r) => r.detail);
    return { plan, fullScan: plan.some((l) => /^SCAN ticket\b(?! USING)/.test(l)), sort: plan.some((l) => /TEMP B-TREE/.test(l)) };
  }
  const c = new pg.Client({ connectionString: h.url });
  await c.connect();
  const r = await c.query(`explain (analyze, buffers) ${compiled.sql}`, compiled.parameters as unknown[]);
  await c.end();
  const plan = r.rows.map((x) => x['QUERY PLAN'] as string);
  return { plan, fullScan: plan.some((l) => /Seq Scan on ticket\b/.test(l)), sort: plan.some((l) => /\bSort\b/.test(l) && !/Incremental/.test(l)) };
}

const results: Record<string, unknown> = {};
const urls: { shape: string; page: string; username: string; path: string }[] = [];
for (const s of SHAPES.filter((_, i) => !ONLY || ONLY.includes(i))) {
  const { cursor, queueLength } = await deepCursor(s);
  for (const [pageName, pageCursor] of [['first', undefined], ['deep', cursor]] as const) {
    if (pageName === 'deep' && !pageCursor) continue;
    const q = { ...s.query, limit: 50, ...(pageCursor ? { cursor: pageCursor } : {}) } as ListFilters;
    for (let i = 0; i < 5; i++) await listTickets(deps, s.actor, q);
    const { ms, cpu, last } = await timeRuns(REQUESTS, () => listTickets(deps, s.actor, q));
    const items = last.items.length;
    const plan = await explain();
    const key = `${s.name} — ${pageName} page`;
    results[key] = { queueLength, items, inProcess: { p50: round(percentile(ms, 0.5)), p99: round(percentile(ms, 0.99)), cpuP50: round(percentile(cpu, 0.5)), cpuP99: round(percentile(cpu, 0.99)) }, plan };
    say(`${key} (queue ${queueLength}): in-process p50 ${round(percentile(ms, 0.5))} ms, p99 ${round(percentile(ms, 0.99))} ms, CPU p50 ${round(percentile(cpu, 0.5))} ms; full scan ${plan.fullScan}, sort ${plan.sort}\n`);
    const params = new URLSearchParams({ ...s.query, limit: '50', ...(pageCursor ? { cursor: pageCursor } : {}) });
    urls.push({ shape: key, page: pageName, username: s.username, path: `/api/v1/tickets?${params}` });
  }
}

const dbSize = h.size();
if (HTTP) {
  // the real server, in its own process, on the same database (migrations run at its start)
  await h.close();
  say('starting the server on the seeded database…\n');
  const server = await startServerProcess({ databaseUrl: h.url, port: 3950 + Math.floor(Math.random() * 40), env: BENCH_SERVER_ENV });
  try {
    const tokens = new Map<string, string>();
    for (const u of urls) {
      if (!tokens.has(u.username)) tokens.set(u.username, await login(server.url, u.username));
      const get = async () => {
        const r = await fetch(`${server.url}${u.path}`, { headers: { authorization: `Bearer ${tokens.get(u.username)}` } });
        if (r.status !== 200) throw new Error(`${u.path}: ${r.status} ${await r.text()}`);
        return ((await r.json()) as { items: unknown[] }).items.length;
      };
      for (let i = 0; i < 5; i++) await get();
      const ms: number[] = [];
      for (let i = 0; i < REQUESTS; i++) { const t = performance.now(); await get(); ms.push(performance.now() - t); }
      (results[u.shape] as Record<string, unknown>).http = { p50: round(percentile(ms, 0.5)), p99: round(percentile(ms, 0.99)) };
      say(`${u.shape}: HTTP p50 ${round(percentile(ms, 0.5))} ms, p99 ${round(percentile(ms, 0.99))} ms\n`);
    }
  } finally {
    await server.stop();
  }
}
await h.drop();
console.log(JSON.stringify({ benchmark: 'queue', engine: h.engine, tickets: TICKETS, ticketsByStatus: counts, databaseBytes: dbSize, seed: seeded, requestsEach: REQUESTS, results, loadavg: loadavg().map(round) }, null, 2));
