import { randomBytes } from 'node:crypto';
import type { Selectable } from 'kysely';
import type { Deps } from '../http/deps.ts';
import type { Actor } from '../access/actor.ts';
import type { Q } from '../db/types.ts';
import { actorFor } from '../auth/authenticate.ts';
import { decodeCursor, page } from '../http/pagination.ts';
import { errors } from '../errors.ts';
import { toIsoOrNull, toIso } from '../shared/time.ts';
import type { WebhookSubscriptionRow } from './tables.ts';

/** tmf621: a TMF621 hub listener (TroubleTicket events); webhook: netcare's own topic webhooks. */
export type SubscriptionKind = 'tmf621' | 'webhook';
export type Subscription = Selectable<WebhookSubscriptionRow>;

/**
 * A callback must be an absolute http(s) URL. Loopback and private targets are allowed on
 * purpose: in this deployment the subscribers sit next to netcare (and tests listen on loopback).
 */
export function checkCallback(text: string): string {
  let u: URL;
  try { u = new URL(text); } catch { throw errors.validation('callback must be an absolute http(s) URL', { callback: text }); }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw errors.validation(`callback must use http or https, not ${u.protocol.replace(':', '')}`, { callback: text });
  if (u.username || u.password) throw errors.validation('callback must not carry credentials; each delivery is signed instead', { callback: 'credentials' });
  return u.toString();
}

/** The HMAC key of a subscription: random, shown once, kept encrypted. */
export const newSecret = (): string => `whsec_${randomBytes(32).toString('base64url')}`;

/**
 * Subscribes the actor: events reach the callback as the actor would see them (its regions, its
 * masking of personal data), from the next change on. Returns the subscription and its secret.
 */
export async function createSubscription(deps: Deps, actor: Actor, input: { kind: SubscriptionKind; callback: string; query?: string | null; topics?: string[] }): Promise<{ sub: Subscription; secret: string }> {
  if (actor.kind === 'system') throw errors.forbidden('the system does not subscribe');
  const callback = checkCallback(input.callback);
  const secret = newSecret();
  const k = deps.db.kysely;
  const now = deps.clock.now();
  const sub = await k.transaction().execute(async (trx) => {
    const last = await trx.selectFrom('outbox').select((eb) => eb.fn.max('id').as('max')).executeTakeFirst();
    return trx.insertInto('webhookSubscription').values({
      kind: input.kind, callback, query: input.query ?? null, topics: input.topics ? JSON.stringify(input.topics) : null,
      secretEnc: deps.pii.encrypt(secret), ownerKind: actor.kind, ownerId: actor.id, ownerName: actor.name, role: actor.role,
      regionId: actor.regionId, departmentId: actor.departmentId, state: 'active', startAfterOutboxId: Number(last?.max ?? 0),
      consecutiveFailures: 0, failingSince: null, retryAt: null, lastError: null, lastErrorAt: null, lastSuccessAt: null,
      deliveredCount: 0, suspendedAt: null, createdAt: now, updatedAt: now,
    }).returningAll().executeTakeFirstOrThrow();
  });
  return { sub, secret };
}

/**
 * The owner's actor as it is now (role and region of the key or user today), or null when the
 * key was revoked or the user disabled: then nothing more is delivered.
 */
export async function ownerActor(q: Q, sub: Subscription): Promise<Actor | null> {
  if (sub.ownerKind === 'api') {
    const key = await q.selectFrom('apiKey').selectAll().where('id', '=', sub.ownerId).executeTakeFirst();
    if (!key || key.revokedAt != null) return null;
    return actorFor(q, { kind: 'api', id: key.id, name: `apikey:${key.name}`, role: key.role, regionId: key.regionId, departmentId: null });
  }
  const u = await q.selectFrom('appUser').select(['id', 'username', 'role', 'regionId', 'departmentId', 'disabled']).where('id', '=', sub.ownerId).executeTakeFirst();
  if (!u || u.disabled) return null;
  return actorFor(q, { kind: 'user', id: u.id, name: u.username, role: u.role, regionId: u.regionId, departmentId: u.departmentId });
}

const owns = (actor: Actor, s: Subscription) => s.ownerKind === actor.kind && s.ownerId === actor.id;

/** A subscription the actor may see: its own, or any (in scope) for an admin; 404 otherwise. */
export async function findSubscription(q: Q, actor: Actor, id: number, kind?: SubscriptionKind): Promise<Subscription> {
  const s = await q.selectFrom('webhookSubscription').selectAll().where('id', '=', id).executeTakeFirst();
  const visible = s && (!kind || s.kind === kind) && (owns(actor, s) || (actor.role === 'admin' && (actor.isProvince || actor.regionSubtreeIds.includes(s.regionId))));
  if (!visible) throw errors.notFound('subscription', id);
  return s;
}

/** Unsubscribes: the subscription and its undelivered events go. */
export async function deleteSubscription(deps: Deps, actor: Actor, id: number, kind?: SubscriptionKind): Promise<void> {
  await deps.db.kysely.transaction().execute(async (trx) => {
    const s = await findSubscription(trx, actor, id, kind);
    await trx.deleteFrom('webhookDelivery').where('subscriptionId', '=', s.id).execute();
    await trx.deleteFrom('webhookSubscription').where('id', '=', s.id).execute();
  });
}

/**
 * An admin resumes a suspended (or disabled) subscription: failures forgotten, every waiting
 * event due now with a fresh count of attempts. Events that arrived meanwhile were kept.
 */
export async function resumeSubscription(deps: Deps, actor: Actor, id: number): Promise<Subscription> {
  const k = deps.db.kysely;
  return k.transaction().execute(async (trx) => {
    const s = await findSubscription(trx, actor, id);
    const now = deps.clock.now();
    await trx.updateTable('webhookSubscription').set({ state: 'active', consecutiveFailures: 0, failingSince: null, retryAt: null, suspendedAt: null, updatedAt: now })
      .where('id', '=', s.id).execute();
    await trx.updateTable('webhookDelivery').set({ attempts: 0, nextAttemptAt: now, claimToken: null, claimedUntil: null }).where('subscriptionId', '=', s.id).execute();
    return trx.selectFrom('webhookSubscription').selectAll().where('id', '=', s.id).executeTakeFirstOrThrow();
  });
}

/** Subscriptions the actor may see (admins: all in scope; API keys: their own), oldest first, with their pending counts. */
export async function listSubscriptions(deps: Deps, actor: Actor, f: { limit?: number; cursor?: string; kind?: SubscriptionKind; state?: string }) {
  const limit = f.limit ?? 50;
  const k = deps.db.kysely;
  let q = k.selectFrom('webhookSubscription').selectAll().orderBy('id').limit(limit + 1);
  if (actor.role === 'admin') {
    if (!actor.isProvince) q = q.where('regionId', 'in', actor.regionSubtreeIds);
  } else {
    q = q.where('ownerKind', '=', actor.kind).where('ownerId', '=', actor.id);
  }
  if (f.kind) q = q.where('kind', '=', f.kind);
  if (f.state) q = q.where('state', '=', f.state);
  const after = decodeCursor(f.cursor, 1);
  if (after) q = q.where('id', '>', Number(after[0]));
  const p = page(await q.execute(), limit, (s) => [s.id]);
  const counts = p.items.length
    ? await k.selectFrom('webhookDelivery').select(['subscriptionId', (eb) => eb.fn.countAll().as('n')])
      .where('subscriptionId', 'in', p.items.map((s) => s.id)).groupBy('subscriptionId').execute()
    : [];
  const pending = new Map(counts.map((c) => [Number(c.subscriptionId), Number(c.n)]));
  return { items: p.items.map((s) => presentSubscription(s, deps.config.timeZone, pending.get(s.id) ?? 0)), nextCursor: p.nextCursor };
}

/** A subscription as admins and owners see it: never the secret. */
export function presentSubscription(s: Subscription, tz: string, pending?: number) {
  return {
    id: s.id,
    kind: s.kind,
    callback: s.callback,
    ...(s.kind === 'tmf621' ? { query: s.query } : { topics: s.topics ? JSON.parse(s.topics) as string[] : [] }),
    owner: s.ownerName,
    role: s.role,
    region: s.regionId,
    state: s.state,
    consecutiveFailures: s.consecutiveFailures,
    failingSince: toIsoOrNull(s.failingSince, tz),
    lastError: s.lastError,
    lastErrorAt: toIsoOrNull(s.lastErrorAt, tz),
    lastSuccessAt: toIsoOrNull(s.lastSuccessAt, tz),
    deliveredCount: Number(s.deliveredCount),
    ...(pending !== undefined ? { pending } : {}),
    suspendedAt: toIsoOrNull(s.suspendedAt, tz),
    createdAt: toIso(s.createdAt, tz),
  };
}
