import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startCliServer, tempDir, type ServerHandle } from '../../support/cliServer';
import { callApi } from '../../support/httpClient';
import { TestWsClient } from '../../support/wsClient';
import { TestSseClient } from '../../support/sseClient';
import { writeSession, allQuirks, type ExpectedSession } from '../../support/sessionGenerator';
import type { SessionInfo } from '../../../src/shared/model/sessionInfo';

interface ScanStatus {
  sessions: number;
  full_parses: number;
  tail_reads: number;
  cache_hits: number;
}

function userLine(text: string): string {
  const now = new Date();
  const id = Math.floor(Math.random() * 0xffffffff).toString(16).padStart(8, '0');
  return `${JSON.stringify({ type: 'message', id, parentId: null, timestamp: now.toISOString(), message: { role: 'user', content: [{ type: 'text', text }], timestamp: now.getTime() } })}\n`;
}

describe('session engine over a real store', () => {
  let store: string;
  let stateDir: string;
  let server: ServerHandle;
  let target: { host: string; port: number };
  const written: ExpectedSession[] = [];

  before(async () => {
    store = fs.realpathSync(tempDir('psm-store-'));
    stateDir = tempDir('psm-state-');
    written.push(writeSession(store, { version: 3, seed: 1, cwd: '/home/dev/alpha', turns: 4, quirks: allQuirks }));
    written.push(writeSession(store, { version: 1, seed: 2, cwd: '/home/dev/beta', turns: 3, quirks: { compaction: true, tools: true } }));
    written.push(writeSession(store, { version: 2, seed: 3, cwd: '/home/dev/beta', turns: 2, quirks: { hookMessage: true, branches: true } }));
    written.push(writeSession(store, { version: 3, seed: 4, cwd: '/home/dev/gamma', turns: 2, quirks: { partialLastLine: true, hugeToolResultBytes: 3 * 1024 * 1024 } }));
    fs.writeFileSync(path.join(store, 'not-a-session.jsonl'), 'this is not json\n');
    server = await startCliServer({ stateDir, sessionDirs: [store] });
    target = { host: server.host, port: server.port };
  });
  after(async () => {
    await server.stop();
  });

  test('scan_sessions lists every valid file, newest first, with the expected fields', async () => {
    const { envelope } = await callApi<SessionInfo[]>(target, 'scan_sessions');
    assert.equal(envelope.success, true, envelope.error ?? '');
    const list = envelope.data;
    assert.equal(list.length, written.length);
    const sorted = [...list].sort((a, b) => b.modified.localeCompare(a.modified));
    assert.deepEqual(list.map((s) => s.path), sorted.map((s) => s.path));
    for (const exp of written) {
      const got = list.find((s) => s.path === exp.path);
      assert.ok(got, exp.path);
      for (const key of ['id', 'cwd', 'name', 'created', 'modified', 'message_count', 'first_message', 'tool_call_count', 'leaf_id'] as const) {
        assert.deepEqual(got[key], exp[key], `${path.basename(exp.path)}: ${key}`);
      }
      assert.deepEqual(got.tokens, exp.tokens);
    }
    const filtered = await callApi<SessionInfo[]>(target, 'scan_sessions', { cwd: '/home/dev/beta' });
    assert.equal(filtered.envelope.data.length, 2);
  });

  test('read_session_file returns the raw JSONL, whole or in chunks, and refuses paths outside', async () => {
    const file = written[0]!.path;
    const whole = await callApi<string>(target, 'read_session_file', { path: file });
    assert.equal(whole.envelope.data, fs.readFileSync(file, 'utf8'));
    let offset = 0;
    let joined = '';
    for (let i = 0; i < 1000; i++) {
      const chunk = await callApi<{ content: string; next_offset: number; eof: boolean }>(target, 'read_session_file', { path: file, offset, max_bytes: 777 });
      joined += chunk.envelope.data.content;
      offset = chunk.envelope.data.next_offset;
      if (chunk.envelope.data.eof) break;
    }
    assert.equal(joined, fs.readFileSync(file, 'utf8'));
    const outside = path.join(tempDir(), 'x.jsonl');
    fs.writeFileSync(outside, '{}\n');
    const link = path.join(store, 'link-out.jsonl');
    fs.symlinkSync('/etc/passwd', link);
    for (const bad of [outside, `${store}/../../etc/passwd`, `${store}/..%2F..%2Fetc%2Fpasswd.jsonl`, link, '/etc/passwd', 'relative.jsonl', path.join(store, 'x.txt')]) {
      const res = await callApi(target, 'read_session_file', { path: bad });
      assert.equal(res.envelope.success, false, bad);
      assert.ok(['forbidden', 'not_found', 'invalid_payload'].includes(res.envelope.code!), `${bad}: ${res.envelope.code}`);
      assert.doesNotMatch(JSON.stringify(res.envelope), /root:x:0/);
    }
    fs.unlinkSync(link);
  });

  test('an append reaches a WS client as sessions-diff, and SSE clients get it with an id', async () => {
    const ws = await TestWsClient.connect(`ws://127.0.0.1:${server.port}/ws`);
    const sse = await TestSseClient.open(target);
    assert.ok(sse instanceof TestSseClient);
    const file = written[1]!.path;
    const marker = `appended-${Date.now()}`;
    fs.appendFileSync(file, userLine(marker));
    const event = await ws.waitForEvent((e) => e.event === 'sessions-diff' && JSON.stringify(e.payload).includes(marker));
    const diff = event.payload as { updated: SessionInfo[] };
    const updated = diff.updated.find((s) => s.path === file)!;
    assert.equal(updated.last_message, marker);
    assert.equal(updated.message_count, written[1]!.message_count + 1);
    await ws.waitForEvent((e) => e.event === 'session-changed' && JSON.stringify(e.payload).includes(path.basename(file)));
    await ws.waitForEvent((e) => e.event === 'sessions-changed' && JSON.stringify(e.payload).includes(marker));
    const viaSse = await sse.waitFor((m) => m.event === 'sessions-diff' && m.data.includes(marker));
    assert.match(viaSse.id ?? '', /^\d+$/);
    // A client that reconnects with Last-Event-ID gets what it missed.
    sse.close();
    const resumed = await TestSseClient.open({ ...target, headers: { 'Last-Event-ID': String(Number(viaSse.id) - 1) } });
    assert.ok(resumed instanceof TestSseClient);
    const replayed = await resumed.waitFor((m) => m.id === viaSse.id);
    assert.equal(replayed.event, 'sessions-diff');
    resumed.close();
    const status = (await callApi<ScanStatus>(target, 'get_scan_status')).envelope.data;
    assert.ok(status.tail_reads >= 1, 'the appended file was tail-read');
    await ws.close();
  });

  test('completing a half-written last line makes its entry count', async () => {
    const exp = written[3]!;
    assert.ok(exp.partialRest);
    const ws = await TestWsClient.connect(`ws://127.0.0.1:${server.port}/ws`);
    const before = (await callApi<SessionInfo[]>(target, 'scan_sessions')).envelope.data.find((s) => s.path === exp.path)!;
    fs.appendFileSync(exp.path, exp.partialRest);
    const event = await ws.waitForEvent((e) => e.event === 'sessions-diff' && (e.payload as { updated: SessionInfo[] }).updated.some((s) => s.path === exp.path));
    const after = (event.payload as { updated: SessionInfo[] }).updated.find((s) => s.path === exp.path)!;
    assert.ok(after.entry_count > before.entry_count);
    await ws.close();
  });

  test('a new file is added and a deleted file is removed, live', async () => {
    const ws = await TestWsClient.connect(`ws://127.0.0.1:${server.port}/ws`);
    const extra = writeSession(store, { version: 3, seed: 99, cwd: '/home/dev/delta', turns: 1 });
    const added = await ws.waitForEvent((e) => e.event === 'sessions-diff' && (e.payload as { added: SessionInfo[] }).added.some((s) => s.path === extra.path));
    assert.ok(added);
    fs.unlinkSync(extra.path);
    const removed = await ws.waitForEvent((e) => e.event === 'sessions-diff' && (e.payload as { removed: string[] }).removed.includes(extra.path));
    assert.ok(removed);
    await ws.close();
  });

  test('a restart with nothing changed re-parses no file', async () => {
    await server.stop();
    server = await startCliServer({ stateDir, sessionDirs: [store] });
    target = { host: server.host, port: server.port };
    const list = (await callApi<SessionInfo[]>(target, 'scan_sessions')).envelope.data;
    assert.equal(list.length, written.length);
    const status = (await callApi<ScanStatus>(target, 'get_scan_status')).envelope.data;
    assert.equal(status.full_parses, 0);
    assert.equal(status.tail_reads, 0);
    assert.equal(status.cache_hits, written.length);
  });

  test('a restart after an append tail-reads only that file', async () => {
    await server.stop();
    fs.appendFileSync(written[0]!.path, userLine('while the server was down'));
    server = await startCliServer({ stateDir, sessionDirs: [store] });
    target = { host: server.host, port: server.port };
    const list = (await callApi<SessionInfo[]>(target, 'scan_sessions')).envelope.data;
    assert.equal(list.find((s) => s.path === written[0]!.path)!.last_message, 'while the server was down');
    const status = (await callApi<ScanStatus>(target, 'get_scan_status')).envelope.data;
    assert.equal(status.full_parses, 0);
    assert.equal(status.tail_reads, 1);
  });

  test('a file replaced by a shorter one is re-parsed', async () => {
    const ws = await TestWsClient.connect(`ws://127.0.0.1:${server.port}/ws`);
    const file = written[2]!.path;
    const replacement = writeSession(tempDir(), { version: 3, seed: 5, cwd: '/home/dev/beta', turns: 1 });
    fs.copyFileSync(replacement.path, file);
    const event = await ws.waitForEvent((e) => e.event === 'sessions-diff' && (e.payload as { updated: SessionInfo[] }).updated.some((s) => s.path === file && s.id === replacement.id));
    const info = (event.payload as { updated: SessionInfo[] }).updated.find((s) => s.path === file)!;
    assert.equal(info.message_count, replacement.message_count);
    await ws.close();
  });

  test('session folders: pi folder, saved extra folders (rescan), missing folders reported', async () => {
    const dirs = (await callApi<{ path: string; source: string; exists: boolean }[]>(target, 'get_all_session_dirs', { detailed: true })).envelope.data;
    assert.ok(dirs.some((d) => d.source === 'pi-default' && d.path === path.join(server.agentDir, 'sessions')));
    assert.ok(dirs.some((d) => d.path === store && d.exists));
    const other = fs.realpathSync(tempDir('psm-extra-'));
    const extra = writeSession(other, { version: 3, seed: 7, cwd: '/home/dev/epsilon', turns: 1 });
    const missing = path.join(other, 'goes-missing');
    const refused = await callApi(target, 'save_session_paths', { paths: [other, path.join(other, 'does-not-exist')] });
    assert.equal(refused.envelope.code, 'invalid_payload');
    assert.match(refused.envelope.error!, /paths\[1\]: .* is not an existing folder/);
    fs.mkdirSync(missing);
    const saved = await callApi<{ paths: string[] }>(target, 'save_session_paths', { paths: [other, missing] });
    assert.equal(saved.envelope.success, true, saved.envelope.error ?? '');
    assert.deepEqual((await callApi<string[]>(target, 'get_session_paths')).envelope.data, [other, missing]);
    // A saved folder that disappears stays saved and is reported as missing.
    fs.rmdirSync(missing);
    await callApi(target, 'save_session_paths', { paths: [other, missing] });
    const list = (await callApi<SessionInfo[]>(target, 'scan_sessions')).envelope.data;
    assert.ok(list.some((s) => s.path === extra.path));
    const after = (await callApi<{ path: string; exists: boolean }[]>(target, 'get_all_session_dirs', { detailed: true })).envelope.data;
    assert.equal(after.find((d) => d.path === missing)?.exists, false);
    const relative = await callApi(target, 'save_session_paths', { paths: ['relative/dir'] });
    assert.equal(relative.envelope.code, 'invalid_payload');
    assert.match(relative.envelope.error!, /paths\[0\]/);
  });
});

describe('the first scan\'s rows and the search worker', () => {
  test('rows are saved once search has indexed the store and rested, and survive a kill', async () => {
    const store = fs.realpathSync(tempDir('psm-store-'));
    const stateDir = tempDir('psm-state-');
    const files = [1, 2, 3, 4, 5].map((seed) => writeSession(store, { version: 3, seed, cwd: '/home/dev/rows', turns: 3 }).path);
    const cacheFile = path.join(stateDir, 'scan-cache.db');
    let server = await startCliServer({ stateDir, sessionDirs: [store] });
    try {
      const target = { host: server.host, port: server.port };
      assert.equal((await callApi<SessionInfo[]>(target, 'scan_sessions')).envelope.data.length, files.length);
      // The empty database is saved as it opens; the rows come after search's indexing, save
      // and rest, while the server keeps running.
      const sizeOf = () => (fs.existsSync(cacheFile) ? fs.statSync(cacheFile).size : 0);
      let waited = 0;
      while (sizeOf() === 0 && waited < 10_000) {
        await new Promise((r) => setTimeout(r, 50));
        waited += 50;
      }
      const empty = sizeOf();
      let searchReadyFirst = false;
      while (sizeOf() <= empty && waited < 30_000) {
        await new Promise((r) => setTimeout(r, 100));
        waited += 100;
        if (sizeOf() <= empty) searchReadyFirst ||= (await callApi<{ ready: boolean }>(target, 'get_search_status')).envelope.data.ready;
      }
      assert.ok(sizeOf() > empty, 'the rows were saved while the server kept running');
      assert.ok(searchReadyFirst, 'search had caught up while they waited');
      // Give the save time to complete its rename, then end the process without a clean stop.
      await new Promise((r) => setTimeout(r, 500));
      await server.stop('SIGKILL');
      server = await startCliServer({ stateDir, sessionDirs: [store] });
      const warm = { host: server.host, port: server.port };
      await callApi(warm, 'scan_sessions');
      const status = (await callApi<ScanStatus>(warm, 'get_scan_status')).envelope.data;
      assert.equal(status.full_parses, 0, 'a kill after the rows were saved costs no parse');
      assert.equal(status.cache_hits, files.length);
    } finally {
      await server.stop();
    }
  });
});
