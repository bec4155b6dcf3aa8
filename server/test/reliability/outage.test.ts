import { it, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import pg from 'pg';
import { sql } from 'kysely';
import { openDb } from '../../src/db/connect.ts';
import { isDatabaseDown } from '../../src/http/error-handler.ts';
import { ADMIN_PASSWORD, ServerProcess, call, freePort, sleep, webhookReceiver } from './helpers.ts';
import { Histogram, report } from './figures.ts';

/**
 * Database outage (issue 9): the server runs against a PostgreSQL of its own, which is stopped
 * under load and started again. While it is down every answer is a fast 503 (no request hangs
 * over 2 s, /healthz says 503, the process stays up); once it is back the server recovers by
 * itself within 5 s — requests, sign-ins, background loops (webhook delivery) — and nothing
 * acknowledged before, during or after is lost or doubled.
 */

const PG_BIN = existsSync('/usr/lib/postgresql/15/bin/pg_ctl') ? '/usr/lib/postgresql/15/bin' : null;
const SCRIPT = resolve(import.meta.dirname, '../../../scripts/pg-throwaway.sh');
const asPg = (args: string[]) => (process.getuid?.() === 0 ? ['runuser', ['-u', 'postgres', '--', ...args]] as const : [args[0], args.slice(1)] as const);

/** A PostgreSQL of the test's own (scripts/pg-throwaway.sh), stopped and started at will. */
class OwnPostgres {
  constructor(readonly dir: string, readonly port: number) {}
  get url() { return `postgres://postgres@127.0.0.1:${this.port}/netcare`; }
  init(): void {
    const r = spawnSync('bash', [SCRIPT, 'start', this.dir, String(this.port)], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`pg-throwaway: ${r.stderr} ${r.stdout}`);
  }
  /** `-m fast` (clients disconnected, clean shutdown) or `-m immediate` (like a crash) */
  stop(mode: 'fast' | 'immediate'): void {
    const [cmd, args] = asPg([`${PG_BIN}/pg_ctl`, '-D', join(this.dir, 'data'), '-m', mode, '-w', 'stop']);
    const r = spawnSync(cmd, args, { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`pg_ctl stop: ${r.stderr}`);
  }
  start(): void {
    const [cmd, args] = asPg([`${PG_BIN}/pg_ctl`, '-D', join(this.dir, 'data'), '-l', join(this.dir, 'server.log'), '-w', '-t', '60',
      '-o', `-c listen_addresses=127.0.0.1 -p ${this.port} -k ${this.dir} -c fsync=off -c max_connections=100`, 'start']);
    const r = spawnSync(cmd, args, { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`pg_ctl start: ${r.stderr}`);
  }
}

describe('database outage [postgres]: 503 while down, recovery by itself', { skip: !PG_BIN && 'needs PostgreSQL 15 binaries' }, () => {
  let dir: string;
  let db: OwnPostgres;
  let server: ServerProcess;
  let receiver: Awaited<ReturnType<typeof webhookReceiver>>;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'netcare-outage-'));
    const pgDir = join(dir, 'pg');
    mkdirSync(pgDir);
    // PostgreSQL runs as the postgres user: it must reach its folder
    chmodSync(dir, 0o755);
    db = new OwnPostgres(pgDir, await freePort());
    db.init();
    const c = new pg.Client({ connectionString: `postgres://postgres@127.0.0.1:${db.port}/postgres` });
    await c.connect();
    await c.query('create database netcare');
    await c.end();
    receiver = await webhookReceiver();
    server = new ServerProcess({
      NETCARE_DATABASE_URL: db.url, NETCARE_DATA_DIR: join(dir, 'data'),
      NETCARE_RATE_LIMIT_USER: '10000,10000', NETCARE_RATE_LIMIT_ADDRESS: '10000,10000', NETCARE_RATE_LIMIT_LOGIN: '10000,10000',
    }, await freePort(), join(dir, 'server.log'));
    await server.start();
  });
  after(async () => {
    await server?.kill('SIGKILL');
    await receiver?.close();
    try { db?.stop('immediate'); } catch { /* already stopped */ }
    spawnSync('bash', [SCRIPT, 'stop', join(dir, 'pg')]);
    rmSync(dir, { recursive: true, force: true });
  });

  it('survives the database going away in the middle of a transaction, and the pool recovers (db/connect.ts)', async (t) => {
    const crashes: unknown[] = [];
    const onCrash = (e: unknown) => crashes.push(e);
    process.on('uncaughtException', onCrash);
    const handle = openDb(db.url, { poolSize: 2 });
    try {
      await assert.rejects(handle.kysely.transaction().execute(async (trx) => {
        await sql`select 1`.execute(trx);
        db.stop('fast');                     // the server terminates this checked-out connection
        await sleep(500);
        await sql`select 1`.execute(trx);
      }), (err: unknown) => isDatabaseDown(err), 'the transaction fails as "database down" (503), not as a crash');
      await sleep(200);
      assert.deepEqual(crashes, [], 'no unhandled error event from the lost connection');
      await assert.rejects(sql`select 1`.execute(handle.kysely), (err: unknown) => isDatabaseDown(err));
      db.start();
      assert.deepEqual((await sql<{ one: number }>`select 1 as one`.execute(handle.kysely)).rows, [{ one: 1 }], 'the same pool works again');
      report(t, 'outage pool [postgres]', { transactionsCutMidway: 1, uncaught: crashes.length, poolQueriesAfterRestart: 1 });
    } finally {
      process.off('uncaughtException', onCrash);
      await handle.close();
    }
  });

  it('answers 503 fast while the database is down, recovers within 5 s, loses nothing', async (t) => {
    const base = server.url;
    const adminToken = ((await call(`${base}/api/v1/auth/login`, { method: 'POST', body: { username: 'admin', password: ADMIN_PASSWORD } })) as { json: any }).json.token;
    assert.equal((await call(`${base}/api/v1/regions/hz`, { method: 'PUT', token: adminToken, body: { name: '杭州市', parent: 'zj' } })).status, 201);
    await call(`${base}/api/v1/users/outage-agent`, { method: 'PUT', token: adminToken, body: { password: 'outage-agent-password-1', role: 'agent', region: 'hz' } });
    const token = ((await call(`${base}/api/v1/auth/login`, { method: 'POST', body: { username: 'outage-agent', password: 'outage-agent-password-1' } })) as { json: any }).json.token;
    assert.equal((await call(`${base}/api/v1/webhooks`, { method: 'POST', token: adminToken, body: { callback: receiver.url, topics: ['ticket.*'] } })).status, 201);

    // intake load with idempotency keys, retried until acknowledged
    const acked = new Map<string, number>();
    const answers: { status: number; ms: number; during: boolean }[] = [];
    let phase: 'before' | 'down' | 'after' = 'before';
    let running = true;
    const client = async (c: number) => {
      let n = 0;
      let pending: string | null = null;
      while (running || pending) {
        if (!pending) { if (!running) break; pending = `outage-${c}-${n++}`; }
        const t0 = Date.now();
        const r = await call(`${base}/api/v1/tickets`, {
          method: 'POST', token, headers: { 'idempotency-key': pending }, timeoutMs: 10_000,
          body: { channel: 'web', customer: { msisdn: `1371${String(c).padStart(3, '0')}${String(n).padStart(4, '0')}` }, category: 'network.slow_data', network: 'NR', region: 'hz', address: '滨江区', description: `outage ${pending}` },
        });
        answers.push({ status: r.status, ms: Date.now() - t0, during: phase === 'down' });
        if (r.status === 201 && 'json' in r) { acked.set(pending, r.json.id); pending = null; } else await sleep(100);
      }
    };
    const clients = [client(0), client(1), client(2)];
    await sleep(1500);
    const ackedBefore = acked.size;
    assert.ok(ackedBefore > 0);

    // down: a clean shutdown first, then (after a recovery) a crash of the database
    for (const mode of ['fast', 'immediate'] as const) {
      // this outage's intake answers are the ones from here on
      const firstAnswer = answers.length;
      db.stop(mode);
      phase = 'down';
      const probes: { path: string; status: number; ms: number; code?: string; retryAfter?: string | null }[] = [];
      const downSince = Date.now();
      while (Date.now() - downSince < 4000) {
        for (const [path, method, body] of [['/healthz', 'GET'], ['/api/v1/tickets', 'GET'], ['/api/v1/auth/me', 'GET'], ['/api/v1/auth/login', 'POST', { username: 'outage-agent', password: 'x-wrong-x' }]] as const) {
          const t0 = Date.now();
          const r = await call(`${base}${path}`, { method, token, body, timeoutMs: 10_000 });
          probes.push({ path, status: r.status, ms: Date.now() - t0, code: 'json' in r ? r.json?.code ?? r.json?.status : undefined, retryAfter: 'headers' in r ? r.headers.get('retry-after') : null });
        }
        await sleep(100);
      }
      assert.equal(server.child?.exitCode, null, 'the server process is still up');
      for (const p of probes) {
        assert.equal(p.status, 503, `${mode}: ${p.path} answered ${p.status} (${p.code}) while the database was down`);
        assert.ok(p.ms < 2000, `${mode}: ${p.path} took ${p.ms} ms while the database was down`);
        if (p.path !== '/healthz') { assert.equal(p.code, 'unavailable'); assert.ok(p.retryAfter, 'Retry-After'); }
      }
      const slowest = Math.max(...probes.map((p) => p.ms), ...answers.slice(firstAnswer).filter((a) => a.during).map((a) => a.ms));

      db.start();
      const upAt = Date.now();
      phase = 'after';
      let healthyAt = 0;
      while (!healthyAt && Date.now() - upAt < 15_000) {
        const r = await call(`${base}/healthz`, { timeoutMs: 2000 });
        if (r.status === 200) healthyAt = Date.now();
        else await sleep(50);
      }
      assert.ok(healthyAt, 'healthy again');
      const recovery = healthyAt - upAt;
      // intake works again, through a fresh pool connection
      const n0 = acked.size;
      for (let i = 0; i < 100 && acked.size === n0; i++) await sleep(50);
      const firstIntake = Date.now() - upAt;
      const probeStatuses = new Histogram();
      for (const p of probes) probeStatuses.add(p.status);
      const intakeWhileDown = new Histogram();
      for (const a of answers.slice(firstAnswer)) if (a.during) intakeWhileDown.add(a.status);
      report(t, `outage ${mode} stop [postgres]`, {
        downForMs: upAt - downSince, probes: probes.length, probeStatuses: String(probeStatuses), slowestAnswerWhileDownMs: slowest,
        intakeAnswersWhileDown: String(intakeWhileDown), healthyAfterMs: recovery, intakeAfterMs: firstIntake, serverRestarts: server.starts - 1,
      });
      assert.ok(acked.size > n0, 'intake works again');
      assert.ok(firstIntake <= 5000, `${mode}: intake recovered after ${firstIntake} ms`);
      assert.ok(recovery <= 5000, `${mode}: /healthz recovered after ${recovery} ms`);
      await sleep(1000);
    }

    running = false;
    await Promise.all(clients);
    const during = answers.filter((a) => a.during);
    assert.ok(during.every((a) => a.status === 503 || a.status === 201), `intake while down: ${[...new Set(during.map((a) => a.status))].join(', ')}`);
    assert.ok(during.every((a) => a.ms < 2000 || a.status === 201), 'no intake request hung');

    // nothing acknowledged lost or doubled
    const c = new pg.Client({ connectionString: db.url });
    await c.connect();
    try {
      const rows = (await c.query(`select t.id, k.key from ticket t join idempotency_key k on k.ticket_id = t.id`)).rows as { id: string; key: string }[];
      const total = Number((await c.query('select count(*) as n from ticket')).rows[0].n);
      assert.equal(total, acked.size, 'one ticket per acknowledged request');
      let verified = 0;
      for (const [key, id] of acked) { assert.ok(rows.some((r) => r.key === key && Number(r.id) === id), `acknowledged ${key} → ${id} is missing`); verified++; }
      // the delivery loop came back on its own: every ticket event reached the receiver
      const t0 = Date.now();
      for (;;) {
        const left = Number((await c.query('select (select count(*) from outbox_pending) + (select count(*) from webhook_delivery) as n')).rows[0].n);
        if (left === 0) break;
        // an event being sent when the database went away stays claimed until its lease ends
        // (outbox/deliver.ts, 60 s), then goes again: allow for that
        if (Date.now() - t0 > 75_000) {
          const pending = (await c.query('select * from outbox_pending')).rows;
          const deliveries = (await c.query('select id, outbox_id, attempts, next_attempt_at, claim_token, claimed_until, last_error, created_at from webhook_delivery')).rows;
          assert.fail(`${left} events undelivered 75 s after recovery (now ${Date.now()}): pending ${JSON.stringify(pending)} deliveries ${JSON.stringify(deliveries)}`);
        }
        await sleep(200);
      }
      const events = (await c.query(`select id from outbox where topic like 'ticket.%'`)).rows.map((r) => String(r.id));
      const got = new Set(receiver.deliveries.map((d) => d.eventId));
      let delivered = 0;
      for (const e of events) { assert.ok(got.has(e), `event ${e} not delivered`); delivered++; }
      const statuses = new Histogram();
      for (const a of answers) statuses.add(a.status === 0 ? 'network-error' : a.status);
      report(t, 'outage total [postgres]', {
        outages: 2, intakeRequests: answers.length, intakeStatuses: String(statuses), ticketsAcknowledged: acked.size, ackedBeforeFirstOutage: ackedBefore,
        ticketsVerified: verified, ticketsInDatabase: total, eventsVerifiedDelivered: delivered, deliveries: receiver.deliveries.length,
        drainAfterRecoveryMs: Date.now() - t0,
      });
    } finally {
      await c.end();
    }
  });
});
