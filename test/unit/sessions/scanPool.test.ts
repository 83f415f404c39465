import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { EventBus } from '../../../src/core/events';
import { silentLogger } from '../../../src/core/log';
import { SearchService } from '../../../src/core/search/searchService';
import { ScanPool } from '../../../src/core/sessions/scan/scanPool';
import { summarizeFile } from '../../../src/core/sessions/summary';
import { InvalidSessionFileError } from '../../../src/core/sessions/parser';
import type { IndexingStatus } from '../../../src/shared/model/search';
import type { SessionInfo } from '../../../src/shared/model/sessionInfo';
import { writeSession } from '../../support/sessionGenerator';

function messageLine(text: string): string {
  const now = new Date();
  const id = Math.floor(Math.random() * 0xffffffff).toString(16).padStart(8, '0');
  return `${JSON.stringify({ type: 'message', id, parentId: null, timestamp: now.toISOString(), message: { role: 'user', content: [{ type: 'text', text }], timestamp: now.getTime() } })}\n`;
}

async function until(service: SearchService, done: (s: IndexingStatus) => boolean): Promise<IndexingStatus> {
  for (let i = 0; i < 800; i++) {
    const status = await service.status();
    if (done(status)) return status;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`search index did not settle: ${JSON.stringify(await service.status())}`);
}

const hitPaths = async (service: SearchService, query: string): Promise<string[]> =>
  [...new Set((await service.search({ query, per_session: 1, limit: 200 })).hits.map((h) => h.session_path))].sort();

/**
 * The scan parses on worker threads and hands the search worker the documents it decoded.
 * The files are moved away while the search worker takes them in: had it read them itself,
 * it would have found nothing and dropped them, so a hit proves each file was read once.
 */
describe('ScanPool (workers from source) feeding the search worker', () => {
  let store: string;
  let aside: string;
  let bus: EventBus;
  let service: SearchService;
  let pool: ScanPool;
  const infos = new Map<string, SessionInfo>();
  const files: string[] = [];
  const snapshots = new Map<string, { offset: number; snapshot: unknown }>();

  before(() => {
    store = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'psm-scanpool-store-')));
    aside = fs.mkdtempSync(path.join(os.tmpdir(), 'psm-scanpool-aside-'));
    for (let i = 0; i < 6; i++) files.push(writeSession(store, { version: i === 0 ? 1 : 3, seed: 40 + i, cwd: `/home/dev/p${i % 2}`, turns: 4, quirks: { tools: true } }).path);
    files.forEach((f, i) => fs.appendFileSync(f, messageLine(`the glimmerquartz number ${i} and 日本語テキスト`)));
    bus = new EventBus();
    service = new SearchService({ bus, sessions: { all: () => [...infos.values()] }, indexDir: fs.mkdtempSync(path.join(os.tmpdir(), 'psm-scanpool-index-')), log: silentLogger, persistDelayMs: 50 });
    pool = new ScanPool({ log: silentLogger, threads: 2, feed: () => service, idleMs: 100 });
  });
  after(async () => {
    await pool.dispose();
    await service.dispose();
    for (const d of [store, aside]) fs.rmSync(d, { recursive: true, force: true });
  });

  it('summarizes on workers exactly as in-process, and the search worker indexes what they fed', async () => {
    const results = await Promise.all(
      files.map(async (file) => {
        const st = fs.statSync(file);
        return { file, st, result: await pool.summarize(file, { size: st.size, mtimeMs: st.mtimeMs, bulk: true }) };
      }),
    );
    assert.ok(pool.liveWorkers > 0, 'bulk work runs on worker threads');
    for (const { file, st, result } of results) {
      assert.deepEqual(result, await summarizeFile(file, { size: st.size, mtimeMs: st.mtimeMs }), `${path.basename(file)}: same summary as in-process`);
      infos.set(file, result.info);
      snapshots.set(file, { offset: result.offset, snapshot: result.snapshot });
    }
    for (const file of files) fs.renameSync(file, path.join(aside, path.basename(file)));
    try {
      bus.publish('sessions-diff', { added: [...infos.values()], updated: [], removed: [] });
      bus.publish('scan-progress', { done: files.length, total: files.length, finished: true });
      const status = await until(service, (s) => s.ready);
      assert.equal(status.indexed_files, files.length);
    } finally {
      for (const file of files) fs.renameSync(path.join(aside, path.basename(file)), file);
    }
    assert.deepEqual(await hitPaths(service, 'glimmerquartz'), [...files].sort());
    assert.deepEqual(await hitPaths(service, '日本語'), [...files].sort());
  });

  it('feeds an append read in-process from where the index stopped (v1 ids included)', async () => {
    for (const file of [files[0]!, files[1]!]) {
      fs.appendFileSync(file, messageLine(`an appended frobnitzel in ${path.basename(file)}`));
      const st = fs.statSync(file);
      const before = snapshots.get(file)!;
      const result = await pool.summarize(file, { size: st.size, mtimeMs: st.mtimeMs, fromOffset: before.offset, snapshot: before.snapshot });
      assert.deepEqual(result, await summarizeFile(file, { size: st.size, mtimeMs: st.mtimeMs }));
      infos.set(file, result.info);
      bus.publish('sessions-diff', { added: [], updated: [result.info], removed: [] });
    }
    await until(service, (s) => s.ready);
    assert.deepEqual(await hitPaths(service, 'frobnitzel'), [files[0]!, files[1]!].sort());
    const hits = (await service.search({ query: 'frobnitzel', per_session: 5, limit: 20 })).hits;
    assert.equal(hits.length, 2, 'each appended line is indexed once');
  });

  it('reports a file that is not a session as such, and stops its workers when idle', async () => {
    const bogus = path.join(store, 'not-a-session.jsonl');
    fs.writeFileSync(bogus, '{"type":"message","id":"x"}\n');
    const st = fs.statSync(bogus);
    await assert.rejects(pool.summarize(bogus, { size: st.size, mtimeMs: st.mtimeMs, bulk: true }), InvalidSessionFileError);
    for (let i = 0; i < 200 && pool.liveWorkers > 0; i++) await new Promise((r) => setTimeout(r, 25));
    assert.equal(pool.liveWorkers, 0);
  });
});
