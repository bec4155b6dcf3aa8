import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '../..');
export const PASSWORD = 'bench-password-1';

/** Parses `--name value` flags. */
export function flags(argv = process.argv.slice(2)): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) if (argv[i].startsWith('--')) { const v = argv[i + 1]; out[argv[i].slice(2)] = v && !v.startsWith('--') ? (i++, v) : 'true'; }
  return out;
}

/**
 * Starts `netcare serve` as a child process (so the load generator does not share its event
 * loop) on a fresh database with demo data, and waits for /healthz.
 */
export async function startServerProcess(opts: { databaseUrl?: string; port: number; env?: Record<string, string>; dataDir?: string }): Promise<{ url: string; proc: ChildProcess; dataDir: string; stop(): Promise<void> }> {
  // processes sharing one database share the data folder too (its personal-data keys)
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'netcare-bench-'));
  const profile = process.env.NETCARE_BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.NETCARE_BENCH_PROFILE}`] : [];
  const proc = spawn(process.execPath, [...profile, join(ROOT, 'bin/netcare.mjs'), 'serve'], {
    cwd: ROOT,
    env: {
      ...process.env, NETCARE_DATA_DIR: dataDir, NETCARE_PORT: String(opts.port), NETCARE_ADMIN_PASSWORD: PASSWORD, NETCARE_DEMO: '1',
      NETCARE_LOG_LEVEL: 'warn', NETCARE_RATE_LIMIT_USER: 'off', NETCARE_RATE_LIMIT_ADDRESS: 'off', ...(opts.databaseUrl ? { NETCARE_DATABASE_URL: opts.databaseUrl } : {}), ...opts.env,
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const url = `http://127.0.0.1:${opts.port}`;
  for (let i = 0; i < 600; i++) {
    try { if ((await fetch(`${url}/healthz`)).ok) break; } catch { /* not up yet */ }
    await new Promise((r) => setTimeout(r, 250));
    if (proc.exitCode != null) throw new Error(`server exited with ${proc.exitCode}`);
  }
  return { url, proc, dataDir, stop: async () => { proc.kill('SIGTERM'); await new Promise((r) => proc.once('exit', r)); } };
}

/** Signs in and returns a bearer token. */
export async function login(url: string, username: string): Promise<string> {
  const r = await fetch(`${url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password: PASSWORD }) });
  if (!r.ok) throw new Error(`login ${username}: ${r.status} ${await r.text()}`);
  return ((await r.json()) as { token: string }).token;
}
