import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseSessionFile } from '../../../src/core/sessions/parser';
import { summarizeFile } from '../../../src/core/sessions/summary';
import { computeSessionStats } from '../../../src/core/stats/sessionStats';
import { exportHtml } from '../../../src/core/export/html';
import { exportMarkdown } from '../../../src/core/export/markdown';
import { renderSessionHeader, summarizeSession, summaryTitle } from '../../../src/shared/render/summary';
import { renderSessionParts } from '../../../src/shared/render/session';
import { formatCost } from '../../../src/shared/render/format';
import { relativeTime, sessionTitle } from '../../../src/shared/rules/sessionLabels';
import { sessionDescription, tooltipFacts } from '../../../src/ui/tree/sessionLabels';

/*
 * One fact, every face: the tree (labels and tooltip), the viewer (header and message lines),
 * the dashboard (statistics), the web client and the exports must read the same numbers and
 * names for a session, because they share one rule each.
 */

const repoRoot = path.resolve(__dirname, '../../..');

function writeSession(lines: object[]): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'psm-facts-'));
  const file = path.join(dir, '2026-03-01T10-00-00-000Z_facts.jsonl');
  fs.writeFileSync(file, lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
  return file;
}

function assistant(id: string, parentId: string, at: string, cost: object) {
  return {
    type: 'message',
    id,
    parentId,
    timestamp: at,
    message: {
      role: 'assistant',
      content: [{ type: 'text', text: `answer ${id}` }],
      provider: 'anthropic',
      model: 'claude-sonnet',
      usage: { input: 100, output: 20, cacheRead: 0, cacheWrite: 0, totalTokens: 120, cost },
      stopReason: 'stop',
      timestamp: Date.parse(at),
    },
  };
}

const header = { type: 'session', version: 3, id: 'facts-1', timestamp: '2026-03-01T10:00:00.000Z', cwd: '/home/dev/facts' };
const user = (id: string, parentId: string | null, at: string, text: string) => ({
  type: 'message',
  id,
  parentId,
  timestamp: at,
  message: { role: 'user', content: [{ type: 'text', text }], timestamp: Date.parse(at) },
});

test('a message whose cost parts are zero but whose total is not costs the same on every face', async () => {
  const file = writeSession([
    header,
    user('u1', null, '2026-03-01T10:00:01.000Z', 'Count the cost'),
    // The parts are zero and the total is not: pi's statistics count the total.
    assistant('a1', 'u1', '2026-03-01T10:00:02.000Z', { input: 0, output: 0, cacheRead: 0, cacheWrite: 0, total: 0.25 }),
    user('u2', 'a1', '2026-03-01T10:00:03.000Z', 'And again'),
    assistant('a2', 'u2', '2026-03-01T10:00:04.000Z', { input: 0.1, output: 0.05, cacheRead: 0, cacheWrite: 0, total: 0.15 }),
  ]);
  try {
    const { info } = await summarizeFile(file, {});
    const parsed = await parseSessionFile(file);
    const sessionCost = formatCost(0.4);
    const firstMessageCost = formatCost(0.25);

    assert.ok(Math.abs(info.cost - 0.4) < 1e-9, `the index counts ${info.cost}`);
    const tree = Object.fromEntries(tooltipFacts(info, Date.now()));
    assert.equal(tree.Cost, sessionCost, 'tree tooltip');

    assert.ok(renderSessionHeader(summarizeSession(parsed, info)).includes(sessionCost), 'viewer header with the index');
    assert.ok(renderSessionHeader(summarizeSession(parsed)).includes(sessionCost), 'viewer header from the entries alone');

    const conversation = renderSessionParts(parsed).conversation;
    assert.match(conversation, new RegExp(`data-cost="0\\.25">\\${firstMessageCost}<`), 'viewer message line');

    const stats = computeSessionStats([info]);
    assert.equal(formatCost(stats.totals.cost), sessionCost, 'dashboard total');
    assert.equal(formatCost(stats.by_model[0]!.cost), sessionCost, 'dashboard by model');

    const html = exportHtml(parsed, info);
    assert.ok(html.includes(sessionCost), 'HTML export header');
    assert.ok(html.includes(firstMessageCost), 'HTML export message line');

    const markdown = exportMarkdown(parsed, info);
    assert.ok(markdown.includes(`**Cost:** ${sessionCost}`), 'Markdown export header');
    assert.ok(markdown.includes(firstMessageCost), 'Markdown export message line');
  } finally {
    fs.rmSync(path.dirname(file), { recursive: true, force: true });
  }
});

test('pi 1.6 work outside the answers (cache warming, summaries, tools) costs the same on every face', async () => {
  const usage = (total: number) => ({ input: 10, output: 0, cacheRead: 0, cacheWrite: 0, totalTokens: 10, cost: { input: 0, output: 0, cacheRead: 0, cacheWrite: 0, total } });
  const file = writeSession([
    header,
    user('u1', null, '2026-03-01T10:00:01.000Z', 'Count the cost'),
    assistant('a1', 'u1', '2026-03-01T10:00:02.000Z', { input: 0, output: 0, cacheRead: 0, cacheWrite: 0, total: 0.25 }),
    { type: 'usage', id: 'w1', parentId: 'a1', timestamp: '2026-03-01T10:00:03.000Z', kind: 'cache_warm', provider: 'anthropic', model: 'claude-sonnet', usage: usage(0.5) },
    { type: 'message', id: 't1', parentId: 'w1', timestamp: '2026-03-01T10:00:04.000Z', message: { role: 'toolResult', toolCallId: 'c', toolName: 'task', content: [{ type: 'text', text: 'ok' }], usage: usage(0.125) } },
    { type: 'compaction', id: 'k1', parentId: 't1', timestamp: '2026-03-01T10:00:05.000Z', summary: 'so far', firstKeptEntryId: 't1', tokensBefore: 9, usage: usage(0.0625) },
  ]);
  try {
    const { info } = await summarizeFile(file, {});
    const parsed = await parseSessionFile(file);
    const sessionCost = formatCost(0.9375);
    assert.ok(Math.abs(info.cost - 0.9375) < 1e-12, `the index counts ${info.cost}`);
    const tooltip = Object.fromEntries(tooltipFacts(info, Date.now()));
    assert.equal(tooltip.Cost, sessionCost, 'tree tooltip');
    // user + assistant by the contract; pi's /resume also counts the tool result.
    assert.equal(tooltip.Messages, '2 (pi counts 3)');
    assert.ok(renderSessionHeader(summarizeSession(parsed, info)).includes(sessionCost), 'viewer header with the index');
    assert.ok(renderSessionHeader(summarizeSession(parsed)).includes(sessionCost), 'viewer header from the entries alone');
    assert.equal(summarizeSession(parsed).tokens.total, info.tokens.total, 'viewer tokens from the entries alone');
    const stats = computeSessionStats([info]);
    assert.equal(formatCost(stats.totals.cost), sessionCost, 'dashboard total');
    assert.deepEqual(stats.by_model.filter((m) => m.cost > 0).map((m) => [m.model, m.cost]), [['anthropic/claude-sonnet', 0.75], ['Tools/summaries', 0.1875]], 'dashboard by model');
    assert.ok(exportHtml(parsed, info).includes(sessionCost), 'HTML export header');
    assert.ok(exportMarkdown(parsed, info).includes(`**Cost:** ${sessionCost}`), 'Markdown export header');
    assert.ok(exportMarkdown(parsed).includes(`**Cost:** ${sessionCost}`), 'Markdown export from the entries alone');
  } finally {
    fs.rmSync(path.dirname(file), { recursive: true, force: true });
  }
});

test("a session's title and age read the same in the tree, the viewer and the web client", async () => {
  const cases: [string, object[]][] = [
    ['named', [header, user('u1', null, '2026-03-01T10:00:01.000Z', 'first words'), { type: 'session_info', id: 'n1', parentId: 'u1', timestamp: '2026-03-01T10:00:02.000Z', name: '  Fix the\nlogin form  ' }]],
    ['unnamed, long multi-line first message', [header, user('u1', null, '2026-03-01T10:00:01.000Z', `${'word '.repeat(40)}\nsecond line`)]],
    ['no messages', [header]],
  ];
  const now = Date.parse('2026-03-09T11:59:00.000Z');
  for (const [name, lines] of cases) {
    const file = writeSession(lines);
    try {
      const { info } = await summarizeFile(file, {});
      const parsed = await parseSessionFile(file);
      const tree = sessionTitle(info);
      assert.equal(summaryTitle(summarizeSession(parsed, info)), tree, `${name}: viewer with the index`);
      assert.equal(summaryTitle(summarizeSession(parsed)), tree, `${name}: viewer from the entries alone`);
      assert.ok(tree.length > 0 && !tree.includes('\n'), `${name}: one non-empty line`);
      // The tree's description and the web client's row meta both start with the same age.
      const age = relativeTime(info.modified, now);
      assert.ok(sessionDescription(info, now).startsWith(age), `${name}: tree age`);
    } finally {
      fs.rmSync(path.dirname(file), { recursive: true, force: true });
    }
  }
});

test('no face keeps its own copy of the title, age or cost rules', () => {
  const faces = ['src/ui', 'webview-ui', 'src/core', 'src/shared/render'];
  const own = /function\s+(sessionTitle|relativeTime|usageCost|usageTokens)\s*\(/;
  const offenders: string[] = [];
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, e.name);
      if (e.isDirectory()) walk(full);
      else if (e.name.endsWith('.ts') && own.test(fs.readFileSync(full, 'utf8'))) offenders.push(path.relative(repoRoot, full));
    }
  };
  for (const face of faces) walk(path.join(repoRoot, face));
  assert.deepEqual(offenders, []);
});
