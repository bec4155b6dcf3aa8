import type { Deps } from '../http/deps.ts';
import { errors } from '../errors.ts';
import { appendAudit } from '../audit/repository.ts';
import { DUMMY_HASH, verifyPassword } from './password.ts';
import { newSessionToken, sha256, SESSION_TTL_MS } from './tokens.ts';

/** After this many failures in a row an account is locked for LOCK_MS. */
export const MAX_FAILURES = 5;
export const LOCK_MS = 15 * 60 * 1000;

/** Delay before answering a sign-in from an address that keeps failing: doubles from the 3rd failure, at most 8 s. */
export function throttleDelayMs(failures: number): number {
  return failures < 3 ? 0 : Math.min(250 * 2 ** (failures - 3), 8000);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Signs a user in: growing delay per address, lockout per account, every attempt audited.
 * Returns the new session token.
 */
export async function login(deps: Deps, input: { username: string; password: string; address: string }): Promise<{ token: string; userId: number; expiresAt: number }> {
  const k = deps.db.kysely;
  const throttle = await k.selectFrom('loginThrottle').selectAll().where('address', '=', input.address).executeTakeFirst();
  // failures older than an hour are forgiven
  const recent = throttle && deps.clock.now() - throttle.lastFailureAt < 3600_000 ? throttle.failures : 0;
  await sleep(throttleDelayMs(recent));

  const user = await k.selectFrom('appUser').selectAll().where('username', '=', input.username).executeTakeFirst();
  const ok = await verifyPassword(input.password, user?.passwordHash ?? DUMMY_HASH);
  const now = deps.clock.now();

  if (user && user.lockedUntil != null && user.lockedUntil > now) {
    await recordFailure(deps, input, recent, 'locked', user.regionId);
    throw errors.locked(user.lockedUntil);
  }
  if (!user || !ok || user.disabled) {
    await k.transaction().execute(async (trx) => {
      if (user) {
        const failures = user.failedLogins + 1;
        await trx.updateTable('appUser').set({ failedLogins: failures, lockedUntil: failures >= MAX_FAILURES ? now + LOCK_MS : null }).where('id', '=', user.id).execute();
      }
    });
    await recordFailure(deps, input, recent, !user ? 'unknown_user' : user.disabled ? 'disabled' : 'bad_password', user?.regionId ?? null);
    throw errors.badCredentials();
  }

  const token = newSessionToken();
  const expiresAt = now + SESSION_TTL_MS;
  await k.transaction().execute(async (trx) => {
    await trx.insertInto('session').values({ tokenHash: sha256(token), userId: user.id, createdAt: now, expiresAt }).execute();
    await trx.updateTable('appUser').set({ failedLogins: 0, lockedUntil: null }).where('id', '=', user.id).execute();
    await trx.deleteFrom('loginThrottle').where('address', '=', input.address).execute();
    // expired sessions of this user go now, so the table stays small without a sweeper
    await trx.deleteFrom('session').where('userId', '=', user.id).where('expiresAt', '<', now).execute();
    await appendAudit(trx, deps.db.engine, { at: now, actor: user.username, action: 'auth.login', target: `user:${user.username}`, regionId: user.regionId, address: input.address });
  });
  return { token, userId: user.id, expiresAt };
}

async function recordFailure(deps: Deps, input: { username: string; address: string }, recent: number, reason: string, regionId: string | null): Promise<void> {
  const now = deps.clock.now();
  await deps.db.kysely.transaction().execute(async (trx) => {
    await trx.insertInto('loginThrottle').values({ address: input.address, failures: recent + 1, lastFailureAt: now })
      .onConflict((oc) => oc.column('address').doUpdateSet({ failures: recent + 1, lastFailureAt: now })).execute();
    await appendAudit(trx, deps.db.engine, {
      at: now, actor: input.username.slice(0, 64), action: 'auth.login_failed', target: `user:${input.username.slice(0, 64)}`, regionId, address: input.address, details: { reason },
    });
  });
}

/** Ends a session. */
export async function logout(deps: Deps, token: string): Promise<void> {
  await deps.db.kysely.deleteFrom('session').where('tokenHash', '=', sha256(token)).execute();
}
