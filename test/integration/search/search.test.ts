import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startCliServer, tempDir, type ServerHandle } from '../../support/cliServer';
import { callApi } from '../../support/httpClient';
import { TestWsClient } from '../../support/wsClient';
import { writeSession } from '../../support/sessionGenerator';

interface Hit {
  session_path: string;
  role: string;
  snippet: string;
  content: string;
  source_type: string;
  highlights: [number, number][];
}
interface Reply {
  hits: Hit[];
  total: number;
  total_hits: number;
  has_more: boolean;
  partial: boolean;
  indexing: { ready: boolean; pending_files: number; indexed_files: number };
}
interface Status {
  ready: boolean;
  indexed_files: number;
  pending_files: number;
  indexed_since_start: number;
  docs: number;
  terms: number;
  bytes: number;
}

function messageLine(role: 'user' | 'assistant', text: string): string {
  const now = new Date();
  const id = Math.floor(Math.random() * 0xffffffff).toString(16).padStart(8, '0');
  return `${JSON.stringify({ type: 'message', id, parentId: null, timestamp: now.toISOString(), message: { role, content: [{ type: 'text', text }], timestamp: now.getTime() } })}\n`;
}

describe('full-text search over a real server', () => {
  let store: string;
  let stateDir: string;
  let server: ServerHandle;
  let target: { host: string; port: number };
  const files: string[] = [];

  async function status(): Promise<Status> {
    const { envelope } = await callApi<Status>(target, 'get_search_status');
    assert.equal(envelope.success, true, envelope.error ?? '');
    return envelope.data;
  }

  /** Polls (bounded) until the index is ready and `extra` holds. */
  async function settle(extra: (s: Status) => boolean = () => true): Promise<Status> {
    for (let i = 0; i < 300; i++) {
      const s = await status();
      if (s.ready && extra(s)) return s;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`search did not settle: ${JSON.stringify(await status())}`);
  }

  async function search(payload: object, command = 'search'): Promise<Reply> {
    const { envelope } = await callApi<Reply>(target, command, payload);
    assert.equal(envelope.success, true, envelope.error ?? '');
    return envelope.data;
  }

  /** Retries a search for a short, bounded time: the watcher and the worker are asynchronous. */
  async function eventually(payload: object, done: (r: Reply) => boolean): Promise<Reply> {
    let last: Reply | undefined;
    for (let i = 0; i < 200; i++) {
      last = await search(payload);
      if (done(last)) return last;
      await new Promise((r) => setTimeout(r, 50));
    }
    return last as Reply;
  }

  const paths = (r: Reply): string[] => [...new Set(r.hits.map((h) => h.session_path))].sort();

  before(async () => {
    store = fs.realpathSync(tempDir('psm-search-store-'));
    stateDir = tempDir('psm-search-state-');
    for (let i = 0; i < 3; i++) files.push(writeSession(store, { version: 3, seed: 50 + i, cwd: `/home/dev/s${i}`, turns: 3, quirks: { tools: true, unicode: true } }).path);
    fs.appendFileSync(files[0], messageLine('user', 'Please fix the snorkelwump parser'));
    fs.appendFileSync(files[1], messageLine('assistant', 'The snorkelwump parser is fixed now'));
    fs.appendFileSync(files[2], messageLine('user', '搜索引擎的测试 snorkelwump'));
    server = await startCliServer({ stateDir, sessionDirs: [store] });
    target = { host: server.host, port: server.port };
    await settle((s) => s.indexed_files === files.length);
  });
  after(async () => {
    await server.stop();
  });

  test('search over HTTP returns hits with snippets, highlights and the indexing state', async () => {
    const r = await search({ query: 'snorkelwump parser' });
    assert.deepEqual(paths(r), [files[0], files[1]].sort());
    for (const hit of r.hits) {
      assert.match(hit.snippet.toLowerCase(), /snorkelwump parser/);
      assert.ok(hit.highlights.length >= 2);
      assert.equal(hit.content, hit.snippet);
      assert.equal(hit.source_type, hit.role);
    }
    assert.equal(r.indexing.ready, true);
    assert.equal(r.indexing.indexed_files, files.length);
    assert.equal(r.partial, false);
    const cjk = await search({ query: '搜索引擎' });
    assert.deepEqual(paths(cjk), [files[2]]);
  });

  test('search over WebSocket answers the same', async () => {
    const ws = await TestWsClient.connect(`ws://127.0.0.1:${server.port}/ws`);
    try {
      const frame = await ws.request('search', { query: 'snorkelwump', role: 'user' });
      assert.equal(frame.success, true, String(frame.error));
      const data = frame.data as Reply;
      assert.deepEqual(paths(data), [files[0], files[2]].sort());
      assert.ok(data.hits.every((h) => h.role === 'user' && h.snippet.length > 0));
    } finally {
      await ws.close();
    }
  });

  test('role filters and the compat full_text_search form with role_filter, page and page_size', async () => {
    assert.deepEqual(paths(await search({ query: 'snorkelwump', role: 'assistant' })), [files[1]]);
    assert.deepEqual(paths(await search({ query: 'snorkelwump', role: 'tool' })), []);
    const first = await search({ query: 'snorkelwump', role_filter: 'all', page: 0, page_size: 2 }, 'full_text_search');
    assert.equal(first.total, 3);
    assert.equal(first.total_hits, 3);
    assert.equal(first.hits.length, 2);
    assert.equal(first.has_more, true);
    const second = await search({ query: 'snorkelwump', roleFilter: 'all', page: 1, pageSize: 2 }, 'full_text_search');
    assert.equal(second.hits.length, 1);
    assert.equal(second.has_more, false);
    assert.deepEqual([...paths(first), ...paths(second)].sort(), [...files].sort());
    const userOnly = await search({ query: 'snorkelwump', roleFilter: 'user' }, 'full_text_search');
    assert.ok(userOnly.hits.every((h) => h.role === 'user'));
    const bad = await callApi(target, 'search', { query: 'snorkelwump', role: 'robot' });
    assert.equal(bad.envelope.success, false);
    assert.equal(bad.envelope.code, 'invalid_payload');
  });

  test('an empty query is an empty result; operators only and 10 KB queries are clear errors', async () => {
    const empty = await search({ query: '   ' });
    assert.equal(empty.total, 0);
    assert.deepEqual(empty.hits, []);
    const operators = await callApi(target, 'search', { query: '-snorkelwump' });
    assert.equal(operators.envelope.success, false);
    assert.equal(operators.envelope.code, 'invalid_payload');
    assert.match(operators.envelope.error ?? '', /only excludes/);
    const punctuation = await callApi(target, 'search', { query: '"" * ---' });
    assert.equal(punctuation.envelope.code, 'invalid_payload');
    const long = await callApi(target, 'search', { query: 'word '.repeat(2048) });
    assert.equal(long.envelope.success, false);
    assert.equal(long.envelope.code, 'invalid_payload');
    assert.match(long.envelope.error ?? '', /10240 characters long; the limit is 1000/);
  });

  test('a newly appended message is found, a deleted session is not', async () => {
    fs.appendFileSync(files[2], messageLine('assistant', 'A freshly appended gorbliquent reply'));
    const appended = await eventually({ query: 'gorbliquent' }, (r) => r.hits.length > 0);
    assert.deepEqual(paths(appended), [files[2]]);
    fs.rmSync(files[1]);
    const after = await eventually({ query: 'snorkelwump' }, (r) => !paths(r).includes(files[1]));
    assert.deepEqual(paths(after), [files[0], files[2]].sort());
  });

  test('a warm restart loads the saved index and re-reads nothing', async () => {
    await settle();
    await server.stop();
    assert.ok(fs.existsSync(path.join(stateDir, 'search', 'search-index.bin')), 'the index was saved on shutdown');
    server = await startCliServer({ stateDir, sessionDirs: [store] });
    target = { host: server.host, port: server.port };
    const s = await settle((x) => x.indexed_files === 2);
    assert.equal(s.indexed_since_start, 0);
    assert.deepEqual(paths(await search({ query: 'gorbliquent' })), [files[2]]);
    const rebuilt = await callApi<Status>(target, 'rebuild_search_index');
    assert.equal(rebuilt.envelope.success, true, rebuilt.envelope.error ?? '');
    const after = await settle((x) => x.indexed_since_start === 2);
    assert.equal(after.indexed_files, 2);
    assert.deepEqual(paths(await search({ query: 'snorkelwump' })), [files[0], files[2]].sort());
  });
});
