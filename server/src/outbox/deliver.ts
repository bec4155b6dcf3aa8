import { createHmac, randomUUID } from 'node:crypto';
import type { Deps } from '../http/deps.ts';

/** How delivery behaves; every interval is injectable so tests run in milliseconds. */
export interface DeliveryOptions {
  /** outbox rows fanned out, and deliveries tried, per pass */
  batch: number;
  /** requests in flight at once within a pass */
  concurrency: number;
  /** an answer must come within this (DESIGN: outbound calls never hang a worker) */
  timeoutMs: number;
  /** a claim lasts this long; longer than timeoutMs, so two processes never send one attempt at once */
  leaseMs: number;
  /** backoff after the n-th failure: base × 2^(n−1), at most max, ± jitter (a fraction) */
  baseBackoffMs: number;
  maxBackoffMs: number;
  jitter: number;
  /** suspend a subscription when one event failed this often… */
  maxAttempts: number;
  /** …or when it has been failing without a success for this long */
  suspendAfterMs: number;
  /** wait between passes when there was nothing to do */
  idleMs: number;
}

export const DEFAULT_DELIVERY: DeliveryOptions = {
  batch: 100, concurrency: 8, timeoutMs: 5000, leaseMs: 60_000,
  baseBackoffMs: 1000, maxBackoffMs: 3600_000, jitter: 0.1,
  maxAttempts: 20, suspendAfterMs: 24 * 3600_000, idleMs: 500,
};

/** `sha256=<hex>`: HMAC-SHA256 of the exact body bytes with the subscription's secret. */
export function signBody(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body, 'utf8').digest('hex')}`;
}

export function backoffMs(o: Pick<DeliveryOptions, 'baseBackoffMs' | 'maxBackoffMs' | 'jitter'>, failures: number): number {
  const raw = Math.min(o.maxBackoffMs, o.baseBackoffMs * 2 ** Math.max(0, Math.min(failures - 1, 40)));
  return Math.round(raw * (1 + (Math.random() * 2 - 1) * o.jitter));
}

interface Candidate {
  id: number;
  subscriptionId: number;
  attempts: number;
  eventId: string;
  eventType: string;
  /** encrypted (pii) */
  body: string;
  callback: string;
  secretEnc: string;
  consecutiveFailures: number;
}

/** POSTs one event; a 2xx is a success, anything else (redirects, timeouts, refusals) a failure with a reason. */
async function post(url: string, body: string, headers: Record<string, string>, timeoutMs: number): Promise<string | null> {
  try {
    const res = await fetch(url, { method: 'POST', body, headers, redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) });
    await res.arrayBuffer().catch(() => undefined);
    return res.status >= 200 && res.status < 300 ? null : `HTTP ${res.status}`;
  } catch (err: any) {
    if (err?.name === 'TimeoutError' || err?.name === 'AbortError') return `no answer within ${timeoutMs} ms`;
    const cause = err?.cause?.code ?? err?.cause?.message;
    return `${err?.message ?? 'request failed'}${cause ? ` (${cause})` : ''}`.slice(0, 1000);
  }
}

/**
 * One delivery pass. Candidates are the head of each (subscription, ticket) stream — no earlier
 * event of that ticket is undelivered or still pending fan-out — that are due, unclaimed, of an
 * active subscription that is not waiting out a backoff. A subscription that is failing gets one
 * probe per pass. Each candidate is claimed with a conditional update (same attempt count, no
 * live claim), so several processes on one database never send the same attempt at once; then it
 * is sent signed, and deleted on success or rescheduled with backoff on failure. A subscription
 * suspends after `maxAttempts` failures of one event or `suspendAfterMs` of failing. Returns the
 * number of attempts made.
 */
export async function deliverDue(deps: Deps, o: DeliveryOptions): Promise<number> {
  const k = deps.db.kysely;
  const now = deps.clock.now();
  // the subscriptions that may receive now: the usual answer is none, and a suspended one's
  // backlog is never scanned
  const open = await k.selectFrom('webhookSubscription').select('id').where('state', '=', 'active')
    .where((eb) => eb.or([eb('retryAt', 'is', null), eb('retryAt', '<=', now)])).execute();
  if (!open.length) return 0;
  const rows = await k.selectFrom('webhookDelivery as d')
    .innerJoin('webhookSubscription as s', 's.id', 'd.subscriptionId')
    .select(['d.id', 'd.subscriptionId', 'd.attempts', 'd.eventId', 'd.eventType', 'd.body', 's.callback', 's.secretEnc', 's.consecutiveFailures'])
    .where('d.subscriptionId', 'in', open.map((s) => s.id))
    .where('s.state', '=', 'active')
    .where('d.nextAttemptAt', '<=', now)
    .where((eb) => eb.or([eb('d.claimedUntil', 'is', null), eb('d.claimedUntil', '<', now)]))
    .where((eb) => eb.not(eb.exists(eb.selectFrom('webhookDelivery as e').select('e.id')
      .whereRef('e.subscriptionId', '=', 'd.subscriptionId').whereRef('e.ticketId', '=', 'd.ticketId')
      .where((x) => x.or([x('e.outboxId', '<', x.ref('d.outboxId')), x.and([x('e.outboxId', '=', x.ref('d.outboxId')), x('e.seq', '<', x.ref('d.seq'))])])))))
    .where((eb) => eb.not(eb.exists(eb.selectFrom('outboxPending as p').select('p.outboxId')
      .whereRef('p.ticketId', '=', 'd.ticketId').whereRef('p.outboxId', '<', 'd.outboxId'))))
    .orderBy('d.outboxId').orderBy('d.seq').limit(o.batch).execute();

  // a failing subscription gets one probe per pass: its least-tried due event, so a ticket whose
  // event the subscriber keeps refusing does not hold up the other tickets' events
  const probes = new Map<number, Candidate>();
  const candidates: Candidate[] = [];
  for (const r of rows as Candidate[]) {
    if (r.consecutiveFailures === 0) { candidates.push(r); continue; }
    const p = probes.get(r.subscriptionId);
    if (!p || r.attempts < p.attempts) probes.set(r.subscriptionId, r);
  }
  candidates.push(...probes.values());

  let attempts = 0;
  let next = 0;
  const worker = async () => {
    while (next < candidates.length) {
      const c = candidates[next++];
      if (await attempt(deps, o, c)) attempts++;
    }
  };
  await Promise.all(Array.from({ length: Math.min(o.concurrency, candidates.length) }, worker));
  return attempts;
}

/** Claims, sends and records one attempt; false when another process had it. */
async function attempt(deps: Deps, o: DeliveryOptions, c: Candidate): Promise<boolean> {
  const k = deps.db.kysely;
  const claimedAt = deps.clock.now();
  const token = randomUUID();
  const claim = await k.updateTable('webhookDelivery')
    .set({ claimToken: token, claimedUntil: claimedAt + o.leaseMs, attempts: c.attempts + 1 })
    .where('id', '=', c.id).where('attempts', '=', c.attempts)
    .where((eb) => eb.or([eb('claimedUntil', 'is', null), eb('claimedUntil', '<', claimedAt)]))
    .executeTakeFirst();
  if (Number(claim.numUpdatedRows) !== 1) return false;

  const attemptNo = c.attempts + 1;
  const body = deps.pii.decrypt(c.body);
  const error = await post(c.callback, body, {
    'content-type': 'application/json',
    'user-agent': 'netcare-webhooks/1',
    'x-netcare-signature': signBody(deps.pii.decrypt(c.secretEnc), body),
    'x-netcare-event-id': c.eventId,
    'x-netcare-event-type': c.eventType,
    'x-netcare-delivery-attempt': String(attemptNo),
  }, o.timeoutMs);

  const now = deps.clock.now();
  if (error == null) {
    await k.deleteFrom('webhookDelivery').where('id', '=', c.id).where('claimToken', '=', token).execute();
    await k.updateTable('webhookSubscription')
      .set((eb) => ({ consecutiveFailures: 0, failingSince: null, retryAt: null, lastSuccessAt: now, deliveredCount: eb('deliveredCount', '+', 1), updatedAt: now }))
      .where('id', '=', c.subscriptionId).execute();
    return true;
  }
  const reason = `event ${c.eventId} attempt ${attemptNo}: ${error}`.slice(0, 1000);
  await k.updateTable('webhookDelivery')
    .set({ claimToken: null, claimedUntil: null, lastError: reason, nextAttemptAt: now + backoffMs(o, attemptNo) })
    .where('id', '=', c.id).where('claimToken', '=', token).execute();
  await k.updateTable('webhookSubscription')
    .set((eb) => ({ consecutiveFailures: eb('consecutiveFailures', '+', 1), failingSince: eb.fn.coalesce('failingSince', eb.val(now)), lastError: reason, lastErrorAt: now, updatedAt: now }))
    .where('id', '=', c.subscriptionId).execute();
  const s = await k.selectFrom('webhookSubscription').select(['consecutiveFailures', 'failingSince']).where('id', '=', c.subscriptionId).executeTakeFirst();
  if (!s) return true;
  const suspend = attemptNo >= o.maxAttempts || (s.failingSince != null && now - s.failingSince >= o.suspendAfterMs);
  await k.updateTable('webhookSubscription')
    .set(suspend ? { state: 'suspended', suspendedAt: now, retryAt: now + backoffMs(o, s.consecutiveFailures) } : { retryAt: now + backoffMs(o, s.consecutiveFailures) })
    .where('id', '=', c.subscriptionId).where('state', '=', 'active').execute();
  return true;
}
