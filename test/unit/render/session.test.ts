import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  buildTree,
  createRenderContext,
  renderEntry,
  renderSession,
  renderSessionParts,
  renderTreeNav,
  sessionCss,
  summarizeSession,
  treeOrder,
} from '../../../src/shared/render';
import type { SessionEntry } from '../../../src/shared/model/entries';
import { assertInert, hostileSession, SCRIPT } from './hostile';
import { fixtureSessionFiles, makeSession, pi16Session, readV3Session, sharedFixture } from './sessionFixtures';

const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';

function renderOne(entries: Array<Partial<SessionEntry> & { type: string }>, index = entries.length - 1): string {
  const parsed = makeSession(entries);
  const ctx = createRenderContext(parsed.entries, parsed.labels);
  return parsed.entries.map((e) => renderEntry(e, ctx))[index]!;
}

describe('hostile transcripts', () => {
  it('render inert in every field, in branch and tree mode', () => {
    const parsed = hostileSession();
    for (const mode of ['branch', 'tree'] as const) {
      const html = renderSession(parsed, { mode, treeNav: true });
      assertInert(html);
      assert.ok(!html.includes('<script'));
      assert.ok(!html.includes('<svg'));
      assert.ok(!/<img(?![^>]*src="data:image\/png;base64,)/.test(html));
      assert.ok(html.includes('&lt;script&gt;alert(1)&lt;/script&gt;'));
    }
  });

  it('does not show images of non-raster types or with data that is not base64', () => {
    const html = renderSession(hostileSession());
    assert.equal((html.match(/<img /g) ?? []).length, 0);
    assert.equal((html.match(/class="psm-image-blocked"/g) ?? []).length, 3);
  });

  it('escapes the session header fields (name, cwd, ids)', () => {
    const parsed = hostileSession();
    const header = renderSessionParts(parsed).header;
    assert.ok(header.includes(`<code class="psm-cwd">${SCRIPT.replace(/</g, '&lt;').replace(/>/g, '&gt;')}`));
    assertInert(header);
  });
});

describe('renderEntry', () => {
  it('renders user text as Markdown and images as data: URLs', () => {
    const html = renderOne([
      { type: 'message', id: 'u1', message: { role: 'user', content: [{ type: 'text', text: 'see **this**' }, { type: 'image', data: PNG, mimeType: 'image/png' }] } },
    ]);
    assert.match(html, /^<article class="psm-entry psm-entry-message psm-message psm-role-user" id="entry-u1" data-entry-id="u1"/);
    assert.match(html, /<strong>this<\/strong>/);
    assert.match(html, new RegExp(`<img src="data:image/png;base64,${PNG.replace(/[+/]/g, '\\$&')}" alt="image \\(image/png, 0\\.1 KB\\)"`));
  });

  it('folds thinking and tool calls, with the matching result inside the call', () => {
    const parsed = makeSession([
      {
        type: 'message',
        id: 'a1',
        message: {
          role: 'assistant',
          content: [
            { type: 'thinking', thinking: 'hmm *deep*' },
            { type: 'thinking', thinking: '', redacted: true },
            { type: 'toolCall', id: 'c1', name: 'bash', arguments: { command: 'ls -la\necho done' } },
            { type: 'toolCall', id: 'c2', name: 'read', arguments: { path: 'src/a.ts', offset: 10, limit: 5 } },
            { type: 'toolCall', id: 'c3', name: 'custom_tool', arguments: { query: 'x', n: 2 } },
          ],
          provider: 'anthropic',
          model: 'claude',
          usage: { input: 1200, output: 80, cacheRead: 3000, cacheWrite: 10, totalTokens: 4290, cost: { input: 0, output: 0, cacheRead: 0, cacheWrite: 0, total: 0.0036 } },
        },
      },
      { type: 'message', id: 'r1', message: { role: 'toolResult', toolCallId: 'c1', toolName: 'bash', content: [{ type: 'text', text: 'file1\nfile2' }], isError: false } },
      { type: 'message', id: 'r2', message: { role: 'toolResult', toolCallId: 'c2', toolName: 'read', content: [{ type: 'text', text: 'boom' }], isError: true } },
    ]);
    const html = renderSession(parsed, { header: false });
    assert.match(html, /<details class="psm-thinking"><summary>Thinking<\/summary><div class="psm-thinking-body psm-markdown"><p>hmm <em>deep<\/em><\/p>/);
    assert.match(html, /<details class="psm-thinking psm-thinking-redacted"><summary>Thinking \(redacted\)<\/summary><\/details>/);
    assert.match(html, /<details class="psm-tool psm-tool-ok" data-tool-call-id="c1" data-tool-name="bash"><summary><span class="psm-tool-name">bash<\/span> <code class="psm-tool-brief-command">\$ ls -la<\/code><\/summary>/);
    assert.match(html, /<pre class="psm-code psm-bash-command"><code class="hljs language-bash">/);
    assert.match(html, /<div class="psm-tool-result" id="entry-r1" data-entry-id="r1"><div class="psm-tool-result-head">Result<\/div><pre class="psm-output" tabindex="0" role="region" aria-label="Output of bash">file1\nfile2<\/pre>/);
    assert.match(html, /<details class="psm-tool psm-tool-error" data-tool-call-id="c2" data-tool-name="read">/);
    assert.match(html, /<div class="psm-tool-result psm-tool-error" id="entry-r2" data-entry-id="r2"><div class="psm-tool-result-head">Error<\/div>/);
    // The path in the one-line summary is text (a summary is a control itself); the link is in the fold.
    assert.match(html, /<summary><span class="psm-tool-name">read<\/span> <span class="psm-path" title="src\/a\.ts">src\/a\.ts<\/span>/);
    assert.match(html, /<div class="psm-tool-path"><a class="file-link" data-path="src\/a\.ts" data-line="10" title="src\/a\.ts">src\/a\.ts<\/a> <span class="psm-tool-note">lines 10–14<\/span>/);
    assert.doesNotMatch(html, /<summary>(?:(?!<\/summary>).)*<a /s, 'no link inside a summary');
    assert.match(html, /data-tool-call-id="c3" data-tool-name="custom_tool">.*psm-badge-pending.*<pre class="psm-code psm-json psm-tool-args-json"><code class="hljs language-json">/s);
    // Each result appears once: inside its call, not again as its own entry.
    assert.equal((html.match(/data-entry-id="r1"/g) ?? []).length, 1);
    assert.equal((html.match(/data-entry-id="r2"/g) ?? []).length, 1);
    // Tokens ↑↓ R W, and cost as pi's statistics count it: `cost.total`, even when the parts are zero.
    assert.match(html, /<span class="psm-usage" data-tokens-total="4290" title="4\.3k tokens">↑1\.2k ↓80 R 3\.0k W 10<\/span>/);
    assert.match(html, /<span class="psm-cost" data-cost="0\.0036">\$0\.0036<\/span>/);
    assert.ok(!/href=/.test(html.replace(/href="#entry-[^"]*"/g, '')), 'file links have no href');
  });

  it('renders the edit diff with coloured line classes and links the file at the changed line', () => {
    const parsed = makeSession([
      { type: 'message', id: 'a1', message: { role: 'assistant', content: [{ type: 'toolCall', id: 'e1', name: 'edit', arguments: { path: 'src/a.ts', oldText: 'a', newText: 'b' } }] } },
      { type: 'message', id: 'r1', message: { role: 'toolResult', toolCallId: 'e1', toolName: 'edit', content: [{ type: 'text', text: 'ok' }], details: { diff: ' 2 keep\n-3 old <b>\n+3 new', firstChangedLine: 3 } } },
    ]);
    const html = renderSession(parsed, { header: false });
    assert.match(html, /<a class="file-link" data-path="src\/a\.ts" data-line="3"/);
    assert.match(html, /<pre class="psm-diff"><span class="psm-diff-line psm-diff-ctx"> 2 keep\n<\/span><span class="psm-diff-line psm-diff-del">-3 old &lt;b&gt;\n<\/span><span class="psm-diff-line psm-diff-add">\+3 new\n<\/span><\/pre>/);
    // The arguments' old/new text is only the fallback when the result has no diff.
    assert.equal((html.match(/class="psm-diff"/g) ?? []).length, 1);
    const noDiff = renderOne([{ type: 'message', id: 'a2', message: { role: 'assistant', content: [{ type: 'toolCall', id: 'e2', name: 'edit', arguments: { path: 'x', oldText: 'one', newText: 'two' } }] } }]);
    assert.match(noDiff, /psm-diff-del">-one\n<\/span><span class="psm-diff-line psm-diff-add">\+two/);
  });

  it('shows error and aborted stop reasons', () => {
    const error = renderOne([{ type: 'message', id: 'a1', message: { role: 'assistant', content: [], stopReason: 'error', errorMessage: 'rate <limited>' } }]);
    assert.match(error, /class="psm-entry psm-entry-message psm-message psm-role-assistant psm-stopped-error"/);
    assert.match(error, /<div class="psm-stop psm-stop-error" role="note">Error: rate &lt;limited&gt;<\/div>/);
    const aborted = renderOne([{ type: 'message', id: 'a2', message: { role: 'assistant', content: [{ type: 'text', text: 'par' }], stopReason: 'aborted' } }]);
    assert.match(aborted, /<div class="psm-stop psm-stop-aborted" role="note">Aborted<\/div>/);
  });

  it('renders bash executions, custom messages (hidden ones folded) and every marker', () => {
    const parsed = makeSession([
      { type: 'model_change', id: 'm1', provider: 'openai', modelId: 'gpt-5' },
      { type: 'thinking_level_change', id: 'm2', thinkingLevel: 'high' },
      { type: 'message', id: 'b1', message: { role: 'bashExecution', command: 'npm test', output: '2 passing', exitCode: 0, cancelled: false, truncated: true, excludeFromContext: true } },
      { type: 'custom_message', id: 'c1', customType: 'reminder', content: 'shown', display: true },
      { type: 'custom_message', id: 'c2', customType: 'secret-state', content: 'not shown', display: false },
      { type: 'compaction', id: 'k1', summary: '## Goal\nthings', firstKeptEntryId: 'b1', tokensBefore: 43210, details: { readFiles: ['a.ts'], modifiedFiles: ['b.ts'] } },
      { type: 'branch_summary', id: 's1', fromId: 'k1', summary: 'tried X' },
      { type: 'label', id: 'l1', targetId: 'b1', label: 'checkpoint' },
      { type: 'session_info', id: 'i1', name: 'My session' },
      { type: 'custom', id: 'x1', customType: 'todo', data: { a: 1 } },
      { type: 'future_thing', id: 'f1', payload: 1 },
    ]);
    const html = renderSession(parsed, { header: false });
    assert.match(html, /data-entry-id="m1" data-entry-type="model_change"><span class="psm-marker-text">Model → <span class="psm-model">openai\/gpt-5<\/span>/);
    assert.match(html, /Thinking level → <span class="psm-thinking-level">high<\/span>/);
    assert.match(html, /data-entry-id="b1"[^>]*data-role="bashExecution"><div class="psm-entry-head"><span class="psm-role">Shell<\/span> <span class="psm-label" data-label="checkpoint">🏷 checkpoint<\/span>/);
    assert.match(html, /<pre class="psm-bash-command">\$ npm test<\/pre><pre class="psm-output" tabindex="0" role="region" aria-label="Shell output">2 passing<\/pre><div class="psm-tool-note">exit 0 · output truncated · not sent to the model<\/div>/);
    assert.match(html, /<article class="psm-entry psm-entry-custom_message psm-custom" id="entry-c1"/);
    assert.match(html, /<div class="psm-entry psm-entry-custom_message psm-custom psm-hidden-message" id="entry-c2" data-entry-id="c2" data-entry-type="custom_message"><details><summary>secret-state/);
    assert.match(html, /psm-marker-compaction" id="entry-k1"[^>]*><details><summary>Compaction · 43k tokens before/);
    assert.match(html, /<h2>Goal<\/h2>/);
    assert.match(html, /<span class="psm-tool-note">Modified:<\/span> <a class="file-link" data-path="b\.ts"/);
    assert.match(html, /psm-marker-branch_summary[^>]*><details><summary>Branch summary from/);
    assert.match(html, /Label <span class="psm-label">🏷 checkpoint<\/span> on <a class="psm-entry-ref" href="#entry-b1" data-target-id="b1">b1<\/a>/);
    assert.match(html, /Renamed to “<span class="psm-session-name">My session<\/span>”/);
    assert.match(html, /psm-marker-custom[^>]*><details><summary>Extension data <code>todo<\/code>/);
    assert.match(html, /psm-entry-future_thing psm-marker psm-marker-unknown" id="entry-f1" data-entry-id="f1" data-entry-type="future_thing"><details><summary>Unknown entry type “future_thing”/);
    for (const id of ['m1', 'm2', 'b1', 'c1', 'c2', 'k1', 's1', 'l1', 'i1', 'x1', 'f1']) assert.ok(html.includes(`data-entry-id="${id}"`), id);
  });

  it('keeps unknown roles and blocks visible', () => {
    const html = renderOne([{ type: 'message', id: 'q1', message: { role: 'robot', content: 'beep' } }]);
    assert.match(html, /Message with unknown role “robot”/);
    const block = renderOne([{ type: 'message', id: 'q2', message: { role: 'assistant', content: [{ type: 'hologram', x: 1 }] } }]);
    assert.match(block, /<details class="psm-unknown-block psm-block-hologram"><summary>Unsupported block “hologram”<\/summary>/);
  });

  it('folds /skill blocks and shows the user text after them', () => {
    const html = renderOne([{ type: 'message', id: 'k1', message: { role: 'user', content: '<skill name="review" location="/s/SKILL.md">\nDo a review.\n</skill>\n\nPlease review' } }]);
    assert.match(html, /<details class="psm-skill"><summary>Skill <code>review<\/code><\/summary><div class="psm-tool-note"><a class="file-link" data-path="\/s\/SKILL\.md"/);
    assert.match(html, /<p>Please review<\/p>/);
  });
});

describe('tree and branches', () => {
  const file = sharedFixture('pi', 'synthetic-v3-all-entry-types.jsonl');
  const parsed = readV3Session(file);

  it('finds both branches of the synthetic session and the current one', { skip: parsed ? false : 'shared fixtures absent' }, () => {
    const tree = buildTree(parsed!);
    assert.equal(tree.leafId, 'e0000016');
    assert.equal(tree.currentBranchIds.length, 17);
    assert.equal(tree.hasBranches, true);
    assert.deepEqual(tree.branches.map((b) => [b.leafId, b.isCurrent, b.forkFromId]), [['e000000b', false, 'e0000006'], ['e0000016', true, null]]);
    assert.equal(tree.branches[0]!.title, 'Now refactor a.ts to use async/await');
    assert.equal(treeOrder(tree).length, parsed!.entries.length);
    const nav = renderTreeNav(tree);
    assert.match(nav, /<li class="psm-branch psm-branch-current psm-branch-selected" data-leaf-id="e0000016"><a class="psm-branch-link" href="#entry-e0000016" data-leaf-id="e0000016">/);
    const branchHtml = renderSession(parsed!, { mode: 'branch' });
    assert.ok(!branchHtml.includes('data-entry-id="e0000008"'));
    const treeHtml = renderSession(parsed!, { mode: 'tree' });
    assert.match(treeHtml, /class="[^"]*psm-off-branch" id="entry-e0000008"/);
    const other = renderSession(parsed!, { mode: 'branch', leafId: 'e000000b' });
    assert.ok(other.includes('data-entry-id="e0000008"'));
    assert.ok(!other.includes('data-entry-id="e0000016"'));
  });

  it('summarises the synthetic session like pi counts it', { skip: parsed ? false : 'shared fixtures absent' }, () => {
    const summary = summarizeSession(parsed!);
    assert.equal(summary.name, 'Demo: list TS files');
    assert.deepEqual([summary.counts.user, summary.counts.assistant, summary.counts.toolResult, summary.counts.bashExecution], [4, 6, 2, 1]);
    assert.equal(summary.modified, '2026-03-10T09:01:55.000Z');
    assert.deepEqual(summary.models, ['anthropic/claude-sonnet-4-5', 'openai/gpt-5.1-codex']);
  });

  it('never loses entries: orphans, self-parents, cycles and duplicate ids', () => {
    const parsed = makeSession([
      { type: 'message', id: 'a', parentId: null, message: { role: 'user', content: 'root' } },
      { type: 'message', id: 'b', parentId: 'missing', message: { role: 'user', content: 'orphan' } },
      { type: 'message', id: 'c', parentId: 'c', message: { role: 'user', content: 'self' } },
      { type: 'message', id: 'd', parentId: 'e', message: { role: 'user', content: 'cycle 1' } },
      { type: 'message', id: 'e', parentId: 'd', message: { role: 'user', content: 'cycle 2' } },
      { type: 'message', id: 'a', parentId: 'a', message: { role: 'user', content: 'duplicate' } },
    ]);
    const tree = buildTree(parsed);
    assert.equal(treeOrder(tree).length, 6);
    const html = renderSession(parsed, { mode: 'tree' });
    for (const text of ['root', 'orphan', 'self', 'cycle 1', 'cycle 2', 'duplicate']) assert.ok(html.includes(`<p>${text}</p>`), text);
  });
});

describe('fixture sessions', () => {
  const files = fixtureSessionFiles();
  it('renders every message entry id of every v3 fixture', { skip: files.length ? false : 'shared fixtures absent' }, () => {
    let checked = 0;
    for (const file of files) {
      const parsed = readV3Session(file);
      if (!parsed) continue;
      const html = renderSession(parsed, { mode: 'tree' });
      for (const entry of parsed.entries) assert.ok(html.includes(`data-entry-id="${entry.id}"`), `${file}: ${entry.id}`);
      assert.ok(!html.includes('psm-marker-unknown'), `${file}: an entry rendered as unknown`);
      assertInert(html);
      checked++;
    }
    assert.ok(checked > 0);
  });
});

describe('sessionCss', () => {
  it('uses VS Code variables with fallbacks, a dark palette and token colours', () => {
    assert.match(sessionCss, /var\(--vscode-foreground, #[0-9a-f]{6}\)/);
    assert.match(sessionCss, /@media \(prefers-color-scheme: dark\)/);
    assert.match(sessionCss, /body\.vscode-dark \.psm-session/);
    assert.match(sessionCss, /\.psm-session \.hljs-keyword/);
    assert.match(sessionCss, /\.psm-off-branch \{ display: none !important; \}/);
    assert.ok(!/url\(|@import/.test(sessionCss), 'no remote resources in CSS');
  });
});


describe('pi 1.6 entries', () => {
  const parsed = pi16Session();
  const ctx = createRenderContext(parsed.entries, parsed.labels);
  const html = new Map(parsed.entries.map((e) => [e.id, renderEntry(e, ctx)]));

  it('shows the first system message as a folded prompt with its sections and tools, a later one as a change', () => {
    const full = html.get('p2')!;
    assert.match(full, /^<div class="[^"]*psm-system psm-system-full"[^>]*data-role="system"><details><summary>System prompt · 2 sections · 2 tools /);
    assert.match(full, /data-section="preamble"[\s\S]*You are a helper\./);
    assert.match(full, /data-tool-name="write"/);
    const patch = html.get('p8')!;
    assert.match(patch, /<summary>Prompt changed: tools −write · sections rules, −docs /);
    assert.match(patch, /section removed:<\/span> <code>docs<\/code>/);
  });

  it('shows a usage entry as a cost line and a compaction with its own cost', () => {
    assert.match(html.get('p5')!, /psm-marker-usage[\s\S]*>cache warm · \$0\.0900</);
    assert.match(html.get('pb')!, /<summary>Compaction · 100 tokens before · summary cost \$0\.0040/);
    assert.match(html.get('p4')!, /data-cost="0\.01"/);
  });

  it('marks the target of a context edit, with the replacement one click away', () => {
    // The tool result is shown inside its call, so the note is there.
    const call = html.get('p4')!;
    assert.match(call, /<details class="psm-context-edit psm-context-replaced" data-context-edit="p7"><summary>✎ replaced for the model<\/summary><div class="psm-tool-note"><a [^>]*>replaced for the model<\/a><\/div><div class="psm-context-replacement"><pre class="psm-output" tabindex="0" role="region" aria-label="What the model saw instead">TOKEN=\[redacted\]/);
    assert.equal(html.get('p6'), '');
    const hidden = html.get('p9')!;
    assert.match(hidden, /psm-context-edited/);
    assert.match(hidden, /✂ <a [^>]*href="#entry-pa"[^>]*>hidden from the model<\/a>/);
    // Folded: the target is named in the summary as text and linked inside the fold.
    assert.match(html.get('p7')!, /<summary>Context edit: <span class="psm-entry-ref">p6<\/span> replaced for the model/);
    assert.match(html.get('p7')!, /<div class="psm-tool-note"><a [^>]*href="#entry-p6"[^>]*>p6<\/a><\/div>/);
    assert.match(html.get('pa')!, /Context edit: <a [^>]*>p9<\/a> hidden from the model/);
  });

  it('never falls back to the unknown-entry dump', () => {
    for (const [id, out] of html) {
      assert.ok(!out.includes('psm-marker-unknown'), `${id} rendered as unknown`);
      assertInert(out);
    }
  });

  it('counts every billed piece in the header totals', () => {
    const summary = summarizeSession(parsed);
    assert.ok(Math.abs(summary.cost - (0.01 + 0.09 + 0.002 + 0.004)) < 1e-12, String(summary.cost));
    assert.equal(summary.tokens.total, 12 + 3001 + 10 + 60);
  });
});
