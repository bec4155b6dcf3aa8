import { it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { eachEngine } from '../helpers/engines.ts';
import { testApp, type TestApp } from '../helpers/app.ts';
import { openDb } from '../../src/db/connect.ts';
import { deliveryPass } from '../../src/outbox/delivery-loop.ts';
import { DEFAULT_DELIVERY, deliverDue, type DeliveryOptions } from '../../src/outbox/deliver.ts';
import { fanOut } from '../../src/outbox/fan-out.ts';
import type { Deps } from '../../src/http/deps.ts';
import { apiKey, BASE, listener, specValidators, ttBody, withKey, type Received } from './helpers.ts';

const { check } = specValidators();

/**
 * Backoff on the test clock (advanced by hand), no jitter, no idle waits: delivery tests take milliseconds.
 * A generous send timeout: on a loaded machine the loopback listener can take seconds to answer,
 * and a send that timed out backs off past the end of drain().
 */
const FAST: Partial<DeliveryOptions> = { baseBackoffMs: 1000, maxBackoffMs: 60_000, jitter: 0, timeoutMs: 15_000, idleMs: 0 };

/** Runs delivery passes until one does nothing. */
async function drain(deps: Deps, opts: Partial<DeliveryOptions> = FAST): Promise<void> {
  for (let i = 0; i < 50; i++) {
    const r = await deliveryPass(deps, opts);
    if (!r.fannedOut && !r.attempts) return;
  }
  throw new Error('delivery did not settle');
}

const verify = (secret: string, r: Received) =>
  r.headers['x-netcare-signature'] === `sha256=${createHmac('sha256', secret).update(r.raw).digest('hex')}`;

eachEngine('TMF621 hub', (ctx) => {
  let t: TestApp;
  let crm: string;
  let crmNb: string;
  let agentKey: string;

  before(async () => {
    t = await testApp(ctx.db);
    crm = await apiKey(t, 'crm', 'api', 'hz');
    crmNb = await apiKey(t, 'crm-nb', 'api', 'nb');
    agentKey = await apiKey(t, 'callcentre', 'agent', 'hz');
  });
  after(async () => { await t.close(); });

  const subscribe = async (key: string, callback: string, query?: string) => {
    const r = await withKey(t, key, { method: 'POST', url: `${BASE}/hub`, payload: { callback, ...(query ? { query } : {}) } });
    assert.equal(r.statusCode, 201, r.body);
    return r.json() as { id: string; secret: string; callback: string };
  };
  const unsubscribe = (key: string, id: string) => withKey(t, key, { method: 'DELETE', url: `${BASE}/hub/${id}` });
  const create = async (key = crm, over: Record<string, unknown> = {}) => {
    const r = await withKey(t, key, { method: 'POST', url: `${BASE}/troubleTicket`, payload: ttBody(over) });
    assert.equal(r.statusCode, 201, r.body);
    return r.json().id as string;
  };
  const step = async (user: string, id: string, body: Record<string, unknown>) => {
    const r = await t.as(user, { method: 'POST', url: `/api/v1/tickets/${id}/events`, payload: body });
    assert.equal(r.statusCode, 201, r.body);
  };
  /** Drops every subscription left by a test, so the next starts clean. */
  const clean = async () => {
    for (const s of (await t.as('admin', { method: 'GET', url: '/api/v1/webhooks?limit=200' })).json().items) {
      await t.as('admin', { method: 'DELETE', url: `/api/v1/webhooks/${s.id}` });
    }
    await drain(t.deps);
  };

  it('registers and unregisters listeners: EventSubscription, http(s) callbacks only, eventType queries, TMF errors', async () => {
    const r = await withKey(t, crm, { method: 'POST', url: `${BASE}/hub`, payload: { callback: 'http://127.0.0.1:9/x', query: 'eventType=TroubleTicketCreateEvent' } });
    assert.equal(r.statusCode, 201, r.body);
    const sub = check('EventSubscription', r.json()) as any;
    assert.match(sub.secret, /^whsec_/);
    assert.equal(r.headers.location, `${BASE}/hub/${sub.id}`);
    const bad = async (payload: unknown, status = 400) => {
      const e = await withKey(t, crm, { method: 'POST', url: `${BASE}/hub`, payload });
      assert.equal(e.statusCode, status, e.body);
      check('Error', e.json());
    };
    await bad({ callback: 'ftp://example.org/x' });
    await bad({ callback: 'file:///etc/passwd' });
    await bad({ callback: 'not a url' });
    await bad({});
    await bad({ callback: 'http://127.0.0.1:9/x', query: 'eventType=NoSuchEvent' });
    await bad({ callback: 'http://127.0.0.1:9/x', query: 'status=closed' });
    const role = await t.as('agent', { method: 'POST', url: `${BASE}/hub`, payload: { callback: 'http://127.0.0.1:9/x' } });
    assert.equal(role.statusCode, 403);
    check('Error', role.json());
    assert.equal((await unsubscribe(crmNb, sub.id)).statusCode, 404, 'another key cannot remove it');
    assert.equal((await unsubscribe(crm, sub.id)).statusCode, 204);
    const again = await unsubscribe(crm, sub.id);
    assert.equal(again.statusCode, 404);
    check('Error', again.json());
    assert.equal((await withKey(t, crm, { method: 'DELETE', url: `${BASE}/hub/${sub.id}/` })).statusCode, 404);
  });

  it('delivers every notification kind, signed, spec-valid, in order, with the ticket as of the event', async () => {
    await clean();
    const l = await listener();
    try {
      const sub = await subscribe(crm, l.url);
      const id = await create(crm, { ticketType: 'network.call_drop', relatedEntity: [{ id: 'LTE', role: 'network' }, { id: '文三路 100 号', role: 'address' }] });
      await step('agent', id, { type: 'dispatched' });
      await step('noc', id, { type: 'triaged', grade: 'important' });
      await withKey(t, crm, { method: 'PATCH', url: `${BASE}/troubleTicket/${id}`, payload: { severity: 'Critical', note: [{ text: '客户补充说明' }] } });
      const ask = await t.as('noc', { method: 'POST', url: `/api/v1/tmf621/tickets/${id}/information-required`, payload: { text: '请提供故障发生的具体时间' } });
      assert.equal(ask.statusCode, 201, ask.body);
      await step('noc', id, { type: 'noc_replied', kind: 'final', text: '已优化', resolution: 'optimised' });
      // a ticket withdrawn by the client
      const gone = await create(crm);
      assert.equal((await withKey(t, crm, { method: 'DELETE', url: `${BASE}/troubleTicket/${gone}` })).statusCode, 204);
      assert.equal(l.all.length, 0, 'nothing is sent before the delivery loop runs (after commit)');
      await drain(t.deps);

      const got = l.all.map((r) => r.body);
      for (const r of l.all) {
        assert.ok(verify(sub.secret, r), 'X-Netcare-Signature is the HMAC of the raw body');
        assert.equal(r.headers['x-netcare-event-id'], r.body.eventId);
        check(r.body.eventType, r.body);
        check('TroubleTicket', r.body.event.troubleTicket);
      }
      const of = (ticket: string) => got.filter((e) => e.event.troubleTicket.id === ticket).map((e) => [e.eventType, e.event.troubleTicket.status, e.fieldPath ?? null]);
      assert.deepEqual(of(id), [
        ['TroubleTicketCreateEvent', 'acknowledged', null],
        ['TroubleTicketStatusChangeEvent', 'inProgress', null],
        ['TroubleTicketAttributeValueChangeEvent', 'inProgress', 'priority'],
        ['TroubleTicketAttributeValueChangeEvent', 'inProgress', 'severity'],
        ['TroubleTicketAttributeValueChangeEvent', 'inProgress', 'note'],
        ['TroubleTicketAttributeValueChangeEvent', 'inProgress', 'note'],
        ['TroubleTicketInformationRequiredEvent', 'inProgress', null],
        ['TroubleTicketStatusChangeEvent', 'resolved', null],
        ['TroubleTicketResolvedEvent', 'resolved', null],
      ]);
      assert.deepEqual(of(gone), [['TroubleTicketCreateEvent', 'acknowledged', null], ['TroubleTicketDeleteEvent', 'cancelled', null]]);
      // eventIds: the outbox id, unique, stable
      const ids = got.map((e) => e.eventId);
      assert.equal(new Set(ids).size, ids.length);
      assert.ok(ids.every((x) => /^\d+(-\d+)?$/.test(x)));
      // the Create event shows the ticket's status and notes as they were at creation, though it went out after later changes
      const createdEvent = got.find((e) => e.eventType === 'TroubleTicketCreateEvent' && e.event.troubleTicket.id === id);
      assert.deepEqual(createdEvent.event.troubleTicket.note, []);
      assert.deepEqual(createdEvent.event.troubleTicket.statusChange.map((c: any) => c.status), ['acknowledged']);
      await drain(t.deps);
      assert.equal(l.all.length, got.length, 'nothing is sent twice');
    } finally {
      await l.close();
    }
  });

  it('filters by the hub query and by the key\'s region', async () => {
    await clean();
    const l = await listener();
    const lNb = await listener();
    try {
      await subscribe(crm, l.url, 'eventType=TroubleTicketStatusChangeEvent,TroubleTicketResolvedEvent');
      await subscribe(crmNb, lNb.url);
      const id = await create(crm);
      await step('agent', id, { type: 'resolved_at_intake', text: '已解释' });
      await drain(t.deps);
      assert.deepEqual(l.all.map((r) => r.body.eventType), ['TroubleTicketStatusChangeEvent', 'TroubleTicketResolvedEvent']);
      assert.equal(lNb.all.length, 0, 'a Ningbo key hears nothing of Hangzhou');
      const nb = await create(crmNb);
      await drain(t.deps);
      assert.deepEqual(lNb.all.map((r) => [r.body.eventType, r.body.event.troubleTicket.id]), [['TroubleTicketCreateEvent', nb]]);
    } finally {
      await l.close();
      await lNb.close();
    }
  });

  it('retries a failing listener with backoff: same eventId, order kept per ticket, other tickets not held up', async () => {
    await clean();
    let failFor: string | null = null;
    let failures = 0;
    const l = await listener((r) => {
      if (r.body.event.troubleTicket.id === failFor && failures < 2) { failures++; return 503; }
      return 200;
    });
    try {
      const sub = await subscribe(crm, l.url);
      const a = await create(crm);
      failFor = a;
      await withKey(t, crm, { method: 'PATCH', url: `${BASE}/troubleTicket/${a}`, payload: { note: [{ text: 'second event of A' }] } });
      await drain(t.deps);
      assert.deepEqual(l.all.map((r) => r.body.eventType), ['TroubleTicketCreateEvent'], 'one attempt, then A waits');

      const b = await create(crm);
      t.clock.advance(1000);
      await drain(t.deps);
      // the retry of A fails again; B (another ticket) is delivered
      const afterB = l.all.map((r) => [r.body.event.troubleTicket.id, r.body.eventType]);
      assert.deepEqual(afterB.slice(1).sort(), [[a, 'TroubleTicketCreateEvent'], [b, 'TroubleTicketCreateEvent']].sort());
      const state = (await t.as('admin', { method: 'GET', url: `/api/v1/webhooks/${sub.id}` })).json();
      assert.match(state.lastError, /HTTP 503/);
      assert.equal(state.state, 'active');

      t.clock.advance(60_000);
      await drain(t.deps);
      const forA = l.all.filter((r) => r.body.event.troubleTicket.id === a);
      assert.deepEqual(forA.map((r) => r.body.eventType), ['TroubleTicketCreateEvent', 'TroubleTicketCreateEvent', 'TroubleTicketCreateEvent', 'TroubleTicketAttributeValueChangeEvent']);
      assert.equal(new Set(forA.slice(0, 3).map((r) => r.body.eventId)).size, 1, 'the same eventId on every attempt');
      assert.deepEqual(forA.slice(0, 3).map((r) => r.headers['x-netcare-delivery-attempt']), ['1', '2', '3']);
      assert.equal(forA[0].raw, forA[2].raw, 'the same bytes on every attempt');
      const healthy = (await t.as('admin', { method: 'GET', url: `/api/v1/webhooks/${sub.id}` })).json();
      assert.equal(healthy.consecutiveFailures, 0);
      assert.equal(healthy.pending, 0);
    } finally {
      await l.close();
    }
  });

  it('suspends a listener that keeps failing, shows it to admins, and resumes it without losing events', async () => {
    await clean();
    let up = false;
    const l = await listener(() => (up ? 200 : 500));
    try {
      const sub = await subscribe(crm, l.url);
      const id = await create(crm);
      const opts = { ...FAST, maxAttempts: 3 };
      for (let i = 0; i < 6; i++) {
        await drain(t.deps, opts);
        t.clock.advance(60_000);
      }
      assert.equal(l.all.length, 3, 'three attempts, then suspended');
      const list = await t.as('admin', { method: 'GET', url: '/api/v1/webhooks?state=suspended' });
      const s = list.json().items.find((x: any) => x.id === Number(sub.id));
      assert.ok(s, list.body);
      assert.equal(s.kind, 'tmf621');
      assert.equal(s.state, 'suspended');
      assert.equal(s.consecutiveFailures, 3);
      assert.equal(s.pending, 1);
      assert.match(s.lastError, /HTTP 500/);
      assert.ok(s.suspendedAt);
      const waiting = await t.deps.db.kysely.selectFrom('webhookDelivery').select('body').where('subscriptionId', '=', Number(sub.id)).execute();
      assert.ok(waiting.length === 1 && !waiting[0].body.includes('13812345678'), 'a waiting event is encrypted at rest');
      // events keep arriving while suspended
      await withKey(t, crm, { method: 'PATCH', url: `${BASE}/troubleTicket/${id}`, payload: { severity: 'Minor' } });
      await drain(t.deps, opts);
      assert.equal(l.all.length, 3);
      assert.equal((await withKey(t, crm, { method: 'POST', url: `/api/v1/webhooks/${sub.id}/resume` })).statusCode, 403, 'only an admin resumes');
      up = true;
      const resumed = await t.as('admin', { method: 'POST', url: `/api/v1/webhooks/${sub.id}/resume` });
      assert.equal(resumed.statusCode, 200, resumed.body);
      assert.equal(resumed.json().state, 'active');
      await drain(t.deps, opts);
      assert.deepEqual(l.all.slice(3).map((r) => r.body.eventType), ['TroubleTicketCreateEvent', 'TroubleTicketAttributeValueChangeEvent']);
    } finally {
      await l.close();
    }
  });

  it('delivers an event committed before a restart from the new process', async () => {
    await clean();
    const l = await listener();
    const db2 = openDb(ctx.url);
    let t2: TestApp | null = null;
    try {
      await subscribe(crm, l.url);
      const id = await create(agentKey);
      const at = t.clock.now();
      await t.close();
      t2 = await testApp(db2);
      t2.clock.set(at);
      await drain(t2.deps);
      assert.deepEqual(l.all.map((r) => [r.body.eventType, r.body.event.troubleTicket.id]), [['TroubleTicketCreateEvent', id]]);
    } finally {
      await t2?.close();
      await db2.close();
      await l.close();
      const at = (t2 ?? t).clock.now();
      t = await testApp(ctx.db);
      t.clock.set(at);
    }
  });

  it('never sends one attempt twice when two processes deliver from one database', async () => {
    await clean();
    const l = await listener(async () => { await new Promise((r) => setTimeout(r, 5)); return 200; });
    const db2 = openDb(ctx.url);
    const t2 = await testApp(db2);
    try {
      await subscribe(crm, l.url);
      const ids: string[] = [];
      for (let i = 0; i < 8; i++) ids.push(await create(crm));
      for (const id of ids) await withKey(t, crm, { method: 'PATCH', url: `${BASE}/troubleTicket/${id}`, payload: { severity: 'Minor' } });
      t2.clock.set(t.clock.now());
      if (ctx.engine === 'postgres') {
        await Promise.all([drain(t.deps, { ...FAST, batch: 3 }), drain(t2.deps, { ...FAST, batch: 3 })]);
      } else {
        // several processes share PostgreSQL only (DESIGN §10); two better-sqlite3 connections in one
        // Node process cannot wait for each other's transactions, so here only the claims race
        await fanOut(t.deps, { batch: 100 });
        const o = { ...DEFAULT_DELIVERY, ...FAST, batch: 3, concurrency: 2 };
        for (let i = 0; i < 20; i++) {
          const [a, b] = await Promise.all([deliverDue(t.deps, o), deliverDue(t2.deps, o)]);
          if (a + b === 0) break;
        }
      }
      await drain(t.deps);
      const eventIds = l.all.map((r) => r.body.eventId);
      assert.equal(eventIds.length, 16);
      assert.equal(new Set(eventIds).size, 16, 'each event delivered once');
      for (const id of ids) {
        assert.deepEqual(l.all.filter((r) => r.body.event.troubleTicket.id === id).map((r) => r.body.eventType),
          ['TroubleTicketCreateEvent', 'TroubleTicketAttributeValueChangeEvent'], `order of ticket ${id}`);
      }
    } finally {
      await t2.close();
      await db2.close();
      await l.close();
    }
  });
});
