import type { Deps } from '../http/deps.ts';
import type { Actor } from '../access/actor.ts';
import { regionInScope } from '../access/actor.ts';
import { ROLES_SEEING_PERSONAL_DATA } from '../access/roles.ts';
import type { Q } from '../db/types.ts';
import { toIso } from '../shared/time.ts';
import type { Ticket } from '../tickets/repository.ts';
import { ownerActor, type Subscription, type SubscriptionKind } from '../webhooks/subscriptions.ts';
import { topicMatches } from '../webhooks/topics.ts';
import { loadBundles, presentTroubleTicket, type TicketBundle } from '../tmf621/present.ts';
import { parseHubQuery, planTmfEvents, tmfEventBody, type OutboxMessage } from '../tmf621/events.ts';

/** One event to deliver, rendered once: the same bytes (and signature) on every attempt. */
export interface RenderedEvent {
  eventId: string;
  eventType: string;
  body: string;
}

/** What the renderers of one fan-out pass share: the transaction, and caches across subscribers. */
interface RenderContext {
  trx: Q;
  deps: Deps;
  tickets: Map<number, Ticket>;
  bundles: Map<number, TicketBundle>;
  rendered: Map<string, RenderedEvent[]>;
}

type Renderer = (ctx: RenderContext, sub: Subscription, actor: Actor, msg: OutboxMessage) => Promise<RenderedEvent[]>;

/** netcare's own webhooks: `{ eventId, topic, at, data }` for the topics the subscriber chose. */
const renderWebhook: Renderer = async (ctx, sub, _actor, msg) => {
  const patterns = sub.topics ? (JSON.parse(sub.topics) as string[]) : [];
  if (!topicMatches(patterns, msg.topic)) return [];
  const key = `webhook:${msg.id}`;
  let out = ctx.rendered.get(key);
  if (!out) {
    const body = { eventId: String(msg.id), topic: msg.topic, at: toIso(msg.createdAt, ctx.deps.config.timeZone), data: msg.payload };
    out = [{ eventId: String(msg.id), eventType: msg.topic, body: JSON.stringify(body) }];
    ctx.rendered.set(key, out);
  }
  return out;
};

/** TMF621 hub listeners: TroubleTicket notifications, with the ticket as the subscriber may see it. */
const renderTmf621: Renderer = async (ctx, sub, actor, msg) => {
  if (!msg.ticketId || !msg.topic.startsWith('ticket.')) return [];
  const t = ctx.tickets.get(msg.ticketId);
  if (!t) return [];
  let b = ctx.bundles.get(t.id);
  if (!b) {
    b = (await loadBundles(ctx.trx, [t])).get(t.id)!;
    ctx.bundles.set(t.id, b);
  }
  const clear = ROLES_SEEING_PERSONAL_DATA.has(actor.role);
  const key = `tmf621:${msg.id}:${clear}`;
  let all = ctx.rendered.get(key);
  if (!all) {
    const tz = ctx.deps.config.timeZone;
    all = planTmfEvents(msg, b).map((plan, seq) => {
      const tt = presentTroubleTicket(b!, actor, ctx.deps.pii, tz, { asOfEventId: plan.asOfEventId });
      const body = tmfEventBody(msg, seq, plan, tt, tz);
      return { eventId: body.eventId, eventType: plan.eventType, body: JSON.stringify(body) };
    });
    ctx.rendered.set(key, all);
  }
  let wanted: Set<string> | null = null;
  try { wanted = parseHubQuery(sub.query); } catch { wanted = null; }
  return wanted ? all.filter((e) => wanted!.has(e.eventType)) : all;
};

/** Job and topic handlers are one typed map (STYLE): a new kind without a renderer does not compile. */
const RENDERERS: Record<SubscriptionKind, Renderer> = { webhook: renderWebhook, tmf621: renderTmf621 };

/**
 * Turns pending outbox rows into deliveries, one transaction per batch: takes and drops the pending
 * marks of the oldest rows (on PostgreSQL `for update skip locked`, so processes share the work
 * without waiting), and for every subscription that should see each row — created
 * before it, owner still valid, ticket (or the event's region) in the owner's scope — writes one
 * delivery per event with the body rendered now. A row marks pending until this commits, and
 * delivery refuses a ticket's event while an earlier row of that ticket is pending, so events
 * keep their order per ticket even when processes fan out concurrently. Returns how many rows.
 */
export async function fanOut(deps: Deps, opts: { batch: number }): Promise<number> {
  // idle passes (nothing pending) open no write transaction
  const any = await deps.db.kysely.selectFrom('outboxPending').select('outboxId').limit(1).executeTakeFirst();
  if (!any) return 0;
  return deps.db.kysely.transaction().execute(async (trx) => {
    // take the marks in one statement that writes first: on PostgreSQL rows another process holds
    // are skipped (skip locked); on SQLite the write lock is taken at once (no read-then-upgrade)
    const pending = await trx.deleteFrom('outboxPending')
      .where('outboxId', 'in', (eb) => {
        const oldest = eb.selectFrom('outboxPending').select('outboxId').orderBy('outboxId').limit(opts.batch);
        return deps.db.engine === 'postgres' ? oldest.forUpdate().skipLocked() : oldest;
      })
      .returningAll().execute();
    if (!pending.length) return 0;
    const ids = pending.map((p) => p.outboxId);

    const subs = await trx.selectFrom('webhookSubscription').selectAll().where('state', '!=', 'disabled').orderBy('id').execute();
    if (!subs.length) return pending.length;
    const now = deps.clock.now();
    const actors = new Map<number, Actor>();
    for (const s of subs) {
      const a = await ownerActor(trx, s);
      if (a) { actors.set(s.id, a); continue; }
      await trx.updateTable('webhookSubscription').set({ state: 'disabled', lastError: 'the owner (API key or user) was revoked or disabled', lastErrorAt: now, updatedAt: now })
        .where('id', '=', s.id).execute();
    }

    const rows = await trx.selectFrom('outbox').selectAll().where('id', 'in', ids).orderBy('id').execute();
    const ticketIds = [...new Set(rows.map((r) => r.ticketId).filter((x): x is number => x != null))];
    const tickets = new Map<number, Ticket>();
    if (ticketIds.length) for (const t of await trx.selectFrom('ticket').selectAll().where('id', 'in', ticketIds).execute()) tickets.set(t.id, t);
    const ctx: RenderContext = { trx, deps, tickets, bundles: new Map(), rendered: new Map() };

    for (const r of rows) {
      let payload: Record<string, any> = {};
      try { payload = JSON.parse(r.payload) ?? {}; } catch { /* a payload that is not JSON is delivered as {} */ }
      const msg: OutboxMessage = { id: r.id, topic: r.topic, ticketId: r.ticketId, payload, createdAt: r.createdAt };
      const region = r.ticketId != null ? tickets.get(r.ticketId)?.regionId : typeof payload.regionId === 'string' ? payload.regionId : undefined;
      for (const s of subs) {
        const actor = actors.get(s.id);
        if (!actor || r.id <= s.startAfterOutboxId) continue;
        // the subscriber sees what its owner may see (DESIGN §1); events of no region go to province-wide owners only
        if (region ? !regionInScope(actor, region) : !actor.isProvince) continue;
        const events = await RENDERERS[s.kind as SubscriptionKind]?.(ctx, s, actor, msg) ?? [];
        if (!events.length) continue;
        await trx.insertInto('webhookDelivery').values(events.map((e, seq) => ({
          subscriptionId: s.id, outboxId: r.id, seq, ticketId: r.ticketId ?? 0, eventId: e.eventId, eventType: e.eventType,
          // encrypted at rest: a TroubleTicket carries the customer's phone number and name (DESIGN §1)
          body: deps.pii.encrypt(e.body),
          attempts: 0, nextAttemptAt: now, claimToken: null, claimedUntil: null, lastError: null, createdAt: now,
        }))).onConflict((oc) => oc.columns(['subscriptionId', 'outboxId', 'seq']).doNothing()).execute();
      }
    }
    return pending.length;
  });
}
