/**
 * Clock timer at scale (issue 8, benchmark 5): 1,000,000 running clocks, a stream of them coming
 * due; measures how late warnings fire and the CPU the timer loop uses, busy and idle.
 *   node bin/run-ts.mjs bench/timer.ts [--clocks 1000000] [--due 2000] [--pg URL] [--slow MS]
 * Tickets and clocks are bulk-inserted (the benchmark measures the timer, not intake); the
 * timer runs its real loop (tickets/clock-timer.ts) in this process. Prints one JSON line.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { flags } from './lib/server.ts';
import { loadConfig } from '../server/src/config.ts';
import { openDb } from '../server/src/db/connect.ts';
import { migrate } from '../server/src/db/migrate.ts';
import { bootstrap } from '../server/src/demo/bootstrap.ts';
import { systemClock } from '../server/src/shared/clock.ts';
import { testPii } from '../server/src/pii/pii.ts';
import { clockTimerLoop } from '../server/src/tickets/clock-timer.ts';
import { startBackgroundWork } from '../server/src/background.ts';

const f = flags();
const total = Number(f.clocks ?? 1_000_000);
const dueSoon = Number(f.due ?? 2000);
const dir = mkdtempSync(join(tmpdir(), 'netcare-timer-'));
const config = loadConfig({ NETCARE_DATA_DIR: dir, NETCARE_DATABASE_URL: f.pg ?? `sqlite:${join(dir, 'db.sqlite')}`, NETCARE_ADMIN_PASSWORD: 'bench-password-1', NETCARE_DEMO: '0' });
// --slow MS: print statements slower than MS (finding a plan that does not scale)
const slowMs = f.slow ? Number(f.slow) : null;
const slowSeen = new Map<string, number>();
const db = openDb(config.databaseUrl, slowMs == null ? {} : {
  log: (e) => {
    if (e.level !== 'query' || e.queryDurationMillis < slowMs) return;
    const key = e.query.sql.replace(/\s+/g, ' ').slice(0, 200);
    const n = (slowSeen.get(key) ?? 0) + 1;
    slowSeen.set(key, n);
    if (n <= 3) process.stderr.write(`\nslow ${e.queryDurationMillis.toFixed(1)} ms: ${key}\n`);
  },
});
await migrate(db);
const deps = { db, config, clock: systemClock, pii: testPii() };
await bootstrap(deps, { log: () => {} });
const k = db.kysely;
await k.insertInto('region').values({ id: 'hz', name: 'hz', parentId: 'zj', updatedAt: 0 }).execute();
await k.insertInto('department').values({ id: 'hz-noc', name: 'noc', kind: 'noc', regionId: 'hz', updatedAt: 0 }).execute();

let now = Date.now();
const enc = deps.pii.encrypt('13800000000');
const key = deps.pii.blindIndex('13800000000');
const CHUNK = 500;
const t0 = Date.now();
// one ticket per clock; `dueSoon` of them warn within the next ~20 s, the rest days ahead. The
// far ones are seeded first and the due-soon ones last, timed from the end of seeding: seeding a
// million takes about a minute, and timing them from its start would make them late before the timer runs.
const ranges: [number, number][] = [[dueSoon, total], [0, dueSoon]];
for (const [from, to] of ranges) {
 if (from === 0) now = Date.now();
 for (let start = from; start < to; start += CHUNK) {
  const n = Math.min(CHUNK, to - start);
  await k.transaction().execute(async (trx) => {
    const tickets = Array.from({ length: n }, (_, i) => ({
      externalId: `b${start + i}`, channel: 'hotline', customerKey: key, customerMsisdnEnc: enc, customerNameEnc: null, customerVip: 0,
      categoryId: 'network.call_drop', isNetwork: 1, network: 'LTE', cellId: null, lon: null, lat: null, address: 'x', regionId: 'hz',
      reportedAt: now, reportedDay: 20261123, description: 'bench', status: 'dispatched', grade: 'ordinary', gradeProposal: null, isRepeat: 0,
      hotspotId: null, nocDepartmentId: 'hz-noc', assigneeDepartmentId: 'hz-noc', prevDepartmentId: null, commitmentHours: null, resolution: null,
      resolvedAtIntake: 0, nextDueAt: now + 7200_000, clockState: 'ok', round: 1, version: 1, createdBy: 'bench', createdAt: now, updatedAt: now, closedAt: null,
    }));
    const ids = await trx.insertInto('ticket').values(tickets).returning('id').execute();
    await trx.insertInto('ticketClock').values(ids.map(({ id }, i) => {
      const idx = start + i;
      const warnAt = idx < dueSoon ? now + 5000 + Math.floor((idx / dueSoon) * 15000) : now + 86400_000 + idx * 100;
      return { ticketId: id, clock: 'triage', round: 1, calendarId: '24x7', durationMs: 7200_000, startedAt: now, warnAt, dueAt: warnAt + 1_440_000, provinceAt: warnAt + 5_400_000,
        stoppedAt: null, warnedAt: null, breachedAt: null, provinceEscalatedAt: null, nextFireAt: warnAt };
    })).execute();
  });
  if ((start / CHUNK) % 100 === 0) process.stderr.write(`\rseeding ${start + n}/${total} clocks (${Math.round((start + n) / ((Date.now() - t0) / 1000))}/s)`);
 }
}
process.stderr.write(`\rseeded ${total} clocks in ${((Date.now() - t0) / 1000).toFixed(0)} s\n`);

// wait until just before the first warning, then run the real loop for 30 s
const base = Date.now();
const cpu0 = process.cpuUsage();
const stopAt = now + 5000 + 15000 + 5000;
const loop = startBackgroundWork(deps, { warn: (o: unknown, m: string) => console.error(m, o) } as any, [clockTimerLoop]);
while (Date.now() < stopAt) await new Promise((r) => setTimeout(r, 250));
const busyCpu = process.cpuUsage(cpu0);
const busyWall = Date.now() - base;
// idle: nothing due for a day
const cpu1 = process.cpuUsage();
const idleStart = Date.now();
await new Promise((r) => setTimeout(r, 10_000));
const idleCpu = process.cpuUsage(cpu1);
const idleWall = Date.now() - idleStart;
await loop.stop();

const rows = await k.selectFrom('ticketEvent').innerJoin('ticketClock', 'ticketClock.ticketId', 'ticketEvent.ticketId')
  .select(['ticketEvent.recordedAt', 'ticketClock.warnAt']).where('ticketEvent.type', '=', 'clock_warned').execute();
const late = rows.map((r) => r.recordedAt - r.warnAt).sort((a, b) => a - b);
const pct = (p: number) => late[Math.min(late.length - 1, Math.floor(p * late.length))];
console.log(JSON.stringify({
  benchmark: 'timer', engine: db.engine, runningClocks: total, fired: late.length, expected: dueSoon,
  lateMs: { p50: pct(0.5), p99: pct(0.99), max: late.at(-1) },
  busyCpuPctOfCore: +(((busyCpu.user + busyCpu.system) / 1000 / busyWall) * 100).toFixed(1),
  idleCpuPctOfCore: +(((idleCpu.user + idleCpu.system) / 1000 / idleWall) * 100).toFixed(2),
}));
await db.close();
