// The pure §4 rule (windows.ts), table-driven: the reference the stored groups are checked against.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_RULE, hotspotGroups, neighbourhoodOf, type Complaint } from '../../src/hotspots/windows.ts';

const M = 60_000;
const n = neighbourhoodOf({ a: ['b'], b: ['c'], d: [] });
const at = (spec: string): Complaint[] => spec.split(' ').map((s, i) => { const [cell, min] = s.split('@'); return { id: i + 1, cellId: cell, reportedAt: Number(min) * M }; });

const cases: [string, string, number[][]][] = [
  ['five in a window', 'a@0 a@1 a@2 a@3 a@4', []],
  ['six in a window', 'a@0 a@1 a@2 a@3 a@4 a@5', [[1, 2, 3, 4, 5, 6]]],
  ['six spanning exactly 60 minutes', 'a@0 a@12 a@24 a@36 a@48 a@60', []],
  ['six within 59 minutes', 'a@0 a@12 a@24 a@36 a@48 a@59', [[1, 2, 3, 4, 5, 6]]],
  ['equal timestamps', 'a@5 b@5 a@5 b@5 a@5 b@5', [[1, 2, 3, 4, 5, 6]]],
  ['neighbour of a neighbour is not in N(x)', 'a@0 a@1 a@2 c@3 c@4 c@5', []],
  ['the middle cell sees both sides', 'a@0 a@1 a@2 c@3 c@4 b@5', [[1, 2, 3, 4, 5, 6]]],
  ['a cell without neighbours', 'd@0 d@1 d@2 d@3 d@4 a@5', []],
  ['two groups apart in time', 'a@0 a@1 a@2 a@3 a@4 a@5 a@200 a@201 a@202 a@203 a@204 a@205', [[1, 2, 3, 4, 5, 6], [7, 8, 9, 10, 11, 12]]],
  // the windows of the 7th (t=60) and the 6th (t=50) share complaints: one chain
  ['a chain of windows', 'a@0 a@10 a@20 a@30 a@40 a@50 a@60 a@70', [[1, 2, 3, 4, 5, 6, 7, 8]]],
  // the complaint at 0 is in no window of six: W(@150) = (90, 150] holds the other six only
  ['a complaint outside every qualifying window stays out', 'a@0 a@100 a@110 a@120 a@130 a@140 a@150', [[2, 3, 4, 5, 6, 7]]],
];

for (const [name, spec, want] of cases) {
  test(`§4 rule: ${name}`, () => {
    assert.deepEqual(hotspotGroups(at(spec), n, DEFAULT_RULE), want);
  });
}

test('§4 rule: the thresholds are parameters', () => {
  assert.deepEqual(hotspotGroups(at('a@0 a@10 a@20'), n, { minComplaints: 3, windowMs: 30 * M }), [[1, 2, 3]]);
  assert.deepEqual(hotspotGroups(at('a@0 a@15 a@30'), n, { minComplaints: 3, windowMs: 30 * M }), []);
});
