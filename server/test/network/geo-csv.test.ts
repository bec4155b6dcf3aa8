import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CELL_GRID, ISSUE_GRID, circleBox, distanceM, gridBlock, gridKey, gridKeysOfCircle } from '../../src/network/geo.ts';
import { csvRecords, parseCsv } from '../../src/network/csv.ts';
import { moved } from './fixtures.ts';

describe('network geometry', () => {
  it('measures great-circle distances', () => {
    for (const [a, b, expected, tolerance] of [
      [[120.16, 30.27], [120.16, 30.27], 0, 0.001],
      [[120.16, 30.27], [121.55, 29.87], 140_000, 2_000],        // Hangzhou – Ningbo
      [[0, 0], [0, 1], 111_195, 5],                              // one degree of latitude
      [[179.9, 0], [-179.9, 0], 22_239, 5],                      // across the antimeridian
    ] as const) {
      assert.ok(Math.abs(distanceM(a[0], a[1], b[0], b[1]) - expected) <= tolerance, `${a} → ${b}`);
    }
  });

  it('puts every point of a circle in one of the squares it lists', () => {
    for (const [lon, lat, r] of [[120.16, 30.27, 300], [120.0, 30.0, 5000], [121.999, 29.001, 50_000], [-73.98, 40.75, 1200]] as const) {
      const keys = new Set(gridKeysOfCircle(ISSUE_GRID, lon, lat, r));
      for (let a = 0; a < 360; a += 7.5) for (const f of [0.2, 0.6, 0.999]) {
        const p = moved(lon, lat, Math.cos((a * Math.PI) / 180) * r * f, Math.sin((a * Math.PI) / 180) * r * f);
        assert.ok(keys.has(gridKey(ISSUE_GRID, p.lon, p.lat)), `${lon},${lat} r=${r} angle ${a} × ${f}`);
      }
      const b = circleBox(lon, lat, r);
      assert.ok(distanceM(lon, lat, b.lon2, lat) >= r * 0.999 && distanceM(lon, lat, lon, b.lat2) >= r * 0.999);
    }
  });

  it('a 3 × 3 block of cell squares covers at least the distance it claims', () => {
    for (const [lon, lat] of [[120.16, 30.27], [120.1625, 30.2749], [121.5551, 29.8701]] as const) {
      const block = gridBlock(CELL_GRID, lon, lat, 1);
      assert.equal(block.keys.length, 9);
      assert.ok(block.coveredM > 400 && block.coveredM < 1100, `${block.coveredM}`);
      const keys = new Set(block.keys);
      for (let a = 0; a < 360; a += 10) {
        const p = moved(lon, lat, Math.cos((a * Math.PI) / 180) * block.coveredM * 0.99, Math.sin((a * Math.PI) / 180) * block.coveredM * 0.99);
        assert.ok(keys.has(gridKey(CELL_GRID, p.lon, p.lat)), `angle ${a}`);
      }
    }
  });
});

describe('CSV', () => {
  it('parses quotes, escaped quotes, separators and line breaks inside quotes, CRLF and a BOM', () => {
    const rows = parseCsv('\uFEFFa,b,c\r\n"x, y","say ""hi""","two\nlines"\r\n\r\nlast,,\n');
    assert.deepEqual(rows.map((r) => r.fields), [['a', 'b', 'c'], ['x, y', 'say "hi"', 'two\nlines'], ['last', '', '']]);
    assert.deepEqual(rows.map((r) => r.line), [1, 2, 5]);
  });

  it('refuses unclosed quotes and text after a closing quote', () => {
    assert.throws(() => parseCsv('a\n"open'), /not closed/);
    assert.throws(() => parseCsv('a\n"x"y'), /after a closing quote/);
  });

  it('maps records by header, flags a wrong field count per record, refuses missing columns', () => {
    const r = csvRecords('region, network ,month,count\nhz,LTE,2026-01,5\nhz,LTE\n', ['region', 'network', 'month', 'count']);
    assert.deepEqual(r[0].record, { region: 'hz', network: 'LTE', month: '2026-01', count: '5' });
    assert.equal(r[1].record, null);
    assert.match(r[1].error!, /2 fields, the header has 4/);
    assert.throws(() => csvRecords('region\nhz\n', ['region', 'count']), /lacks column\(s\) count/);
    assert.throws(() => csvRecords('', ['region']), /empty/);
  });
});
