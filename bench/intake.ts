/**
 * Intake throughput (issue 8, benchmark 1): POST /api/v1/tickets with varied cells, categories
 * and customers, every rule on, against a server in its own process.
 *   node bin/run-ts.mjs bench/intake.ts [--duration 20] [--connections 32] [--pg postgres://…] [--quick]
 * Prints one JSON line: tickets/s, p50, p99, errors.
 */
import autocannon from 'autocannon';
import { flags, login, startServerProcess } from './lib/server.ts';
import { demoCells } from '../server/src/network/demo.ts';
import { DEMO_CITIES } from '../server/src/demo/organisation.ts';

const f = flags();
const quick = f.quick === 'true';
const duration = Number(f.duration ?? (quick ? 3 : 20));
const connections = Number(f.connections ?? 32);
const port = Number(f.port ?? 3900 + Math.floor(Math.random() * 50));

const server = await startServerProcess({ databaseUrl: f.pg, port });
try {
  const token = await login(server.url, 'agent');
  const cells = demoCells(DEMO_CITIES[0]).map((c) => c.cellId);
  const categories = ['network.call_drop', 'network.slow_data', 'network.weak_indoor_coverage', 'network.no_data', 'network.voice_quality', 'billing.overcharge'];
  let n = 0;
  const body = () => {
    n++;
    return JSON.stringify({
      channel: 'hotline', customer: { msisdn: `1${String(3000000000 + ((n * 7919) % 999999999)).padStart(10, '0')}` },
      category: categories[n % categories.length], cellId: cells[(n * 31) % cells.length], description: `bench complaint ${n}`,
    });
  };
  process.stderr.write(`intake: ${connections} connections for ${duration} s against ${f.pg ? 'PostgreSQL' : 'SQLite'}…\n`);
  const result = await autocannon({
    url: `${server.url}/api/v1/tickets`, method: 'POST', connections, duration,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    requests: [{ setupRequest: (req: any) => ({ ...req, body: body() }) }],
  });
  const out = {
    benchmark: 'intake', engine: f.pg ? 'postgres' : 'sqlite', connections, durationS: duration,
    ticketsPerS: Math.round(result.requests.average), p50Ms: result.latency.p50, p99Ms: result.latency.p99,
    non2xx: result.non2xx, errors: result.errors, timeouts: result.timeouts, total: result.requests.total,
  };
  console.log(JSON.stringify(out));
} finally {
  await server.stop();
}
