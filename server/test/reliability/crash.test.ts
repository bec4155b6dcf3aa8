import { it, describe, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { openDb, type Db } from '../../src/db/connect.ts';
import { verifyAuditChain } from '../../src/audit/repository.ts';
import { freshDb } from '../helpers/engines.ts';
import { ADMIN_PASSWORD, ServerProcess, call, freePort, sleep, webhookReceiver } from './helpers.ts';
import { Histogram, report } from './figures.ts';

/**
 * Crash safety (issue 9): the real server (`netcare serve`, a child process) takes intake from a
 * few concurrent clients, each request with an Idempotency-Key, and is killed with SIGKILL at
 * random moments, then restarted. Clients retry every unacknowledged request with the same key
 * (as a CRM would) until it is acknowledged. Then: every acknowledged ticket exists exactly once
 * with its history and clocks, retries created nothing twice, every ticket has its outbox event,
 * and the webhook receiver got every event (a duplicate only ever as the same eventId and body).
 */

interface Sent { key: string; msisdn: string; description: string }

/** What one run did, counted as it happened; reported (complete or not) when the run ends. */
interface CrashFigures {
  kills: number; killsWithRequestsInFlight: number; requestsInFlightAtKills: number; restarts: number;
  requests: number; retries: number; replayed: number; statuses: Histogram;
  ticketsVerified: number; keysVerified: number; outboxEventsVerified: number; deliveries: number; duplicateDeliveries: number;
  phonesSearchedInLog: number; restartMs: string;
}

async function crashRun(t: TestContext, opts: { databaseUrl: string; kills: number; clients: number; label: string }): Promise<CrashFigures> {
  const f: CrashFigures = {
    kills: 0, killsWithRequestsInFlight: 0, requestsInFlightAtKills: 0, restarts: 0, requests: 0, retries: 0, replayed: 0, statuses: new Histogram(),
    ticketsVerified: 0, keysVerified: 0, outboxEventsVerified: 0, deliveries: 0, duplicateDeliveries: 0, phonesSearchedInLog: 0, restartMs: '',
  };
  let complete = false;
  try {
    await crashRunInner(f, opts);
    complete = true;
    return f;
  } finally {
    report(t, `crash [${opts.label}]`, {
      kills: f.kills, killsWithRequestsInFlight: f.killsWithRequestsInFlight, requestsInFlightAtKills: f.requestsInFlightAtKills, restarts: f.restarts,
      restartToHealthyMs: f.restartMs, requests: f.requests, statuses: String(f.statuses), retries: f.retries, replayedAfterLostAnswer: f.replayed,
      ticketsVerified: f.ticketsVerified, idempotencyKeysVerified: f.keysVerified, outboxEventsVerified: f.outboxEventsVerified,
      deliveries: f.deliveries, duplicateDeliveries: f.duplicateDeliveries, phonesSearchedInLog: f.phonesSearchedInLog, complete,
    });
  }
}

async function crashRunInner(f: CrashFigures, opts: { databaseUrl: string; kills: number; clients: number; label: string }): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), `netcare-crash-${opts.label}-`));
  const logFile = join(dir, 'server.log');
  const port = await freePort();
  const server = new ServerProcess({
    NETCARE_DATABASE_URL: opts.databaseUrl, NETCARE_DATA_DIR: dir,
    // the load is one user at full speed: this test is about crashes, not rate limits
    NETCARE_RATE_LIMIT_USER: '10000,10000', NETCARE_RATE_LIMIT_ADDRESS: '10000,10000',
  }, port, logFile);
  const receiver = await webhookReceiver();
  const startTimes: number[] = [await server.start()];
  const base = server.url;
  try {
    const admin = await call(`${base}/api/v1/auth/login`, { method: 'POST', body: { username: 'admin', password: ADMIN_PASSWORD } });
    assert.equal(admin.status, 200);
    const adminToken = (admin as any).json.token as string;
    assert.equal((await call(`${base}/api/v1/regions/hz`, { method: 'PUT', token: adminToken, body: { name: '杭州市', parent: 'zj' } })).status, 201);
    const user = await call(`${base}/api/v1/users/crash-agent`, { method: 'PUT', token: adminToken, body: { password: 'crash-agent-password-1', role: 'agent', region: 'hz' } });
    assert.ok(user.status === 201 || user.status === 200, JSON.stringify(user));
    const agentLogin = await call(`${base}/api/v1/auth/login`, { method: 'POST', body: { username: 'crash-agent', password: 'crash-agent-password-1' } });
    assert.equal(agentLogin.status, 200);
    const agentToken = (agentLogin as { json: any }).json.token as string;
    const sub = await call(`${base}/api/v1/webhooks`, { method: 'POST', token: adminToken, body: { callback: receiver.url, topics: ['*'] } });
    assert.equal(sub.status, 201, JSON.stringify(sub));

    const acked = new Map<string, { id: number; sent: Sent }>();
    const sent = new Map<string, Sent>();
    let running = true;
    let inFlight = 0;
    const unexpected: string[] = [];

    const client = async (c: number) => {
      let n = 0;
      let pending: Sent | null = null;
      while (running || pending) {
        if (!pending) {
          if (!running) break;
          const key = `${opts.label}-c${c}-${n++}-${Math.random().toString(36).slice(2, 8)}`;
          pending = { key, msisdn: `139${String(c).padStart(2, '0')}${String(n).padStart(6, '0')}`, description: `crash test ${key}` };
          sent.set(key, pending);
        }
        inFlight++;
        f.requests++;
        const r = await call(`${base}/api/v1/tickets`, {
          method: 'POST', token: agentToken, headers: { 'idempotency-key': pending.key },
          body: { channel: 'hotline', customer: { msisdn: pending.msisdn, name: '崩溃测试' }, category: 'network.call_drop', network: 'LTE', region: 'hz', address: '文三路 100 号', description: pending.description },
        });
        inFlight--;
        f.statuses.add(r.status === 0 ? 'network-error' : r.status);
        if (r.status === 201 && 'json' in r) {
          if (r.headers.get('idempotent-replayed') === 'true') f.replayed++;
          acked.set(pending.key, { id: r.json.id, sent: pending });
          pending = null;
        } else if (r.status === 0 || r.status === 503) {
          f.retries++;
          await sleep(100);
        } else {
          unexpected.push(`${r.status} ${JSON.stringify('json' in r ? r.json : r).slice(0, 200)}`);
          await sleep(25);
          if (unexpected.length > 20) { running = false; pending = null; }
        }
      }
    };
    const clients = Array.from({ length: opts.clients }, (_, i) => client(i));

    for (let k = 0; k < opts.kills; k++) {
      // a random moment while intake and delivery are under way: once tickets flow again, 0–300 ms later
      const flowing = acked.size;
      for (let w = 0; w < 100 && acked.size === flowing; w++) await sleep(50);
      await sleep(Math.floor(Math.random() * 300));
      const caught = inFlight;
      // counted only when the server really died of the SIGKILL (not when it had exited already)
      if ((await server.kill('SIGKILL')) === 'SIGKILL') {
        f.kills++;
        f.requestsInFlightAtKills += caught;
        if (caught > 0) f.killsWithRequestsInFlight++;
      }
      await sleep(Math.floor(Math.random() * 100));
      startTimes.push(await server.start());
      f.restarts++;
      f.restartMs = `${Math.min(...startTimes.slice(1))}–${Math.max(...startTimes.slice(1))}`;
    }
    assert.equal(f.kills, opts.kills, 'every planned SIGKILL hit a running server');
    await sleep(300);
    running = false;
    await Promise.all(clients);
    assert.deepEqual(unexpected, [], 'only network errors while the server was down');

    // wait for the outbox to drain to the receiver
    const db: Db = openDb(opts.databaseUrl);
    try {
      const t0 = Date.now();
      for (;;) {
        const p = Number((await sql<{ n: number }>`select (select count(*) from outbox_pending) + (select count(*) from webhook_delivery) as n`.execute(db.kysely)).rows[0].n);
        if (p === 0) break;
        assert.ok(Date.now() - t0 < 60_000, `${p} events still undelivered after 60 s`);
        await sleep(200);
      }
      await server.kill('SIGTERM');

      // every acknowledged ticket exactly once, nothing else
      assert.equal(acked.size, sent.size, 'every request was eventually acknowledged');
      const tickets = await db.kysely.selectFrom('ticket').select(['id', 'description', 'version', 'status']).execute();
      const byDescription = new Map(tickets.map((t) => [t.description, t]));
      assert.equal(byDescription.size, tickets.length, 'no ticket twice');
      assert.equal(tickets.length, acked.size, 'one ticket per acknowledged request, none extra');
      for (const [key, a] of acked) {
        const t = byDescription.get(a.sent.description);
        assert.ok(t, `acknowledged ${key} (ticket ${a.id}) is missing`);
        assert.equal(t.id, a.id, `${key}: the retry answered the ticket the first attempt made`);
        f.ticketsVerified++;
      }
      const keys = await db.kysely.selectFrom('idempotencyKey').select(['key', 'ticketId']).execute();
      assert.equal(keys.length, acked.size);
      for (const k of keys) { assert.equal(acked.get(k.key)?.id, k.ticketId); f.keysVerified++; }

      // each with its history, clock and outbox event
      const per = async (q: ReturnType<typeof sql<{ id: number; n: number }>>) => new Map((await q.execute(db.kysely)).rows.map((r) => [Number(r.id), Number(r.n)]));
      const created = await per(sql`select ticket_id as id, count(*) as n from ticket_event where type = 'created' group by ticket_id`);
      const clocks = await per(sql`select ticket_id as id, count(*) as n from ticket_clock where clock = 'commitment' group by ticket_id`);
      const outbox = await per(sql`select ticket_id as id, count(*) as n from outbox where topic = 'ticket.created' group by ticket_id`);
      for (const t of tickets) {
        assert.equal(created.get(t.id), 1, `ticket ${t.id}: one created event`);
        assert.equal(clocks.get(t.id), 1, `ticket ${t.id}: one commitment clock`);
        assert.equal(outbox.get(t.id), 1, `ticket ${t.id}: one ticket.created outbox row`);
      }

      // every event delivered; a duplicate is the same event (same id, same bytes)
      const events = (await db.kysely.selectFrom('outbox').select('id').execute()).map((r) => String(r.id));
      const got = new Map<string, Set<string>>();
      for (const d of receiver.deliveries) got.set(d.eventId, (got.get(d.eventId) ?? new Set()).add(d.body));
      for (const id of events) assert.ok(got.has(id), `event ${id} was never delivered`);
      for (const [id, bodies] of got) {
        assert.ok(events.includes(id), `delivered event ${id} is not in the outbox`);
        assert.equal(bodies.size, 1, `event ${id} delivered with different bodies`);
        assert.equal(JSON.parse([...bodies][0]).eventId, id);
        f.outboxEventsVerified++;
      }
      f.deliveries = receiver.deliveries.length;
      f.duplicateDeliveries = receiver.deliveries.length - got.size;

      if (db.engine === 'sqlite') assert.deepEqual((await sql`pragma integrity_check`.execute(db.kysely)).rows, [{ integrityCheck: 'ok' }]);
      assert.equal((await verifyAuditChain(db.kysely)).brokenAt, null);

      // and no phone number in clear in anything the server logged
      const log = readFileSync(logFile, 'utf8');
      for (const s of sent.values()) {
        // (not inside another number: a response time such as 4.13900000004 is no phone number)
        const at = log.search(new RegExp(`(?<![\\d.])${s.msisdn}(?!\\d)`));
        assert.ok(at < 0, `phone ${s.msisdn} in the server log: …${log.slice(Math.max(0, at - 300), at + 100)}…`);
        f.phonesSearchedInLog++;
      }
    } finally {
      await db.close();
    }
  } finally {
    await server.kill('SIGKILL');
    await receiver.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('crash safety: SIGKILL during intake and delivery', () => {
  it('[sqlite] survives 20 kills with nothing acknowledged lost or duplicated, every event delivered', async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'netcare-crash-db-'));
    try {
      const kills = Number(process.env.NETCARE_CRASH_KILLS ?? 20);
      const r = await crashRun(t, { databaseUrl: `sqlite:${join(dir, 'netcare.db')}`, kills, clients: 4, label: 'sqlite' });
      // issue 9: at least 20 kills, each of them under load
      assert.ok(r.kills >= 20, `${r.kills} kills: issue 9 asks for at least 20 (NETCARE_CRASH_KILLS=${kills})`);
      assert.ok(r.killsWithRequestsInFlight >= r.kills / 2, `only ${r.killsWithRequestsInFlight} of ${r.kills} kills caught a request in flight`);
      assert.ok(r.ticketsVerified > 20);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('[postgres] survives 6 kills the same way', { skip: !process.env.NETCARE_TEST_PG_URL && 'needs NETCARE_TEST_PG_URL' }, async (t) => {
    const h = await freshDb('postgres');
    await h.db.close();
    try {
      const r = await crashRun(t, { databaseUrl: h.url, kills: Number(process.env.NETCARE_CRASH_KILLS_PG ?? 6), clients: 4, label: 'postgres' });
      assert.ok(r.kills >= 6);
      assert.ok(r.ticketsVerified > 6);
    } finally {
      await h.drop();
    }
  });
});
