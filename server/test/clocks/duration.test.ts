import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DurationError, formatDuration, parseDuration } from '../../src/clocks/duration.ts';

const S = 1000;
const M = 60 * S;
const H = 60 * M;
const D = 24 * H;

describe('parseDuration', () => {
  const valid: [string, number][] = [
    ['PT4H', 4 * H],
    ['PT30M', 30 * M],
    ['P3D', 3 * D],
    ['P1DT2H', D + 2 * H],
    ['PT1H30M', H + 30 * M],
    ['PT45S', 45 * S],
    ['PT1H0M30S', H + 30 * S],
    ['P1DT1H1M1S', D + H + M + S],
    ['P2W', 14 * D],
    ['P1W2D', 9 * D],
    ['PT72H', 72 * H],
    ['PT0S', 0],
    ['P0D', 0],
    ['PT0.5H', 30 * M],
    ['PT0.1H', 6 * M],
    ['PT1,5H', 90 * M],
    ['PT1.5S', 1500],
    ['PT0.001S', 1],
    ['P1.5D', 36 * H],
  ];
  for (const [text, ms] of valid) {
    it(`${text} is ${ms} ms`, () => assert.equal(parseDuration(text), ms));
  }

  const invalid: [unknown, RegExp][] = [
    ['', /empty/],
    ['P', /no components/],
    ['PT', /no components/],
    ['P1DT', /no components/],
    ['P1Y', /years have no fixed length/],
    ['P1Y2D', /years have no fixed length/],
    ['P2M', /months have no fixed length/],
    ['P1MT4H', /months have no fixed length/],
    ['P1H', /go after 'T'/],
    ['PT1D', /go before 'T'/],
    ['PT1H2H', /at most once, in that order/],
    ['PT2M1H', /at most once, in that order/],
    ['PT1.5H30M', /only the last component may have a fraction/],
    ['PT0.0001S', /finer than a millisecond/],
    ['PT0.1234567891S', /at most 9 fractional digits/],
    ['-PT1H', /signed/],
    ['+PT1H', /signed/],
    ['pt4h', /upper-case/],
    ['4h', /must start with 'P'/],
    ['4 hours', /spaces/],
    ['PT4H ', /spaces/],
    ['PT99999999999999999H', /too long/],
    [4, /must be a string/],
    [null, /must be a string/],
  ];
  for (const [input, reason] of invalid) {
    it(`refuses ${JSON.stringify(input)}`, () => {
      assert.throws(() => parseDuration(input as string), (e: unknown) => {
        assert.ok(e instanceof DurationError);
        assert.equal(e.input, input);
        assert.match(e.reason, reason);
        assert.match(e.message, reason);
        return true;
      });
    });
  }
});

describe('formatDuration', () => {
  const table: [number, string][] = [
    [0, 'PT0S'],
    [4 * H, 'PT4H'],
    [30 * M, 'PT30M'],
    [3 * D, 'P3D'],
    [D + 2 * H, 'P1DT2H'],
    [H + 30 * M, 'PT1H30M'],
    [72 * H, 'P3D'],
    [D + 5 * S, 'P1DT5S'],
    [1500, 'PT1.5S'],
    [1, 'PT0.001S'],
    [H + 20, 'PT1H0.02S'],
  ];
  for (const [ms, text] of table) {
    it(`${ms} ms is ${text} and parses back`, () => {
      assert.equal(formatDuration(ms), text);
      assert.equal(parseDuration(text), ms);
    });
  }

  for (const bad of [-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
    it(`refuses ${bad}`, () => assert.throws(() => formatDuration(bad), DurationError));
  }

  it('round-trips a spread of values', () => {
    for (let ms = 0; ms < 10 * D; ms += 7 * H + 13 * M + 17 * S + 19) assert.equal(parseDuration(formatDuration(ms)), ms);
  });
});
