/**
 * Server memory (issue 8): resident set size of `netcare serve` at rest and under intake load,
 * on a big database. Target: ≤ 300 MB.
 *
 *   node bin/run-ts.mjs bench/memory.ts [--sqlite FILE | --pg postgres://…/db] [--duration 30] [--connections 32] [--rest 10]
 *
 * With `--sqlite FILE` (e.g. the 10M-ticket database bench/seed.ts wrote for bench/queue.ts) or a
 * PostgreSQL URL of a seeded database, the server starts on it without demo data; without either,
 * on a fresh demo database. Phases: at rest after start (`--rest` seconds), intake load with
 * autocannon (POST /api/v1/tickets as bench/intake.ts, `--duration` seconds), at rest again.
 * The server's RSS (/proc/PID/status VmRSS, and VmHWM, the peak) is sampled every 250 ms.
 * Progress on stderr, one JSON line on stdout.
 */
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import autocannon from 'autocannon';
import { flags, login, startServerProcess } from './lib/server.ts';
import { BENCH_SERVER_ENV, NETWORK_CATEGORIES, percentile, round, say } from './lib/seed.ts';

const f = flags();
const duration = Number(f.duration ?? 30);
const connections = Number(f.connections ?? 32);
const rest = Number(f.rest ?? 10);
const databaseUrl = f.sqlite ? `sqlite:${f.sqlite}` : f.pg;
const port = Number(f.port ?? 3850 + Math.floor(Math.random() * 50));

/** VmRSS and VmHWM of a process, in MB. */
function rss(pid: number): { rss: number; hwm: number } {
  const s = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (k: string) => Number(new RegExp(`^${k}:\\s+(\\d+) kB`, 'm').exec(s)?.[1] ?? NaN);
  return { rss: round(kb('VmRSS') / 1024), hwm: round(kb('VmHWM') / 1024) };
}

/** Samples the RSS every 250 ms while `during` runs. */
async function sample(pid: number, during: Promise<unknown>): Promise<{ p50: number; max: number; hwm: number }> {
  const xs: number[] = [];
  let hwm = 0;
  let done = false;
  void Promise.resolve(during).finally(() => { done = true; });
  while (!done) {
    const r = rss(pid);
    xs.push(r.rss);
    hwm = r.hwm;
    await Promise.race([new Promise((r) => setTimeout(r, 250)), during]);
  }
  return { p50: round(percentile(xs, 0.5)), max: round(Math.max(...xs)), hwm };
}

say(`memory: server on ${databaseUrl ?? 'a fresh demo database'}…\n`);
const server = await startServerProcess({
  databaseUrl, port,
  env: databaseUrl ? BENCH_SERVER_ENV : { NETCARE_BUILD_CONSOLE: '0' },
});
const pid = server.proc.pid!;
try {
  const atStart = rss(pid);
  const token = await login(server.url, 'agent');
  say(`at rest for ${rest} s (RSS at start ${atStart.rss} MB)\n`);
  const restBefore = await sample(pid, new Promise((r) => setTimeout(r, rest * 1000)));
  let n = 0;
  const body = () => {
    n++;
    return JSON.stringify({
      channel: 'hotline', customer: { msisdn: `1${String(3000000000 + ((n * 7919) % 999999999)).padStart(10, '0')}` },
      category: NETWORK_CATEGORIES[n % NETWORK_CATEGORIES.length], network: 'LTE', region: 'hz', address: `杭州市西湖区文三路 ${n % 500} 号`, description: `bench complaint ${n}`,
    });
  };
  say(`intake: ${connections} connections for ${duration} s\n`);
  const load = autocannon({
    url: `${server.url}/api/v1/tickets`, method: 'POST', connections, duration,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    requests: [{ setupRequest: (req: any) => ({ ...req, body: body() }) }],
  });
  const underLoad = await sample(pid, load);
  const result = await load;
  say(`at rest for ${rest} s after the load\n`);
  const restAfter = await sample(pid, new Promise((r) => setTimeout(r, rest * 1000)));
  const out = {
    benchmark: 'memory', database: databaseUrl ? (f.sqlite ? 'sqlite file' : 'postgres') : 'fresh demo', rssMb: { atStart: atStart.rss, restBefore, underLoad, restAfter, peakHwm: rss(pid).hwm },
    intake: { connections, durationS: duration, total: result.requests.total, ticketsPerS: Math.round(result.requests.average), non2xx: result.non2xx, errors: result.errors, p99Ms: result.latency.p99 },
    loadavg: loadavg().map(round),
  };
  say(`RSS: start ${atStart.rss} MB, rest p50 ${restBefore.p50}, under load p50 ${underLoad.p50} / max ${underLoad.max}, after ${restAfter.p50}; peak ${out.rssMb.peakHwm} MB\n`);
  console.log(JSON.stringify(out));
} finally {
  await server.stop();
}
