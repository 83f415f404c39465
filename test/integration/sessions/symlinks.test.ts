import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { randomUUID } from 'node:crypto';
import { startCliServer, tempDir, type ServerHandle } from '../../support/cliServer';
import { callApi, type Envelope } from '../../support/httpClient';
import type { SessionInfo } from '../../../src/shared/model/sessionInfo';

/** A small valid v3 session whose user message carries `marker`. */
function sessionText(id: string, marker: string): string {
  const ts = '2026-01-02T03:04:05.000Z';
  const header = { type: 'session', version: 3, id, timestamp: ts, cwd: '/home/dev/symlinks' };
  const message = {
    type: 'message',
    id: 'a0000001',
    parentId: null,
    timestamp: ts,
    message: { role: 'user', content: [{ type: 'text', text: `please read ${marker}` }], timestamp: Date.parse(ts) },
  };
  return `${JSON.stringify(header)}\n${JSON.stringify(message)}\n`;
}

function writeOutsideSession(dir: string, name: string, marker: string): { file: string; id: string } {
  const id = randomUUID();
  const file = path.join(dir, name);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(file, sessionText(id, marker));
  return { file, id };
}

describe('symlinks in session folders', () => {
  let server: ServerHandle;
  let target: { host: string; port: number };
  let store: string;
  let outside: string;
  let swapper: ChildProcess | undefined;
  const atStart = { file: '', id: '' };
  const atStartDir = { file: '', id: '' };

  before(async () => {
    const home = tempDir('psm-links-home-');
    store = fs.realpathSync(tempDir('psm-links-store-'));
    outside = fs.realpathSync(tempDir('psm-links-outside-'));
    Object.assign(atStart, writeOutsideSession(outside, 'start.jsonl', 'outsidestartfile'));
    Object.assign(atStartDir, writeOutsideSession(path.join(outside, 'startdir'), 'inner.jsonl', 'outsidestartdir'));
    fs.mkdirSync(path.join(store, 'proj'));
    fs.symlinkSync(atStart.file, path.join(store, 'proj', 'start-link.jsonl'));
    fs.symlinkSync(path.join(outside, 'startdir'), path.join(store, 'startdir-link'));
    fs.writeFileSync(path.join(store, 'proj', 'plain.jsonl'), sessionText(randomUUID(), 'insideplainfile'));
    server = await startCliServer({ home, sessionDirs: [store] });
    target = { host: server.host, port: server.port };
  });
  after(async () => {
    swapper?.kill();
    await server.stop();
  });

  async function listed(): Promise<SessionInfo[]> {
    return (await callApi<SessionInfo[]>(target, 'scan_sessions')).envelope.data;
  }

  /** Waits (bounded) until the watcher has listed `file`. */
  async function waitListed(file: string): Promise<void> {
    for (let attempt = 0; attempt < 200; attempt++) {
      if ((await listed()).some((s) => s.path === file)) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.fail(`${file} is not listed`);
  }

  async function searchHits(query: string): Promise<number> {
    // The index catches up with the scan in the background; ask until it says it is current.
    for (let attempt = 0; attempt < 200; attempt++) {
      const res = await callApi<{ hits: unknown[]; indexing: { ready: boolean; pending_files: number } }>(target, 'search', { query });
      assert.equal(res.envelope.success, true, res.envelope.error ?? '');
      const idx = res.envelope.data.indexing;
      if (idx.ready && idx.pending_files === 0) return res.envelope.data.hits.length;
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.fail('the search index never caught up');
  }

  async function assertNotReachable(session: { file: string; id: string }, viaPaths: string[]): Promise<void> {
    const all = await listed();
    assert.equal(all.some((s) => s.id === session.id), false, 'the outside session is not listed');
    assert.equal(all.some((s) => s.path.startsWith(outside)), false);
    for (const p of viaPaths) {
      for (const command of ['read_session_file', 'get_session_entries', 'export_session']) {
        const res = await callApi<unknown>(target, command, { path: p, format: 'json' });
        assert.equal(res.envelope.success, false, `${command} ${p} is refused`);
        assert.equal(JSON.stringify(res.envelope).includes('please read'), false);
      }
    }
    const entries = await callApi(target, 'get_pi_agent_entries', { session_id: session.id });
    assert.equal(entries.envelope.success, false, 'get_pi_agent_entries by id is refused');
    const before = fs.readFileSync(session.file);
    const rpc = await callApi(target, 'send_pi_agent_rpc', { session_id: session.id, prompt: 'hello' });
    assert.equal(rpc.envelope.success, false, 'send_pi_agent_rpc by id is refused');
    assert.equal((rpc.envelope as Envelope).code, 'not_found');
    assert.ok(fs.readFileSync(session.file).equals(before), 'the outside file is unchanged');
  }

  test('symlinks present at start are never listed, searched or read', async () => {
    await waitListed(path.join(store, 'proj', 'plain.jsonl'));
    assert.equal(await searchHits('insideplainfile'), 1);
    assert.equal(await searchHits('outsidestartfile'), 0);
    assert.equal(await searchHits('outsidestartdir'), 0);
    await assertNotReachable(atStart, [path.join(store, 'proj', 'start-link.jsonl')]);
    await assertNotReachable(atStartDir, [path.join(store, 'startdir-link', 'inner.jsonl')]);
  });

  test('symlinks created while the server runs are never listed, searched or read', async () => {
    const file = writeOutsideSession(outside, 'running.jsonl', 'outsiderunningfile');
    const dir = writeOutsideSession(path.join(outside, 'runningdir'), 'inner.jsonl', 'outsiderunningdir');
    fs.symlinkSync(file.file, path.join(store, 'proj', 'running-link.jsonl'));
    fs.symlinkSync(path.join(outside, 'runningdir'), path.join(store, 'runningdir-link'));
    // A regular file written after the links: once it is listed, the links' events were seen.
    await new Promise((r) => setTimeout(r, 300));
    const sentinel = path.join(store, 'proj', 'sentinel.jsonl');
    fs.writeFileSync(sentinel, sessionText(randomUUID(), 'insidesentinel'));
    await waitListed(sentinel);
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(await searchHits('insidesentinel'), 1);
    assert.equal(await searchHits('outsiderunningfile'), 0);
    assert.equal(await searchHits('outsiderunningdir'), 0);
    await assertNotReachable(file, [path.join(store, 'proj', 'running-link.jsonl')]);
    await assertNotReachable(dir, [path.join(store, 'runningdir-link', 'inner.jsonl')]);
  });

  test('with sessions.follow_symlinks on, links are followed only to targets inside the session folders', async () => {
    const archived = path.join(store, '.archive', 'kept.jsonl');
    fs.mkdirSync(path.dirname(archived), { recursive: true });
    const keptId = randomUUID();
    fs.writeFileSync(archived, sessionText(keptId, 'insidearchived'));
    fs.symlinkSync(archived, path.join(store, 'proj', 'kept-link.jsonl'));
    const saved = await callApi(target, 'save_config_bundle', { bundle: { sessions: { follow_symlinks: true } } });
    assert.equal(saved.envelope.success, true, saved.envelope.error ?? '');
    try {
      await waitListed(archived);
      assert.equal((await listed()).find((s) => s.id === keptId)?.path, archived, 'listed under its real path');
      const read = await callApi<string>(target, 'read_session_file', { path: archived });
      assert.match(read.envelope.data, /insidearchived/);
      await assertNotReachable(atStart, [path.join(store, 'proj', 'start-link.jsonl')]);
      await assertNotReachable(atStartDir, [path.join(store, 'startdir-link', 'inner.jsonl')]);
    } finally {
      await callApi(target, 'save_config_bundle', { bundle: { sessions: { follow_symlinks: false } } });
    }
    for (let attempt = 0; attempt < 200 && (await listed()).some((s) => s.id === keptId); attempt++) await new Promise((r) => setTimeout(r, 50));
    assert.equal((await listed()).some((s) => s.id === keptId), false, 'off again: the link is no longer followed');
  });

  test('a file or folder swapped for a symlink during reads and renames never yields outside content', async () => {
    const secret = writeOutsideSession(path.join(outside, 'race'), 'race.jsonl', 'outsideracesecret');
    const secretBytes = fs.readFileSync(secret.file);
    const raceDir = path.join(store, 'racedir');
    fs.mkdirSync(raceDir);
    const raceFile = path.join(raceDir, 'race.jsonl');
    const insideText = sessionText(randomUUID(), 'insiderace');
    fs.writeFileSync(raceFile, insideText);
    await waitListed(raceFile);
    // A separate process swaps the file, then its folder, for symlinks to the outside copy
    // and back, as fast as it can, while this process asks the server to read them.
    const script = `
      const fs = require('fs'), path = require('path');
      const [raceDir, raceFile, secretFile, secretDir, text] = process.argv.slice(1);
      const tmpLink = path.join(raceDir, '.swap-link'), tmpFile = path.join(raceDir, '.swap-file');
      const hold = raceDir + '.hold', dirLink = raceDir + '.link';
      fs.symlinkSync(secretDir, dirLink);
      for (let i = 0; ; i++) {
        try {
          if (i % 2 === 0) {
            fs.rmSync(tmpLink, { force: true }); fs.symlinkSync(secretFile, tmpLink); fs.renameSync(tmpLink, raceFile);
            fs.writeFileSync(tmpFile, text); fs.renameSync(tmpFile, raceFile);
          } else {
            fs.renameSync(raceDir, hold); fs.renameSync(dirLink, raceDir);
            fs.renameSync(raceDir, dirLink); fs.renameSync(hold, raceDir);
          }
        } catch {}
      }`;
    swapper = spawn(process.execPath, ['-e', script, raceDir, raceFile, secret.file, path.dirname(secret.file), insideText], { stdio: 'ignore' });
    let served = 0;
    try {
      for (let i = 0; i < 300; i++) {
        const command = ['read_session_file', 'get_session_entries', 'export_session'][i % 3]!;
        const res = await callApi<unknown>(target, command, { path: raceFile, format: 'markdown' });
        const text = JSON.stringify(res.envelope);
        assert.equal(text.includes('outsideracesecret'), false, `${command} returned outside content on try ${i}`);
        if (res.envelope.success) served++;
        if (i % 10 === 0) {
          const renamed = await callApi(target, 'rename_session', { path: raceFile, name: `race ${i}` });
          assert.equal(JSON.stringify(renamed.envelope).includes('outsideracesecret'), false);
        }
      }
    } finally {
      swapper.kill();
      await new Promise((r) => swapper!.once('exit', r));
      swapper = undefined;
    }
    assert.ok(fs.readFileSync(secret.file).equals(secretBytes), 'the outside file was never appended to');
    assert.ok(served > 0, 'some reads landed on the real file');
    assert.equal(await searchHits('outsideracesecret'), 0);
  });
});
