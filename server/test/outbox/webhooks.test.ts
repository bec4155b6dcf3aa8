import { it, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { eachEngine } from '../helpers/engines.ts';
import { testApp, type TestApp } from '../helpers/app.ts';
import { addOutbox } from '../../src/outbox/outbox.ts';
import { deliveryPass } from '../../src/outbox/delivery-loop.ts';
import { backoffMs, signBody, type DeliveryOptions } from '../../src/outbox/deliver.ts';
import { checkTopicPatterns, topicMatches } from '../../src/webhooks/topics.ts';
import type { Deps } from '../../src/http/deps.ts';
import { apiKey, listener, withKey } from '../tmf621/helpers.ts';

const FAST: Partial<DeliveryOptions> = { baseBackoffMs: 1000, maxBackoffMs: 60_000, jitter: 0, timeoutMs: 2000, idleMs: 0 };

async function drain(deps: Deps, opts: Partial<DeliveryOptions> = FAST): Promise<void> {
  for (let i = 0; i < 50; i++) {
    const r = await deliveryPass(deps, opts);
    if (!r.fannedOut && !r.attempts) return;
  }
  throw new Error('delivery did not settle');
}

const intake = (over: Record<string, unknown> = {}) => ({
  channel: 'hotline', customer: { msisdn: '13812345678', name: '王小明' }, category: 'network.call_drop', network: 'LTE',
  region: 'hz', address: '杭州市西湖区文三路 100 号', description: '室内通话经常掉线', ...over,
});

describe('webhook topics, signatures and backoff', () => {
  it('matches exact topics, families and everything', () => {
    const cases: [string[], string, boolean][] = [
      [['ticket.*'], 'ticket.created', true], [['ticket.*'], 'clock.warned', false], [['ticket.closed'], 'ticket.closed', true],
      [['ticket.closed'], 'ticket.closed_x', false], [['clock.*', 'hotspot.*'], 'hotspot.opened', true], [['*'], 'problem.closed', true],
    ];
    for (const [patterns, topic, want] of cases) assert.equal(topicMatches(patterns, topic), want, `${patterns} ~ ${topic}`);
    assert.deepEqual(checkTopicPatterns(['ticket.*', 'ticket.*', 'clock.warned']), ['ticket.*', 'clock.warned']);
    for (const bad of ['ticket', 'tickets.*', 'ticket.**', 'ticket.Created', '']) assert.throws(() => checkTopicPatterns([bad]), bad);
  });
  it('signs the exact body with HMAC-SHA256 and backs off exponentially up to the maximum', () => {
    assert.equal(signBody('k', '{"a":1}'), `sha256=${createHmac('sha256', 'k').update('{"a":1}').digest('hex')}`);
    const o = { baseBackoffMs: 1000, maxBackoffMs: 10_000, jitter: 0 };
    assert.deepEqual([1, 2, 3, 4, 5, 50].map((n) => backoffMs(o, n)), [1000, 2000, 4000, 8000, 10_000, 10_000]);
    const j = backoffMs({ ...o, jitter: 0.1 }, 2);
    assert.ok(j >= 1800 && j <= 2200);
  });
});

eachEngine('netcare webhooks', (ctx) => {
  let t: TestApp;
  let hookKey: string;
  let nbKey: string;

  before(async () => {
    t = await testApp(ctx.db);
    hookKey = await apiKey(t, 'nms', 'api', 'hz');
    nbKey = await apiKey(t, 'nms-nb', 'api', 'nb');
  });
  after(async () => { await t.close(); });

  const subscribe = async (key: string, callback: string, topics: string[]) => {
    const r = await withKey(t, key, { method: 'POST', url: '/api/v1/webhooks', payload: { callback, topics } });
    assert.equal(r.statusCode, 201, r.body);
    return r.json();
  };
  const clean = async () => {
    for (const s of (await t.as('admin', { method: 'GET', url: '/api/v1/webhooks?limit=200' })).json().items) {
      await t.as('admin', { method: 'DELETE', url: `/api/v1/webhooks/${s.id}` });
    }
    await drain(t.deps);
  };

  it('subscribes to topics (admin and api only), refuses non-http callbacks and unknown topics, lists without secrets', async () => {
    const s = await subscribe(hookKey, 'http://127.0.0.1:9/hook', ['ticket.*', 'clock.*']);
    assert.match(s.secret, /^whsec_/);
    assert.deepEqual(s.topics, ['ticket.*', 'clock.*']);
    assert.equal(s.state, 'active');
    const bad = async (payload: unknown) => {
      const r = await withKey(t, hookKey, { method: 'POST', url: '/api/v1/webhooks', payload });
      assert.equal(r.statusCode, 400, r.body);
      assert.ok(r.json().code && r.json().message, 'netcare error body');
    };
    await bad({ callback: 'gopher://127.0.0.1/x', topics: ['ticket.*'] });
    await bad({ callback: 'javascript:alert(1)', topics: ['ticket.*'] });
    await bad({ callback: 'http://u:p@127.0.0.1/x', topics: ['ticket.*'] });
    await bad({ callback: 'http://127.0.0.1/x', topics: ['tickets'] });
    await bad({ callback: 'http://127.0.0.1/x', topics: [] });
    assert.equal((await t.as('agent', { method: 'POST', url: '/api/v1/webhooks', payload: { callback: 'http://127.0.0.1/x', topics: ['ticket.*'] } })).statusCode, 403);

    const mine = await withKey(t, hookKey, { method: 'GET', url: '/api/v1/webhooks' });
    assert.deepEqual(mine.json().items.map((x: any) => x.id), [s.id]);
    assert.ok(!mine.body.includes(s.secret), 'the secret is shown once');
    assert.deepEqual((await withKey(t, nbKey, { method: 'GET', url: '/api/v1/webhooks' })).json().items, [], 'keys see their own');
    assert.equal((await withKey(t, nbKey, { method: 'GET', url: `/api/v1/webhooks/${s.id}` })).statusCode, 404);
    assert.equal((await withKey(t, nbKey, { method: 'DELETE', url: `/api/v1/webhooks/${s.id}` })).statusCode, 404);
    const admin = await t.as('admin', { method: 'GET', url: `/api/v1/webhooks/${s.id}` });
    assert.equal(admin.json().owner, 'apikey:nms');
    assert.equal((await withKey(t, hookKey, { method: 'DELETE', url: `/api/v1/webhooks/${s.id}` })).statusCode, 204);
    assert.equal((await t.as('admin', { method: 'GET', url: `/api/v1/webhooks/${s.id}` })).statusCode, 404);
  });

  it('delivers the topics chosen, as { eventId, topic, at, data }, signed, in order, in the owner\'s scope only', async () => {
    await clean();
    const all = await listener();
    const closedOnly = await listener();
    const clocks = await listener();
    const nb = await listener();
    try {
      const a = await subscribe(hookKey, all.url, ['ticket.*']);
      await subscribe(hookKey, closedOnly.url, ['ticket.resolved_at_intake']);
      await subscribe(hookKey, clocks.url, ['clock.*', 'hotspot.*']);
      await subscribe(nbKey, nb.url, ['*']);
      const r = await t.as('agent', { method: 'POST', url: '/api/v1/tickets', payload: intake({ customer: { msisdn: '13900005555' } }) });
      assert.equal(r.statusCode, 201, r.body);
      const id = r.json().id;
      await t.as('agent', { method: 'POST', url: `/api/v1/tickets/${id}/events`, payload: { type: 'resolved_at_intake', text: '已解释' } });
      // a clock warning and a hotspot event, as their timers write them
      await t.deps.db.kysely.transaction().execute(async (trx) => {
        await addOutbox(trx, { topic: 'clock.warned', ticketId: id, payload: { ticketId: id, clock: 'commitment' }, at: t.clock.now() });
        await addOutbox(trx, { topic: 'hotspot.merged', payload: { hotspotId: 7, regionId: 'hz' }, at: t.clock.now() });
        await addOutbox(trx, { topic: 'hotspot.merged', payload: { hotspotId: 8 }, at: t.clock.now() });
      });
      await drain(t.deps);

      assert.deepEqual(all.all.map((x) => x.body.topic), ['ticket.created', 'ticket.resolved_at_intake']);
      for (const x of all.all) {
        assert.deepEqual(Object.keys(x.body).sort(), ['at', 'data', 'eventId', 'topic']);
        assert.equal(x.headers['x-netcare-signature'], `sha256=${createHmac('sha256', a.secret).update(x.raw).digest('hex')}`);
        assert.equal(x.headers['x-netcare-event-type'], x.body.topic);
        assert.equal(x.body.data.ticketId, id);
        assert.match(x.body.at, /^2026-03-02T\d\d:\d\d:\d\d\.\d{3}\+08:00$/);
      }
      assert.ok(Number(all.all[0].body.eventId) < Number(all.all[1].body.eventId));
      assert.deepEqual(closedOnly.all.map((x) => x.body.topic), ['ticket.resolved_at_intake']);
      assert.equal(closedOnly.all[0].body.eventId, all.all[1].body.eventId, 'one event, one eventId for every subscriber');
      // a Hangzhou key gets Hangzhou's hotspot, not one of unknown region (province-wide owners only)
      // (order is kept per ticket; an event without a ticket is in a stream of its own)
      assert.deepEqual(clocks.all.map((x) => `${x.body.topic}:${x.body.data.hotspotId ?? ''}`).sort(), ['clock.warned:', 'hotspot.merged:7']);
      assert.equal(nb.all.length, 0, 'Ningbo hears nothing of Hangzhou');
    } finally {
      for (const l of [all, closedOnly, clocks, nb]) await l.close();
    }
  });

  it('stops delivering when the owner\'s key is revoked', async () => {
    await clean();
    const l = await listener();
    try {
      const key = await t.as('admin', { method: 'POST', url: '/api/v1/api-keys', payload: { name: 'short-lived', role: 'api', region: 'hz' } });
      const s = await subscribe(key.json().key, l.url, ['ticket.*']);
      assert.equal((await t.as('admin', { method: 'DELETE', url: `/api/v1/api-keys/${key.json().id}` })).statusCode, 204);
      await t.as('agent', { method: 'POST', url: '/api/v1/tickets', payload: intake({ customer: { msisdn: '13900006666' } }) });
      await drain(t.deps);
      assert.equal(l.all.length, 0);
      const seen = (await t.as('admin', { method: 'GET', url: `/api/v1/webhooks/${s.id}` })).json();
      assert.equal(seen.state, 'disabled');
      assert.match(seen.lastError, /revoked/);
    } finally {
      await l.close();
    }
  });

  it('gives up on a listener that does not answer within the timeout and retries it later', async () => {
    await clean();
    let slow = true;
    const l = await listener(async () => { if (slow) await new Promise((r) => setTimeout(r, 400)); return 204; });
    try {
      const s = await subscribe(hookKey, l.url, ['ticket.created']);
      await t.as('agent', { method: 'POST', url: '/api/v1/tickets', payload: intake({ customer: { msisdn: '13900007777' } }) });
      await drain(t.deps, { ...FAST, timeoutMs: 100 });
      const failing = (await t.as('admin', { method: 'GET', url: `/api/v1/webhooks/${s.id}` })).json();
      assert.match(failing.lastError, /no answer within 100 ms/);
      assert.equal(failing.pending, 1);
      slow = false;
      t.clock.advance(1000);
      await drain(t.deps, { ...FAST, timeoutMs: 100 });
      const ok = (await t.as('admin', { method: 'GET', url: `/api/v1/webhooks/${s.id}` })).json();
      assert.equal(ok.pending, 0);
      assert.equal(ok.deliveredCount, 1);
      assert.equal(new Set(l.all.map((x) => x.body.eventId)).size, 1);
    } finally {
      await l.close();
    }
  });
});
