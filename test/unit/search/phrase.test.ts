import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SearchIndex } from '../../../src/core/search/searchIndex';
import type { IndexableMessage } from '../../../src/core/search/extract';

/** A deterministic generator, so a failure can be replayed. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

const vocabulary = ['red', 'green', 'blue', 'cyan', 'amber', 'olive', 'plum', 'teal'];

/**
 * Phrases checked against the documents themselves: a small vocabulary, so every word is in
 * most documents and phrases (repeated words among them) match often, over several segments.
 */
describe('phrase queries', () => {
  it('find exactly the documents holding the words in order, however common the words', () => {
    const next = random(3);
    const pick = () => vocabulary[Math.floor(next() ** 2 * vocabulary.length)];
    const index = new SearchIndex({ flushPositions: 400 });
    const texts = new Map<string, string[]>();
    for (let s = 0; s < 12; s++) {
      const docs: IndexableMessage[] = [];
      for (let d = 0; d < 15; d++) {
        const words = Array.from({ length: 2 + Math.floor(next() * 30) }, pick);
        const entry = `s${s}d${d}`;
        texts.set(entry, words);
        docs.push({ entry_id: entry, role: 'user', timestamp_ms: 1_000_000 + s * 100 + d, text: words.join(' '), truncated: false });
      }
      index.upsertSession({ path: `/s/${s}.jsonl`, id: `s${s}`, name: null, cwd: '/work', modified_ms: 0, fingerprint: 'f' }, docs);
    }
    index.flush();
    assert.ok(index.stats().segments > 1, 'several segments');

    for (let q = 0; q < 60; q++) {
      const phrase = Array.from({ length: 2 + Math.floor(next() * 3) }, pick);
      const expected = [...texts]
        .filter(([, words]) => words.some((_, i) => phrase.every((w, k) => words[i + k] === w)))
        .map(([entry]) => entry)
        .sort();
      const result = index.search({ query: `"${phrase.join(' ')}"`, per_session: 0, limit: 200 });
      assert.equal(result.total, expected.length, `total of "${phrase.join(' ')}"`);
      assert.deepEqual(result.hits.map((h) => h.entry_id).sort(), expected, `documents of "${phrase.join(' ')}"`);
    }
  });

  it('rank a document where the phrase occurs more often first, other things equal', () => {
    const index = new SearchIndex();
    const docs: IndexableMessage[] = [
      // The newer one would come first on a tie: the count is what puts the older first.
      { entry_id: 'twice', role: 'user', timestamp_ms: 1, text: 'red green blue red green amber', truncated: false },
      { entry_id: 'once', role: 'user', timestamp_ms: 2, text: 'red green blue blue red amber', truncated: false },
    ];
    index.upsertSession({ path: '/s/a.jsonl', id: 'a', name: null, cwd: '/work', modified_ms: 0, fingerprint: 'f' }, docs);
    assert.deepEqual(
      index.search({ query: '"red green"', per_session: 0 }).hits.map((h) => h.entry_id),
      ['twice', 'once'],
    );
  });
});
