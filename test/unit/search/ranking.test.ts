import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Bm25, averageDocLength, postingNorm } from '../../../src/core/search/ranking';

/** A deterministic generator, so a failure can be replayed. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

describe('block bounds from posting norms', () => {
  it('bound every posting of a block at any average, and are exact when it has not moved', () => {
    const next = random(5);
    for (let trial = 0; trial < 2000; trial++) {
      const reference = 1 + next() * 400;
      const postings = Array.from({ length: 1 + Math.floor(next() * 128) }, () => ({ tf: 1 + Math.floor(next() ** 3 * 300), length: 1 + Math.floor(next() ** 2 * 5000) }));
      const minNorm = Math.fround(Math.min(...postings.map((p) => postingNorm(p.tf, p.length, reference))) * (1 - 1e-6));
      for (const average of [reference, reference / 7, reference * 0.9, reference * 1.1, reference * 13]) {
        const bm25 = new Bm25(Bm25.idf(100_000, 1 + Math.floor(next() * 90_000)), average);
        const best = Math.max(...postings.map((p) => bm25.weight(p.tf, p.length)));
        const bound = bm25.blockBound(minNorm, reference);
        assert.ok(bound * (1 + 1e-9) >= best, `trial ${trial}: bound ${bound} below ${best} (reference ${reference}, average ${average})`);
        if (average === reference) assert.ok(bound <= best * (1 + 1e-5), `trial ${trial}: bound ${bound} far above ${best}`);
      }
    }
  });

  it('averages over live documents, and never below one token', () => {
    assert.equal(averageDocLength(600, 200), 3);
    assert.equal(averageDocLength(0, 0), 1);
    assert.equal(averageDocLength(10, 100), 1);
  });
});
