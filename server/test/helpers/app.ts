import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import type { Db } from '../../src/db/connect.ts';
import { buildApp } from '../../src/app.ts';
import { loadConfig, type Config } from '../../src/config.ts';
import { ManualClock } from '../../src/shared/clock.ts';
import { seedOrganisation } from '../../src/demo/organisation.ts';
import { hashPassword } from '../../src/auth/password.ts';
import type { Deps } from '../../src/http/deps.ts';
import { testPii } from '../../src/pii/pii.ts';

export const TEST_PASSWORD = 'test-password-1';

/** An app over a real database with the demo organisation (province zj; cities hz, nb, wz; users of every role). */
export interface TestApp {
  app: FastifyInstance;
  deps: Deps;
  clock: ManualClock;
  /** bearer token of a demo user (cached) */
  token(username: string): Promise<string>;
  /** an injected request as `username` (or anonymous with null) */
  as(username: string | null, opts: InjectOptions): Promise<LightMyRequestResponse>;
  close(): Promise<void>;
}

let hashCache: string | null = null;

/** Builds the app over `db`, seeding the demo organisation once. The clock starts at `start`. */
export async function testApp(db: Db, opts: { start?: string; config?: Partial<Config> } = {}): Promise<TestApp> {
  const clock = new ManualClock(opts.start ?? '2026-03-02T09:00:00+08:00');
  const config = { ...loadConfig({ NETCARE_DATA_DIR: '/tmp/netcare-test-unused', NETCARE_DATABASE_URL: 'sqlite::memory:' }), ...opts.config };
  const seeded = await db.kysely.selectFrom('appUser').select('id').limit(1).executeTakeFirst();
  if (!seeded) {
    await seedOrganisation(db, TEST_PASSWORD, clock.now());
    hashCache ??= await hashPassword(TEST_PASSWORD);
    await db.kysely.insertInto('appUser').values({
      username: 'admin', displayName: 'Admin', passwordHash: hashCache, role: 'admin', regionId: 'zj', departmentId: null,
      disabled: 0, failedLogins: 0, lockedUntil: null, createdAt: clock.now(), updatedAt: clock.now(),
    }).execute();
  }
  const deps: Deps = { db, config, clock, pii: testPii() };
  const app = await buildApp(deps, { console: false });
  await app.ready();
  const tokens = new Map<string, string>();
  const token = async (username: string) => {
    let t = tokens.get(username);
    if (!t) {
      const r = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username, password: TEST_PASSWORD } });
      if (r.statusCode !== 200) throw new Error(`login ${username} failed: ${r.statusCode} ${r.body}`);
      t = r.json().token as string;
      tokens.set(username, t);
    }
    return t;
  };
  return {
    app, deps, clock, token,
    async as(username, o) {
      const send = async () => {
        const headers = { ...(o.headers ?? {}) } as Record<string, string>;
        if (username) headers.authorization = `Bearer ${await token(username)}`;
        return app.inject({ ...o, headers });
      };
      const r = await send();
      // the test clock may have moved past the session's lifetime: sign in again once
      if (username && r.statusCode === 401) { tokens.delete(username); return send(); }
      return r;
    },
    close: () => app.close(),
  };
}
