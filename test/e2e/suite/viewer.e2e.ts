// The session viewer in a real webview: rendering, find, live follow, scroll-to-entry, one
// panel per session, and time to first paint on large real sessions.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { CommandId, WebviewType } from '../../../src/ui/ids';
import { test } from './harness';
import { browser } from './driver';
import { waitUntil } from './wait';
import { fixtureNamed } from './sessionTreeDom';
import { extensionApi, extensionPath } from './extensionApi';
import { describe, viewerStatus, waitForViewerPaint, webviewFrame as frame } from './webviewDom';

function viewerTabs(): vscode.Tab[] {
  return vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter((t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.endsWith(WebviewType.viewer));
}

async function openViewer(args: { path: string; entryId?: string }): Promise<void> {
  await vscode.commands.executeCommand(CommandId.openSession, args);
}

async function closeEditors(): Promise<void> {
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
}

async function findCount(): Promise<{ text: string; matches: number }> {
  const [bar] = await describe(`${frame}.psm-find-bar`, ['data-matches']);
  // The count alone: the bar's text also holds the toolkit field's (visually hidden) label.
  const [count] = await describe(`${frame}.psm-find-count`, []);
  return { text: count?.text.trim() ?? '', matches: Number(bar?.attributes['data-matches'] ?? 0) };
}

function appendLines(file: string, entries: object[]): void {
  fs.appendFileSync(file, entries.map((e) => JSON.stringify(e)).join('\n') + '\n');
}

function lastEntryId(file: string): string {
  const lines = fs.readFileSync(file, 'utf8').trim().split('\n');
  return (JSON.parse(lines[lines.length - 1]!) as { id: string }).id;
}

test('viewer renders thinking, tool calls with results, an edit diff and bash output', async () => {
  await extensionApi();
  await closeEditors();
  const session = fixtureNamed('Viewer showcase');
  await openViewer({ path: session.file });
  await waitForViewerPaint(session.file);
  assert.ok((await browser.count(`${frame}.psm-session-header`)) === 1, 'header with statistics');
  assert.ok((await browser.count(`${frame}.psm-thinking`)) >= 1, 'a thinking block');
  assert.equal(await browser.count(`${frame}.psm-tool`), 3, 'three tool calls');
  assert.ok((await browser.count(`${frame}.psm-tool .psm-tool-result`)) === 3, 'each tool call holds its result');
  assert.ok((await browser.count(`${frame}.psm-diff .psm-diff-add`)) >= 1, 'the edit as a diff');
  assert.ok((await browser.count(`${frame}.psm-code .hljs-keyword`)) >= 1, 'highlighted code');
  assert.ok((await browser.count(`${frame}.psm-usage`)) >= 1, 'per-message tokens');
  assert.ok((await browser.count(`${frame}.psm-marker-model_change`)) === 1, 'the model change marker');

  for (const selector of ['.psm-thinking > summary', '.psm-tool[data-tool-name="edit"] > summary', '.psm-tool[data-tool-name="bash"] > summary']) {
    await browser.click(`${frame}${selector}`);
  }
  await browser.waitFor(`${frame}.psm-tool[data-tool-name="bash"] .psm-output`);
  await browser.screenshot('viewer', { readme: 'viewer' });

  const [csp] = await describe(`${frame}#csp-violations`, ['data-count', 'data-last']);
  assert.equal(csp?.attributes['data-count'], '0', `no CSP violations (last: ${csp?.attributes['data-last'] ?? ''})`);

  // Opening the same session again reveals its panel instead of adding one.
  await openViewer({ path: session.file });
  assert.equal(viewerTabs().length, 1, 'one panel per session');
});

test('viewer file links open the file in the editor', async () => {
  // The summary names the path as text; the link (a link only where files can be opened) is in the fold.
  await browser.click(`${frame}.psm-tool[data-tool-name="read"] > summary`);
  await browser.click(`${frame}.psm-tool[data-tool-name="read"] .psm-tool-path .file-link[role="link"]`);
  await waitUntil('README.md in an editor', () => vscode.window.visibleTextEditors.some((e) => path.basename(e.document.uri.fsPath) === 'README.md'), 10_000);
});

test('viewer find highlights matches without breaking the markup and steps through them', async () => {
  await closeEditors();
  const session = fixtureNamed('Viewer showcase');
  await openViewer({ path: session.file });
  await waitForViewerPaint(session.file);
  const keywordsBefore = await browser.count(`${frame}.psm-code .hljs-keyword`);
  await browser.click(`${frame}.psm-session-title`);
  await browser.press('Control+f');
  await browser.waitFor(`${frame}.psm-find-input`);
  await browser.type('formatIsoDate');
  let found = { text: '', matches: 0 };
  await waitUntil('find matches', async () => (found = await findCount()).matches >= 3, 10_000);
  assert.match(found.text, new RegExp(`^1 of ${found.matches}`));
  assert.equal(await browser.count(`${frame}mark.psm-find-match`), found.matches);
  assert.equal(await browser.count(`${frame}mark.psm-find-current`), 1);
  // Matches inside highlighted code are marked within the code's own spans.
  assert.equal(await browser.count(`${frame}.psm-code .hljs-keyword`), keywordsBefore, 'highlighting intact');
  await browser.press('Enter');
  await waitUntil('the second match', async () => (await findCount()).text.startsWith('2 of'), 5_000);
  await browser.press('Shift+Enter');
  await waitUntil('back to the first match', async () => (await findCount()).text.startsWith('1 of'), 5_000);
  await browser.screenshot('viewer-find');
  await browser.press('Escape');
  await waitUntil('highlights removed', async () => (await browser.count(`${frame}mark.psm-find-match`)) === 0, 5_000);
  assert.equal(await browser.count(`${frame}.psm-code .hljs-keyword`), keywordsBefore, 'highlighting intact after closing');
});

test('viewer follows a session as it grows', async () => {
  const session = fixtureNamed('Viewer showcase');
  await waitForViewerPaint(session.file);
  const parentId = lastEntryId(session.file);
  const now = new Date().toISOString();
  appendLines(session.file, [
    { type: 'message', id: 'live0001', parentId, timestamp: now, message: { role: 'user', content: [{ type: 'text', text: 'Also update the changelog' }], timestamp: Date.now() } },
    {
      type: 'message',
      id: 'live0002',
      parentId: 'live0001',
      timestamp: now,
      message: { role: 'assistant', content: [{ type: 'text', text: 'The changelog lists the renamed helper now.' }], provider: 'anthropic', model: 'claude-sonnet-4-5', usage: { input: 10, output: 10, cacheRead: 0, cacheWrite: 0 }, stopReason: 'stop' },
    },
  ]);
  await browser.waitFor(`${frame}[data-entry-id="live0002"]`, 20_000);
  assert.equal(await browser.count(`${frame}[data-entry-id="live0001"]`), 1, 'each appended entry once');
  await browser.screenshot('viewer-live');
});

test('viewer pauses auto-scroll while the reader is up the page, and opens at a chosen entry', async () => {
  await closeEditors();
  const { agentDir, file } = writeLongSession('long-live');
  await waitUntil('the long session to be indexed', async () => {
    const r = await (await extensionApi()).dispatch('scan_sessions', {});
    return r.success && (r.data as Array<{ path: string }>).some((s) => s.path === file);
  }, 20_000);
  assert.ok(agentDir);
  // Opened at the top of a long session: the reader is not at the end.
  await openViewer({ path: file });
  await waitForViewerPaint(file);
  const parentId = lastEntryId(file);
  appendLines(file, [
    { type: 'message', id: 'late0001', parentId, timestamp: new Date().toISOString(), message: { role: 'user', content: [{ type: 'text', text: 'A late question' }], timestamp: Date.now() } },
  ]);
  await waitUntil('the appended entry', async () => (await browser.count(`${frame}[data-entry-id="late0001"]`)) === 1, 20_000);
  await browser.waitFor(`${frame}.psm-viewer-latest`, 5_000);

  // A search hit on an open panel: scrolled to and flashed.
  const target = 'turn0045a';
  await openViewer({ path: file, entryId: target });
  await waitUntil('the entry to be revealed', async () => (await viewerStatus())['data-revealed-entry'] === target, 10_000);
  assert.equal(await browser.count(`${frame}[data-entry-id="${target}"].psm-flash`), 1, 'the entry flashes');
  await browser.screenshot('viewer-scroll-to-entry');

  // The same from a closed panel: the page starts at the entry.
  await closeEditors();
  const other = 'turn0030b';
  await openViewer({ path: file, entryId: other });
  await waitForViewerPaint(file);
  await waitUntil('the entry to be revealed on open', async () => (await viewerStatus())['data-revealed-entry'] === other, 10_000);
  await browser.waitFor(`${frame}[data-entry-id="${other}"].psm-flash`, 5_000);

  // Deleting the file keeps what is shown and says so.
  fs.unlinkSync(file);
  await waitUntil('the deleted banner', async () => (await viewerStatus())['data-deleted'] === 'true', 20_000);
  await browser.waitFor(`${frame}.psm-viewer-banner:has-text("deleted")`, 5_000);
  assert.equal(await browser.count(`${frame}[data-entry-id="${other}"]`), 1, 'the conversation stays');
});

/** A v3 session of 60 turns written into the store at test time. */
function writeLongSession(name: string): { agentDir: string; file: string } {
  const agentDir = process.env.PI_CODING_AGENT_DIR;
  assert.ok(agentDir, 'PI_CODING_AGENT_DIR is set by the runner');
  const dir = path.join(agentDir, 'sessions', '--home-dev-long--');
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `2026-03-07T10-00-00-000Z_${name}.jsonl`);
  const t0 = Date.parse('2026-03-07T10:00:00.000Z');
  const lines: object[] = [{ type: 'session', version: 3, id: `${name}-0000-0000-0000-000000000000`, timestamp: new Date(t0).toISOString(), cwd: '/home/dev/long' }];
  let parentId: string | null = null;
  for (let i = 1; i <= 60; i++) {
    const n = String(i).padStart(4, '0');
    const at = new Date(t0 + i * 60_000).toISOString();
    lines.push({ type: 'message', id: `turn${n}a`, parentId, timestamp: at, message: { role: 'user', content: [{ type: 'text', text: `Question number ${i}: explain step ${i} of the build.` }] } });
    lines.push({
      type: 'message',
      id: `turn${n}b`,
      parentId: `turn${n}a`,
      timestamp: at,
      message: { role: 'assistant', content: [{ type: 'text', text: `Step ${i} compiles the sources.\n\n- it reads the config\n- it writes dist/step-${i}.js\n- it reports the time` }], provider: 'anthropic', model: 'claude-sonnet-4-5', usage: { input: 100, output: 50, cacheRead: 0, cacheWrite: 0 }, stopReason: 'stop' },
    });
    parentId = `turn${n}b`;
  }
  fs.writeFileSync(file, lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
  return { agentDir, file };
}

interface EntriesReply {
  entries: Array<{ id: string; type: string }>;
}

for (const fixture of ['large-session.jsonl', 'before-compaction.jsonl']) {
  test(`viewer paints ${fixture} quickly and renders every message`, async () => {
    const source = path.resolve(extensionPath(), '../shared/fixtures/pi', fixture);
    if (!fs.existsSync(source)) {
      console.log(`       ${source} is absent; nothing to measure`);
      return;
    }
    const agentDir = process.env.PI_CODING_AGENT_DIR;
    assert.ok(agentDir);
    const dir = path.join(agentDir, 'sessions', '--home-dev-real-fixtures--');
    fs.mkdirSync(dir, { recursive: true });
    const file = path.join(dir, fixture);
    fs.copyFileSync(source, file);
    const reply = await (await extensionApi()).dispatch('get_session_entries', { path: file });
    assert.equal(reply.success, true, reply.error ?? '');
    const messageIds = (reply.data as EntriesReply).entries.filter((e) => e.type === 'message').map((e) => e.id);
    assert.ok(messageIds.length > 500, `a large session (${messageIds.length} messages)`);

    await closeEditors();
    const started = Date.now();
    await openViewer({ path: file });
    const painted = await waitForViewerPaint(file, { timeoutMs: 60_000 });
    const hostMs = Date.now() - started;
    console.log(
      `       ${fixture}: first paint ${painted['data-first-paint-ms']} ms after the page asked for the entries, ` +
        `${painted['data-first-paint-at']} ms after the page started loading, ~${hostMs} ms from the command (host side, incl. polling); ` +
        `${painted['data-first-screen-entries']} of ${painted['data-total-entries']} entries in the first screen`,
    );
    await browser.screenshot(`viewer-${path.basename(fixture, '.jsonl')}`);

    let last: Record<string, string | null> = {};
    await waitUntil(`every entry rendered (${JSON.stringify(last)})`, async () => (last = await viewerStatus())['data-render-complete'] === 'true', 90_000);
    console.log(`       ${fixture}: all ${last['data-total-entries']} entries rendered ${Date.now() - started} ms after the command`);

    // Batches of ids in one selector list; a batch that comes up short is searched one by one.
    const missing: string[] = [];
    for (let i = 0; i < messageIds.length; i += 100) {
      const batch = messageIds.slice(i, i + 100);
      const count = await browser.count(`${frame}${batch.map((id) => `[data-entry-id=${JSON.stringify(id)}]`).join(', ')}`);
      if (count >= batch.length) continue;
      for (const id of batch) if ((await browser.count(`${frame}[data-entry-id=${JSON.stringify(id)}]`)) === 0) missing.push(id);
    }
    assert.deepEqual(missing, [], `message entries missing from the DOM: ${missing.slice(0, 10).join(', ')}`);
  }, { timeoutMs: 150_000 });
}
