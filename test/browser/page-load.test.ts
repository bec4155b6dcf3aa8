// Page load (issue 6): a full navigation to each main page on the demo data, until its main table
// or cards show data. The target is one second on a quiet machine; as a test in CI (shared, loaded
// machines) it only guards against regressions by a generous margin, 5 s at best of three, never a
// tight timing. The figures are printed; measure the target with NETCARE_PAGE_BUDGET_MS=1000 on a
// quiet machine. Any browser console error fails, and so does a page that asks for the same thing
// twice while it loads (say, the early request of console/src/early.ts and the page's own).
// Run: npm run build && NETCARE_PAGE_BUDGET_MS=1000 node --import tsx --test test/browser/page-load.test.ts
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Request } from 'playwright-core';
import { assertNoErrors, startHarness, type Harness, type Session } from './harness.ts';
import { MAIN_PAGES } from './main-pages.ts';

const BUDGET_MS = Number(process.env.NETCARE_PAGE_BUDGET_MS ?? 5000);
const TRIES = 3;

const PAGES = MAIN_PAGES;

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
