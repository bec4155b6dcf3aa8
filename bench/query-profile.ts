/**
 * Where intake spends its database time: runs N intakes in-process on a fresh database with
 * demo data and prints the statements with the most total time.
 *   node bin/run-ts.mjs bench/query-profile.ts [--tickets 500] [--concurrency 1] [--cells N] [--pg URL] [--log false]
 * `--log false` leaves the statement log off: the CPU time per ticket (cpuMsPerTicket) is then intake alone.
 * With --pg also PostgreSQL's CPU per ticket (its processes, bench/lib/cpu.ts) and, with pg_stat_statements loaded, its statements per ticket.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { flags } from './lib/server.ts';
import { postgresCpu, postgresStatements } from './lib/cpu.ts';
import { loadConfig } from '../server/src/config.ts';
import { openDb } from '../server/src/db/connect.ts';
import { migrate } from '../server/src/db/migrate.ts';
import { bootstrap } from '../server/src/demo/bootstrap.ts';
import { systemClock } from '../server/src/shared/clock.ts';
import { testPii } from '../server/src/pii/pii.ts';
import { actorFor } from '../server/src/auth/authenticate.ts';
import { createTicket } from '../server/src/tickets/create-ticket.ts';
import { demoCells } from '../server/src/network/demo.ts';
import { DEMO_CITIES } from '../server/src/demo/organisation.ts';
import { benchCells } from './lib/cells.ts';
import { importCells } from '../server/src/network/import-cells.ts';
import { systemActor } from '../server/src/access/actor.ts';

const f = flags();
const n = Number(f.tickets ?? 500);
const dir = mkdtempSync(join(tmpdir(), 'netcare-qprof-'));
const config = loadConfig({ NETCARE_DATA_DIR: dir, NETCARE_DATABASE_URL: f.pg ?? `sqlite:${join(dir, 'db.sqlite')}`, NETCARE_ADMIN_PASSWORD: 'bench-password-1', NETCARE_DEMO: '1' });
const stats = new Map<string, { n: number; ms: number }>();
let recording = false;
const db = openDb(config.databaseUrl, f.log === 'false' ? {} : {
  log: (e) => {
    if (!recording) return;
    const key = e.query.sql.replace(/\s+/g, ' ').slice(0, 160);
    const s = stats.get(key) ?? { n: 0, ms: 0 };
    s.n++; s.ms += e.queryDurationMillis;
    stats.set(key, s);
  },
});
await migrate(db);
const deps = { db, config, clock: systemClock, pii: testPii() };
await bootstrap(deps, { log: (m) => process.stderr.write(`${m}\n`) });
const u = await db.kysely.selectFrom('appUser').selectAll().where('username', '=', 'agent').executeTakeFirstOrThrow();
const actor = await actorFor(db.kysely, { kind: 'user', id: u.id, name: u.username, role: u.role, regionId: u.regionId, departmentId: u.departmentId });
// --cells N: a province network of N cells (bench/lib/cells.ts, complaints spread evenly, hotspots rare);
// default: the 1,149 demo cells of one city, where nearly every complaint joins a hotspot
let cells = demoCells(DEMO_CITIES[0]).map((c) => c.cellId);
if (f.cells) {
  const generated = benchCells(Number(f.cells)).filter((c) => c.region === actor.regionId);
  const admin = systemActor('bench');
  for (const pass of ['cells', 'neighbours'] as const) {
    for (let i = 0; i < generated.length; i += 20_000) {
      const rows = generated.slice(i, i + 20_000).map((c) => (pass === 'cells' ? { ...c, neighbours: undefined } : c));
      const r = await importCells({ deps, actor: admin, address: null }, { rows });
      if (r.rejected.length) throw new Error(JSON.stringify(r.rejected.slice(0, 3)));
    }
  }
  cells = generated.map((c) => c.cellId);
  process.stderr.write(`bench cells: ${cells.length} in ${actor.regionId}\n`);
}
const CATEGORIES = ['network.call_drop', 'network.slow_data', 'network.weak_indoor_coverage', 'network.no_data', 'network.voice_quality', 'billing.overcharge'];
// on PostgreSQL also the cluster's CPU and the statements it ran (pg_stat_statements, when loaded)
const pgCpu = f.pg ? await postgresCpu(f.pg) : null;
const pgStatements = f.pg ? await postgresStatements(f.pg) : null;
const pg0 = { cpu: pgCpu?.() ?? 0, statements: (await pgStatements?.()) ?? null };
recording = true;
const t0 = performance.now();
const cpu0 = process.cpuUsage();
// --concurrency N keeps N intakes in flight, so group commit batches them as under HTTP load
const concurrency = Number(f.concurrency ?? 1);
let next = 0;
await Promise.all(Array.from({ length: concurrency }, async () => {
  for (let i = next++; i < n; i = next++) {
    // the same mix as bench/intake.ts
    await createTicket(deps, actor, { channel: 'hotline', customer: { msisdn: `1${String(3000000000 + ((i * 7919) % 999999999)).padStart(10, '0')}` }, category: CATEGORIES[i % CATEGORIES.length], cellId: cells[(i * 7919) % cells.length], description: `bench complaint ${i}` }, null);
  }
}));
const ms = performance.now() - t0;
const cpu = process.cpuUsage(cpu0);
recording = false;
const pg1 = { cpu: pgCpu?.() ?? 0, statements: (await pgStatements?.()) ?? null };
const postgres = pgCpu ? { postgresCpuMsPerTicket: +((pg1.cpu - pg0.cpu) / n).toFixed(3), postgresStatementsPerTicket: pg0.statements != null && pg1.statements != null ? +((pg1.statements - pg0.statements) / n).toFixed(1) : null } : {};
const rows = [...stats].sort((a, b) => b[1].ms - a[1].ms).slice(0, 25);
console.log(JSON.stringify({ tickets: n, msPerTicket: +(ms / n).toFixed(2), cpuMsPerTicket: +((cpu.user + cpu.system) / 1000 / n).toFixed(3), dbMsPerTicket: +([...stats.values()].reduce((a, s) => a + s.ms, 0) / n).toFixed(2), statementsPerTicket: +([...stats.values()].reduce((a, s) => a + s.n, 0) / n).toFixed(1), ...postgres }));
for (const [sql, s] of rows) console.log(`${s.ms.toFixed(0).padStart(7)} ms ${String(s.n).padStart(6)}×  ${sql}`);
await db.close();
