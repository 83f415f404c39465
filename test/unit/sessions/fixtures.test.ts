import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseSessionFile } from '../../../src/core/sessions/parser';
import { summarizeFile } from '../../../src/core/sessions/summary';
import { buildContext } from '../../../src/core/sessions/tree';
import type { MessageEntry, ParsedSession } from '../../../src/shared/model/entries';

/**
 * Real pi files and the values their READMEs state (pi's own results). The fixtures live
 * beside the repository and may be absent in some checkouts; the tests skip then.
 */

const repoRoot = path.resolve(__dirname, '../../..');
const piDir = path.resolve(repoRoot, '../shared/fixtures/pi');
const realDir = path.resolve(repoRoot, '../shared/fixtures/pi-real/sessions');

function roleCounts(parsed: ParsedSession): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const e of parsed.entries) {
    if (e.type !== 'message') continue;
    const role = String((e as MessageEntry).message.role);
    counts[role] = (counts[role] ?? 0) + 1;
  }
  return counts;
}

interface PiFixture {
  file: string;
  piMessageCount: number;
  roles: [number, number, number, number];
  firstMessage: string;
  name: string | null;
  created: string;
  modified: string;
  contextMessages: number;
  model: string;
  thinking: string;
  leaf?: string;
  branchLength?: number;
}

const piFixtures: PiFixture[] = [
  { file: 'before-compaction.jsonl', piMessageCount: 990, roles: [55, 484, 448, 3], firstMessage: 'alright, read @packages/coding-agent/src/main.ts', name: null, created: '2025-12-09T00:53:29.825Z', modified: '2025-12-09T00:42:39.594Z', contextMessages: 446, model: 'anthropic/claude-opus-4-5', thinking: 'off' },
  { file: 'large-session.jsonl', piMessageCount: 914, roles: [88, 453, 373, 0], firstMessage: '/mode', name: null, created: '2025-11-20T23:33:50.805Z', modified: '2025-11-21T02:13:57.236Z', contextMessages: 914, model: 'anthropic/claude-sonnet-4-5', thinking: 'off' },
  { file: 'synthetic-v3-all-entry-types.jsonl', piMessageCount: 13, roles: [4, 6, 2, 1], firstMessage: 'List the TypeScript files in src/', name: 'Demo: list TS files', created: '2026-03-10T09:00:00.000Z', modified: '2026-03-10T09:01:52.000Z', contextMessages: 7, model: 'openai/gpt-5.1-codex', thinking: 'medium', leaf: 'e0000016', branchLength: 17 },
];

for (const fx of piFixtures) {
  const file = path.join(piDir, fx.file);
  test(`pi fixture ${fx.file} gives pi's numbers`, { skip: fs.existsSync(file) ? false : 'fixture folder absent' }, async () => {
    const parsed = await parseSessionFile(file);
    const roles = roleCounts(parsed);
    assert.equal(Object.values(roles).reduce((a, b) => a + b, 0), fx.piMessageCount);
    assert.deepEqual([roles.user ?? 0, roles.assistant ?? 0, roles.toolResult ?? 0, roles.bashExecution ?? 0], fx.roles);
    const context = buildContext(parsed);
    assert.equal(context.messages.length, fx.contextMessages);
    assert.equal(context.model, fx.model);
    assert.equal(context.thinkingLevel, fx.thinking);
    if (fx.leaf) assert.equal(parsed.leafId, fx.leaf);
    if (fx.branchLength) assert.equal(context.path.length, fx.branchLength);

    const { info } = await summarizeFile(file);
    assert.equal(info.id, parsed.header.id);
    assert.equal(info.message_count, fx.roles[0] + fx.roles[1]);
    assert.equal(info.pi_message_count, fx.piMessageCount);
    assert.deepEqual([info.user_message_count, info.assistant_message_count, info.tool_result_count, info.bash_execution_count], fx.roles);
    assert.ok(info.first_message.startsWith(fx.firstMessage), info.first_message.slice(0, 80));
    assert.equal(info.name, fx.name);
    assert.equal(info.created, fx.created);
    assert.equal(info.modified, fx.modified);
    assert.equal(info.model, fx.model);
    assert.equal(info.thinking_level, fx.thinking);
    assert.equal(info.leaf_id, parsed.leafId);
    assert.equal(info.entry_count, parsed.entries.length);
    assert.equal(info.skipped_lines, 0);
    // pi reads only `parentSession`; before-compaction's `branchedFrom` is not a parent link.
    assert.equal(info.parent_session_path, null);
  });
}

test('pi fixtures: v1 compactions point at the right entries and the synthetic file has a branch and a label', { skip: fs.existsSync(piDir) ? false : 'fixture folder absent' }, async () => {
  const before = await parseSessionFile(path.join(piDir, 'before-compaction.jsonl'));
  const raw = fs.readFileSync(path.join(piDir, 'before-compaction.jsonl'), 'utf8').split('\n').filter((l) => l.trim());
  const indexes = raw.map((l) => (JSON.parse(l) as { firstKeptEntryIndex?: number }).firstKeptEntryIndex).filter((i): i is number => typeof i === 'number');
  const compactions = before.entries.filter((e) => e.type === 'compaction');
  assert.equal(compactions.length, indexes.length);
  compactions.forEach((c, i) => {
    // Header = line 0, so entry i of the migrated list came from line i + 1.
    assert.equal(c.firstKeptEntryId, before.entries[indexes[i] - 1].id);
  });
  const synthetic = await parseSessionFile(path.join(piDir, 'synthetic-v3-all-entry-types.jsonl'));
  assert.deepEqual(synthetic.labels, { e0000006: 'before-refactor' });
  const { info } = await summarizeFile(path.join(piDir, 'synthetic-v3-all-entry-types.jsonl'));
  assert.equal(info.has_branches, true);
  assert.equal(info.compaction_count, 1);
  assert.equal(info.label_count, 1);
});

interface RealFixture {
  suffix: string;
  messageCount: number;
  created: string;
  modified: string;
  firstMessage: string;
  name: string | null;
  parentSuffix?: string;
}

const realFixtures: RealFixture[] = [
  { suffix: '20ecebd13387.jsonl', messageCount: 2, created: '2026-11-29T02:42:33.194Z', modified: '2026-11-29T02:42:33.285Z', firstMessage: 'What does this project do?', name: null },
  { suffix: 'bf3d3a9f0e71.jsonl', messageCount: 10, created: '2026-11-29T02:42:35.811Z', modified: '2026-11-29T02:42:36.147Z', firstMessage: 'Add a /health endpoint to server.js that', name: 'Add /health endpoint (done)' },
  { suffix: 'd28782457f3c.jsonl', messageCount: 8, created: '2026-11-29T02:42:36.163Z', modified: '2026-11-29T02:42:36.184Z', firstMessage: 'Add a /health endpoint to server.js that', name: 'Health endpoint – changelog variant', parentSuffix: 'bf3d3a9f0e71.jsonl' },
  { suffix: '374100bab552.jsonl', messageCount: 7, created: '2026-11-29T02:42:38.646Z', modified: '2026-11-29T02:42:38.993Z', firstMessage: 'How should I add a --shout flag to main.', name: null },
  { suffix: '3b3cb9f39d3f.jsonl', messageCount: 14, created: '2026-11-29T02:42:41.354Z', modified: '2026-11-29T02:42:46.388Z', firstMessage: 'Run the tests.', name: null },
  { suffix: '61158aad328e.jsonl', messageCount: 6, created: '2026-11-29T02:42:51.701Z', modified: '2026-11-29T02:42:51.859Z', firstMessage: '请读取 数据.csv 并告诉我哪个城市人口最多 🏙️', name: '人口数据汇总 📊' },
  { suffix: '1e8375b06927.jsonl', messageCount: 3, created: '2026-11-29T02:42:51.874Z', modified: '2026-11-29T02:42:51.923Z', firstMessage: '继续：用 ASCII 柱状图画出人口 📈', name: null, parentSuffix: '61158aad328e.jsonl' },
];

function realFiles(): string[] {
  if (!fs.existsSync(realDir)) return [];
  return fs.readdirSync(realDir).flatMap((d) => fs.readdirSync(path.join(realDir, d)).map((f) => path.join(realDir, d, f)));
}

test('pi-real sessions give the README values, and a tail read from mid-file equals a full read', { skip: fs.existsSync(realDir) ? false : 'fixture folder absent' }, async () => {
  const files = realFiles();
  assert.equal(files.length, realFixtures.length);
  for (const fx of realFixtures) {
    const file = files.find((f) => f.endsWith(fx.suffix));
    assert.ok(file, fx.suffix);
    const full = await summarizeFile(file);
    const { info } = full;
    const parsed = await parseSessionFile(file);
    assert.equal(info.id, path.basename(file).slice(25, -'.jsonl'.length), `${fx.suffix}: id matches the file name`);
    assert.equal(info.id, parsed.header.id);
    assert.equal(info.message_count, fx.messageCount, fx.suffix);
    const roles = roleCounts(parsed);
    assert.equal(info.user_message_count, roles.user ?? 0);
    assert.equal(info.assistant_message_count, roles.assistant ?? 0);
    assert.equal(info.tool_result_count, roles.toolResult ?? 0);
    assert.equal(info.pi_message_count, Object.values(roles).reduce((a, b) => a + b, 0), `${fx.suffix}: pi's count`);
    assert.equal(info.created, fx.created, fx.suffix);
    assert.equal(info.modified, fx.modified, fx.suffix);
    assert.ok(info.first_message.startsWith(fx.firstMessage), `${fx.suffix}: ${info.first_message.slice(0, 60)}`);
    assert.equal(info.name, fx.name, fx.suffix);
    if (fx.parentSuffix) assert.ok(info.parent_session_path?.endsWith(fx.parentSuffix), `${fx.suffix} parent`);
    else assert.equal(info.parent_session_path, null);
    assert.equal(info.leaf_id, parsed.leafId);
    assert.equal(info.skipped_lines, 0);

    const bytes = fs.readFileSync(file);
    const middle = bytes.indexOf(0x0a, Math.floor(bytes.length / 2)) + 1;
    const { size, mtimeMs } = fs.statSync(file);
    const head = await summarizeFile(file, { size: middle, mtimeMs });
    const tail = await summarizeFile(file, { fromOffset: head.offset, snapshot: JSON.parse(JSON.stringify(head.snapshot)), size, mtimeMs });
    assert.deepEqual(tail, await summarizeFile(file, { size, mtimeMs }), `${fx.suffix} tail read`);
  }
});
