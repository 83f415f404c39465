import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseSessionFile } from '../../../src/core/sessions/parser';
import { summarizeFile } from '../../../src/core/sessions/summary';
import { buildContext } from '../../../src/core/sessions/tree';
import { computeSessionStats } from '../../../src/core/stats/sessionStats';
import type { MessageEntry } from '../../../src/shared/model/entries';
import type { SessionInfo } from '../../../src/shared/model/sessionInfo';

/**
 * Files written by pi 1.6.0 and the figures pi itself reports for them (`expected.json`:
 * `SessionManager.listAll()`, `open()`, `getSessionStats()`, `getUsageCostBreakdown()`).
 * Our SessionInfo and get_session_stats must give the same numbers. The fixtures live beside
 * the repository and may be absent; the tests skip then.
 */

const repoRoot = path.resolve(__dirname, '../../..');
const fixturesDir = path.resolve(repoRoot, '../shared/fixtures');

interface Expected {
  file: string;
  id_in_docs: string;
  list: { id: string; cwd: string; name: string | null; parentSessionPath: string | null; created: string; modified: string; messageCount: number; firstMessage: string };
  open: { sessionId: string; sessionName: string | null; entries: number; leafId: string; roots: number; activeBranchLength: number };
  context: { messages: number; roles: string; model: { provider: string; modelId: string }; thinkingLevel: string };
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

/** Every fixture set under ../shared/fixtures that states pi's own figures in an expected.json. */
function fixtureSets(): Array<{ name: string; dir: string; expected: Expected[] }> {
  if (!fs.existsSync(fixturesDir)) return [];
  const sets: Array<{ name: string; dir: string; expected: Expected[] }> = [];
  for (const name of ['pi-1.6', 'pi-real']) {
    const file = path.join(fixturesDir, name, 'expected.json');
    if (fs.existsSync(file)) sets.push({ name, dir: path.join(fixturesDir, name, 'sessions'), expected: JSON.parse(fs.readFileSync(file, 'utf8')) as Expected[] });
  }
  return sets;
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

test('fixture sets with pi\'s own figures are found', { skip: sets.length > 0 ? false : 'fixture folder absent' }, () => {
  // pi-1.6 states its figures; a set without expected.json is covered by fixtures.test.ts.
  assert.ok(sets.some((s) => s.name === 'pi-1.6'));
});

for (const set of sets) {
  for (const exp of set.expected) {
    test(`${set.name} ${exp.id_in_docs}: cost, tokens, counts, names, ids and leaf equal pi's`, async () => {
      const file = path.join(set.dir, exp.file);
      const { info } = await summarizeFile(file);
      const parsed = await parseSessionFile(file);
      const label = `${set.name} ${exp.id_in_docs}`;

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
