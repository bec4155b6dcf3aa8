/**
 * CPU time of the processes a benchmark runs next to (Linux /proc): the server processes, the
 * PostgreSQL cluster's backends, and the machine as a whole (other people's work included), so a
 * throughput figure can say where the cores went.
 */
import { readFileSync, readdirSync } from 'node:fs';
import pg from 'pg';

const TICK_MS = 1000 / 100; // USER_HZ: 100 on Linux

/** user + system CPU ms of one process (and its reaped children), 0 if it is gone. */
export function processCpuMs(pid: number): number {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const rest = f.slice(f.lastIndexOf(')') + 2).split(' ');
    // fields 14..17 of stat (utime stime cutime cstime) are rest[11..14]
    return (Number(rest[11]) + Number(rest[12]) + Number(rest[13]) + Number(rest[14])) * TICK_MS;
  } catch { return 0; }
}

/** The postmaster and every process it started, by PID (a backend that exits between two reads loses its time). */
function childrenOf(ppid: number): number[] {
  const out: number[] = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const f = readFileSync(`/proc/${d}/stat`, 'utf8');
      if (Number(f.slice(f.lastIndexOf(')') + 2).split(' ')[1]) === ppid) out.push(Number(d));
    } catch { /* gone */ }
  }
  return out;
}

/** CPU ms used by the PostgreSQL cluster behind `url` so far: the postmaster's own, its reaped children's and its live children's. */
export async function postgresCpu(url: string): Promise<() => number> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  const dir = (await c.query('show data_directory')).rows[0].data_directory as string;
  await c.end();
  const postmaster = Number(readFileSync(`${dir}/postmaster.pid`, 'utf8').split('\n')[0]);
  return () => processCpuMs(postmaster) + childrenOf(postmaster).reduce((s, p) => s + processCpuMs(p), 0);
}

/** Busy and total CPU ms of the whole machine so far (every core, everyone's work). */
export function machineCpu(): { busyMs: number; totalMs: number } {
  const [, ...v] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/);
  const n = v.map(Number);
  const idle = n[3] + n[4];
  const total = n.slice(0, 8).reduce((s, x) => s + x, 0);
  return { busyMs: (total - idle) * TICK_MS, totalMs: total * TICK_MS };
}

/**
 * Statements the database behind `url` has run so far, from pg_stat_statements (null without the
 * extension: `shared_preload_libraries = pg_stat_statements` and `create extension
 * pg_stat_statements` in the cluster's `postgres` database).
 */
export async function postgresStatements(url: string): Promise<() => Promise<number | null>> {
  const db = decodeURIComponent(new URL(url).pathname.slice(1));
  const admin = new URL(url);
  admin.pathname = '/postgres';
  return async () => {
    const c = new pg.Client({ connectionString: admin.toString() });
    try {
      await c.connect();
      const r = await c.query('select coalesce(sum(calls), 0)::bigint as n from pg_stat_statements s join pg_database d on d.oid = s.dbid where d.datname = $1', [db]);
      return Number(r.rows[0].n);
    } catch { return null; } finally { await c.end().catch(() => {}); }
  };
}
