import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { tempDir } from '../../support/cliServer';
import { callApi } from '../../support/httpClient';
import { writeSession, writeSessionFile, type ExpectedSession } from '../../support/sessionGenerator';
import type { SessionInfo } from '../../../src/shared/model/sessionInfo';
import { listSessions, runsAsRoot, shareWithServer, startFaultServer, waitForList, waitForLog, type FaultServer } from './faultServer';

/**
 * Faults from outside the product: folders that vanish and return, files replaced, cut
 * mid-line, unreadable, a full disk under the state, and file events the watcher never
 * delivered. Each must end in a correct session list, with the server still serving.
 */

function userLine(text: string): string {
  const now = new Date();
  const id = Math.floor(Math.random() * 0xffffffff).toString(16).padStart(8, '0');
  return `${JSON.stringify({ type: 'message', id, parentId: null, timestamp: now.toISOString(), message: { role: 'user', content: [{ type: 'text', text }], timestamp: now.getTime() } })}\n`;
}

const paths = (list: SessionInfo[]) => new Set(list.map((s) => s.path));

/** Lists what is wrong when `list` is not exactly `expected` (by path and id). */
function exactly(expected: ExpectedSession[]): (list: SessionInfo[]) => string | undefined {
  return (list) => {
    const want = new Map(expected.map((e) => [e.path, e.id]));
    const extra = list.filter((s) => !want.has(s.path)).map((s) => path.basename(s.path));
    const missing = [...want.keys()].filter((p) => !list.some((s) => s.path === p)).map((p) => path.basename(p));
    const wrongId = list.filter((s) => want.has(s.path) && want.get(s.path) !== s.id).map((s) => path.basename(s.path));
    if (extra.length + missing.length + wrongId.length === 0) return undefined;
    return `extra [${extra.join(', ')}], missing [${missing.join(', ')}], wrong id [${wrongId.join(', ')}]`;
  };
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Puts a copy of `source` at `dest` in one step: copied beside it under a dot name (which the
 * index ignores), handed to the server's user, then renamed into place.
 */
function restoreFolder(source: string, dest: string): void {
  const staging = path.join(path.dirname(dest), `.staging-${path.basename(dest)}`);
  fs.cpSync(source, staging, { recursive: true });
  shareWithServer(staging);
  fs.renameSync(staging, dest);
}

/** Mounts a small tmpfs over `dir` when this machine allows it (root with mount rights). */
function tryMountTmpfs(dir: string, size: string): boolean {
  // PSM_FAULTS_NO_TMPFS=1 exercises the shim path on a machine that could mount.
  if (!runsAsRoot || process.env.PSM_FAULTS_NO_TMPFS === '1') return false;
  const owner = 'uid=65534,gid=65534,mode=0700';
  const r = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${size},${owner}`, 'tmpfs', dir], { encoding: 'utf8' });
  return r.status === 0;
}

/** Fills a file system until it refuses more bytes; returns the filler file. */
function fillDisk(dir: string): string {
  const filler = path.join(dir, 'filler.bin');
  const fd = fs.openSync(filler, 'w');
  const block = Buffer.alloc(16 * 1024);
  try {
    for (;;) fs.writeSync(fd, block);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
  } finally {
    fs.closeSync(fd);
  }
  return filler;
}

describe('fault injection against the headless server', () => {
  let home: string;
  let store: string;
  let stateDir: string;
  let server: FaultServer;
  let mounted = false;
  let flagFile: string;
  let backups: string;
  let expected: ExpectedSession[] = [];

  before(async () => {
    home = tempDir('psm-faults-home-');
    backups = tempDir('psm-faults-backup-');
    store = fs.realpathSync(tempDir('psm-faults-store-'));
    stateDir = path.join(home, 'state');
    // Beside the state, so the server (maybe another user) can see it.
    flagFile = path.join(home, 'disk-full');
    fs.mkdirSync(stateDir, { recursive: true });
    mounted = tryMountTmpfs(stateDir, '4m');
    for (let i = 0; i < 9; i++) expected.push(writeSession(store, { version: 3, seed: 300 + i, cwd: `/home/dev/project-${i % 3}`, turns: 3 }));
    shareWithServer(store);
    server = await startFaultServer({
      home,
      stateDir,
      sessionDir: store,
      // Without a tmpfs, a preloaded shim makes state writes fail while the flag file exists.
      ...(mounted ? {} : { preload: path.join(__dirname, 'enospcShim.cjs'), env: { PSM_ENOSPC_DIR: stateDir, PSM_ENOSPC_FLAG: flagFile } }),
    });
    await waitForList(server, exactly(expected));
  });

  after(async () => {
    await server?.stop();
    if (mounted) spawnSync('umount', [stateDir]);
    fs.rmSync(home, { recursive: true, force: true });
    fs.rmSync(store, { recursive: true, force: true });
    fs.rmSync(backups, { recursive: true, force: true });
  });

  test('a project folder removed with rm -rf leaves the list, and returns with it', async () => {
    const folder = path.dirname(expected[0]!.path);
    const inFolder = expected.filter((e) => path.dirname(e.path) === folder);
    const backup = path.join(backups, 'project');
    fs.cpSync(folder, backup, { recursive: true });
    fs.rmSync(folder, { recursive: true, force: true });
    await waitForList(server, exactly(expected.filter((e) => !inFolder.includes(e))));
    restoreFolder(backup, folder);
    await waitForList(server, exactly(expected));
    assert.ok(server.alive());
  });

  test('the whole session folder removed and recreated: the list follows both ways, with a log line', async () => {
    const backup = path.join(backups, 'store');
    fs.cpSync(store, backup, { recursive: true });
    const logFrom = server.stderr().length;
    fs.rmSync(store, { recursive: true, force: true });
    await waitForList(server, exactly([]));
    await waitForLog(server, new RegExp(`sessions: folders changed \\(-${escapeRegExp(store)}\\)`), logFrom);
    restoreFolder(backup, store);
    await waitForList(server, exactly(expected));
    await waitForLog(server, /sessions: folders changed \(\+/, logFrom);
  });

  test('a file replaced (renamed over) by a shorter session is re-read as that session', async () => {
    const target = expected[1]!;
    const staged = path.join(path.dirname(target.path), '.staged.jsonl');
    const shorter = writeSessionFile(staged, { version: 3, seed: 777, cwd: target.cwd, turns: 1 });
    assert.ok(fs.statSync(staged).size < fs.statSync(target.path).size);
    shareWithServer(staged);
    fs.renameSync(staged, target.path);
    const replaced = { ...shorter, path: target.path };
    expected = expected.map((e) => (e === target ? replaced : e));
    const list = await waitForList(server, exactly(expected));
    assert.equal(list.find((s) => s.path === target.path)!.message_count, shorter.message_count);
  });

  test('a file cut mid-line counts only its complete lines until the line is completed', async () => {
    const target = expected[2]!;
    const whole = fs.readFileSync(target.path);
    const lastStart = whole.lastIndexOf(0x0a, whole.length - 2) + 1;
    const cut = lastStart + Math.floor((whole.length - lastStart) / 2);
    fs.truncateSync(target.path, cut);
    const before = (await listSessions(server)).find((s) => s.path === target.path)!;
    await waitForList(server, (list) => {
      const s = list.find((x) => x.path === target.path);
      return s && s.entry_count === target.entry_count - 1 ? undefined : `entry_count ${s?.entry_count} (want ${target.entry_count - 1})`;
    });
    assert.ok(before.entry_count <= target.entry_count);
    fs.appendFileSync(target.path, whole.subarray(cut));
    const list = await waitForList(server, (l) => {
      const s = l.find((x) => x.path === target.path);
      return s && s.entry_count === target.entry_count ? undefined : `entry_count ${s?.entry_count} (want ${target.entry_count})`;
    });
    const info = list.find((s) => s.path === target.path)!;
    assert.equal(info.message_count, target.message_count);
    assert.equal(info.last_message, target.last_message);
  });

  test('an unreadable file (EACCES) is skipped with a log line and comes back once readable', async () => {
    const target = expected[3]!;
    const logFrom = server.stderr().length;
    fs.chmodSync(target.path, 0o000);
    // The change makes the index read the file again, which now fails.
    fs.appendFileSync(target.path, userLine('written while unreadable'));
    await waitForList(server, (list) => (paths(list).has(target.path) ? `${path.basename(target.path)} still listed` : undefined));
    const line = await waitForLog(server, new RegExp(`sessions: skipped ${escapeRegExp(target.path)}`), logFrom);
    assert.match(line, /EACCES|permission denied/i);
    fs.chmodSync(target.path, 0o644);
    fs.appendFileSync(target.path, userLine('readable again'));
    const list = await waitForList(server, exactly(expected));
    assert.equal(list.find((s) => s.path === target.path)!.last_message, 'readable again');
  });

  test('lost watcher events: a folder moved away, changed and moved back is put right by a rescan', async () => {
    const away = `${store}-away`;
    fs.renameSync(store, away);
    const appendTo = expected[4]!;
    const removed = expected[5]!;
    fs.appendFileSync(appendTo.path.replace(store, away), userLine('changed while away'));
    fs.rmSync(removed.path.replace(store, away));
    const added = writeSession(away, { version: 3, seed: 555, cwd: '/home/dev/project-9', turns: 1 });
    shareWithServer(away);
    fs.renameSync(away, store);
    expected = [...expected.filter((e) => e !== removed), { ...added, path: added.path.replace(away, store) }];
    // Whatever the watcher made of that, a rescan (here through save_session_paths, the same
    // list as before) must leave the exact list at once.
    const saved = await callApi(server, 'get_session_paths');
    const again = await callApi(server, 'save_session_paths', { paths: saved.envelope.data });
    assert.equal(again.envelope.success, true, again.envelope.error ?? '');
    const list = await listSessions(server);
    assert.equal(exactly(expected)(list), undefined);
    assert.equal(list.find((s) => s.path === appendTo.path)!.last_message, 'changed while away');
  });

  test('a full disk under the state: the write fails with a clear error, serving goes on, and it recovers', async (t) => {
    t.diagnostic(mounted ? 'state dir on a 4 MB tmpfs, filled to the brim' : 'no tmpfs here: a preloaded shim makes state writes fail with ENOSPC');
    const logFrom = server.stderr().length;
    let refusedReply: unknown;
    const filler = mounted ? fillDisk(stateDir) : (fs.writeFileSync(flagFile, ''), flagFile);
    try {
      const refused = await callApi(server, 'create_tag', { name: 'written on a full disk' });
      refusedReply = refused.envelope;
      assert.equal(refused.envelope.success, false);
      assert.equal(refused.envelope.code, 'unavailable');
      assert.match(refused.envelope.error ?? '', /ENOSPC|no space/i);
      assert.match(refused.envelope.error ?? '', /nothing was changed/);
      assert.equal(fs.existsSync(path.join(stateDir, 'state.db.lock')), false, 'no lock is left behind');
      await waitForLog(server, /\[error\] .*(ENOSPC|no space)/i, logFrom);
      // Reads keep working while the disk is full.
      assert.equal(exactly(expected)(await listSessions(server)), undefined);
      assert.equal((await callApi(server, 'ping')).envelope.success, true);
    } finally {
      fs.rmSync(filler, { force: true });
    }
    const t0 = Date.now();
    const accepted = await callApi<{ id: number }>(server, 'create_tag', { name: 'written after space returned' });
    t.diagnostic(`refused reply: ${JSON.stringify(refusedReply)}; recovery write took ${Date.now() - t0} ms: ${JSON.stringify(accepted.envelope)}`);
    assert.equal(accepted.envelope.success, true, accepted.envelope.error ?? '');
    const tags = await callApi<{ name: string }[]>(server, 'list_tags');
    assert.ok(tags.envelope.data.some((tag) => tag.name === 'written after space returned'));
    assert.equal(tags.envelope.data.some((tag) => tag.name === 'written on a full disk'), false, 'a refused write never lands later');
    t.diagnostic(`tags after recovery: ${tags.envelope.data.map((tag) => tag.name).join(', ')}`);
    assert.ok(server.alive());
  });

  test('after all of it the server is up, the list is exact, and the only errors logged are the full disk', async () => {
    assert.ok(server.alive());
    assert.equal(exactly(expected)(await listSessions(server)), undefined);
    const errors = server
      .stderr()
      .split('\n')
      .filter((l) => /\[error\]/.test(l) && !/ENOSPC|no space/i.test(l));
    assert.deepEqual(errors, []);
  });
});
