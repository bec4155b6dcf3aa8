/**
 * Console page load (issue 6), measured in detail: the main pages of test/browser/page-load.test.ts
 * on the demo data, each opened `--runs` times as a whole navigation in headless Chromium, with
 *   - wall: from navigation to the page's data on screen (as the test measures it);
 *   - cpu: the renderer's main-thread busy time over the navigation (CDP Performance metrics
 *     TaskDuration; script, layout and style recalculation shown apart), steadier than wall time
 *     on a loaded machine;
 *   - the page's requests (resource timing): when each left and when its answer ended, from the
 *     start of navigation, to spot waterfalls.
 *
 *   npm run build && node bin/run-ts.mjs bench/page-load.ts [--runs 7] [--pages queue-noc,tickets] [--requests true]
 *
 * Medians per page on stdout (JSON lines), the load average with them.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import type { CDPSession } from 'playwright-core';
import { startHarness, type Session } from '../test/browser/harness.ts';
import { MAIN_PAGES } from '../test/browser/main-pages.ts';
import { flags } from './lib/server.ts';

const f = flags();
const RUNS = Number(f.runs ?? 7);
const ONLY = f.pages ? f.pages.split(',') : null;
const REQUESTS = f.requests === 'true';
/** `--profile DIR`: a renderer CPU profile of each page's last run, DIR/PAGE.cpuprofile (open in Chrome's DevTools) */
const PROFILE = f.profile;
/** `--trace DIR`: a Chromium trace of each page's last run, DIR/PAGE.json (chrome://tracing, Perfetto) */
const TRACE = f.trace;

/** The pages of test/browser/page-load.test.ts, with the same readiness conditions (`key` names them here). */
const PAGES = MAIN_PAGES;

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? (s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2) : NaN;
};
const round = (x: number) => Math.round(x);

async function metrics(cdp: CDPSession): Promise<Record<string, number>> {
  const { metrics: m } = await cdp.send('Performance.getMetrics');
  return Object.fromEntries(m.map((x) => [x.name, x.value]));
}

const h = await startHarness();
const sessions = new Map<string, { s: Session; cdp: CDPSession }>();
try {
  for (const p of PAGES) {
    if (ONLY && !ONLY.includes(p.key)) continue;
    let entry = sessions.get(p.user);
    if (!entry) {
      const s = await h.signIn(p.user);
      const cdp = await s.context.newCDPSession(s.page);
      await cdp.send('Performance.enable', { timeDomain: 'threadTicks' });
      sessions.set(p.user, (entry = { s, cdp }));
    }
    const { s, cdp } = entry;
    const url = `${h.url}${await p.path(h)}`;
    const runs: { wall: number; task: number; script: number; layout: number; style: number; requests: string[] }[] = [];
    for (let i = 0; i < RUNS + 1; i++) {
      await s.page.goto('about:blank');
      const before = await metrics(cdp);
      const profiling = PROFILE && i === RUNS;
      if (profiling) {
        await cdp.send('Profiler.enable');
        await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
        await cdp.send('Profiler.start');
      }
      const tracing = TRACE && i === RUNS;
      if (tracing) await h.browser.startTracing(s.page, { categories: ['devtools.timeline', 'v8', 'v8.execute', 'blink', 'loading', 'disabled-by-default-devtools.timeline'] });
      const t0 = performance.now();
      await s.page.goto(url, { waitUntil: 'commit' });
      await p.ready(s.page);
      const wall = performance.now() - t0;
      const after = await metrics(cdp);
      if (tracing) {
        const trace = await h.browser.stopTracing();
        mkdirSync(TRACE, { recursive: true });
        writeFileSync(join(TRACE, `${p.key}.json`), trace);
      }
      if (profiling) {
        const { profile } = await cdp.send('Profiler.stop');
        mkdirSync(PROFILE, { recursive: true });
        writeFileSync(join(PROFILE, `${p.key}.cpuprofile`), JSON.stringify(profile));
      }
      const requests = REQUESTS
        ? await s.page.evaluate(() => {
          const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming;
          const out = [`document ${Math.round(nav.responseStart)}-${Math.round(nav.responseEnd)} dcl ${Math.round(nav.domContentLoadedEventEnd)}`];
          for (const e of performance.getEntriesByType('resource') as PerformanceResourceTiming[]) {
            out.push(`${e.name.replace(location.origin, '').slice(0, 90)} ${Math.round(e.startTime)}-${Math.round(e.responseEnd)}`);
          }
          const paint = performance.getEntriesByType('paint').map((e) => `${e.name} ${Math.round(e.startTime)}`);
          return [...out, ...paint, `now ${Math.round(performance.now())}`];
        })
        : [];
      const d = (k: string) => ((after[k] ?? 0) - (after[k]! < (before[k] ?? 0) ? 0 : before[k] ?? 0)) * 1000;
      if (i > 0) runs.push({ wall, task: d('TaskDuration'), script: d('ScriptDuration'), layout: d('LayoutDuration'), style: d('RecalcStyleDuration'), requests }); // the first run warms caches
    }
    const result = {
      page: p.key,
      wallMs: { median: round(median(runs.map((r) => r.wall))), min: round(Math.min(...runs.map((r) => r.wall))) },
      cpuMs: {
        task: round(median(runs.map((r) => r.task))), script: round(median(runs.map((r) => r.script))),
        layout: round(median(runs.map((r) => r.layout))), style: round(median(runs.map((r) => r.style))),
      },
      load: loadavg().map((x) => Math.round(x * 10) / 10),
    };
    console.log(JSON.stringify(result));
    if (REQUESTS) console.error(`${p.key}, last run:\n  ${runs.at(-1)!.requests.join('\n  ')}`);
  }
} finally {
  await h.stop();
}
