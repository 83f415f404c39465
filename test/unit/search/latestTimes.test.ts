import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { GrowableArray, f64 } from '../../../src/core/search/compactArrays';
import { LatestTimes } from '../../../src/core/search/latestTimes';

describe('LatestTimes', () => {
  it('gives the latest time of any doc range, NaN as the oldest, as the column grows', () => {
    let state = 3;
    const next = () => (state = (state * 1664525 + 1013904223) >>> 0) / 2 ** 32;
    const column = new GrowableArray(f64, 16);
    for (const grownTo of [1, 63, 64, 65, 500, 2049]) {
      while (column.length < grownTo) column.push(next() < 0.1 ? Number.NaN : Math.floor(next() * 1e6));
      const times = column.view();
      const latest = LatestTimes.of(column);
      for (let trial = 0; trial < 300; trial++) {
        const a = Math.floor(next() * times.length);
        const b = Math.floor(next() * times.length);
        const [from, to] = a <= b ? [a, b] : [b, a];
        let expected = -Infinity;
        for (let d = from; d <= to; d++) if (!Number.isNaN(times[d])) expected = Math.max(expected, times[d]);
        assert.equal(latest.latest(from, to), expected, `${from}…${to} of ${times.length}`);
      }
    }
  });
});
