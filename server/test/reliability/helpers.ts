import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { createWriteStream } from 'node:fs';
import { createServer as netServer } from 'node:net';
import { resolve } from 'node:path';

export const BIN = resolve(import.meta.dirname, '../../../bin/netcare.mjs');
export const ADMIN_PASSWORD = 'admin-password-reliability-1';
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A TCP port nobody listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = netServer();
    s.once('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => res(port));
    });
  });
}

/** `netcare serve` as a child process, the way production runs it; its output goes to `logFile`. */
export class ServerProcess {
  child: ChildProcess | null = null;
  readonly url: string;
  starts = 0;

  constructor(readonly env: Record<string, string>, readonly port: number, readonly logFile: string) {
    this.url = `http://127.0.0.1:${port}`;
  }

  /** Starts the server and waits until /healthz answers 200; returns how long that took. */
  async start(timeoutMs = 60_000): Promise<number> {
    const t0 = Date.now();
    const log = createWriteStream(this.logFile, { flags: 'a' });
    const child = spawn(process.execPath, [BIN, 'serve'], {
      env: {
        ...process.env, NETCARE_HOST: '127.0.0.1', NETCARE_PORT: String(this.port), NETCARE_DEMO: '0', NETCARE_ADMIN_PASSWORD: ADMIN_PASSWORD,
        NETCARE_BUILD_CONSOLE: '0', NETCARE_LOG_LEVEL: 'info', ...this.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.pipe(log);
    child.stderr!.pipe(log);
    this.child = child;
    this.starts++;
    let exited = false;
    child.once('exit', () => { exited = true; });
    while (Date.now() - t0 < timeoutMs) {
      if (exited) throw new Error(`netcare serve exited during start (see ${this.logFile})`);
      try {
        const r = await fetch(`${this.url}/healthz`, { signal: AbortSignal.timeout(1000) });
        if (r.status === 200) return Date.now() - t0;
      } catch { /* not listening yet */ }
      await sleep(50);
    }
    throw new Error(`netcare serve did not become healthy within ${timeoutMs} ms (see ${this.logFile})`);
  }

  /**
   * SIGKILL: no shutdown handler runs, nothing is flushed; resolves once the process is gone, with
   * the signal it died of (null when it was not running or exited by itself), so a caller counts
   * only the kills that really happened.
   */
  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<NodeJS.Signals | null> {
    const c = this.child;
    if (!c || c.exitCode !== null || c.signalCode !== null) return null;
    const gone = new Promise<NodeJS.Signals | null>((r) => c.once('exit', (_code, sig) => r(sig)));
    c.kill(signal);
    const died = await gone;
    this.child = null;
    return died;
  }
}

/** A webhook receiver: records every delivery's event id and exact body. */
export async function webhookReceiver(): Promise<{ url: string; deliveries: { eventId: string; body: string }[]; close(): Promise<void> }> {
  const deliveries: { eventId: string; body: string }[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      deliveries.push({ eventId: String(req.headers['x-netcare-event-id']), body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  return { url: `http://127.0.0.1:${port}/hook`, deliveries, close: () => new Promise((r) => server.close(() => r())) };
}

/** JSON over fetch with a bearer token; network errors are returned, not thrown. */
export async function call(url: string, o: { method?: string; token?: string; body?: unknown; headers?: Record<string, string>; timeoutMs?: number } = {}): Promise<{ status: number; json: any; headers: Headers } | { status: 0; error: string }> {
  try {
    const r = await fetch(url, {
      method: o.method ?? 'GET',
      headers: { ...(o.body !== undefined ? { 'content-type': 'application/json' } : {}), ...(o.token ? { authorization: `Bearer ${o.token}` } : {}), ...o.headers },
      body: o.body !== undefined ? JSON.stringify(o.body) : undefined,
      signal: AbortSignal.timeout(o.timeoutMs ?? 10_000),
    });
    const text = await r.text();
    let json: any = null;
    try { json = text ? JSON.parse(text) : null; } catch { json = text; }
    return { status: r.status, json, headers: r.headers };
  } catch (err: any) {
    return { status: 0, error: String(err?.cause?.code ?? err?.name ?? err) };
  }
}
