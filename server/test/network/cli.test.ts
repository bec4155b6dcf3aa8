import { it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { eachEngine } from '../helpers/engines.ts';
import { testApp, type TestApp } from '../helpers/app.ts';
import { neighboursOf } from '../../src/network/cells-repository.ts';

const BIN = resolve(import.meta.dirname, '../../../bin/netcare.mjs');

eachEngine('network: netcare import cells|subscribers FILE', (ctx) => {
  let t: TestApp;
  let dir: string;
  before(async () => { t = await testApp(ctx.db); dir = mkdtempSync(join(tmpdir(), 'netcare-cli-')); });
  after(async () => { await t.close(); rmSync(dir, { recursive: true, force: true }); });

  const run = (...args: string[]) => spawnSync(process.execPath, [BIN, ...args], {
    encoding: 'utf8', env: { ...process.env, NETCARE_DATABASE_URL: ctx.url, NETCARE_DATA_DIR: dir }, timeout: 60_000,
  });

  it('imports a CSV of cells with a progress line on stderr', async () => {
    const file = join(dir, 'cells.csv');
    writeFileSync(file, 'cellId,siteId,name,region,network,lon,lat,neighbours\ncli-1,cli,C1,hz,LTE,120.1,30.2,cli-2\ncli-2,cli,C2,hz,LTE,120.1,30.2,\n');
    const r = run('import', 'cells', file);
    assert.equal(r.status, 0, r.stderr + r.stdout);
    assert.match(r.stdout, /cells: 2 created, 0 updated, 0 rejected/);
    assert.match(r.stderr, /2 \/ 2 rows \(100%\), [\d,]+ rows\/s/);
    assert.deepEqual(await neighboursOf(ctx.db.kysely, 'cli-2'), ['cli-1']);
    const again = run('import', 'cells', file);
    assert.match(again.stdout, /0 created, 2 updated/);
  });

  it('reports rejected rows and exits 1; a JSON file works the same', async () => {
    const file = join(dir, 'cells.json');
    writeFileSync(file, JSON.stringify([
      { cellId: 'cli-3', siteId: 'cli', name: 'C3', region: 'hz', network: 'NR', lon: 120.1, lat: 30.2 },
      { cellId: 'cli-4', siteId: 'cli', name: 'C4', region: 'mars', network: 'NR', lon: 120.1, lat: 30.2 },
    ]));
    const r = run('import', 'cells', file);
    assert.equal(r.status, 1);
    assert.match(r.stdout, /1 created, 0 updated, 1 rejected/);
    assert.match(r.stdout, /row 2 \(cli-4\): region mars does not exist/);
  });

  it('imports subscriber counts; refuses a file it cannot read as an import', async () => {
    const file = join(dir, 'subs.csv');
    writeFileSync(file, 'region,network,month,count\nhz,LTE,2026-01,9500000\nhz,NR,2026-01,6100000\n');
    const r = run('import', 'subscribers', file);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /subscribers: 2 created/);
    const bad = join(dir, 'bad.csv');
    writeFileSync(bad, 'region,count\nhz,1\n');
    const b = run('import', 'subscribers', bad);
    assert.equal(b.status, 2);
    assert.match(b.stderr, /lacks column\(s\) network, month/);
    assert.equal(run('import', 'cells').status, 2);
    assert.equal(run('import', 'cells', join(dir, 'x.txt')).status, 1);
    const audit = await ctx.db.kysely.selectFrom('auditLog').select(['actor', 'details']).where('action', '=', 'import.subscribers').execute();
    assert.equal(audit[0].actor, 'system:import');
    assert.equal(JSON.parse(audit[0].details!).via, 'cli');
  });
});
