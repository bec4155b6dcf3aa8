import { it, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { eachEngine } from '../helpers/engines.ts';
import { testApp, TEST_PASSWORD, type TestApp } from '../helpers/app.ts';
import { openDb } from '../../src/db/connect.ts';
import { migrate } from '../../src/db/migrate.ts';
import { seedOrganisation } from '../../src/demo/organisation.ts';
import { importTicketFile } from '../../src/imports/cli-tickets.ts';
import { at, closedHistory, ev, row } from './fixtures.ts';

const ROOT = resolve(import.meta.dirname, '../../..');

eachEngine('netcare import tickets FILE', (ctx) => {
  let t: TestApp;
  let dir: string;
  before(async () => { t = await testApp(ctx.db); dir = mkdtempSync(join(tmpdir(), 'netcare-import-')); });
  after(async () => { await t.close(); rmSync(dir, { recursive: true, force: true }); });

  const capture = () => {
    const o = { out: '', err: '' };
    return { o, io: { stdout: (s: string) => { o.out += s; }, stderr: (s: string) => { o.err += s; } } };
  };

  it('imports NDJSON with a progress line, lists rejections, exits 1 when some rows were rejected', async () => {
    const t0 = at('2026-02-03T09:00:00+08:00');
    const file = join(dir, 'tickets.ndjson');
    writeFileSync(file, [
      JSON.stringify(row('CLI-1', t0, { customer: { msisdn: '13600001111' } }, closedHistory(t0))),
      JSON.stringify(row('CLI-2', t0, { customer: { msisdn: '13600002222' } }, [ev(t0, 5, 'closed')])),
      'not json',
      JSON.stringify(row('CLI-3', t0 + 3600_000, { customer: { msisdn: '13600003333' } })),
    ].join('\n'));
    const { o, io } = capture();
    const r = await importTicketFile(t.deps, file, io);
    assert.equal(r.code, 1);
    assert.equal(r.result.created, 2);
    assert.match(o.err, /tickets: 4 \/ 4 rows \(100%\), [\d,]+ rows\/s/);
    assert.match(o.out, /^tickets: 2 created, 0 skipped, 2 rejected/);
    assert.match(o.out, /row 2 \(CLI-2\): event 1 \(closed at .*\): closed is not possible now/);
    assert.match(o.out, /row 3: line 3 is not valid JSON/);
    const stored = await ctx.db.kysely.selectFrom('ticket').select(['createdBy', 'status']).where('externalId', '=', 'CLI-1').executeTakeFirstOrThrow();
    assert.deepEqual(stored, { createdBy: 'import:cli', status: 'closed' });

    // a JSON array; the rows imported before are skipped
    const json = join(dir, 'tickets.json');
    writeFileSync(json, JSON.stringify([row('CLI-1', t0, { customer: { msisdn: '13600001111' } }), row('CLI-4', t0, { customer: { msisdn: '13600004444' } })]));
    const second = capture();
    const r2 = await importTicketFile(t.deps, json, second.io);
    assert.equal(r2.code, 0);
    assert.deepEqual([r2.result.created, r2.result.skipped], [1, 1]);
    assert.match(second.o.out, /^tickets: 1 created, 1 skipped, 0 rejected/);
  });
});

describe('netcare import tickets FILE (process)', () => {
  it('runs as a command against NETCARE_DATABASE_URL', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'netcare-cli-'));
    try {
      const url = `sqlite:${join(dir, 'cli.db')}`;
      const db = openDb(url);
      await migrate(db);
      await seedOrganisation(db, TEST_PASSWORD, Date.now());
      await db.close();
      const t0 = at('2026-02-03T09:00:00+08:00');
      const file = join(dir, 'history.json');
      writeFileSync(file, JSON.stringify([
        row('P-1', t0, { customer: { msisdn: '13600005555' } }, closedHistory(t0)),
        row('P-2', t0 + 60_000, { customer: { msisdn: '13600005555' } }),
      ]));
      const env = { ...process.env, NETCARE_DATABASE_URL: url, NETCARE_DATA_DIR: dir, NETCARE_DEMO: '0' };
      const run = () => new Promise<{ code: number | null; out: string; err: string }>((done) => {
        const p = spawn(process.execPath, [join(ROOT, 'bin/netcare.mjs'), 'import', 'tickets', file], { cwd: ROOT, env });
        let out = '', err = '';
        p.stdout.on('data', (b) => { out += b; });
        p.stderr.on('data', (b) => { err += b; });
        p.on('close', (code) => done({ code, out, err }));
      });
      const first = await run();
      assert.equal(first.code, 0, first.out + first.err);
      assert.match(first.out, /tickets: 2 created, 0 skipped, 0 rejected/);
      assert.match(first.err, /tickets: 2 \/ 2 rows \(100%\), [\d,]+ rows\/s/);
      const again = await run();
      assert.equal(again.code, 0, again.out + again.err);
      assert.match(again.out, /tickets: 0 created, 2 skipped, 0 rejected/);
      const check = openDb(url);
      const rows = await check.kysely.selectFrom('ticket').select(['externalId', 'status', 'isRepeat']).orderBy('externalId').execute();
      await check.close();
      assert.deepEqual(rows, [{ externalId: 'P-1', status: 'closed', isRepeat: 0 }, { externalId: 'P-2', status: 'new', isRepeat: 1 }]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
