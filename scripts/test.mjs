#!/usr/bin/env node
// `npm test`: typecheck, then every suite (server on SQLite and, when NETCARE_TEST_PG_URL is set,
// PostgreSQL; console unit tests; quick benchmarks; browser tests in Debian's Chromium), then one line
// "N passed, N failed" summing all of them.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';

const root = new URL('..', import.meta.url).pathname;
const only = process.argv.slice(2);

function findTests(dir, suffix) {
  if (!existsSync(dir)) return [];
  const out = [];
  for (const e of readdirSync(dir)) {
    const p = join(dir, e);
    if (statSync(p).isDirectory()) out.push(...findTests(p, suffix));
    else if (p.endsWith(suffix)) out.push(p);
  }
  return out.sort();
}

let passed = 0, failed = 0, skipped = 0;

function step(name, cmd, args, env = {}) {
  console.log(`\n=== ${name}`);
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
  return r.status === 0;
}

function runNodeTests(name, files, env = {}, concurrency = 2) {
  if (files.length === 0) return;
  const countFile = join(mkdtempSync(join(tmpdir(), 'netcare-count-')), 'counts');
  const ok = step(name, process.execPath, [
    '--import', 'tsx', '--test', `--test-concurrency=${concurrency}`,
    '--test-reporter=spec', '--test-reporter-destination=stdout',
    `--test-reporter=${join(root, 'scripts/count-reporter.mjs')}`, '--test-reporter-destination=stderr',
    ...files,
  ], { ...env, NETCARE_COUNT_FILE: countFile });
  const counts = existsSync(countFile) ? readFileSync(countFile, 'utf8').trim().split('\n').map((l) => l.split(' ').map(Number)) : [];
  let p = 0, f = 0, s = 0;
  for (const [a, b, c] of counts) { p += a; f += b; s += c; }
  if (!ok && f === 0) f = 1; // the runner failed outside any test (a crash, a file that did not load)
  passed += p; failed += f; skipped += s;
  console.log(`--- ${name}: ${p} passed, ${f} failed${s ? `, ${s} skipped` : ''}`);
}

const want = (s) => only.length === 0 || only.includes(s);

if (want('typecheck')) {
  const ok = step('typecheck', process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json', '--noEmit']);
  const ok2 = existsSync(join(root, 'console/tsconfig.json'))
    ? step('typecheck console', process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', 'console/tsconfig.json', '--noEmit']) : true;
  if (ok && ok2) passed++; else failed++;
}
if (want('server')) {
  if (!process.env.NETCARE_TEST_PG_URL) console.log('\nNETCARE_TEST_PG_URL is not set: data tests run on SQLite only (.ci/run starts a PostgreSQL for both).');
  runNodeTests('server tests', findTests(join(root, 'server/test'), '.test.ts'));
}
if (want('console')) runNodeTests('console unit tests', findTests(join(root, 'console/test'), '.test.ts'));
// the scale benchmarks at tiny scale (bench/quick.ts): fail only on 10× the targets of issue 8
if (want('bench')) runNodeTests('quick benchmarks', [join(root, 'bench/quick.ts')], {}, 1);
if (want('browser')) {
  if (existsSync('/usr/bin/chromium')) {
    // the browser tests drive the built console
    if (step('build console', process.execPath, [join(root, 'node_modules/vite/bin/vite.js'), 'build', '--config', 'console/vite.config.ts', '--logLevel', 'warn'])) {
      runNodeTests('browser tests', findTests(join(root, 'test/browser'), '.test.ts'), {}, 1);
    } else failed++;
  } else {
    console.log('\n/usr/bin/chromium is missing: browser tests not run (apt-get install -y chromium)');
    failed++;
  }
}

console.log(`\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed === 0 && passed > 0 ? 0 : 1);
