import { it, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { eachEngine } from '../helpers/engines.ts';
import { testApp, TEST_PASSWORD, type TestApp } from '../helpers/app.ts';
import { intake } from '../helpers/factories.ts';
import { buildApp } from '../../src/app.ts';
import { DEFAULT_SECURITY, loadSecuritySettings, type SecuritySettings } from '../../src/security/settings.ts';
import { TokenBuckets } from '../../src/security/rate-limit.ts';
import { startServer } from '../../src/server.ts';
import { loadConfig } from '../../src/config.ts';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Histogram, report } from '../reliability/figures.ts';

/** Settings with tight limits, so a test reaches them in a handful of requests. */
const tight = (over: Partial<SecuritySettings['rateLimit']>): SecuritySettings => ({
  ...DEFAULT_SECURITY, rateLimit: { user: null, address: null, login: null, ...over },
});

describe('security: the server limits by default', () => {
  it('netcare serve answers 429 once an address exceeds its burst (apps built without settings, as in API tests, have no limits)', async (tc) => {
    const dir = mkdtempSync(join(tmpdir(), 'netcare-limits-'));
    const running = await startServer(loadConfig({ NETCARE_DATABASE_URL: `sqlite:${join(dir, 'n.db')}`, NETCARE_DATA_DIR: dir, NETCARE_PORT: '0', NETCARE_DEMO: '0', NETCARE_ADMIN_PASSWORD: 'limits-password-1' }), { quiet: true, console: false });
    try {
      const { burst, rate } = DEFAULT_SECURITY.rateLimit.address!;
      // faster than the sustained rate: several requests in flight at once
      const codes = new Map<number, number>();
      let retryAfter = 0;
      // a loaded machine may serve fewer than `rate` requests a second: keep going until one is refused
      for (let round = 0; round < 40 && !codes.get(429); round++) {
        await Promise.all(Array.from({ length: burst }, async () => {
          const r = await fetch(`${running.url}/healthz`);
          await r.arrayBuffer();
          codes.set(r.status, (codes.get(r.status) ?? 0) + 1);
          if (r.status === 429) retryAfter = Number(r.headers.get('retry-after'));
        }));
      }
      const h = new Histogram();
      for (const [c, n] of codes) h.add(c, n);
      report(tc, 'rate limit serve', { requests: h.total, statuses: String(h), burst, ratePerSecond: rate });
      assert.ok(codes.get(429), `no 429: ${JSON.stringify([...codes])} (burst ${burst}, ${rate}/s)`);
      assert.ok(retryAfter >= 1);
      assert.ok((codes.get(200) ?? 0) >= burst);
    } finally {
      await running.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('security: token buckets and settings', () => {
  it('allows a burst, then the sustained rate, and says how long to wait', () => {
    let now = 0;
    const b = new TokenBuckets({ rate: 2, burst: 3 }, () => now);
    assert.deepEqual([b.take('u'), b.take('u'), b.take('u')], [0, 0, 0]);
    assert.equal(b.take('u'), 0.5);        // empty: the next token comes in 1/rate s
    assert.equal(b.take('other'), 0);      // keys are independent
    now += 500;
    assert.equal(b.take('u'), 0);          // one token refilled
    assert.ok(b.take('u') > 0);
    now += 10_000;                         // never more than the burst after a quiet spell
    for (let i = 0; i < 3; i++) assert.equal(b.take('u'), 0);
    assert.ok(b.take('u') > 0);
  });

  it('keeps memory bounded: full buckets are swept when the key count hits the cap', () => {
    let now = 0;
    const b = new TokenBuckets({ rate: 1, burst: 2 }, () => now, 100);
    for (let i = 0; i < 100; i++) b.take(`a${i}`);
    now += 5000;
    b.take('new');
    assert.ok(b.size <= 2, `swept to ${b.size}`);
    for (let i = 0; i < 500; i++) b.take(`b${i}`);  // none refilled: the oldest half goes
    assert.ok(b.size <= 100);
  });

  it('reads RATE,BURST and off from the environment, and refuses nonsense', () => {
    const s = loadSecuritySettings({ NETCARE_RATE_LIMIT_USER: '5,10', NETCARE_RATE_LIMIT_LOGIN: 'off', NETCARE_RETENTION_DAYS: '30' });
    assert.deepEqual(s.rateLimit.user, { rate: 5, burst: 10 });
    assert.equal(s.rateLimit.login, null);
    assert.deepEqual(s.rateLimit.address, DEFAULT_SECURITY.rateLimit.address);
    assert.equal(s.retentionDays, 30);
    assert.equal(loadSecuritySettings({}).retentionDays, 1095);
    assert.equal(loadSecuritySettings({ NETCARE_RETENTION_DAYS: 'off' }).retentionDays, null);
    assert.throws(() => loadSecuritySettings({ NETCARE_RATE_LIMIT_USER: 'fast' }), /NETCARE_RATE_LIMIT_USER/);
    assert.throws(() => loadSecuritySettings({ NETCARE_RETENTION_DAYS: '-1' }), /NETCARE_RETENTION_DAYS/);
  });
});

eachEngine('security: rate limits, headers, cookies, CSRF', (ctx) => {
  let t: TestApp;
  const apps: FastifyInstance[] = [];
  /** a second app over the same (seeded) database with its own settings */
  const appWith = async (security: SecuritySettings, config: Partial<TestApp['deps']['config']> = {}) => {
    const app = await buildApp({ ...t.deps, config: { ...t.deps.config, ...config } }, { console: false, security });
    await app.ready();
    apps.push(app);
    return app;
  };
  const login = async (app: FastifyInstance, username: string, remoteAddress = '127.0.0.1') =>
    app.inject({ method: 'POST', url: '/api/v1/auth/login', remoteAddress, payload: { username, password: TEST_PASSWORD } });

  before(async () => { t = await testApp(ctx.db); });
  after(async () => { for (const a of apps) await a.close(); await t.close(); });

  it('limits each user: a burst, then 429 with Retry-After and the error body; other users go on', async () => {
    const app = await appWith(tight({ user: { rate: 1, burst: 5 } }));
    const agent = (await login(app, 'agent')).json().token;
    const noc = (await login(app, 'noc')).json().token;
    const get = (token: string) => app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: { authorization: `Bearer ${token}` } });
    for (let i = 0; i < 5; i++) assert.equal((await get(agent)).statusCode, 200, `request ${i + 1}`);
    const refused = await get(agent);
    assert.equal(refused.statusCode, 429);
    assert.equal(refused.json().code, 'rate_limited');
    assert.ok(Number(refused.headers['retry-after']) >= 1);
    assert.equal(refused.json().details.retryAfterSeconds, Number(refused.headers['retry-after']));
    assert.equal((await get(noc)).statusCode, 200, 'another user has its own bucket');
    await new Promise((r) => setTimeout(r, 1100));
    assert.equal((await get(agent)).statusCode, 200, 'a token came back after a second');
  });

  it('refuses a flood of writes before they are parsed or stored', async () => {
    const app = await appWith(tight({ user: { rate: 0.01, burst: 2 } }));
    const token = (await login(app, 'agent')).json().token;
    const count = async () => Number((await ctx.db.kysely.selectFrom('ticket').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
    const before = await count();
    const codes: number[] = [];
    for (let i = 0; i < 6; i++) {
      codes.push((await app.inject({ method: 'POST', url: '/api/v1/tickets', headers: { authorization: `Bearer ${token}` }, payload: intake() })).statusCode);
    }
    assert.deepEqual(codes, [201, 201, 429, 429, 429, 429]);
    assert.equal(await count(), before + 2);
  });

  it('limits sign-ins per address more strictly, whatever the account', async () => {
    const app = await appWith(tight({ login: { rate: 0.01, burst: 3 } }));
    const codes: number[] = [];
    for (const u of ['x1', 'x2', 'x3', 'x4']) {
      codes.push((await app.inject({ method: 'POST', url: '/api/v1/auth/login', remoteAddress: '10.9.9.9', payload: { username: u, password: 'wrong-wrong' } })).statusCode);
    }
    assert.deepEqual(codes, [401, 401, 401, 429]);
    const other = await login(app, 'agent', '10.9.9.10');
    assert.equal(other.statusCode, 200, 'another address is not affected');
    const refused = await login(app, 'agent', '10.9.9.9');
    assert.equal(refused.statusCode, 429, 'even the right password waits: the limit comes before any check');
    assert.ok(Number(refused.headers['retry-after']) >= 1);
  });

  it('limits each address for every request, signed in or not', async () => {
    const app = await appWith(tight({ address: { rate: 0.01, burst: 4 } }));
    const codes: number[] = [];
    for (let i = 0; i < 5; i++) codes.push((await app.inject({ method: 'GET', url: '/healthz', remoteAddress: '10.7.7.7' })).statusCode);
    assert.deepEqual(codes, [200, 200, 200, 200, 429]);
    assert.equal((await app.inject({ method: 'GET', url: '/healthz', remoteAddress: '10.7.7.8' })).statusCode, 200);
  });

  it('sends the security headers on API answers, errors and the console', async () => {
    const me = await t.as('agent', { method: 'GET', url: '/api/v1/auth/me' });
    const missing = await t.app.inject({ method: 'GET', url: '/api/v1/nothing-here' });
    for (const r of [me, missing]) {
      assert.equal(r.headers['content-security-policy'], "default-src 'none'; frame-ancestors 'none'");
      assert.equal(r.headers['x-content-type-options'], 'nosniff');
      assert.equal(r.headers['x-frame-options'], 'DENY');
      assert.equal(r.headers['referrer-policy'], 'no-referrer');
      assert.equal(r.headers['cache-control'], 'no-store');
      assert.equal(r.headers['x-powered-by'], undefined);
      assert.equal(r.headers['strict-transport-security'], undefined, 'no HSTS over plain HTTP');
    }
    const consoleApp = await buildApp(t.deps, { console: true, security: DEFAULT_SECURITY });
    apps.push(consoleApp);
    const page = await consoleApp.inject({ method: 'GET', url: '/' });
    assert.equal(page.statusCode, 200);
    const csp = String(page.headers['content-security-policy']);
    assert.match(csp, /default-src 'self'/);
    assert.match(csp, /script-src 'self'(;|$)/, 'no inline or eval scripts');
    assert.match(csp, /frame-ancestors 'none'/);
    assert.match(csp, /object-src 'none'/);
    assert.equal(page.headers['x-frame-options'], 'DENY');
    const docs = await consoleApp.inject({ method: 'GET', url: '/docs/static/index.html' });
    assert.match(String(docs.headers['content-security-policy']), /script-src 'self'/);
  });

  it('sets the session cookie HttpOnly, SameSite=Strict, Path=/; Secure and HSTS with NETCARE_SECURE_COOKIES=1', async () => {
    const plain = await login(t.app, 'agent');
    const cookie = String(plain.headers['set-cookie']);
    assert.match(cookie, /^netcare_session=ncs_/);
    assert.match(cookie, /HttpOnly/);
    assert.match(cookie, /SameSite=Strict/);
    assert.match(cookie, /Path=\//);
    assert.doesNotMatch(cookie, /Secure/);
    const app = await appWith(DEFAULT_SECURITY, { secureCookies: true });
    const secure = await login(app, 'agent');
    assert.match(String(secure.headers['set-cookie']), /; Secure/);
    assert.equal(secure.headers['strict-transport-security'], 'max-age=31536000; includeSubDomains');
  });

  it('demands X-Requested-With: netcare on cookie-authenticated changes, before anything is stored', async () => {
    const token = (await login(t.app, 'agent')).json().token;
    const cookies = { netcare_session: token };
    const count = async () => Number((await ctx.db.kysely.selectFrom('ticket').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
    const before = await count();
    const forged = await t.app.inject({ method: 'POST', url: '/api/v1/tickets', cookies, payload: intake() });
    assert.equal(forged.statusCode, 403);
    assert.equal(forged.json().details.reason, 'csrf');
    const wrongValue = await t.app.inject({ method: 'POST', url: '/api/v1/tickets', cookies, headers: { 'x-requested-with': 'XMLHttpRequest' }, payload: intake() });
    assert.equal(wrongValue.statusCode, 403);
    // a cross-site form can only send these content types; still refused
    const form = await t.app.inject({ method: 'POST', url: '/api/v1/auth/logout', cookies, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'a=b' });
    assert.equal(form.statusCode, 403);
    assert.equal(await count(), before, 'nothing was written');
    const read = await t.app.inject({ method: 'GET', url: '/api/v1/tickets', cookies });
    assert.equal(read.statusCode, 200, 'reads need no header');
    const ok = await t.app.inject({ method: 'POST', url: '/api/v1/tickets', cookies, headers: { 'x-requested-with': 'netcare' }, payload: intake() });
    assert.equal(ok.statusCode, 201);
    const bearer = await t.app.inject({ method: 'POST', url: '/api/v1/tickets', headers: { authorization: `Bearer ${token}` }, payload: intake() });
    assert.equal(bearer.statusCode, 201, 'bearer tokens cannot be sent by a cross-site page: no header needed');
    assert.equal(await count(), before + 2);
  });
});
