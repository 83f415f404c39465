import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startCliServer, tempDir, type ServerHandle } from '../../support/cliServer';
import { callApi } from '../../support/httpClient';
import { TestWsClient } from '../../support/wsClient';
import { writeSession, allQuirks } from '../../support/sessionGenerator';
import type { SessionInfo } from '../../../src/shared/model/sessionInfo';

const fixtures = path.resolve(__dirname, '../../../../shared/fixtures/pi');
const haveFixtures = fs.existsSync(fixtures);

/** pi's own listing code, loaded from the real CLI package, reads names the way pi does. */
async function piListedName(file: string): Promise<string | undefined> {
  const { SessionManager } = (await import('@mariozechner/pi-coding-agent')) as {
    SessionManager: { list(cwd: string, dir: string): Promise<{ path: string; name?: string }[]> };
  };
  const listed = await SessionManager.list('/nowhere', path.dirname(file));
  return listed.find((s) => fs.realpathSync(s.path) === fs.realpathSync(file))?.name;
}

describe('working with sessions over the API', () => {
  let home: string;
  let store: string;
  let server: ServerHandle;
  let target: { host: string; port: number };

  before(async () => {
    home = tempDir('psm-ops-home-');
    store = fs.realpathSync(tempDir('psm-ops-store-'));
    server = await startCliServer({ home, sessionDirs: [store] });
    target = { host: server.host, port: server.port };
  });
  after(async () => {
    await server.stop();
  });

  /** Waits (bounded) for the watcher to pick up a file a test just wrote. */
  async function session(file: string): Promise<SessionInfo> {
    for (let attempt = 0; attempt < 100; attempt++) {
      const list = (await callApi<SessionInfo[]>(target, 'scan_sessions')).envelope.data;
      const found = list.find((s) => s.path === file);
      if (found) return found;
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.fail(`${file} is not listed`);
  }

  for (const name of ['before-compaction.jsonl', 'synthetic-v3-all-entry-types.jsonl']) {
    test(`rename appends one session_info line that pi reads back (${name})`, { skip: !haveFixtures && 'shared fixtures absent' }, async () => {
      const dir = path.join(store, '--fixture-copies--');
      fs.mkdirSync(dir, { recursive: true });
      const file = path.join(dir, name);
      fs.copyFileSync(path.join(fixtures, name), file);
      await callApi(target, 'save_session_paths', { paths: [] });
      const original = fs.readFileSync(file);
      const ws = await TestWsClient.connect(`ws://127.0.0.1:${server.port}/ws`);
      const res = await callApi<{ entry_id: string; session: SessionInfo }>(target, 'rename_session', { path: file, newName: '  Renamed by the manager 🚀  ' });
      assert.equal(res.envelope.success, true, res.envelope.error ?? '');
      const after = fs.readFileSync(file);
      assert.ok(after.subarray(0, original.length).equals(original), 'existing bytes are untouched');
      const added = after.subarray(original.length).toString('utf8');
      const lines = added.split('\n').filter(Boolean);
      assert.equal(lines.length, 1);
      const entry = JSON.parse(lines[0]!) as { type: string; id: string; parentId: string | null; timestamp: string; name: string };
      assert.equal(entry.type, 'session_info');
      assert.match(entry.id, /^[0-9a-f]{8}$/);
      assert.equal(entry.name, 'Renamed by the manager 🚀');
      assert.ok(!Number.isNaN(Date.parse(entry.timestamp)));
      assert.equal(await piListedName(file), 'Renamed by the manager 🚀');
      assert.equal((await session(file)).name, 'Renamed by the manager 🚀');
      const diff = await ws.waitForEvent((e) => e.event === 'sessions-diff' && JSON.stringify(e.payload).includes('Renamed by the manager'));
      assert.ok(diff);
      await ws.close();
    });
  }

  test('rename ensures a newline first, refuses empty names and paths outside', async () => {
    const exp = writeSession(store, { version: 3, seed: 11, cwd: '/home/dev/rename', turns: 2 });
    fs.appendFileSync(exp.path, '{"type":"custom","id":"abcd1234","parentId":null,"timestamp":"2026-01-01T00:00:00.000Z","customType":"x"}');
    const res = await callApi(target, 'rename_session', { path: exp.path, name: 'After a line without newline' });
    assert.equal(res.envelope.success, true, res.envelope.error ?? '');
    const text = fs.readFileSync(exp.path, 'utf8');
    assert.match(text, /"customType":"x"}\n\{"type":"session_info"/);
    assert.ok(text.endsWith('\n'));
    for (const name of ['', '   ']) {
      const empty = await callApi(target, 'rename_session', { path: exp.path, name });
      assert.equal(empty.envelope.code, 'invalid_payload');
      assert.match(empty.envelope.error!, /^name/);
    }
    const outside = await callApi(target, 'rename_session', { path: '/etc/passwd', name: 'x' });
    assert.equal(outside.envelope.success, false);
  });

  test('delete moves the file to the XDG trash with its .trashinfo, cleans records, publishes removed', async () => {
    const exp = writeSession(store, { version: 3, seed: 12, cwd: '/home/dev/delete-me', turns: 1 });
    await session(exp.path);
    const fav = await callApi<{ favorite: boolean }>(target, 'toggle_favorite', { path: exp.path });
    assert.equal(fav.envelope.data.favorite, true);
    const tag = await callApi<{ id: number }>(target, 'create_tag', { name: 'to-delete', color: '#ff0000' });
    await callApi(target, 'assign_tag', { session_path: exp.path, tag_id: tag.envelope.data.id });
    const ws = await TestWsClient.connect(`ws://127.0.0.1:${server.port}/ws`);
    const res = await callApi<{ trashed: boolean }>(target, 'delete_session', { path: exp.path });
    assert.equal(res.envelope.success, true, res.envelope.error ?? '');
    assert.equal(fs.existsSync(exp.path), false);
    await ws.waitForEvent((e) => e.event === 'sessions-diff' && (e.payload as { removed: string[] }).removed.includes(exp.path));
    assert.equal(res.envelope.data.trashed, true, 'a trash is available under the test HOME');
    // The trash names its copy freely; the .trashinfo records where the file came from.
    const trash = path.join(home, '.local/share/Trash');
    const infos = fs.readdirSync(path.join(trash, 'info')).map((n) => ({ n, text: fs.readFileSync(path.join(trash, 'info', n), 'utf8') }));
    const info = infos.find((i) => decodeURIComponent(/^Path=(.*)$/m.exec(i.text)?.[1] ?? '') === exp.path);
    assert.ok(info, 'a .trashinfo names the deleted file');
    assert.match(info.text, /^\[Trash Info\]$/m);
    assert.match(info.text, /^DeletionDate=\d{4}-\d\d-\d\dT/m);
    const kept = path.join(trash, 'files', info.n.replace(/\.trashinfo$/, ''));
    assert.equal(fs.readFileSync(kept, 'utf8').length > 0, true, 'the file itself sits in Trash/files');
    const favorites = (await callApi<string[]>(target, 'list_favorites')).envelope.data;
    assert.equal(favorites.includes(exp.path), false);
    const tags = (await callApi<{ id: number; session_count: number }[]>(target, 'list_tags')).envelope.data;
    assert.equal(tags.find((t) => t.id === tag.envelope.data.id)?.session_count, 0);
    await ws.close();
  });

  test('exports keep every message in each format, and HTML is escaped under a CSP', async () => {
    const exp = writeSession(store, { version: 3, seed: 13, cwd: '/home/dev/export', turns: 4, quirks: allQuirks });
    const hostile = writeSession(store, { version: 3, seed: 14, cwd: '/home/dev/export', turns: 1 });
    const now = new Date();
    fs.appendFileSync(
      hostile.path,
      `${JSON.stringify({ type: 'message', id: 'e0e0e0e0', parentId: null, timestamp: now.toISOString(), message: { role: 'user', content: '<script>window.__pwned=1</script><img src=x onerror="window.__pwned=2">', timestamp: now.getTime() } })}\n`,
    );
    await session(hostile.path);
    const raw = fs.readFileSync(exp.path, 'utf8').split('\n').filter(Boolean).map((l) => {
      try {
        return JSON.parse(l) as { type: string; id?: string };
      } catch {
        return { type: 'garbage' };
      }
    });
    const messageIds = raw.filter((e) => e.type === 'message' && e.id).map((e) => e.id!);
    for (const format of ['html', 'markdown', 'json'] as const) {
      const res = await callApi<{ format: string; filename: string; mime_type: string; content: string }>(target, 'export_session', { path: exp.path, format });
      assert.equal(res.envelope.success, true, res.envelope.error ?? '');
      const { filename, mime_type, content } = res.envelope.data;
      assert.match(filename, format === 'html' ? /\.html$/ : format === 'markdown' ? /\.md$/ : /\.json$/);
      assert.ok(mime_type.length > 0);
      if (format === 'json') {
        const doc = JSON.parse(content) as { entries: { id: string }[] };
        for (const id of messageIds) assert.ok(doc.entries.some((e) => e.id === id), `json keeps ${id}`);
      }
      if (format === 'html') for (const id of messageIds) assert.ok(content.includes(id), `html keeps ${id}`);
    }
    const html = (await callApi<{ content: string }>(target, 'export_session', { path: hostile.path, format: 'html' })).envelope.data.content;
    assert.ok(/<meta http-equiv="Content-Security-Policy" content="default-src (&#39;|')none/.test(html), 'the page carries a restrictive CSP');
    assert.equal(html.includes('<script>window.__pwned'), false);
    assert.equal(/<img[^>]*onerror/i.test(html), false);
    assert.ok(html.includes('&lt;script&gt;'));
    const toPath = await callApi(target, 'export_session', { path: exp.path, format: 'json', target_path: path.join(home, 'out.json') });
    assert.equal(toPath.envelope.code, 'forbidden', 'only the editor may write exports to a path');
  });

  test('tags, favorites and config versions survive a restart', async () => {
    const exp = writeSession(store, { version: 3, seed: 15, cwd: '/home/dev/keep', turns: 1 });
    await session(exp.path);
    const tag = (await callApi<{ id: number }>(target, 'create_tag', { name: 'keeper' })).envelope.data;
    await callApi(target, 'assign_tag', { sessionPath: exp.path, tagId: tag.id });
    await callApi(target, 'toggle_favorite', { path: exp.path });
    const saved = await callApi(target, 'save_config_bundle', { ui: { group_by: 'date' } });
    assert.equal(saved.envelope.success, true, saved.envelope.error ?? '');
    await server.stop('SIGKILL');
    server = await startCliServer({ home, stateDir: server.stateDir, agentDir: server.agentDir, sessionDirs: [store] });
    target = { host: server.host, port: server.port };
    const info = await session(exp.path);
    assert.deepEqual(info.tag_ids, [tag.id]);
    assert.equal(info.favorite, true);
    const versions = (await callApi<{ id: number }[]>(target, 'list_config_versions')).envelope.data;
    assert.ok(versions.length >= 1);
    const bundle = (await callApi<{ ui: { group_by: string } }>(target, 'get_config_bundle')).envelope.data;
    assert.equal(bundle.ui.group_by, 'date');
  });
});
