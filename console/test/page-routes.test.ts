// The route table the build and the server use to preload a page's chunks must name the modules
// app.tsx really loads, and each path must open the page its route renders.
// Run: node --import tsx --test console/test/page-routes.test.ts
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { PAGE_MODULES, pageAt } from '../src/page-routes.ts';

const app = readFileSync(new URL('../src/app.tsx', import.meta.url), 'utf8');

test('every page module is the one app.tsx imports under the same key', () => {
  const imports = Object.fromEntries([...app.matchAll(/^\s+(\w+): lazyPage\(\(\) => import\('\.\/([^']+)'\)\)/gm)].map((m) => [m[1], m[2]]));
  assert.deepEqual(imports, { ...PAGE_MODULES });
});

test('paths open their pages', () => {
  const cases: [string, string | null][] = [
    ['/queue', 'queue'], ['/tickets', 'tickets'], ['/tickets/123', 'ticket'], ['/tickets/1/x', null], ['/admin/imports', 'imports'],
    ['/audit', 'audit'], ['/', null], ['/nowhere', null], ['/login', 'login'], ['/kpis', 'kpis'],
  ];
  for (const [path, page] of cases) assert.equal(pageAt(path), page, path);
});
