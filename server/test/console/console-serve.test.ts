// Serving the built console (issue 6, page load): index.html per path with the page's chunks as
// modulepreload links and never cached; hashed assets pre-compressed with a year's cache.
// Pure HTTP over a fake build in a temporary folder; no database.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import Fastify, { type FastifyInstance } from 'fastify';
import { serveConsole } from '../../src/console-serve.ts';

const INDEX = '<!doctype html><html><head><script type="module" src="/assets/index-1.js"></script></head><body></body></html>';

describe('console serving', () => {
  let dir: string;
  let app: FastifyInstance;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'netcare-console-'));
    mkdirSync(join(dir, 'assets'));
    writeFileSync(join(dir, 'index.html'), INDEX);
    writeFileSync(join(dir, 'page-preloads.json'), JSON.stringify([
      { pattern: '^\\/queue$', files: ['/assets/queue-1.js', '/assets/table-1.js'] },
      { pattern: '^\\/tickets\\/[^/]+$', files: ['/assets/ticket-1.js'] },
    ]));
    const script = 'export const x = 1;\n'.repeat(200);
    writeFileSync(join(dir, 'assets', 'queue-1.js'), script);
    writeFileSync(join(dir, 'assets', 'queue-1.js.gz'), gzipSync(script));
    app = Fastify();
    await serveConsole(app, dir);
    await app.ready();
  });
  after(async () => {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('names the chunks of the page at the path in index.html, and never lets it be cached', async () => {
    const queue = await app.inject({ url: '/queue?tab=out' });
    assert.equal(queue.statusCode, 200);
    assert.equal(queue.headers['cache-control'], 'no-cache');
    assert.match(String(queue.headers['content-type']), /^text\/html/);
    assert.ok(queue.body.includes('<link rel="modulepreload" crossorigin href="/assets/queue-1.js"><link rel="modulepreload" crossorigin href="/assets/table-1.js"></head>'), queue.body);
    const ticket = await app.inject({ url: '/tickets/42' });
    assert.ok(ticket.body.includes('href="/assets/ticket-1.js"') && !ticket.body.includes('queue-1'));
    for (const url of ['/', '/index.html', '/somewhere/else']) {
      const r = await app.inject({ url });
      assert.equal(r.statusCode, 200, url);
      assert.equal(r.body, INDEX, url);
    }
  });

  it('reads a new build when index.html changes', async () => {
    writeFileSync(join(dir, 'index.html'), INDEX.replace('index-1', 'index-2'));
    const later = new Date(Date.now() + 5000);
    utimesSync(join(dir, 'index.html'), later, later);
    assert.ok((await app.inject({ url: '/queue' })).body.includes('/assets/index-2.js'));
  });

  it('sends hashed assets pre-compressed with a long cache, plain to a client that does not take gzip', async () => {
    const gz = await app.inject({ url: '/assets/queue-1.js', headers: { 'accept-encoding': 'gzip, br' } });
    assert.equal(gz.statusCode, 200);
    assert.equal(gz.headers['content-encoding'], 'gzip'); // no .br in this build: the .gz
    assert.equal(gz.headers['cache-control'], 'public, max-age=31536000, immutable');
    assert.match(String(gz.headers['content-type']), /javascript/);
    const plain = await app.inject({ url: '/assets/queue-1.js', headers: { 'accept-encoding': 'identity' } });
    assert.equal(plain.headers['content-encoding'], undefined);
    assert.ok(plain.body.startsWith('export const x = 1;'));
  });

  it('keeps the preload list to itself and answers unknown files and API paths with 404', async () => {
    for (const url of ['/page-preloads.json', '/assets/missing-1.js', '/api/v1/nothing']) {
      assert.equal((await app.inject({ url })).statusCode, 404, url);
    }
  });
});
