import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { SearchIndex } from '../../../src/core/search/searchIndex';
import { extractEntryMessages, type IndexableMessage } from '../../../src/core/search/extract';
import type { SessionEntry } from '../../../src/shared/model/entries';
import { filesContaining } from './rgRecall';

/** A deterministic generator, so a failure can be replayed. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

// Invented words: none is a substring of another or of the JSON around the text.
const vocabulary = ['zorblat', 'quimbex', 'frandolo', 'glimtark', 'vospeqa', 'Brüxelot', 'krażyn', 'ÉLUVMAR', 'tsoqqid', 'yarnibuz', '雪梅', '龍舟節', 'πλυντήριο'];
const filler = ['alpha', 'beta', 'gamma', 'delta', 'kappa', 'sigma'];

function writeCorpus(dir: string): void {
  const next = random(42);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)];
  for (let f = 0; f < 40; f++) {
    const lines = [JSON.stringify({ type: 'session', version: 3, id: `s${f}`, timestamp: '2025-01-01T00:00:00.000Z', cwd: '/w' })];
    const messages = 1 + Math.floor(next() * 6);
    for (let m = 0; m < messages; m++) {
      const words: string[] = [];
      const count = 3 + Math.floor(next() * 20);
      for (let w = 0; w < count; w++) words.push(next() < 0.08 ? pick(vocabulary) : pick(filler));
      const text = words.join(next() < 0.5 ? ' ' : '\n');
      const kind = pick(['user', 'assistant', 'tool'] as const);
      const base = { id: `e${f}_${m}`, parentId: null, timestamp: '2025-01-01T00:00:01.000Z', type: 'message' };
      const message =
        kind === 'user'
          ? { role: 'user', content: text }
          : kind === 'assistant'
            ? { role: 'assistant', content: [{ type: 'text', text }] }
            : { role: 'toolResult', toolCallId: 'c', toolName: 'bash', content: [{ type: 'text', text }] };
      lines.push(JSON.stringify({ ...base, message }));
    }
    fs.writeFileSync(path.join(dir, `s${String(f).padStart(2, '0')}.jsonl`), `${lines.join('\n')}\n`);
  }
}

function indexCorpus(dir: string): SearchIndex {
  const index = new SearchIndex({ flushPositions: 300 });
  for (const name of fs.readdirSync(dir).sort()) {
    const file = path.join(dir, name);
    const content = fs.readFileSync(file);
    const docs: IndexableMessage[] = [];
    let offset = 0;
    for (const line of content.toString('utf8').split('\n')) {
      const length = Buffer.byteLength(line);
      if (line !== '') {
        const obj = JSON.parse(line) as { type: string };
        if (obj.type !== 'session') for (const d of extractEntryMessages(obj as SessionEntry)) docs.push({ ...d, source: { offset, length } });
      }
      offset += length + 1;
    }
    index.upsertSession({ path: file, id: name, name: null, cwd: '/w', modified_ms: 0, fingerprint: String(content.length) }, docs);
  }
  return index;
}

describe('recall against a fixed-string grep', () => {
  it('finds every session that grep finds for single words', () => {
    const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'psm-recall-')));
    writeCorpus(dir);
    const index = indexCorpus(dir);
    for (const word of [...vocabulary, 'alpha', 'sigma']) {
      const expected = filesContaining(word, dir);
      const found = new Set(index.search({ query: word, per_session: 1, limit: 200 }).hits.map((h) => h.session_path));
      const missing = expected.filter((file) => !found.has(file));
      assert.deepEqual(missing, [], `"${word}": grep found ${expected.length} files, search missed ${missing.length}`);
      assert.equal(found.size, expected.length, `"${word}": search found sessions grep did not`);
    }
  });
});
