/**
 * Seeds a kept benchmark database once, so several benchmarks (kpis, queue, memory) share it.
 *   node bin/run-ts.mjs bench/seed.ts --tickets 10000000 (--sqlite FILE | --pg postgres://… --pg-db NAME) [--no-aggregates | --aggregates-only] [--replicate K]
 * `--aggregates-only` builds the aggregates on a kept database whose raw rows are there but that
 * carries no seed mark (its aggregate build was interrupted); a database seeded with
 * `--no-aggregates` gets them by running this again without that flag. `--aggregates-from
 * YYYY-MM-DD` (with --aggregates-only) builds them for the tickets reported from that day on only:
 * the aggregates of recent months as a full build makes them, in a fraction of its time.
 * `--replicate K` generates tickets/K tickets and has the database copy them K − 1 times (see lib/seed.ts).
 * Progress on stderr, one JSON line on stdout.
 */
import { loadavg } from 'node:os';
import { flags } from './lib/server.ts';
import { openBenchDb, round, seedBench } from './lib/seed.ts';

const f = flags();
if (!f.sqlite && !(f.pg && f['pg-db'])) throw new Error('usage: bench/seed.ts --tickets N (--sqlite FILE | --pg URL --pg-db NAME) [--no-aggregates]');
const h = await openBenchDb({ sqlite: f.sqlite, pg: f.pg, pgDb: f['pg-db'] });
const r = await seedBench(h, { tickets: Number(f.tickets ?? 1_000_000), aggregates: f['no-aggregates'] !== 'true', aggregatesOnly: f['aggregates-only'] === 'true', aggregatesFrom: f['aggregates-from'] ? Date.parse(`${f['aggregates-from']}T00:00:00+08:00`) : undefined, replicate: Number(f.replicate ?? 1) });
const size = h.size();
await h.close();
console.log(JSON.stringify({ engine: h.engine, ...r, databaseBytes: size, loadavg: loadavg().map(round) }));
