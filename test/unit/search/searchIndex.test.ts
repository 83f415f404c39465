import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SearchIndex } from '../../../src/core/search/searchIndex';
import { SearchQueryError } from '../../../src/core/search/queryParser';
import type { IndexableMessage } from '../../../src/core/search/extract';
import type { SearchRole } from '../../../src/shared/model/search';
import type { SearchSessionMeta } from '../../../src/core/search/types';
import type { SearchHit } from '../../../src/shared/model/search';
import { foldForCompare } from './searchTestUtil';

function meta(path: string, extra: Partial<SearchSessionMeta> = {}): SearchSessionMeta {
  return { path, id: path.replace(/\W/g, ''), name: null, cwd: '/work/project', modified_ms: 0, fingerprint: 'f', ...extra };
}

let nextEntry = 0;
function doc(role: SearchRole, text: string, timestamp_ms = 1_000_000, truncated = false): IndexableMessage {
  return { entry_id: `e${++nextEntry}`, role, timestamp_ms, text, truncated };
}

/** Every highlighted range equals one of `words`, ignoring case and diacritics. */
function assertHighlights(hit: SearchHit, words: string[]): void {
  assert.ok(hit.highlights.length > 0, `no highlight in ${hit.snippet}`);
  for (const [start, end] of hit.highlights) {
    assert.ok(start >= 0 && end <= hit.snippet.length && start < end);
    const marked = foldForCompare(hit.snippet.slice(start, end));
    assert.ok(
      words.some((w) => foldForCompare(w) === marked),
      `highlight "${hit.snippet.slice(start, end)}" is none of ${words.join(', ')}`,
    );
  }
}

function smallIndex(): SearchIndex {
  const index = new SearchIndex({ flushPositions: 50 });
  index.upsertSession(meta('/s/a.jsonl', { name: 'Alpha', cwd: '/work/alpha' }), [
    doc('user', 'The login page throws an authentication error', 1000),
    doc('assistant', 'The authentication token expired; I will refresh it in getUserById.', 2000),
    doc('tool', 'read\nsrc/auth/session_store.ts\nexport class SessionStore {}', 3000),
  ]);
  index.upsertSession(meta('/s/b.jsonl', { name: 'Beta', cwd: '/work/beta' }), [
    doc('user', 'Deploy the café menu to production', 5000),
    doc('assistant', 'Deployment of the menu is done. Authorisation was not needed.', 6000),
    doc('tool', 'bash\nkubectl apply -f deploy.yaml', 7000),
  ]);
  index.upsertSession(meta('/s/c.jsonl', { cwd: '/work/alpha' }), [
    doc('user', '東京都の天気を調べて', 8000),
    doc('assistant', 'Tokyo weather is sunny 🌞 today', 9000),
  ]);
  return index;
}

const paths = (hits: SearchHit[]): string[] => hits.map((h) => h.session_path).sort();

describe('SearchIndex queries', () => {
  it('ANDs words, case-insensitively', () => {
    const index = smallIndex();
    const r = index.search({ query: 'AUTHENTICATION token' });
    assert.equal(r.total, 1);
    assert.equal(r.hits[0].role, 'assistant');
    assertHighlights(r.hits[0], ['authentication', 'token']);
    assert.equal(r.partial, false);
  });

  it('matches exact phrases only in order', () => {
    const index = smallIndex();
    assert.equal(index.search({ query: '"authentication token"' }).total, 1);
    assert.equal(index.search({ query: '"token authentication"' }).total, 0);
    const r = index.search({ query: '"throws an authentication"' });
    assert.equal(r.total, 1);
    assertHighlights(r.hits[0], ['throws an authentication']);
  });

  it('matches prefixes', () => {
    const index = smallIndex();
    const r = index.search({ query: 'auth*', per_session: 0 });
    // authentication ×2, auth (path part), Authorisation
    assert.equal(r.total, 4);
    assert.deepEqual(paths(r.hits), ['/s/a.jsonl', '/s/a.jsonl', '/s/a.jsonl', '/s/b.jsonl']);
    for (const hit of r.hits) for (const [s, e] of hit.highlights) assert.match(hit.snippet.slice(s, e).toLowerCase(), /^auth/);
  });

  it('excludes words and phrases', () => {
    const index = smallIndex();
    assert.equal(index.search({ query: 'authentication -token' }).total, 1);
    assert.equal(index.search({ query: 'authentication -"token expired"' }).total, 1);
    assert.equal(index.search({ query: 'the -deploy*', per_session: 0 }).hits.every((h) => h.session_path !== '/s/b.jsonl'), true);
  });

  it('folds diacritics both ways', () => {
    const index = smallIndex();
    const plain = index.search({ query: 'cafe' });
    const accented = index.search({ query: 'CAFÉ' });
    assert.equal(plain.total, 1);
    assert.equal(accented.total, 1);
    assertHighlights(plain.hits[0], ['café']);
  });

  it('finds CJK by bigram phrase and by single character', () => {
    const index = smallIndex();
    const r = index.search({ query: '東京' });
    assert.equal(r.total, 1);
    assertHighlights(r.hits[0], ['東京']);
    assert.equal(index.search({ query: '天気' }).total, 1);
    assert.equal(index.search({ query: '京' }).total, 1);
    assert.equal(index.search({ query: '京東' }).total, 0);
  });

  it('finds identifiers whole and in parts', () => {
    const index = smallIndex();
    for (const q of ['getUserById', 'getuserbyid', 'UserBy', 'session_store', 'SessionStore', 'auth/session_store.ts', 'session store']) {
      assert.ok(index.search({ query: q }).total >= 1, q);
    }
    const r = index.search({ query: 'getUserById' });
    assertHighlights(r.hits[0], ['getUserById']);
  });

  it('finds emoji', () => {
    assert.equal(smallIndex().search({ query: '🌞' }).total, 1);
  });

  it('filters by role', () => {
    const index = smallIndex();
    const q = 'the';
    const all = index.search({ query: q, per_session: 0 });
    const user = index.search({ query: q, role: 'user', per_session: 0 });
    const assistant = index.search({ query: q, role: 'assistant', per_session: 0 });
    const tool = index.search({ query: 'deploy', role: 'tool', per_session: 0 });
    assert.equal(all.total, user.total + assistant.total);
    assert.ok(user.hits.every((h) => h.role === 'user') && user.total === 2);
    assert.ok(assistant.hits.every((h) => h.role === 'assistant') && assistant.total === 2);
    assert.deepEqual(
      tool.hits.map((h) => h.role),
      ['tool'],
    );
    assert.equal(index.search({ query: 'SessionStore', role: 'user' }).total, 0);
    assert.equal(index.search({ query: 'SessionStore', role: 'all' }).total, 1);
  });

  it('filters by cwd, session path, time range and an allowed set', () => {
    const index = smallIndex();
    assert.deepEqual(paths(index.search({ query: 'the', cwd: '/work/beta/' }).hits), ['/s/b.jsonl', '/s/b.jsonl']);
    assert.deepEqual(paths(index.search({ query: 'the', session_path: '/s/a.jsonl', per_session: 0 }).hits), ['/s/a.jsonl', '/s/a.jsonl']);
    assert.equal(index.search({ query: 'the', from_ms: 1500, to_ms: 5500, per_session: 0 }).total, 2);
    assert.deepEqual(paths(index.search({ query: 'the', allowed_paths: new Set(['/s/b.jsonl']) }).hits), ['/s/b.jsonl', '/s/b.jsonl']);
    assert.equal(index.search({ query: 'the', allowed_paths: () => false }).total, 0);
  });

  it('fills hit fields', () => {
    const index = smallIndex();
    const [hit] = index.search({ query: 'kubectl' }).hits;
    assert.equal(hit.session_path, '/s/b.jsonl');
    assert.equal(hit.session_id, 'sbjsonl');
    assert.equal(hit.session_name, 'Beta');
    assert.equal(hit.cwd, '/work/beta');
    assert.match(hit.entry_id, /^e\d+$/);
    assert.equal(hit.role, 'tool');
    assert.equal(hit.timestamp_ms, 7000);
    assert.equal(hit.timestamp, new Date(7000).toISOString());
    assert.equal(hit.truncated, false);
    assert.ok(hit.score > 0);
  });

  it('gives empty results for a blank query and errors for operator-only or huge ones', () => {
    const index = smallIndex();
    assert.deepEqual(index.search({ query: '   ' }).hits, []);
    assert.equal(index.search({ query: '' }).total, 0);
    assert.throws(() => index.search({ query: '-foo' }), SearchQueryError);
    assert.throws(() => index.search({ query: '"" *' }), SearchQueryError);
    assert.throws(() => index.search({ query: 'x'.repeat(10 * 1024) }), /limit is/);
  });

  it('reports a truncated document', () => {
    const index = new SearchIndex();
    index.upsertSession(meta('/t.jsonl'), [doc('tool', 'huge output head', 1, true)]);
    assert.equal(index.search({ query: 'huge' }).hits[0].truncated, true);
  });
});

describe('SearchIndex ranking and paging', () => {
  function manySessions(): SearchIndex {
    const index = new SearchIndex({ flushPositions: 200 });
    for (let s = 0; s < 12; s++) {
      const docs: IndexableMessage[] = [];
      for (let m = 0; m < 5; m++) docs.push(doc('assistant', `session ${s} message ${m} mentions needle and other filler words here`, s * 100 + m));
      index.upsertSession(meta(`/p/${String(s).padStart(2, '0')}.jsonl`), docs);
    }
    return index;
  }

  it('caps hits per session (default 3, 0 = unlimited) and gives a true total', () => {
    const index = manySessions();
    const capped = index.search({ query: 'needle' });
    assert.equal(capped.total, 36);
    const one = index.search({ query: 'needle', per_session: 1, limit: 100 });
    assert.equal(one.total, 12);
    assert.equal(new Set(one.hits.map((h) => h.session_path)).size, 12);
    assert.equal(index.search({ query: 'needle', per_session: 0 }).total, 60);
  });

  it('pages with limit and offset without overlap', () => {
    const index = manySessions();
    const seen = new Set<string>();
    for (let offset = 0; offset < 60; offset += 7) {
      const page = index.search({ query: 'needle', per_session: 0, limit: 7, offset });
      assert.equal(page.total, 60);
      for (const hit of page.hits) {
        assert.ok(!seen.has(hit.entry_id));
        seen.add(hit.entry_id);
      }
    }
    assert.equal(seen.size, 60);
    assert.deepEqual(index.search({ query: 'needle', offset: 1000 }).hits, []);
  });

  it('breaks ties by recency', () => {
    const index = manySessions();
    const hits = index.search({ query: 'needle', per_session: 0, limit: 60 }).hits;
    for (let i = 1; i < hits.length; i++) assert.ok(hits[i - 1].timestamp_ms >= hits[i].timestamp_ms);
  });

  it('ranks a short, focused message above a long one that mentions the word once', () => {
    const index = new SearchIndex();
    index.upsertSession(meta('/r.jsonl'), [
      doc('user', `${'lorem ipsum dolor sit amet '.repeat(40)} kafka`, 9000),
      doc('user', 'kafka consumer lag on kafka topic', 1000),
      doc('user', 'nothing relevant', 5000),
    ]);
    const hits = index.search({ query: 'kafka', per_session: 0 }).hits;
    assert.equal(hits.length, 2);
    assert.match(hits[0].snippet, /consumer lag/);
    assert.ok(hits[0].score > hits[1].score);
  });

  it('ranks rare words above common ones', () => {
    const index = new SearchIndex();
    const docs = [doc('user', 'common common rare', 1)];
    for (let i = 0; i < 20; i++) docs.push(doc('user', `common filler ${i}`, 2 + i));
    docs.push(doc('user', 'common rare rare', 100));
    index.upsertSession(meta('/x.jsonl'), docs);
    const hits = index.search({ query: 'rare common', per_session: 0 }).hits;
    assert.equal(hits.length, 2);
    assert.match(hits[0].snippet, /rare rare/);
  });
});

describe('SearchIndex snippets', () => {
  it('centres a ~200 character snippet on the match and highlights it', () => {
    const index = new SearchIndex();
    const text = `${'alpha beta gamma delta '.repeat(30)}the UniqueWord sits here ${'epsilon zeta eta theta '.repeat(30)}`;
    index.upsertSession(meta('/snip.jsonl'), [doc('assistant', text)]);
    const [hit] = index.search({ query: 'uniqueword' }).hits;
    assert.ok(hit.snippet.length <= 205 && hit.snippet.length >= 150, String(hit.snippet.length));
    assert.ok(hit.snippet.startsWith('…') && hit.snippet.endsWith('…'));
    const [start, end] = hit.highlights[0];
    assert.equal(hit.snippet.slice(start, end), 'UniqueWord');
    const middle = (start + end) / 2;
    assert.ok(Math.abs(middle - hit.snippet.length / 2) < 30, `match at ${middle} of ${hit.snippet.length}`);
  });

  it('collapses whitespace and highlights every match in the window', () => {
    const index = new SearchIndex();
    index.upsertSession(meta('/ws.jsonl'), [doc('user', 'Error:\n\n   the   build   failed.\nBuild log attached, build again?')]);
    const [hit] = index.search({ query: 'build' }).hits;
    assert.equal(hit.snippet, 'Error: the build failed. Build log attached, build again?');
    assert.deepEqual(
      hit.highlights.map(([s, e]) => hit.snippet.slice(s, e)),
      ['build', 'Build', 'build'],
    );
  });

  it('prefers the place where most query words are close together', () => {
    const index = new SearchIndex();
    const text = `redis mentioned alone here. ${'filler words '.repeat(40)} here redis and timeout appear together.`;
    index.upsertSession(meta('/near.jsonl'), [doc('user', text)]);
    const [hit] = index.search({ query: 'redis timeout' }).hits;
    assert.match(hit.snippet, /redis and timeout/);
    assertHighlights(hit, ['redis', 'timeout']);
  });
});

describe('SearchIndex updates', () => {
  it('finds an appended message at once', () => {
    const index = smallIndex();
    assert.equal(index.search({ query: 'zeppelin' }).total, 0);
    assert.equal(index.appendToSession('/s/a.jsonl', [doc('user', 'now about the zeppelin')]), true);
    const r = index.search({ query: 'zeppelin' });
    assert.equal(r.total, 1);
    assert.equal(r.hits[0].session_path, '/s/a.jsonl');
    assert.equal(index.appendToSession('/s/unknown.jsonl', [doc('user', 'x')]), false);
  });

  it('places words right among messages that have none, across segment builds', () => {
    // Messages without a word to index (empty, punctuation) take a document each but no
    // occurrence; the words around them must still land on their own documents.
    const index = new SearchIndex({ flushPositions: 3 });
    index.upsertSession(meta('/s/gaps.jsonl'), [
      doc('user', '', 1000),
      doc('user', '... !!!', 2000),
      doc('assistant', 'walrus harbour', 3000),
      doc('user', '', 4000),
      doc('user', '---', 5000),
      doc('assistant', 'quiet harbour walrus lantern', 6000),
      doc('user', '', 7000),
    ]);
    for (let i = 0; i < 50; i++) index.appendToSession('/s/gaps.jsonl', [doc('user', '?', 8000 + i)]);
    index.appendToSession('/s/gaps.jsonl', [doc('assistant', 'lantern', 9000)]);
    const times = (query: string) =>
      index
        .search({ query, per_session: 0 })
        .hits.map((h) => h.timestamp_ms)
        .sort((a, b) => a - b);
    assert.deepEqual(times('walrus'), [3000, 6000]);
    assert.deepEqual(times('harbour'), [3000, 6000]);
    assert.deepEqual(times('lantern'), [6000, 9000]);
    assert.deepEqual(times('"harbour walrus"'), [6000]);
  });

  it('forgets a removed session and replaces a re-indexed one', () => {
    const index = smallIndex();
    assert.equal(index.removeSession('/s/b.jsonl'), true);
    assert.equal(index.search({ query: 'deploy*' }).total, 0);
    assert.equal(index.hasSession('/s/b.jsonl'), false);
    index.upsertSession(meta('/s/a.jsonl', { fingerprint: 'new' }), [doc('user', 'completely different text')]);
    assert.equal(index.search({ query: 'authentication' }).total, 0);
    assert.equal(index.search({ query: 'different' }).total, 1);
    assert.equal(index.fingerprintOf('/s/a.jsonl'), 'new');
    assert.ok(index.stats().dead_docs >= 6);
  });

  it('renames without reindexing', () => {
    const index = smallIndex();
    index.renameSession('/s/a.jsonl', 'Login work');
    assert.equal(index.search({ query: 'login' }).hits[0].session_name, 'Login work');
  });

  it('keeps results identical across many segments, merges and compaction', () => {
    const build = (flushPositions: number): SearchIndex => {
      const index = new SearchIndex({ flushPositions });
      for (let s = 0; s < 30; s++) {
        index.upsertSession(meta(`/m/${s}.jsonl`), [doc('user', `topic${s % 5} shared words number ${s}`, s), doc('assistant', `reply ${s} about topic${s % 3}`, s + 0.5)]);
        if (s % 4 === 0) index.removeSession(`/m/${s - 1}.jsonl`);
      }
      return index;
    };
    const one = build(1_000_000);
    const many = build(8);
    assert.ok(many.stats().segments > 1);
    for (const q of ['shared', 'topic1', 'reply', '"shared words"', 'topic*']) {
      const a = one.search({ query: q, per_session: 0, limit: 200 });
      const b = many.search({ query: q, per_session: 0, limit: 200 });
      assert.equal(b.total, a.total, q);
      assert.deepEqual(
        b.hits.map((h) => `${h.session_path} ${h.role} ${h.timestamp_ms}`).sort(),
        a.hits.map((h) => `${h.session_path} ${h.role} ${h.timestamp_ms}`).sort(),
      );
    }
    many.compact();
    assert.equal(many.stats().dead_docs, 0);
    assert.equal(many.search({ query: 'shared', per_session: 0, limit: 200 }).total, one.search({ query: 'shared', per_session: 0, limit: 200 }).total);
  });

  it('says when the time budget cut a search short', () => {
    const index = new SearchIndex({ flushPositions: 5000 });
    for (let s = 0; s < 40; s++) {
      const docs: IndexableMessage[] = [];
      for (let m = 0; m < 100; m++) docs.push(doc('tool', `line ${m} common word soup`, m));
      index.upsertSession(meta(`/big/${s}.jsonl`), docs);
    }
    const cut = index.search({ query: 'common', budget_ms: -1 });
    assert.equal(cut.partial, true);
    const full = index.search({ query: 'common' });
    assert.equal(full.partial, false);
    assert.equal(full.total, 120);
  });
});
