import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { exportHtml, exportJson, exportMarkdown, exportSession, fence, slugify } from '../../../src/core/export';
import { buildTree } from '../../../src/shared/render';
import type { SessionInfo } from '../../../src/shared/model/sessionInfo';
import { ALL, assertInert, hostileSession } from '../render/hostile';
import { fixtureSessionFiles, makeSession, pi16Session, readV3Session, sharedFixture } from '../render/sessionFixtures';

const NONCE = 'dGVzdC1ub25jZS0xMjM0NQ==';

function csp(html: string): string {
  const match = /<meta http-equiv="Content-Security-Policy" content="([^"]*)">/.exec(html);
  assert.ok(match, 'CSP meta present');
  return match[1]!.replace(/&#39;/g, "'");
}

describe('exportHtml', () => {
  it('is a self-contained page with a restrictive nonce CSP', () => {
    const html = exportHtml(hostileSession(), null, { nonce: NONCE });
    assert.match(html, /^<!DOCTYPE html>/);
    assert.equal(csp(html), `default-src 'none'; img-src data:; style-src 'nonce-${NONCE}'; script-src 'nonce-${NONCE}'; base-uri 'none'; form-action 'none'`);
    assert.ok(html.indexOf('Content-Security-Policy') < html.indexOf('<style'), 'CSP before any style or script');
    assert.equal((html.match(/<style/g) ?? []).length, 1);
    assert.match(html, new RegExp(`<style nonce="${NONCE.replace(/[+/=]/g, '\\$&')}">`));
    assert.ok(!/<link|<iframe|<object|<embed|<base|\ssrc="(?!data:image\/)/i.test(html), 'no remote or embedded resources');
  });

  it('keeps hostile transcript text inert (security table row 12)', () => {
    const html = exportHtml(hostileSession(), null, { nonce: NONCE });
    const scripts: Record<string, string>[] = [];
    assertInert(html, {
      extraTags: ['html', 'head', 'meta', 'title', 'style', 'body', 'main', 'footer', 'button', 'script'],
      checkScript: (a) => scripts.push(a),
    });
    assert.deepEqual(scripts, [{ type: 'application/json', id: 'psm-branch-data' }, { nonce: NONCE }]);
    assert.ok(html.includes('&lt;script&gt;alert(1)&lt;/script&gt;'));
    assert.ok(html.includes('&lt;img src=x onerror=alert(1)&gt;'));
    // The session name is hostile too; the <title> must hold it as text.
    assert.match(html, /<title>&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
  });

  it('embeds branch data that cannot close its script element', () => {
    const parsed = makeSession([
      { type: 'message', id: '</script><script>alert(1)</script>', message: { role: 'user', content: 'a' } },
      { type: 'message', id: 'b2', message: { role: 'user', content: 'b' } },
    ]);
    const html = exportHtml(parsed, null, { nonce: NONCE });
    const data = /<script type="application\/json" id="psm-branch-data">([^<]*)<\/script>/.exec(html);
    assert.ok(data, 'branch data is one script element without a raw <');
    assert.deepEqual(JSON.parse(data[1]!), { b2: ['</script><script>alert(1)</script>', 'b2'] });
  });

  it('renders every entry of every branch, the other branches hidden, with a navigator', { skip: readV3Session(sharedFixture('pi', 'synthetic-v3-all-entry-types.jsonl')) ? false : 'shared fixtures absent' }, () => {
    const parsed = readV3Session(sharedFixture('pi', 'synthetic-v3-all-entry-types.jsonl'))!;
    const html = exportHtml(parsed, null, { nonce: NONCE });
    for (const entry of parsed.entries) assert.ok(html.includes(`data-entry-id="${entry.id}"`), entry.id);
    assert.match(html, /<nav class="psm-tree-nav" aria-label="Branches">/);
    assert.match(html, /class="[^"]*psm-off-branch" id="entry-e0000008"/);
    assert.ok(!/class="[^"]*psm-off-branch" id="entry-e0000016"/.test(html));
    assert.match(html, /<details class="psm-thinking">/);
    assert.match(html, /<details class="psm-tool psm-tool-ok"/);
  });

  it('uses a fresh random nonce per export', () => {
    const parsed = makeSession([{ type: 'message', message: { role: 'user', content: 'x' } }]);
    assert.notEqual(csp(exportHtml(parsed)), csp(exportHtml(parsed)));
    assert.throws(() => exportHtml(parsed, null, { nonce: `x' 'unsafe-inline` }), /nonce/);
  });
});

describe('exportMarkdown', () => {
  it('writes the current branch with headings, folded thinking and tool calls with results', () => {
    const parsed = makeSession([
      { type: 'model_change', id: 'm1', provider: 'anthropic', modelId: 'claude' },
      { type: 'message', id: 'u1', message: { role: 'user', content: [{ type: 'text', text: 'Hello **there**' }, { type: 'image', data: 'AAAA', mimeType: 'image/png' }] } },
      {
        type: 'message',
        id: 'a1',
        message: {
          role: 'assistant',
          content: [
            { type: 'thinking', thinking: 'think ``` hard' },
            { type: 'text', text: 'Answer' },
            { type: 'toolCall', id: 'c1', name: 'bash', arguments: { command: 'cat x' } },
          ],
          provider: 'anthropic',
          model: 'claude',
          usage: { input: 10, output: 5, cacheRead: 0, cacheWrite: 0, cost: { input: 0.5, output: 0.25 } },
        },
      },
      { type: 'message', id: 'r1', message: { role: 'toolResult', toolCallId: 'c1', toolName: 'bash', content: [{ type: 'text', text: 'has ```` fences </details> inside' }] } },
      { type: 'compaction', id: 'k1', summary: 'summary text', tokensBefore: 100 },
      { type: 'label', id: 'l1', targetId: 'u1', label: 'start' },
    ]);
    const md = exportMarkdown(parsed);
    assert.match(md, /^# Hello \\\*\\\*there\\\*\\\*\n/);
    assert.match(md, /> \*\*Model\*\* → `anthropic\/claude`/);
    assert.match(md, /<a id="entry-u1"><\/a>\n\n## User\n\n_🏷 start · 2026-03-10 09:00:01 UTC_\n\nHello \*\*there\*\*\n\n\*\\\[image 1: image\/png, 0\.0 KB, not embedded\\\]\*/);
    assert.match(md, /## Assistant\n\n_`anthropic\/claude` · ↑10 ↓5 · \$0\.7500 · /);
    assert.match(md, /<details><summary>Thinking<\/summary>\n\n````text\nthink ``` hard\n````\n\n<\/details>/);
    assert.match(md, /<details><summary>Tool call: bash · cat x<\/summary>\n\n\*\*Arguments\*\*\n\n```json\n\{\n  "command": "cat x"\n\}\n```\n\n<a id="entry-r1"><\/a>\n\n\*\*Result\*\*\n\n`````text\nhas ```` fences &lt;\/details> inside\n`````\n\n<\/details>/);
    assert.equal((md.match(/<a id="entry-r1">/g) ?? []).length, 1, 'result shown once, inside its call');
    assert.match(md, /<details><summary>Compaction \(100 tokens before\)<\/summary>\n\nsummary text\n\n<\/details>/);
  });

  it('escapes names, labels and summaries that land in running text or HTML', () => {
    const md = exportMarkdown(hostileSession());
    assert.ok(!md.includes('<summary><script'), 'summary text escaped');
    assert.match(md, /<summary>Tool call: &lt;script&gt;alert\(1\)&lt;\/script&gt;/);
    assert.match(md, /🏷 \\<script\\>alert\(1\)\\<\/script\\>/);
    assert.match(md, /^# \\<script\\>/);
  });

  it('contains exactly the current branch', { skip: readV3Session(sharedFixture('pi', 'synthetic-v3-all-entry-types.jsonl')) ? false : 'shared fixtures absent' }, () => {
    const parsed = readV3Session(sharedFixture('pi', 'synthetic-v3-all-entry-types.jsonl'))!;
    const md = exportMarkdown(parsed);
    const onBranch = new Set(buildTree(parsed).currentBranchIds);
    for (const entry of parsed.entries) {
      assert.equal(md.includes(`<a id="entry-${entry.id}">`), onBranch.has(entry.id), entry.id);
    }
    assert.match(md, /- \*\*Branch:\*\* the current branch \(leaf `e0000016`\) of 2/);
  });
});

describe('exportJson', () => {
  it('keeps the header, every entry, the leaf and the session info', () => {
    const parsed = hostileSession();
    const info = { id: 'x', name: 'n' } as SessionInfo;
    const json = JSON.parse(exportJson(parsed, info)) as Record<string, unknown>;
    assert.deepEqual(json.header, parsed.header);
    assert.deepEqual(json.entries, parsed.entries);
    assert.equal(json.leaf_id, parsed.leafId);
    assert.deepEqual(json.session_info, info);
    assert.deepEqual(json.labels, parsed.labels);
    assert.equal((json.current_branch as string[]).at(-1), parsed.leafId);
    assert.equal(JSON.parse(exportJson(parsed)).session_info, null);
  });
});

describe('exportSession', () => {
  const parsed = makeSession([{ type: 'session_info', name: '../../etc/passwd: "x" <y>' }, { type: 'message', message: { role: 'user', content: 'hi' } }], { id: 'abc-123' });

  it('names files after the session, without path separators, with the right mime type', () => {
    const html = exportSession(parsed, 'html', null, { nonce: NONCE });
    assert.equal(html.filename, 'pi-session-etc-passwd-x-y.html');
    assert.equal(html.mime_type, 'text/html; charset=utf-8');
    assert.equal(html.format, 'html');
    const md = exportSession(parsed, 'markdown');
    assert.equal(md.filename, 'pi-session-etc-passwd-x-y.md');
    assert.equal(md.mime_type, 'text/markdown; charset=utf-8');
    const json = exportSession(parsed, 'json', { name: 'Rapport été 数据' } as SessionInfo);
    assert.equal(json.filename, 'pi-session-Rapport-été-数据.json');
    assert.equal(json.mime_type, 'application/json');
    assert.equal(exportSession(makeSession([], { id: '..' }), 'json').filename, 'pi-session.json');
    assert.equal(exportSession(makeSession([], { id: 'abc-123' }), 'json').filename, 'pi-session-abc-123.json');
    assert.throws(() => exportSession(parsed, 'pdf' as never), /unknown export format/);
  });

  it('slugify drops separators, control characters and leading dots', () => {
    assert.equal(slugify('..\\a/b\u0000c'), 'a-b-c');
    assert.equal(slugify('x'.repeat(300)).length, 80);
    assert.ok(!/[\\/]/.test(slugify(ALL)));
  });

  it('fence outgrows any backtick run in the content', () => {
    assert.equal(fence('a ````` b', 'text'), '``````text\na ````` b\n``````');
  });
});

describe('fixture sessions', () => {
  const files = fixtureSessionFiles();
  it('export every entry (JSON, HTML) and the current branch (Markdown)', { skip: files.length ? false : 'shared fixtures absent' }, () => {
    let checked = 0;
    for (const file of files) {
      const parsed = readV3Session(file);
      if (!parsed) continue;
      const html = exportHtml(parsed, null, { nonce: NONCE });
      const md = exportMarkdown(parsed);
      const json = JSON.parse(exportJson(parsed)) as { entries: { id: string }[] };
      assert.deepEqual(json.entries.map((e) => e.id), parsed.entries.map((e) => e.id));
      const onBranch = new Set(buildTree(parsed).currentBranchIds);
      for (const entry of parsed.entries) {
        assert.ok(html.includes(`data-entry-id="${entry.id}"`), `${file}: ${entry.id} in html`);
        if (entry.type === 'message') assert.equal(md.includes(`<a id="entry-${entry.id}">`), onBranch.has(entry.id), `${file}: ${entry.id} in md`);
      }
      assert.ok(!md.includes('Unknown entry type') && !md.includes('unknown role'), `${file}: an entry exported as unknown`);
      checked++;
    }
    assert.ok(checked > 0);
  });
});

describe('pi 1.6 entries in the Markdown export', () => {
  const md = exportMarkdown(pi16Session());

  it('folds the prompt, names a patch by its change, and prices usage, tools and the compaction', () => {
    assert.match(md, /<details><summary>System prompt · 2 sections · 2 tools<\/summary>/);
    assert.match(md, /\*\*Section `preamble`\*\*\n\n```text\nYou are a helper\.\n```/);
    assert.match(md, /<details><summary>Prompt changed: tools −write · sections rules, −docs<\/summary>/);
    assert.match(md, /> 💲 cache warm · \$0\.0900 _\(acme\/m1 · ↑0 ↓1 R 3\.0k\)_/);
    assert.match(md, /<details><summary>Compaction \(100 tokens before\) · summary cost \$0\.0040<\/summary>/);
    assert.match(md, /- \*\*Cost:\*\* \$0\.1060/);
  });

  it('notes context edits on their targets and shows the replacement', () => {
    assert.match(md, /✎ _replaced for the model; the model saw:_\n\n```text\nTOKEN=\[redacted\]\n```/);
    assert.match(md, /> \*\*Context edit:\*\* `p9` hidden from the model/);
    assert.match(md, /✂ _hidden from the model_/);
    assert.ok(!md.includes('Unknown entry type'));
    assert.ok(!md.includes('unknown role'));
  });
});
