import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { SearchIndex } from '../../../src/core/search/searchIndex';
import { extractEntryMessages, type IndexableMessage } from '../../../src/core/search/extract';
import { searchIndexFileName } from '../../../src/core/search/indexFile';
import type { SessionEntry } from '../../../src/shared/model/entries';

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'psm-search-'));
}

/** Writes a session file and returns its documents with the byte span of each line. */
function writeSession(file: string, entries: SessionEntry[]): IndexableMessage[] {
  const header = JSON.stringify({ type: 'session', version: 3, id: 'sess', timestamp: '2025-01-01T00:00:00.000Z', cwd: '/w' });
  const lines = [header, ...entries.map((e) => JSON.stringify(e))];
  fs.writeFileSync(file, `${lines.join('\n')}\n`);
  const docs: IndexableMessage[] = [];
  let offset = Buffer.byteLength(header) + 1;
  entries.forEach((entry, i) => {
    const length = Buffer.byteLength(lines[i + 1]);
    for (const d of extractEntryMessages(entry)) docs.push({ ...d, source: { offset, length } });
    offset += length + 1;
  });
  return docs;
}

const entry = (id: string, role: 'user' | 'assistant', text: string): SessionEntry => ({
  type: 'message',
  id,
  parentId: null,
  timestamp: '2025-01-01T00:00:01.000Z',
  message: role === 'user' ? { role, content: text, timestamp: 1735689601000 } : { role, content: [{ type: 'text', text }] },
});

describe('SearchIndex persistence', () => {
  it('round-trips through save and load, with tombstones and fingerprints', async () => {
    const dir = tempDir();
    const index = new SearchIndex({ flushPositions: 20 });
    for (let s = 0; s < 10; s++) {
      index.upsertSession({ path: `/p/${s}.jsonl`, id: `id${s}`, name: s === 3 ? 'Named' : null, cwd: '/w', modified_ms: s, fingerprint: `fp${s}` }, [
        { entry_id: `a${s}`, role: 'user', timestamp_ms: s * 10, text: `naïve question ${s} about 東京 and getUserById`, truncated: false },
        { entry_id: `b${s}`, role: 'tool', timestamp_ms: s * 10 + 1, text: `output ${s}`, truncated: s === 2 },
      ]);
    }
    index.removeSession('/p/9.jsonl');
    await index.save(dir);
    assert.ok(fs.existsSync(path.join(dir, searchIndexFileName)));
    assert.deepEqual(
      fs.readdirSync(dir).filter((f) => f.endsWith('.tmp')),
      [],
    );

    const loaded = await SearchIndex.load(dir);
    assert.ok(loaded);
    assert.deepEqual(loaded.stats(), index.stats());
    assert.equal(loaded.fingerprintOf('/p/4.jsonl'), 'fp4');
    assert.equal(loaded.hasSession('/p/9.jsonl'), false);
    assert.equal(loaded.sessionPaths().length, 9);
    for (const q of ['naive', '東京', 'getUserById', '"question 3"', 'out*']) {
      const a = index.search({ query: q, per_session: 0, limit: 100 });
      const b = loaded.search({ query: q, per_session: 0, limit: 100 });
      assert.deepEqual(b.hits, a.hits, q);
      assert.equal(b.total, a.total);
    }
    assert.equal(loaded.search({ query: '"question 3"' }).hits[0].session_name, 'Named');
    assert.equal(loaded.search({ query: 'output 2' }).hits[0].truncated, true);

    // The loaded index keeps working incrementally and saves again.
    loaded.appendToSession('/p/1.jsonl', [{ entry_id: 'c1', role: 'assistant', timestamp_ms: 99, text: 'fresh answer', truncated: false }]);
    assert.equal(loaded.search({ query: 'fresh' }).total, 1);
    await loaded.save(dir);
    const again = await SearchIndex.load(dir);
    assert.equal(again?.search({ query: 'fresh' }).total, 1);
  });

  it('compacts removed sessions away when saving', async () => {
    const dir = tempDir();
    const index = new SearchIndex();
    for (let s = 0; s < 4; s++) index.upsertSession({ path: `/c/${s}`, id: `${s}`, name: null, cwd: '/', modified_ms: 0, fingerprint: '' }, [{ entry_id: 'x', role: 'user', timestamp_ms: 0, text: `word${s} common`, truncated: false }]);
    index.removeSession('/c/1');
    index.removeSession('/c/2');
    await index.save(dir);
    assert.equal(index.stats().dead_docs, 0);
    const loaded = await SearchIndex.load(dir);
    assert.equal(loaded?.search({ query: 'common', per_session: 0 }).total, 2);
    assert.equal(loaded?.stats().docs, 2);
  });

  it('gives undefined for a missing, foreign or damaged file', async () => {
    const dir = tempDir();
    assert.equal(await SearchIndex.load(dir), undefined);
    fs.writeFileSync(path.join(dir, searchIndexFileName), 'not an index at all, just text');
    assert.equal(await SearchIndex.load(dir), undefined);
    const index = new SearchIndex();
    index.upsertSession({ path: '/d', id: 'd', name: null, cwd: '/', modified_ms: 0, fingerprint: '' }, [{ entry_id: 'x', role: 'user', timestamp_ms: 0, text: 'hello there', truncated: false }]);
    await index.save(dir);
    const file = path.join(dir, searchIndexFileName);
    const bytes = fs.readFileSync(file);
    fs.writeFileSync(file, bytes.subarray(0, bytes.length - 3));
    assert.equal(await SearchIndex.load(dir), undefined);
  });

  it('reads snippets back from the session file by byte offset', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'session.jsonl');
    const docs = writeSession(file, [
      entry('u1', 'user', 'Where is the Übersicht config? ünïcode line'),
      entry('a1', 'assistant', 'The uebersicht config lives in ~/.config/ubersicht/settings.json'),
    ]);
    const index = new SearchIndex();
    index.upsertSession({ path: file, id: 'sess', name: null, cwd: '/w', modified_ms: 0, fingerprint: '' }, docs);
    assert.equal(index.stats().bytes.stored_text, 0);
    const r = index.search({ query: 'ubersicht', per_session: 0 });
    assert.equal(r.total, 2);
    const user = r.hits.find((h) => h.role === 'user');
    assert.ok(user);
    assert.equal(user.snippet, 'Where is the Übersicht config? ünïcode line');
    assert.deepEqual(
      user.highlights.map(([s, e]) => user.snippet.slice(s, e)),
      ['Übersicht'],
    );
    await index.save(dir);
    const loaded = await SearchIndex.load(dir);
    assert.deepEqual(loaded?.search({ query: 'ubersicht', per_session: 0 }).hits, r.hits);

    // A file that vanished leaves the hit without a snippet instead of failing the search.
    fs.rmSync(file);
    const gone = index.search({ query: 'ubersicht', per_session: 0 });
    assert.equal(gone.total, 2);
    assert.equal(gone.hits[0].snippet, '');
  });
});
