import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { IndexKeeper } from '../../../src/core/search/worker/indexKeeper';
import { readSessionDocuments } from '../../../src/core/search/worker/sessionDocuments';
import { summarizeFile } from '../../../src/core/sessions/summary';
import { toFileState } from '../../../src/core/search/worker/fileState';
import { filesContaining } from './rgRecall';

const repoRoot = path.resolve(__dirname, '../../..');
const fixtureDirs = [path.resolve(repoRoot, '../shared/fixtures/pi'), path.resolve(repoRoot, '../shared/fixtures/pi-real/sessions')].filter((d) => fs.existsSync(d));

function jsonlFiles(dir: string, out: string[] = []): string[] {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) jsonlFiles(full, out);
    else if (e.name.endsWith('.jsonl')) out.push(full);
  }
  return out;
}

/** User and assistant text per file: what must always be found (it is never truncated). */
async function conversationText(file: string): Promise<string> {
  const parts: string[] = [];
  await readSessionDocuments(file, { fromOffset: 0 }, (docs) => {
    for (const d of docs) if (d.role !== 'tool') parts.push(d.text);
  });
  return parts.join('\n');
}

describe('recall over the real pi fixtures', { skip: fixtureDirs.length === 0 ? 'fixtures folder absent' : false }, () => {
  it('finds every session where rg sees the word in user or assistant text', async () => {
    const files = fixtureDirs.flatMap((d) => jsonlFiles(d)).map((f) => fs.realpathSync(f)).sort();
    const keeper = new IndexKeeper({ indexDir: fs.mkdtempSync(path.join(os.tmpdir(), 'psm-recall-')), persistDelayMs: 60_000, log: () => undefined });
    const text = new Map<string, string>();
    const states = [];
    for (const file of files) {
      try {
        const st = fs.statSync(file);
        const { info } = await summarizeFile(file, { size: st.size, mtimeMs: st.mtimeMs });
        states.push(toFileState(info));
        text.set(file, await conversationText(file));
      } catch {
        // Not a session file (a fixture of something else): not indexed by the product either.
      }
    }
    keeper.reconcile(states);
    for (let i = 0; i < 2000 && !keeper.status().ready; i++) await new Promise((r) => setTimeout(r, 10));
    assert.equal(keeper.status().ready, true);
    keeper.dispose();

    // A deterministic spread of plain words from the conversations, rare and common alike.
    const counts = new Map<string, number>();
    for (const t of text.values()) for (const w of new Set(t.toLowerCase().match(/\b[a-z]{5,16}\b/g) ?? [])) counts.set(w, (counts.get(w) ?? 0) + 1);
    const vocabulary = [...counts.keys()].sort();
    const words = vocabulary.filter((_, i) => i % Math.max(1, Math.floor(vocabulary.length / 60)) === 0);
    assert.ok(words.length >= 20, `only ${words.length} words picked`);

    for (const word of words) {
      const wholeWord = new RegExp(`\\b${word}\\b`, 'i');
      const expected = fixtureDirs
        .flatMap((d) => filesContaining(word, d))
        .map((f) => fs.realpathSync(f))
        .filter((f) => wholeWord.test(text.get(f) ?? ''));
      // A loaded machine can run out the query's time budget (`partial`); recall is judged on a complete answer.
      let result = keeper.search({ query: word, per_session: 1, limit: 200 });
      for (let attempt = 0; result.partial && attempt < 5; attempt++) result = keeper.search({ query: word, per_session: 1, limit: 200 });
      assert.equal(result.partial, false, `"${word}": the search never completed within its time budget`);
      const found = new Set(result.hits.map((h) => h.session_path));
      const missing = expected.filter((f) => !found.has(f));
      assert.deepEqual(missing, [], `"${word}": rg found it in the conversation of ${expected.length} files, search missed ${missing.length}`);
    }
  });
});
