/**
 * Intake throughput (issue 8, benchmark 1): POST /api/v1/tickets with varied cells, categories
 * and customers, every rule on, against a server in its own process.
 *   node bin/run-ts.mjs bench/intake.ts [--duration 20] [--connections 32] [--cells 100000|demo] [--pg postgres://…] [--processes N] [--sqlite FILE] [--quick]
 * Prints one JSON line: tickets/s, p50, p99, errors, and where the CPU went (ms per ticket of the
 * server processes, of PostgreSQL's backends, of this load generator, and the machine's busy share).
 *
 * `--cells-imported`: the database holds the generated network already (PostgreSQL: a database
 * created with `template` from one that a run imported it into) — the import takes minutes.
 * `--processes N` (PostgreSQL only): N server processes on the one database, each on its own port,
 * sharing the data folder (its personal-data keys); autocannon spreads the connections over them
 * round-robin. The first process migrates and seeds the demo organisation, the others start after it.
 * `--sqlite FILE` runs on an existing database (e.g. bench/seed.ts's 10M tickets: intake with
 * history stored against intake on an empty one); the run adds its tickets to it.
 *
 * Places: by default a province-sized network of 100,000 cells (bench/lib/cells.ts) imported
 * before the run, complaints spread evenly over it, so hotspots form about as often as in life.
 * `--cells demo` uses the 1,149 demo cells of one city instead: at these rates nearly every
 * complaint then joins a hotspot (5 in a neighbourhood within 60 minutes), the costliest path.
 */
import autocannon from 'autocannon';
import { loadavg } from 'node:os';
import { machineCpu, postgresCpu, postgresStatements, processCpuMs } from './lib/cpu.ts';
import { flags, login, startServerProcess } from './lib/server.ts';
import { demoCells } from '../server/src/network/demo.ts';
import { DEMO_CITIES } from '../server/src/demo/organisation.ts';
import { benchCells, importCells } from './lib/cells.ts';
import { BENCH_SERVER_ENV } from './lib/seed.ts';

const f = flags();
const quick = f.quick === 'true';
const duration = Number(f.duration ?? (quick ? 3 : 20));
const connections = Number(f.connections ?? 32);
const port = Number(f.port ?? 3900 + Math.floor(Math.random() * 50) * 4);
const processes = Number(f.processes ?? 1);
if (processes > 1 && !f.pg) throw new Error('--processes needs --pg: several server processes share one PostgreSQL database');

// a seeded database: the seeder's key ring and no background work on its history (bench/lib/seed.ts)
const server = await startServerProcess({ databaseUrl: f.sqlite ? `sqlite:${f.sqlite}` : f.pg, port, env: f.sqlite ? BENCH_SERVER_ENV : {} });
const others: Awaited<ReturnType<typeof startServerProcess>>[] = [];
try {
  for (let i = 1; i < processes; i++) others.push(await startServerProcess({ databaseUrl: f.pg, port: port + i, dataDir: server.dataDir }));
  const servers = [server, ...others];
  const cellsFlag = f.cells ?? (quick ? '3000' : '100000');
  let cells: { cellId: string; region: string }[];
  if (cellsFlag === 'demo') cells = demoCells(DEMO_CITIES[0]).map((c) => ({ cellId: c.cellId, region: c.region }));
  else {
    cells = benchCells(Number(cellsFlag));
    // --cells-imported: the database already holds this network (e.g. created from a template database after one import)
    if (f['cells-imported'] !== 'true') await importCells(server.url, await login(server.url, 'admin'), cells as ReturnType<typeof benchCells>);
  }
  // each city's complaints are taken by that city's agent (an agent's scope is their city)
  const agents: Record<string, string> = { hz: 'agent', nb: 'agent.nb', wz: 'agent.wz' };
  const tokens = new Map<string, string>();
  for (const [region, user] of Object.entries(agents)) tokens.set(region, await login(server.url, user));
  const categories = ['network.call_drop', 'network.slow_data', 'network.weak_indoor_coverage', 'network.no_data', 'network.voice_quality', 'billing.overcharge'];
  let n = 0;
  const next = () => {
    n++;
    const cell = cells[(n * 7919) % cells.length];
    const body = JSON.stringify({
      channel: 'hotline', customer: { msisdn: `1${String(3000000000 + ((n * 7919) % 999999999)).padStart(10, '0')}` },
      category: categories[n % categories.length], cellId: cell.cellId, description: `bench complaint ${n}`,
    });
    return { body, headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens.get(cell.region)}` } };
  };
  // one request of each category first: a benchmark of refusals would measure nothing
  for (let i = 0; i < categories.length; i++) {
    const r = await fetch(`${server.url}/api/v1/tickets`, { method: 'POST', ...next() });
    if (r.status !== 201) throw new Error(`probe intake answered ${r.status}: ${await r.text()}`);
  }
  // every process takes the same tokens (sessions live in the database)
  for (const s of others) {
    const r = await fetch(`${s.url}/api/v1/tickets`, { method: 'POST', ...next() });
    if (r.status !== 201) throw new Error(`probe intake on ${s.url} answered ${r.status}: ${await r.text()}`);
  }
  const startedAt = new Date().toISOString();
  process.stderr.write(`intake: ${connections} connections for ${duration} s against ${f.pg ? 'PostgreSQL' : 'SQLite'}, ${servers.length} server process(es)…\n`);
  const pgCpu = f.pg ? await postgresCpu(f.pg) : null;
  const pgStatements = f.pg ? await postgresStatements(f.pg) : null;
  const statements0 = await pgStatements?.() ?? null;
  const cpu0 = { servers: servers.map((s) => processCpuMs(s.proc.pid!)), pg: pgCpu?.() ?? 0, self: process.cpuUsage(), machine: machineCpu(), load: loadavg()[0] };
  const result = await autocannon({
    url: servers.map((s) => `${s.url}/api/v1/tickets`) as unknown as string, method: 'POST', connections, duration,
    requests: [{ setupRequest: (req: any) => { const r = next(); return { ...req, body: r.body, headers: { ...req.headers, ...r.headers } }; } }],
  });
  const self = process.cpuUsage(cpu0.self);
  const statements1 = await pgStatements?.() ?? null;
  const machine = machineCpu();
  const total = result.requests.total || 1;
  const perTicket = (ms: number) => Math.round((ms / total) * 100) / 100;
  const serverMs = servers.map((s, i) => processCpuMs(s.proc.pid!) - cpu0.servers[i]);
  const cpu = {
    serverMsPerTicket: perTicket(serverMs.reduce((a, b) => a + b, 0)),
    serverCoresEach: serverMs.map((ms) => Math.round((ms / (duration * 1000)) * 100) / 100),
    postgresMsPerTicket: pgCpu ? perTicket(pgCpu() - cpu0.pg) : null,
    statementsPerTicket: statements0 != null && statements1 != null ? Math.round(((statements1 - statements0) / total) * 10) / 10 : null,
    loadGeneratorMsPerTicket: perTicket((self.user + self.system) / 1000),
    machineBusy: Math.round(((machine.busyMs - cpu0.machine.busyMs) / (machine.totalMs - cpu0.machine.totalMs)) * 1000) / 1000,
    loadavgStartEnd: [cpu0.load, loadavg()[0]].map((x) => Math.round(x * 100) / 100),
  };
  // how often the costliest rule fired: hotspots formed during the run
  const admin = await login(server.url, 'admin');
  let hotspots: number | null = 0;
  for (let cursor: string | null = ''; cursor !== null && hotspots !== null;) {
    const hs = await fetch(`${server.url}/api/v1/hotspots?from=${encodeURIComponent(startedAt)}&limit=100${cursor ? `&cursor=${cursor}` : ''}`, { headers: { authorization: `Bearer ${admin}` } });
    if (!hs.ok) { process.stderr.write(`hotspots: ${hs.status} ${await hs.text()}\n`); hotspots = null; break; }
    const page = (await hs.json()) as { items: unknown[]; nextCursor: string | null };
    hotspots += page.items.length;
    cursor = page.nextCursor;
  }
  const out = {
    benchmark: 'intake', engine: f.pg ? 'postgres' : 'sqlite', processes: servers.length, cells: cellsFlag, connections, durationS: duration,
    ticketsPerS: Math.round(result.requests.average), p50Ms: result.latency.p50, p99Ms: result.latency.p99,
    hotspots, non2xx: result.non2xx, errors: result.errors, timeouts: result.timeouts, total: result.requests.total, cpu,
  };
  console.log(JSON.stringify(out));
} finally {
  for (const s of others) await s.stop();
  await server.stop();
}
