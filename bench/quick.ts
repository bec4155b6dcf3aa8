/**
 * The scale benchmarks at tiny scale, for CI (`npm test` runs this file as the suite "quick
 * benchmarks"; alone: `node --import tsx --test bench/quick.ts`). Each runs the real benchmark
 * script in a child process on a fresh SQLite database in seconds, and fails only when a figure is
 * ten times worse than the target, or the plan loses its index: a broken benchmark or
 * a gross regression, never a tight timing on a busy machine. The three run concurrently.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..');
const MARGIN = 10;

/** Runs `bench/NAME.ts args` and parses the JSON it prints last on stdout. */
async function bench(name: string, args: string[]): Promise<any> {
  const child = spawn(process.execPath, [resolve(ROOT, 'bin/run-ts.mjs'), resolve(ROOT, `bench/${name}.ts`), ...args], {
    cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NETCARE_BUILD_CONSOLE: '0' },
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => { out += d; });
  child.stderr.on('data', (d) => { err += d; });
  const code = await new Promise<number | null>((r) => child.on('exit', r));
  assert.equal(code, 0, `bench/${name}.ts exited with ${code}:\n${err.slice(-3000)}`);
  const at = out.lastIndexOf('\n{');
  return JSON.parse(at >= 0 ? out.slice(at + 1) : out);
}

describe('quick benchmarks', { concurrency: 3 }, () => {
  test('queue page: 20,000 tickets, p99 within 10× the 20 ms target, department queues on an index', { timeout: 180_000 }, async () => {
    const r = await bench('queue', ['--tickets', '20000', '--requests', '50', '--no-http']);
    for (const [shape, x] of Object.entries<any>(r.results)) {
      assert.ok(x.inProcess.p99 <= 20 * MARGIN, `${shape}: p99 ${x.inProcess.p99} ms`);
      assert.ok(x.items > 0, `${shape}: an empty queue measures nothing`);
      if (shape.includes('department')) assert.equal(x.plan.fullScan, false, `${shape}: ${x.plan.plan.join('; ')}`);
    }
  });

  test('KPIs: 5,000 tickets, province month by city and network within 10× the 100 ms target; intake with and without the hook', { timeout: 180_000 }, async () => {
    const r = await bench('kpis', ['--tickets', '5000', '--queries', '10', '--intake', '50', '--concurrency', '4']);
    const q = r.queryMs['province month by city and network'];
    assert.ok(q.groups > 0);
    assert.ok(q.p99 <= 100 * MARGIN, `p99 ${q.p99} ms`);
    assert.equal(r.intake.withHook.storedContributions, r.intake.withHook.tickets + 50, 'the hook stored one contribution per ticket');
    assert.equal(r.intake.withoutHook.storedContributions, 0, 'the run without the hook really ran without it');
  });

  test('memory: server RSS under a short intake load within 10× the 300 MB target', { timeout: 180_000 }, async () => {
    const r = await bench('memory', ['--duration', '3', '--rest', '1', '--connections', '8']);
    assert.ok(r.intake.total > 0, 'the load reached the server');
    assert.equal(r.intake.errors, 0);
    assert.equal(r.intake.non2xx, 0);
    assert.ok(r.rssMb.peakHwm <= 300 * MARGIN, `peak RSS ${r.rssMb.peakHwm} MB`);
  });
});
