import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { SearchIndex } from '../../../src/core/search/searchIndex';
import type { IndexableMessage } from '../../../src/core/search/extract';
import type { SearchQuery } from '../../../src/core/search/types';
import type { SearchRole } from '../../../src/shared/model/search';

/** A deterministic generator, so a failure can be replayed. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

const words = ['parser', 'router', 'cache', 'tree', 'module', 'types', 'rare', 'session', 'please', 'fix', 'bug', '数据', 'zeta'];
const roles: SearchRole[] = ['user', 'assistant', 'tool'];

/**
 * A random corpus with skewed word frequencies (so lists are long enough to have blocks),
 * sessions appended to later (docs of a session in several segments) and removed ones.
 */
function randomIndex(seed: number, options: { dir?: string; flushPositions: number }): SearchIndex {
  const next = random(seed);
  const index = new SearchIndex({ flushPositions: options.flushPositions, ...(options.dir ? { dir: options.dir } : {}) });
  const sessions = 30 + Math.floor(next() * 30);
  let entry = 0;
  const makeDocs = (count: number): IndexableMessage[] => {
    const docs: IndexableMessage[] = [];
    for (let d = 0; d < count; d++) {
      const length = 1 + Math.floor(next() * 40);
      const text: string[] = [];
      // Zipf-like: word k with weight 1/(k+1).
      for (let w = 0; w < length; w++) text.push(words[Math.min(words.length - 1, Math.floor(1 / (next() + 0.07)) - 1)]);
      if (next() < 0.02) text.push('needlex');
      docs.push({ entry_id: `e${entry++}`, role: roles[Math.floor(next() * 3)], timestamp_ms: Math.floor(next() * 50) * 1000, text: text.join(' '), truncated: false });
    }
    return docs;
  };
  for (let s = 0; s < sessions; s++) index.upsertSession({ path: `/r/${s}.jsonl`, id: `s${s}`, name: null, cwd: s % 3 === 0 ? '/a' : '/b', modified_ms: 0, fingerprint: '' }, makeDocs(Math.floor(next() * 120)));
  for (let k = 0; k < 20; k++) index.appendToSession(`/r/${Math.floor(next() * sessions)}.jsonl`, makeDocs(1 + Math.floor(next() * 30)));
  for (let k = 0; k < 3; k++) index.removeSession(`/r/${Math.floor(next() * sessions)}.jsonl`);
  return index;
}

const key = (r: ReturnType<SearchIndex['search']>): string[] => r.hits.map((h) => `${h.entry_id} ${h.score}`);

function queriesFor(next: () => number): SearchQuery[] {
  const out: SearchQuery[] = [];
  for (const word of [...words, 'needlex', 'absentword']) {
    for (const per_session of [0, 1, 3]) {
      const limit = 1 + Math.floor(next() * 30);
      out.push({ query: word, per_session, limit, offset: Math.floor(next() * 20) });
    }
    out.push({ query: word, role: roles[Math.floor(next() * 3)], limit: 10 });
    out.push({ query: word, cwd: '/a', per_session: 2, limit: 15 });
    out.push({ query: word, from_ms: 10_000, to_ms: 30_000, per_session: 0, limit: 25 });
  }
  // Time is never what these tests judge: a loaded machine must not cut a search short.
  return out.map((q) => ({ ...q, budget_ms: 600_000 }));
}

describe('one-word top-k (block-max WAND) against scoring every document', () => {
  for (const seed of [1, 2, 3, 4, 5]) {
    it(`gives the same hits and totals on random corpus ${seed}`, () => {
      const index = randomIndex(seed, { flushPositions: 400 + seed * 300 });
      assert.ok(index.search({ query: 'parser', per_session: 0 }).total > 128, 'lists long enough to have blocks');
      for (const q of queriesFor(random(seed * 7))) {
        const fast = index.search(q);
        const exhaustive = index.search(q, { exhaustive: true });
        const label = JSON.stringify(q);
        assert.equal(fast.partial || exhaustive.partial, false, label);
        assert.equal(fast.total, exhaustive.total, `total ${label}`);
        assert.deepEqual(key(fast), key(exhaustive), label);
      }
    });
  }

  it('stays exact when the average document length moves far between segments', () => {
    // Block bounds are computed at the average when each segment was written; queries score
    // at today's. Short documents, then long ones (the average grows several times), then
    // short ones again with the long sessions removed (it falls back). No merges, which
    // would write the old segments' bounds again at the new average.
    const next = random(77);
    const index = new SearchIndex({ flushPositions: 500, maxSegmentBytes: 0 });
    let entry = 0;
    const session = (s: number, count: number, minWords: number, maxWords: number): void => {
      const docs: IndexableMessage[] = [];
      for (let d = 0; d < count; d++) {
        const length = minWords + Math.floor(next() * (maxWords - minWords + 1));
        const text: string[] = [];
        for (let w = 0; w < length; w++) text.push(words[Math.min(words.length - 1, Math.floor(1 / (next() + 0.07)) - 1)]);
        docs.push({ entry_id: `e${entry++}`, role: roles[Math.floor(next() * 3)], timestamp_ms: Math.floor(next() * 50) * 1000, text: text.join(' '), truncated: false });
      }
      index.upsertSession({ path: `/m/${s}.jsonl`, id: `m${s}`, name: null, cwd: '/m', modified_ms: 0, fingerprint: '' }, docs);
    };
    const judge = (label: string): void => {
      for (const q of queriesFor(random(entry))) {
        const fast = index.search(q);
        const exhaustive = index.search(q, { exhaustive: true });
        assert.equal(fast.total, exhaustive.total, `${label} total ${JSON.stringify(q)}`);
        assert.deepEqual(key(fast), key(exhaustive), `${label} ${JSON.stringify(q)}`);
      }
    };
    for (let s = 0; s < 20; s++) session(s, 60, 1, 4);
    index.flush();
    judge('short');
    for (let s = 20; s < 30; s++) session(s, 60, 60, 200);
    index.flush();
    const average = index.liveTokens / index.liveDocs;
    assert.ok(
      index.segments.some((segment) => segment.referenceLength < average / 2),
      'a segment whose bounds were computed at a far smaller average is still there',
    );
    judge('then long');
    for (let s = 20; s < 30; s++) index.removeSession(`/m/${s}.jsonl`);
    for (let s = 30; s < 50; s++) session(s, 60, 1, 3);
    index.flush();
    const fallen = index.liveTokens / index.liveDocs;
    assert.ok(index.segments.some((segment) => segment.referenceLength > fallen * 2), 'a segment whose bounds were computed at a far larger average is still there');
    judge('short again');
    index.compact();
    judge('compacted');
  });

  it('pages without gaps or overlap, and has_more ends at the total', () => {
    const index = randomIndex(6, { flushPositions: 600 });
    for (const per_session of [0, 1, 3]) {
      for (const word of ['parser', 'cache', 'needlex']) {
        const all = index.search({ query: word, per_session, limit: 200, budget_ms: 600_000 });
        const paged: string[] = [];
        for (let offset = 0; offset < 200; offset += 7) {
          const page = index.search({ query: word, per_session, limit: 7, offset, budget_ms: 600_000 });
          assert.equal(page.total, all.total);
          paged.push(...key(page));
          // What the API answers as has_more.
          if (!(offset + page.hits.length < page.total)) break;
        }
        assert.deepEqual(paged.slice(0, 200), key(all), `${word} per_session=${per_session}`);
        if (all.total <= 200) assert.equal(paged.length, all.total);
      }
    }
  });

  it('counts a one-word total from document frequencies', () => {
    const index = new SearchIndex({ flushPositions: 200, maxSegmentBytes: 1 });
    // 3 sessions × 200 documents: lists long enough for session postings in every segment.
    for (let s = 0; s < 3; s++) {
      const docs: IndexableMessage[] = [];
      for (let d = 0; d < 200; d++) docs.push({ entry_id: `${s}-${d}`, role: d % 2 ? 'user' : 'tool', timestamp_ms: d, text: d % 4 === 0 ? 'common odd' : 'common', truncated: false });
      index.upsertSession({ path: `/df/${s}`, id: `${s}`, name: null, cwd: `/c${s}`, modified_ms: 0, fingerprint: '' }, docs);
    }
    index.flush();
    assert.ok(index.stats().segments > 1);
    const q = (extra: Partial<SearchQuery>): number => index.search({ query: 'common', budget_ms: 600_000, ...extra }).total;
    assert.equal(q({ per_session: 0 }), 600);
    assert.equal(q({ per_session: 3 }), 9);
    assert.equal(q({ per_session: 150 }), 450);
    assert.equal(q({ per_session: 0, cwd: '/c1' }), 200);
    assert.equal(q({ per_session: 0, role: 'user' }), 300);
    assert.equal(q({ per_session: 0, from_ms: 10, to_ms: 19 }), 30);
    assert.equal(index.search({ query: 'odd', per_session: 0 }).total, 150);
    index.removeSession('/df/2');
    assert.equal(q({ per_session: 0 }), 400);
    index.appendToSession('/df/0', [{ entry_id: 'late', role: 'user', timestamp_ms: 999, text: 'common', truncated: false }]);
    assert.equal(q({ per_session: 0 }), 401);
    assert.equal(q({ per_session: 300 }), 401);
  });

  it('stays exact where thousands of documents score the same and time decides the page', () => {
    // One short message ("continue") in every session, at scattered times, some without one:
    // every block's bound is the page's last score, and only newer documents may enter.
    const next = random(31);
    const index = new SearchIndex({ flushPositions: 3000 });
    let entry = 0;
    for (let s = 0; s < 120; s++) {
      const docs: IndexableMessage[] = [];
      for (let d = 0; d < 40; d++) {
        const time = next() < 0.03 ? Number.NaN : Math.floor(next() * 400) * 1000;
        const text = d % 5 === 0 ? 'continue' : `step ${d} of the plan, then continue`;
        docs.push({ entry_id: `t${entry++}`, role: d % 2 ? 'user' : 'assistant', timestamp_ms: time, text, truncated: false });
      }
      index.upsertSession({ path: `/t/${s}.jsonl`, id: `t${s}`, name: null, cwd: '/t', modified_ms: 0, fingerprint: '' }, docs);
    }
    index.compact();
    for (const per_session of [0, 1, 3]) {
      for (const offset of [0, 13]) {
        const q: SearchQuery = { query: 'continue', per_session, limit: 20, offset, budget_ms: 600_000 };
        const fast = index.search(q);
        const exhaustive = index.search(q, { exhaustive: true });
        assert.equal(fast.total, exhaustive.total, JSON.stringify(q));
        assert.deepEqual(key(fast), key(exhaustive), JSON.stringify(q));
      }
    }
    const page = index.search({ query: 'continue', per_session: 0, limit: 20, budget_ms: 600_000 });
    const times = page.hits.map((h) => h.timestamp_ms);
    assert.deepEqual(times, [...times].sort((a, b) => b - a), 'the newest first among equal scores');
  });

  it('gives the same answers from segment files read on demand', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'psm-topk-'));
    const memory = randomIndex(9, { flushPositions: 700 });
    const disk = randomIndex(9, { flushPositions: 700, dir });
    assert.ok(fs.readdirSync(dir).some((f) => f.startsWith('search-seg-')), 'segments written as they are built');
    for (const q of queriesFor(random(11))) {
      assert.deepEqual(key(disk.search(q)), key(memory.search(q)), JSON.stringify(q));
      assert.equal(disk.search(q).total, memory.search(q).total);
    }
    await disk.save(dir);
    const loaded = await SearchIndex.load(dir);
    assert.ok(loaded);
    for (const q of queriesFor(random(12))) assert.deepEqual(key(loaded.search(q)), key(memory.search(q)), JSON.stringify(q));
    loaded.close();
    disk.close();
  });
});
