import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { SearchIndex } from '../../../src/core/search/searchIndex';
import type { SegmentOutput } from '../../../src/core/search/segment';
import { searchIndexFileName } from '../../../src/core/search/indexFile';
import { IndexKeeper } from '../../../src/core/search/worker/indexKeeper';
import { toFileState } from '../../../src/core/search/worker/fileState';
import { summarizeFile } from '../../../src/core/sessions/summary';

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'psm-recover-'));
}

const segmentFiles = (dir: string): string[] => fs.readdirSync(dir).filter((f) => f.startsWith('search-seg-')).sort();

/** An index of `sessions` sessions in `dir`, each with its own word and a shared one. */
function build(dir: string, sessions: number, from = 0): SearchIndex {
  return fill(new SearchIndex({ dir, flushPositions: 40, maxSegmentBytes: 1 }), sessions, from);
}

function fill<T extends SearchIndex>(index: T, sessions: number, from = 0): T {
  for (let s = from; s < from + sessions; s++) {
    index.upsertSession({ path: `/h/${s}.jsonl`, id: `${s}`, name: null, cwd: '/w', modified_ms: 0, fingerprint: `f${s}` }, [
      { entry_id: `a${s}`, role: 'user', timestamp_ms: s, text: `shared words and marker${s} here`, truncated: false },
      { entry_id: `b${s}`, role: 'assistant', timestamp_ms: s + 0.5, text: `reply about marker${s} and shared things`, truncated: false },
    ]);
  }
  return index;
}

describe('restart with a half-written search index', () => {
  it('loads the last save when a later save was interrupted, and deletes what it left', async () => {
    const dir = tempDir();
    const index = build(dir, 6);
    await index.save(dir);
    const saved = segmentFiles(dir);
    // The next run indexes more (segment files are written as they are built) and dies
    // before its manifest is renamed into place: a temp manifest and unnamed segments remain.
    const more = build(dir, 6, 100);
    more.flush();
    fs.writeFileSync(path.join(dir, `.${searchIndexFileName}.999.abc.tmp`), 'half a manifest');
    fs.writeFileSync(path.join(dir, '.search-seg-zz.bin.tmp'), 'half a segment');
    assert.ok(segmentFiles(dir).length > saved.length);
    more.close();

    const loaded = await SearchIndex.load(dir);
    assert.ok(loaded);
    assert.deepEqual(loaded.forgotten, []);
    assert.equal(loaded.search({ query: 'shared', per_session: 0 }).total, 12);
    assert.equal(loaded.search({ query: 'marker100' }).total, 0);
    assert.deepEqual(segmentFiles(dir), saved, 'segments no manifest names are deleted');
    assert.deepEqual(
      fs.readdirSync(dir).filter((f) => f.endsWith('.tmp')),
      [],
    );
    index.close();
    loaded.close();
  });

  it('forgets only the sessions of a damaged or missing segment', async () => {
    for (const damage of ['truncate', 'delete'] as const) {
      const dir = tempDir();
      const index = build(dir, 8);
      await index.save(dir);
      index.close();
      const files = segmentFiles(dir);
      assert.ok(files.length >= 2, 'several segments');
      const victim = path.join(dir, files[0]);
      if (damage === 'delete') fs.rmSync(victim);
      else fs.truncateSync(victim, Math.floor(fs.statSync(victim).size / 2));

      const loaded = await SearchIndex.load(dir);
      assert.ok(loaded, damage);
      assert.ok(loaded.forgotten.length > 0 && loaded.forgotten.length < 8, `${damage}: ${loaded.forgotten.length} forgotten`);
      for (const p of loaded.forgotten) assert.equal(loaded.hasSession(p), false);
      const kept = loaded.sessionPaths();
      assert.equal(kept.length + loaded.forgotten.length, 8);
      // What is kept is searchable and complete; nothing of a forgotten session is returned.
      const hits = loaded.search({ query: 'shared', per_session: 0, limit: 100 });
      assert.equal(hits.total, kept.length * 2, damage);
      assert.deepEqual([...new Set(hits.hits.map((h) => h.session_path))].sort(), kept.sort());
      loaded.close();
    }
  });

  it('indexes the lost sessions again and answers completely after a restart', async () => {
    const store = tempDir();
    const indexDir = tempDir();
    const files: string[] = [];
    for (let s = 0; s < 6; s++) {
      const file = path.join(store, `s${s}.jsonl`);
      const header = { type: 'session', version: 3, id: `sess${s}`, timestamp: '2025-01-01T00:00:00.000Z', cwd: '/w' };
      const lines = [header];
      for (let m = 0; m < 30; m++) {
        lines.push({
          type: 'message',
          id: `m${s}_${m}`,
          parentId: null,
          timestamp: '2025-01-01T00:00:01.000Z',
          message: { role: 'user', content: `question ${m} about quokka${s} and the shared zebra topic`, timestamp: 1735689601000 + m },
        } as never);
      }
      fs.writeFileSync(file, `${lines.map((l) => JSON.stringify(l)).join('\n')}\n`);
      files.push(file);
    }
    const states = [];
    for (const file of files) {
      const st = fs.statSync(file);
      states.push(toFileState((await summarizeFile(file, { size: st.size, mtimeMs: st.mtimeMs })).info));
    }
    const settle = async (keeper: IndexKeeper): Promise<void> => {
      for (let i = 0; i < 3000 && !keeper.status().ready; i++) await new Promise((r) => setTimeout(r, 10));
      assert.equal(keeper.status().ready, true);
    };
    const first = new IndexKeeper({ indexDir, persistDelayMs: 60_000, log: () => undefined });
    first.reconcile(states);
    await settle(first);
    await first.persist();
    first.dispose();
    const victim = segmentFiles(indexDir)[0];
    fs.truncateSync(path.join(indexDir, victim), 20);

    const logs: string[] = [];
    const second = new IndexKeeper({ indexDir, persistDelayMs: 60_000, log: (_level, message) => logs.push(message) });
    await second.load();
    assert.ok(logs.some((l) => /indexed again/.test(l)), logs.join('\n'));
    second.reconcile(states);
    await settle(second);
    assert.equal(second.search({ query: 'zebra', per_session: 0, limit: 200 }).total, 180);
    for (let s = 0; s < 6; s++) assert.equal(second.search({ query: `quokka${s}`, per_session: 1 }).total, 1);
    second.dispose();
  });
});

/** An index whose disk fills up while it writes its `failAt`-th segment from now on. */
class FillingDisk extends SearchIndex {
  private outputs = 0;
  private failAt = -1;

  failAfter(segments: number): void {
    this.failAt = this.outputs + segments;
  }

  protected override segmentOutput(): SegmentOutput | undefined {
    const output = super.segmentOutput();
    if (output && this.outputs++ === this.failAt) {
      output.write = () => {
        throw new Error('ENOSPC: no space left on device');
      };
    }
    return output;
  }
}

describe('a disk that fills up while segments are written', () => {
  it('leaves the index as it was when a compaction fails part-way', async () => {
    const dir = tempDir();
    const index = fill(new FillingDisk({ dir, flushPositions: 40, maxSegmentBytes: 1 }), 12);
    index.flush();
    assert.ok(index.segments.length >= 3, `${index.segments.length} segments to rewrite`);
    index.removeSession('/h/0.jsonl');
    const answers = (): unknown => [index.search({ query: 'shared', per_session: 0, limit: 50 }), index.search({ query: 'marker4' })].map((r) => r.hits.map((h) => [h.session_path, h.entry_id]));
    const before = answers();
    // The first segment is rewritten, the second is not: the first's old file must still serve.
    index.failAfter(1);
    assert.throws(() => index.compact(), /no space left/);
    assert.deepEqual(answers(), before);
    assert.deepEqual(
      fs.readdirSync(dir).filter((f) => f.endsWith('.tmp')),
      [],
      'the failed rewrite leaves no temp file',
    );
    // With room again, the next save compacts and keeps every answer.
    await index.save(dir);
    assert.deepEqual(answers(), before);
    const loaded = await SearchIndex.load(dir);
    assert.ok(loaded);
    assert.equal(loaded.search({ query: 'shared', per_session: 0 }).total, 22);
    index.close();
    loaded.close();
  });
});
