// Browser tests: the real server in this process on a random port with a fresh SQLite database
// and the demo data, driven through headless Chromium (Debian's, through playwright-core).
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { startServer, type Running } from '../../server/src/server.ts';
import { loadConfig } from '../../server/src/config.ts';

export const PASSWORD = 'admin-pass-123';
const CHROMIUM = process.env.NETCARE_CHROMIUM ?? '/usr/bin/chromium';

/** A signed-in browser tab, with every error the page logged. */
export interface Session {
  user: string;
  page: Page;
  context: BrowserContext;
  /** console errors and uncaught exceptions; a test fails when any is left */
  errors: string[];
  close(): Promise<void>;
}

export interface Harness {
  url: string;
  server: Running;
  browser: Browser;
  /** A fresh browser context (its own cookies) at the login page, not signed in. */
  open(): Promise<Session>;
  /** A fresh browser context signed in as `user` through the login page. */
  signIn(user: string): Promise<Session>;
  /** Calls the API as `user` (bearer token), for setting the scene; throws on an error status. */
  api<T = any>(user: string, method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<T>;
  stop(): Promise<void>;
}

/**
 * The only console error a page may log: the first `GET /auth/me` of a page that is not signed
 * in answers 401, and Chromium reports every failed request as a console error.
 */
function expected(text: string, url: string): boolean {
  return /status of 401/.test(text) && url.endsWith('/api/v1/auth/me');
}

/** Starts the server (demo data, fresh database) and Chromium. */
export async function startHarness(): Promise<Harness> {
  const dir = mkdtempSync(join(tmpdir(), 'netcare-browser-'));
  const server = await startServer(loadConfig({
    NETCARE_DATA_DIR: dir, NETCARE_ADMIN_PASSWORD: PASSWORD, NETCARE_PORT: '0', NETCARE_HOST: '127.0.0.1', NETCARE_DEMO: '1',
  }), { quiet: true });
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
  const url = server.url;
  const tokens = new Map<string, string>();
  const sessions = new Set<Session>();

  const open = async (): Promise<Session> => {
    // a 1280-pixel laptop in China: the console must fit it (DESIGN §9, issue 6)
    const context = await browser.newContext({ viewport: { width: 1280, height: 860 }, timezoneId: 'Asia/Shanghai', locale: 'zh-CN' });
    const page = await context.newPage();
    page.setDefaultTimeout(Number(process.env.NETCARE_BROWSER_TIMEOUT_MS ?? 15_000));
    const errors: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' && !expected(m.text(), m.location().url)) errors.push(`console: ${m.text()} (${m.location().url})`);
    });
    page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
    if (process.env.NETCARE_BROWSER_DEBUG) page.on('framenavigated', (f) => f === page.mainFrame() && console.log(`[${s.user}] ${f.url()}`));
    const s: Session = { user: '', page, context, errors, close: async () => { sessions.delete(s); await context.close(); } };
    sessions.add(s);
    await page.goto(`${url}/login`);
    await page.getByTestId('page-login').waitFor();
    return s;
  };

  const harness: Harness = {
    url, server, browser, open,
    async signIn(user) {
      const s = await open();
      s.user = user;
      await s.page.getByTestId('login-username').fill(user);
      await s.page.getByTestId('login-password').fill(PASSWORD);
      await s.page.getByTestId('login-submit').click();
      await s.page.waitForURL((u) => !u.pathname.startsWith('/login'));
      await s.page.getByTestId('user-menu').waitFor();
      return s;
    },
    async api(user, method, path, body, headers = {}) {
      let token = tokens.get(user);
      if (!token) {
        const r = await fetch(`${url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: user, password: PASSWORD }) });
        assert.equal(r.status, 200, `sign-in of ${user}`);
        token = ((await r.json()) as { token: string }).token;
        tokens.set(user, token);
      }
      const r = await fetch(`${url}${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await r.text();
      if (!r.ok) throw new Error(`${method} ${path} as ${user}: ${r.status} ${text}`);
      return (text ? JSON.parse(text) : undefined) as any;
    },
    async stop() {
      for (const s of [...sessions]) await s.close().catch(() => {});
      await browser.close();
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return harness;
}

/**
 * Runs a test body; when it fails, saves a screenshot of every open session under
 * `test-results/` (ignored by git) before passing the failure on.
 */
export async function withScreenshots(name: string, sessions: Session[], body: () => Promise<void>): Promise<void> {
  try {
    await body();
  } catch (err) {
    mkdirSync('test-results', { recursive: true });
    for (const s of sessions) {
      await s.page.screenshot({ path: join('test-results', `${name}-${s.user || 'anonymous'}.png`), fullPage: true }).catch(() => {});
    }
    throw err;
  }
}

/** Fails when the page logged an error (other than the expected first 401). */
export function assertNoErrors(...sessions: Session[]): void {
  for (const s of sessions) assert.deepEqual(s.errors, [], `browser errors for ${s.user || 'anonymous'}`);
}

/** Chooses `text` in the antd Select marked `testId`: opens it, types to filter when it searches, clicks the option. */
export async function pick(page: Page, testId: string, text: string): Promise<void> {
  await page.getByTestId(testId).click();
  const option = page.locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden) .ant-select-item-option').filter({ hasText: text }).first();
  await option.waitFor();
  await option.click();
}

/** The ticket page of `id`, loaded. */
export async function openTicket(s: Session, url: string, id: number): Promise<void> {
  await s.page.goto(`${url}/tickets/${id}`);
  await s.page.getByTestId('ticket-title').waitFor();
}

/** Takes a step on the ticket page: opens its form, lets `fill` fill it, submits, and waits until the dialog has closed. */
export async function step(s: Session, type: string, fill: (page: Page) => Promise<void> = async () => {}): Promise<void> {
  const { page } = s;
  const direct = page.getByTestId('ticket-actions').getByTestId(`action-${type}`);
  if (await direct.count()) await direct.first().click();
  else {
    await page.getByTestId('action-more').first().click();
    await page.locator('.ant-dropdown:not(.ant-dropdown-hidden)').getByTestId(`action-${type}`).click();
  }
  const form = page.getByTestId('step-form');
  await form.waitFor();
  await fill(page);
  await page.getByTestId('step-form-submit').click();
  // the dialog closes on success; a refusal stays in it as the server's message
  const error = page.getByTestId('step-form-error');
  await Promise.race([form.waitFor({ state: 'detached' }), error.waitFor()]);
  if (await error.count()) throw new Error(`${type} refused: ${await error.innerText()}`);
}

/** The `data-status` of the status tag in the ticket page's title. */
export async function statusOf(page: Page): Promise<string | null> {
  return page.getByTestId('page-ticket').getByTestId('status-tag').first().getAttribute('data-status');
}
