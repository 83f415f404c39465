import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { EventBus } from '../../../src/core/events';
import { silentLogger } from '../../../src/core/log';
import { SearchService } from '../../../src/core/search/searchService';
import { searchIndexFileName } from '../../../src/core/search/indexFile';
import type { IndexingStatus } from '../../../src/shared/model/search';
import { summarizeFile } from '../../../src/core/sessions/summary';
import type { SessionInfo } from '../../../src/shared/model/sessionInfo';
import { writeSession } from '../../support/sessionGenerator';

function messageLine(role: 'user' | 'assistant', text: string): string {
  const now = new Date();
  const id = Math.floor(Math.random() * 0xffffffff).toString(16).padStart(8, '0');
  const message = role === 'user' ? { role, content: [{ type: 'text', text }], timestamp: now.getTime() } : { role, content: [{ type: 'text', text }], timestamp: now.getTime() };
  return `${JSON.stringify({ type: 'message', id, parentId: null, timestamp: now.toISOString(), message })}\n`;
}

/** The session list as the core would hold it: real summaries of the files. */
class SessionList {
  private infos = new Map<string, SessionInfo>();

  async refresh(file: string): Promise<SessionInfo> {
    const st = fs.statSync(file);
    const { info } = await summarizeFile(file, { size: st.size, mtimeMs: st.mtimeMs });
    this.infos.set(file, info);
    return info;
  }

  forget(file: string): void {
    this.infos.delete(file);
  }

  all(): SessionInfo[] {
    return [...this.infos.values()];
  }
}

async function until(service: SearchService, done: (s: IndexingStatus) => boolean): Promise<IndexingStatus> {
  for (let i = 0; i < 400; i++) {
    const status = await service.status();
    if (done(status)) return status;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`search index did not settle: ${JSON.stringify(await service.status())}`);
}

const sessionPaths = async (service: SearchService, query: string, extra: object = {}): Promise<string[]> =>
  [...new Set((await service.search({ query, per_session: 1, limit: 200, ...extra })).hits.map((h) => h.session_path))].sort();

describe('SearchService (worker from source)', () => {
  let store: string;
  let indexDir: string;
  let bus: EventBus;
  let list: SessionList;
  let service: SearchService;
  const files: string[] = [];

  before(async () => {
    store = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'psm-search-store-')));
    indexDir = fs.mkdtempSync(path.join(os.tmpdir(), 'psm-search-index-'));
    for (let i = 0; i < 4; i++) files.push(writeSession(store, { version: i === 0 ? 1 : 3, seed: 10 + i, cwd: `/home/dev/p${i % 2}`, turns: 3, quirks: { tools: true } }).path);
    fs.appendFileSync(files[0], messageLine('user', 'Where is the quarzelbeam configured?'));
    fs.appendFileSync(files[1], messageLine('assistant', 'The quarzelbeam lives in config/beam.ts'));
    fs.appendFileSync(files[2], messageLine('user', 'Der Übergrößenträger ist kaputt'));
    bus = new EventBus();
    list = new SessionList();
    for (const f of files) await list.refresh(f);
    service = new SearchService({ bus, sessions: list, indexDir, log: silentLogger, persistDelayMs: 50 });
    bus.publish('scan-progress', { done: files.length, total: files.length, finished: true });
    await until(service, (s) => s.ready);
  });
  after(async () => {
    await service.dispose();
  });

  it('indexes every listed session and finds words with roles and snippets', async () => {
    const status = await service.status();
    assert.equal(status.indexed_files, files.length);
    assert.equal(status.pending_files, 0);
    assert.ok(status.docs > 0 && status.bytes > 0);
    assert.deepEqual(await sessionPaths(service, 'quarzelbeam'), [files[0], files[1]].sort());
    // Terms are counted in built segments; a search builds the pending one.
    assert.ok((await service.status()).terms > 0);
    assert.deepEqual(await sessionPaths(service, 'quarzelbeam', { role: 'user' }), [files[0]]);
    assert.deepEqual(await sessionPaths(service, 'quarzelbeam', { role: 'assistant' }), [files[1]]);
    assert.deepEqual(await sessionPaths(service, 'ubergrossentrager'), [files[2]]);
    const result = await service.search({ query: 'quarzelbeam configured' });
    assert.equal(result.hits.length, 1);
    assert.match(result.hits[0].snippet, /quarzelbeam configured/);
    assert.ok(result.hits[0].highlights.length >= 1);
  });

  it('restricts to allowed paths, cwd and session', async () => {
    assert.deepEqual(await sessionPaths(service, 'quarzelbeam', { allowed_paths: [files[1]] }), [files[1]]);
    assert.deepEqual(await sessionPaths(service, 'quarzelbeam', { cwd: '/home/dev/p1' }), [files[1]]);
    assert.deepEqual(await sessionPaths(service, 'quarzelbeam', { session_path: files[0] }), [files[0]]);
  });

  it('reports a query it refuses as invalid_payload', async () => {
    await assert.rejects(service.search({ query: '-quarzelbeam' }), (err: Error & { code?: string }) => err.code === 'invalid_payload' && /only excludes/.test(err.message));
  });

  it('follows appends (v1 and v3), renames and deletions', async () => {
    const before = (await service.status()).indexed_since_start;
    fs.appendFileSync(files[0], messageLine('assistant', 'Appended flimwobbler to a v1 file'));
    fs.appendFileSync(files[3], messageLine('user', 'Appended flimwobbler to a v3 file'));
    const updated = [await list.refresh(files[0]), await list.refresh(files[3])];
    bus.publish('sessions-diff', { added: [], updated, removed: [] });
    await until(service, (s) => s.ready && s.indexed_since_start >= before + 2);
    assert.deepEqual(await sessionPaths(service, 'flimwobbler'), [files[0], files[3]].sort());
    // The earlier text of the v1 file is still found once (the tail read added, not duplicated).
    assert.equal((await service.search({ query: 'quarzelbeam', session_path: files[0], per_session: 0 })).total, 1);

    const renamed = { ...(await list.refresh(files[2])), name: 'Renamed in place' };
    const sinceRename = (await service.status()).indexed_since_start;
    bus.publish('sessions-diff', { added: [], updated: [renamed], removed: [] });
    await until(service, (s) => s.ready);
    const hit = (await service.search({ query: 'ubergrossentrager' })).hits[0];
    assert.equal(hit.session_name, 'Renamed in place');
    assert.equal((await service.status()).indexed_since_start, sinceRename, 'a rename alone re-reads nothing');

    fs.rmSync(files[1]);
    list.forget(files[1]);
    bus.publish('sessions-diff', { added: [], updated: [], removed: [files[1]] });
    await until(service, (s) => s.ready && s.indexed_files === files.length - 1);
    assert.deepEqual(await sessionPaths(service, 'quarzelbeam'), [files[0]]);
  });

  it('saves the index and a new service loads it without re-reading unchanged files', async () => {
    await service.persist();
    assert.ok(fs.existsSync(path.join(indexDir, searchIndexFileName)));
    const bus2 = new EventBus();
    const second = new SearchService({ bus: bus2, sessions: list, indexDir, log: silentLogger, persistDelayMs: 50 });
    try {
      bus2.publish('scan-progress', { done: 3, total: 3, finished: true });
      const status = await until(second, (s) => s.ready);
      assert.equal(status.indexed_since_start, 0);
      assert.equal(status.indexed_files, files.length - 1);
      assert.deepEqual(await sessionPaths(second, 'flimwobbler'), [files[0], files[3]].sort());
    } finally {
      await second.dispose();
    }
  });

  it('rebuilds from the files on request', async () => {
    const before = (await service.status()).indexed_since_start;
    await service.rebuild();
    const status = await until(service, (s) => s.ready);
    assert.equal(status.indexed_since_start, before + files.length - 1);
    assert.deepEqual(await sessionPaths(service, 'flimwobbler'), [files[0], files[3]].sort());
  });

  it('restarts a worker that died, with a fresh index, and answers again', async () => {
    await service.status();
    const worker = (service as unknown as { worker: { current: { terminate(): Promise<number> } } }).worker.current;
    await worker.terminate();
    const status = await until(service, (s) => s.ready && s.indexed_files === files.length - 1);
    assert.equal(status.indexed_since_start, files.length - 1, 'the new worker read every file again');
    assert.deepEqual(await sessionPaths(service, 'flimwobbler'), [files[0], files[3]].sort());
  });
});

describe('SearchService at rest', () => {
  it('stops a settled worker after a quiet spell and carries on from the saved index', async () => {
    const store = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'psm-search-rest-')));
    const indexDir = fs.mkdtempSync(path.join(os.tmpdir(), 'psm-search-rest-index-'));
    const files = [0, 1, 2].map((i) => writeSession(store, { version: 3, seed: 40 + i, turns: 2 }).path);
    fs.appendFileSync(files[0], messageLine('user', 'the glimmerquast is resting'));
    const bus = new EventBus();
    const list = new SessionList();
    for (const f of files) await list.refresh(f);
    const service = new SearchService({ bus, sessions: list, indexDir, log: silentLogger, persistDelayMs: 50, restAfterMs: 150 });
    const stopped = async () => {
      for (let i = 0; i < 200 && service.workerRunning; i++) await new Promise((r) => setTimeout(r, 25));
      return !service.workerRunning;
    };
    try {
      await service.resting();
      bus.publish('scan-progress', { done: files.length, total: files.length, finished: true });
      assert.equal(service.workerRunning, true);
      const rested = service.resting();
      await until(service, (s) => s.ready && s.indexed_files === files.length);
      // The worker does not hold the process open while it idles; a server's port would.
      const keepOpen = setInterval(() => undefined, 1_000);
      await rested.finally(() => clearInterval(keepOpen));
      assert.equal(service.workerRunning, false, 'resting() waits for the worker to stop once settled');
      assert.ok(fs.existsSync(path.join(indexDir, searchIndexFileName)), 'and saved the index first');

      // A search starts a new worker, which answers from the saved index and reads nothing again.
      assert.deepEqual(await sessionPaths(service, 'glimmerquast'), [files[0]]);
      const status = await service.status();
      assert.equal(status.ready, true);
      assert.equal(status.indexed_since_start, files.length, 'the count goes on across workers');

      // A change while it rests starts it too, and the change is indexed.
      assert.ok(await stopped());
      fs.appendFileSync(files[1], messageLine('assistant', 'a glimmerquast appears later'));
      bus.publish('sessions-diff', { added: [], updated: [await list.refresh(files[1])], removed: [] });
      await until(service, (s) => s.ready && s.indexed_since_start === files.length + 1);
      assert.deepEqual(await sessionPaths(service, 'glimmerquast'), [files[0], files[1]].sort());
    } finally {
      await service.dispose();
    }
  });

  it('stays long after a search and goes soon after upkeep alone', async () => {
    const store = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'psm-search-spell-')));
    const indexDir = fs.mkdtempSync(path.join(os.tmpdir(), 'psm-search-spell-index-'));
    const files = [0, 1].map((i) => writeSession(store, { version: 3, seed: 60 + i, turns: 2 }).path);
    const bus = new EventBus();
    const list = new SessionList();
    for (const f of files) await list.refresh(f);
    const service = new SearchService({ bus, sessions: list, indexDir, log: silentLogger, persistDelayMs: 50, restAfterMs: 60_000, restAfterUpkeepMs: 150 });
    const stoppedWithin = async (ms: number) => {
      for (let waited = 0; waited < ms && service.workerRunning; waited += 25) await new Promise((r) => setTimeout(r, 25));
      return !service.workerRunning;
    };
    try {
      // A warm start: the list is reconciled and nobody searches.
      bus.publish('scan-progress', { done: files.length, total: files.length, finished: true });
      await until(service, (s) => s.ready && s.indexed_files === files.length);
      assert.ok(await stoppedWithin(5_000), 'upkeep alone: the worker stopped soon');

      // Someone searches: the worker stays for the long spell.
      await service.search({ query: 'anything' });
      assert.equal(await stoppedWithin(1_000), false, 'after a search it is still running');
    } finally {
      await service.dispose();
    }
  });

  it('is not made to save while it still indexes, however often it is asked to rest', async () => {
    const store = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'psm-search-busy-')));
    const indexDir = fs.mkdtempSync(path.join(os.tmpdir(), 'psm-search-busy-index-'));
    const files = Array.from({ length: 120 }, (_, i) => writeSession(store, { version: 3, seed: 100 + i, turns: 6, quirks: { tools: true } }).path);
    const bus = new EventBus();
    const list = new SessionList();
    for (const f of files) await list.refresh(f);
    // Asked to rest every 20 ms; saves of its own only after a minute of quiet.
    const service = new SearchService({ bus, sessions: list, indexDir, log: silentLogger, persistDelayMs: 60_000, restAfterMs: 20, restAfterUpkeepMs: 20 });
    const saved = path.join(indexDir, searchIndexFileName);
    try {
      bus.publish('scan-progress', { done: files.length, total: files.length, finished: true });
      for (let i = 0; i < 500; i++) {
        // Looked at before asking: a save seen here came before the status that follows.
        const savedBefore = fs.existsSync(saved);
        const status = await service.status();
        if (savedBefore) assert.equal(status.ready, true, 'saved while files were still waiting');
        if (status.ready) break;
        // Quiet for longer than the rest spell, so the question is asked in between.
        await new Promise((r) => setTimeout(r, 60));
      }
      assert.equal((await service.status()).indexed_files, files.length);
    } finally {
      await service.dispose();
    }
  });
});
