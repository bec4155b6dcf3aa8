import type { FastifyInstance, FastifyRequest } from 'fastify';
import { errors } from '../errors.ts';
import type { Bucket, SecuritySettings } from './settings.ts';

/** The routes where a caller proves who it is: limited per address more strictly (password guessing). */
const CREDENTIAL_ROUTES = new Set(['/api/v1/auth/login']);

/**
 * Token buckets in memory, one per key (user, address). Each process keeps its own: with N
 * processes behind a balancer the effective limit is up to N times the setting, which is the
 * intent (protect each process and the database from one caller), not an exact quota.
 * Time is the monotonic process clock, never the injected business clock: a limit is about
 * how fast requests really arrive.
 */
export class TokenBuckets {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(readonly spec: Bucket, private readonly now: () => number = () => performance.now(), private readonly maxKeys = 100_000) {}

  /** Takes one token for `key`: 0 when allowed, otherwise the seconds until the next token. */
  take(key: string): number {
    const now = this.now();
    let b = this.buckets.get(key);
    if (!b) {
      if (this.buckets.size >= this.maxKeys) this.sweep(now);
      b = { tokens: this.spec.burst, at: now };
      this.buckets.set(key, b);
    } else {
      b.tokens = Math.min(this.spec.burst, b.tokens + ((now - b.at) / 1000) * this.spec.rate);
      b.at = now;
    }
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return 0;
    }
    return (1 - b.tokens) / this.spec.rate;
  }

  get size(): number { return this.buckets.size; }

  /** Drops buckets that have refilled (they equal a new one); if that is not enough, the oldest half. */
  private sweep(now: number): void {
    for (const [k, b] of this.buckets) if (b.tokens + ((now - b.at) / 1000) * this.spec.rate >= this.spec.burst) this.buckets.delete(k);
    if (this.buckets.size >= this.maxKeys) {
      let n = Math.floor(this.buckets.size / 2);
      for (const k of this.buckets.keys()) { if (n-- <= 0) break; this.buckets.delete(k); }
    }
  }
}

function refuse(seconds: number): never {
  // whole seconds, at least 1: what Retry-After can say
  throw errors.tooManyRequests(Math.max(1, Math.ceil(seconds)));
}

/**
 * Installs the limits as two onRequest hooks around authentication (issue 9): per address
 * (all requests, and sign-ins more strictly) before the caller is looked up, so a flood never
 * reaches the database; per user or API key after it. Refusals are 429 with Retry-After and
 * the usual error body (`rate_limited`, details.retryAfterSeconds).
 */
export function installRateLimits(app: FastifyInstance, settings: SecuritySettings['rateLimit']): { afterAuthentication(): void } {
  const address = settings.address ? new TokenBuckets(settings.address) : null;
  const login = settings.login ? new TokenBuckets(settings.login) : null;
  const user = settings.user ? new TokenBuckets(settings.user) : null;
  app.addHook('onRequest', async (req: FastifyRequest) => {
    if (address) { const wait = address.take(req.ip); if (wait) refuse(wait); }
    if (login && req.method === 'POST' && CREDENTIAL_ROUTES.has(req.routeOptions.url ?? '')) {
      const wait = login.take(req.ip);
      if (wait) refuse(wait);
    }
  });
  return {
    /** call after installAuthentication: the hook needs `req.actor` */
    afterAuthentication() {
      if (!user) return;
      app.addHook('onRequest', async (req: FastifyRequest) => {
        const a = req.actor;
        if (!a) return;
        const wait = user.take(`${a.kind}:${a.id}`);
        if (wait) refuse(wait);
      });
    },
  };
}
