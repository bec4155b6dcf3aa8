// The imports page's reading of files and answers: rows numbered as the server numbers them.
// Run: node --import tsx --test console/test/import-file.test.ts
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { csvRecords as serverCsv } from '../../server/src/network/csv.ts';
import { ndjsonRows } from '../../server/src/imports/ticket-rows.ts';
import { csvRecords, detectFormat, fileRows, rowResults } from '../src/pages/admin/imports/import-file.ts';

test('reads CSV as the server does: quotes, escaped quotes, line breaks in quotes, CRLF, BOM, blank lines', () => {
  const text = '\uFEFFcellId,siteId,name,region,network,lon,lat,neighbours\r\nc1,s1,"文三路, 东",hz,LTE,120.1,30.2,c2;c3\r\n\r\nc2,s1,"a ""b""\nc",hz,LTE,120.1,30.2,\n';
  const mine = csvRecords(text);
  assert.deepEqual(mine[1][2], '文三路, 东');
  assert.deepEqual(mine[2][2], 'a "b"\nc');
  const server = serverCsv(text, ['cellId']);
  assert.equal(mine.length - 1, server.length);
  assert.deepEqual(fileRows('cells', 'csv', text), server.map((r, i) => ({ row: i + 1, key: r.record!.cellId })));
});

test('numbers NDJSON rows by line, as the server does, and JSON rows by position', () => {
  const text = '{"externalId":"a"}\n\n{"externalId":"b"}\nnot json\r\n{"externalId":"c"}';
  assert.deepEqual(fileRows('tickets', 'ndjson', text).map((r) => r.row), ndjsonRows(text).map((r) => r.row));
  assert.deepEqual(fileRows('tickets', 'ndjson', text).map((r) => r.key), ['a', 'b', null, 'c']);
  assert.deepEqual(fileRows('subscribers', 'json', '[{"region":"hz","network":"LTE","month":"2026-03","count":1},3]'), [{ row: 1, key: 'hz · LTE · 2026-03' }, { row: 2, key: null }]);
  assert.deepEqual(fileRows('cells', 'json', '{not json'), []);
});

test('tells the format from the name, else from the first character', () => {
  assert.equal(detectFormat('a.CSV', '['), 'csv');
  assert.equal(detectFormat('a.jsonl', ''), 'ndjson');
  assert.equal(detectFormat('a.txt', ' [1]'), 'json');
  assert.equal(detectFormat('a', '{"a":1}\n'), 'ndjson');
  assert.equal(detectFormat('a', 'cellId,siteId'), 'csv');
});

test('gives every row an outcome: rejected with its reason, the others as precisely as the counts allow', () => {
  const rows = [{ row: 1, key: 'c1' }, { row: 2, key: 'c2' }, { row: 3, key: 'c3' }];
  const created = rowResults('cells', rows, { created: 2, updated: 0, rejected: [{ row: 2, cellId: 'c2', reason: 'region xx does not exist' }] });
  assert.deepEqual(created.map((r) => r.outcome), ['created', 'rejected', 'created']);
  assert.equal(created[1].reason, 'region xx does not exist');
  assert.deepEqual(rowResults('cells', rows, { created: 0, updated: 3, rejected: [] }).map((r) => r.outcome), ['updated', 'updated', 'updated']);
  assert.deepEqual(rowResults('cells', rows, { created: 1, updated: 2, rejected: [] }).map((r) => r.outcome), ['stored', 'stored', 'stored']);
  const tickets = rowResults('tickets', [{ row: 1, key: 'e1' }, { row: 3, key: 'e2' }], { created: 0, skipped: 1, rejected: [{ row: 2, externalId: null, reason: 'line 2 is not valid JSON' }, { row: 3, externalId: 'e2', reason: 'bad' }], ids: { e1: 7 } });
  assert.deepEqual(tickets, [
    { row: 1, key: 'e1', outcome: 'skipped', ticketId: 7 },
    { row: 2, key: null, outcome: 'rejected', reason: 'line 2 is not valid JSON' },
    { row: 3, key: 'e2', outcome: 'rejected', reason: 'bad' },
  ]);
});
