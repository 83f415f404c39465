import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Bm25, TopCollector, averageDocLength, postingNorm, scoreKey } from '../../../src/core/search/ranking';

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

describe('TopCollector', () => {
  it('keeps the best k under the session cap whatever the order, ties settled by time and id', () => {
    const next = random(9);
    for (let trial = 0; trial < 300; trial++) {
      const docCount = 1 + Math.floor(next() * 3000);
      const sessions = 1 + Math.floor(next() * 60);
      // Few distinct scores and times, some documents without a time: ties everywhere.
      const time = Float64Array.from({ length: docCount }, () => (next() < 0.05 ? NaN : Math.floor(next() * 8) * 1000));
      const session = Uint32Array.from({ length: docCount }, () => Math.floor(next() * sessions));
      const score = Array.from({ length: docCount }, () => Math.floor(next() * 5) / 3);
      const k = 1 + Math.floor(next() * 40);
      const cap = Math.floor(next() * 4);
      const offered = Array.from({ length: docCount }, (_, d) => d).filter(() => next() < 0.7);
      for (let i = offered.length - 1; i > 0; i--) {
        const j = Math.floor(next() * (i + 1));
        [offered[i], offered[j]] = [offered[j], offered[i]];
      }
      const collector = new TopCollector(k, cap, { time, session }, sessions);
      for (const d of offered) collector.offer(d, score[d]);
      const got = collector.result().docs;

      // A document without a time ranks as the oldest.
      const t = (d: number) => (Number.isNaN(time[d]) ? -Infinity : time[d]);
      const byRank = [...offered].sort((a, b) => scoreKey(score[b]) - scoreKey(score[a]) || (t(b) > t(a) ? 1 : t(b) < t(a) ? -1 : 0) || b - a);
      const perSession = new Map<number, number>();
      const expected: number[] = [];
      for (const d of byRank) {
        if (expected.length === k) break;
        const n = perSession.get(session[d]) ?? 0;
        if (cap > 0 && n === cap) continue;
        perSession.set(session[d], n + 1);
        expected.push(d);
      }
      assert.deepEqual(got, expected, `trial ${trial}: k ${k}, cap ${cap}, ${offered.length} offered`);
    }
  });
});
