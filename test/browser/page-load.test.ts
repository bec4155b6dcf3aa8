// Page load (issue 6): a full navigation to each main page on the demo data, until its main table
// or cards show data. The target is one second on a quiet machine; as a test in CI (shared, loaded
// machines) it only guards against regressions by a generous margin, 5 s at best of three, never a
// tight timing. The figures are printed; measure the target with NETCARE_PAGE_BUDGET_MS=1000 on a
// quiet machine. Any browser console error fails, and so does a page that asks for the same thing
// twice while it loads (say, the early request of console/src/early.ts and the page's own).
// Run: npm run build && NETCARE_PAGE_BUDGET_MS=1000 node --import tsx --test test/browser/page-load.test.ts
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page, Request } from 'playwright-core';
import { assertNoErrors, startHarness, type Harness, type Session } from './harness.ts';

const BUDGET_MS = Number(process.env.NETCARE_PAGE_BUDGET_MS ?? 5000);
const TRIES = 3;

/** One main page: who opens it, where, and what shows it is ready (data rendered, not a skeleton). */
interface MainPage {
  name: string;
  user: string;
  path: (h: Harness) => Promise<string> | string;
  ready: (page: Page) => Promise<unknown>;
}

const rows = (testId: string) => (page: Page) => page.getByTestId(testId).locator('.ant-table-row').first().waitFor();

const PAGES: MainPage[] = [
  { name: 'intake', user: 'agent', path: () => '/intake', ready: (p) => p.getByTestId('intake-form').waitFor() },
  { name: 'queue (NOC)', user: 'noc', path: () => '/queue', ready: rows('queue-table') },
  { name: 'queue (supervisor)', user: 'supervisor', path: () => '/queue', ready: (p) => Promise.all([rows('queue-table')(p), p.getByTestId('department-load').locator('[data-testid^="load-"]').first().waitFor()]) },
  { name: 'tickets', user: 'supervisor', path: () => '/tickets', ready: rows('tickets-table') },
  {
    name: 'ticket', user: 'supervisor',
    path: async (h) => `/tickets/${(await h.api('supervisor', 'GET', '/api/v1/tickets?status=in_progress&limit=1')).items[0].id}`,
    ready: (p) => p.getByTestId('history').locator('[data-type]').first().waitFor(),
  },
  { name: 'overdue', user: 'supervisor', path: () => '/overdue', ready: rows('overdue-table') },
  { name: 'hotspots', user: 'noc', path: () => '/hotspots', ready: rows('hotspots-table') },
  { name: 'problems', user: 'noc', path: () => '/problems', ready: rows('problems-table') },
  { name: 'kpis', user: 'supervisor', path: () => '/kpis', ready: (p) => p.getByTestId('kpi-card-tickets').getByText(/\d/).first().waitFor() },
  { name: 'notifications', user: 'supervisor', path: () => '/notifications', ready: (p) => p.getByTestId('notifications-list').locator('.ant-list-item').first().waitFor() },
  { name: 'admin users', user: 'admin', path: () => '/admin/users', ready: rows('users-table') },
  { name: 'admin imports', user: 'admin', path: () => '/admin/imports', ready: (p) => p.getByTestId('page-imports').locator('.ant-upload-drag').waitFor() },
  { name: 'audit', user: 'auditor', path: () => '/audit', ready: rows('audit-table') },
];

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(async () => {
  await h?.stop();
});

test(`every main page shows its data within ${BUDGET_MS} ms (best of ${TRIES})`, async () => {
  const sessions = new Map<string, Session>();
  const figures: { name: string; ms: number[] }[] = [];
  const twice: string[] = [];
  try {
    for (const p of PAGES) {
      let s = sessions.get(p.user);
      if (!s) sessions.set(p.user, (s = await h.signIn(p.user)));
      const url = `${h.url}${await p.path(h)}`;
      const ms: number[] = [];
      for (let i = 0; i < TRIES; i++) {
        // from another page, so that each load is a whole navigation: document, scripts, API calls, rendering
        await s.page.goto('about:blank');
        const asked: string[] = [];
        const onRequest = (r: Request) => {
          if (r.method() === 'GET' && new URL(r.url()).pathname.startsWith('/api/')) asked.push(r.url().replace(h.url, ''));
        };
        s.page.on('request', onRequest);
        const t0 = performance.now();
        await s.page.goto(url, { waitUntil: 'commit' });
        await p.ready(s.page);
        ms.push(Math.round(performance.now() - t0));
        s.page.off('request', onRequest);
        for (const [i, a] of asked.entries()) if (asked.indexOf(a) !== i) twice.push(`${p.name}: ${a}`);
        if (ms.at(-1)! < 500) break; // clearly fast: no need to try again
      }
      figures.push({ name: p.name, ms });
    }
  } finally {
    console.log('page load, navigation until the data shows (ms, each try):');
    for (const f of figures) console.log(`  ${f.name.padEnd(20)} best ${String(Math.min(...f.ms)).padStart(4)}   tries ${f.ms.join(', ')}`);
  }
  const slow = figures.filter((f) => Math.min(...f.ms) >= BUDGET_MS).map((f) => `${f.name}: ${Math.min(...f.ms)} ms`);
  assert.deepEqual(slow, [], `pages slower than ${BUDGET_MS} ms at best`);
  assert.deepEqual([...new Set(twice)], [], 'requests sent twice by one page load');
  assertNoErrors(...sessions.values());
  for (const s of sessions.values()) await s.close();
});
