import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { SessionSummaryBuilder, summarizeFile } from '../../../src/core/sessions/summary';
import { InvalidSessionFileError } from '../../../src/core/sessions/parser';
import type { SessionInfo } from '../../../src/shared/model/sessionInfo';
import type { Summarizer } from '../../../src/core/sessions/sessionIndex';
import { allQuirks, writeSession, type ExpectedSession } from '../../support/sessionGenerator';

// The session index takes summarizeFile as its Summarizer.
const asSummarizer: Summarizer = summarizeFile;

function tempDir(t: { after(fn: () => void): void }): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'psm-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

const comparedKeys = [
  'id', 'cwd', 'version', 'created', 'modified', 'name', 'first_message', 'last_message', 'last_message_role',
  'parent_session_path', 'model', 'thinking_level', 'message_count', 'user_message_count', 'assistant_message_count',
  'tool_result_count', 'bash_execution_count', 'tool_call_count', 'entry_count', 'compaction_count', 'label_count',
  'has_branches', 'leaf_id', 'skipped_lines', 'tokens',
] as const;

function assertMatches(info: SessionInfo, exp: ExpectedSession, label: string): void {
  for (const key of comparedKeys) assert.deepEqual(info[key], exp[key], `${label}: ${key}`);
  assert.ok(Math.abs(info.cost - exp.cost) < 1e-9, `${label}: cost ${info.cost} vs ${exp.cost}`);
  assert.equal(info.path, exp.path);
  assert.deepEqual(info.tag_ids, []);
  assert.equal(info.favorite, false);
}

test('generated v1, v2 and v3 sessions with every quirk summarize to the expected values', async (t) => {
  const root = tempDir(t);
  for (const version of [1, 2, 3] as const) {
    for (const usageWithoutTotal of [false, true]) {
      const exp = writeSession(root, { version, seed: 100 + version, turns: 9, parentSession: version === 3 ? '/p/parent.jsonl' : undefined, quirks: { ...allQuirks, usageWithoutTotal, partialLastLine: true } });
      const result = await summarizeFile(exp.path);
      assertMatches(result.info, exp, `v${version}${usageWithoutTotal ? ' without totalTokens' : ''}`);
      assert.equal(result.offset, exp.completeBytes, 'offset stops before the half-written line');
      assert.equal(result.info.size_bytes, fs.statSync(exp.path).size);
    }
  }
});

test('plain generated sessions (no quirks) across sizes', async (t) => {
  const root = tempDir(t);
  for (const turns of [1, 3, 40]) {
    const exp = writeSession(root, { seed: turns, turns });
    assertMatches((await summarizeFile(exp.path)).info, exp, `${turns} turns`);
  }
});

test('tail read equals a full read, whatever byte offset the earlier read stopped at', async (t) => {
  const root = tempDir(t);
  for (const version of [1, 3] as const) {
    const exp = writeSession(root, { version, seed: 5, turns: 6, quirks: allQuirks });
    const { size, mtimeMs } = fs.statSync(exp.path);
    const full = await summarizeFile(exp.path, { size, mtimeMs });
    const headerEnd = fs.readFileSync(exp.path).indexOf(0x0a) + 1;
    let tails = 0;
    for (let cut = headerEnd; cut <= size; cut += 97) {
      const first = await summarizeFile(exp.path, { size: cut, mtimeMs });
      assert.ok(first.offset <= cut);
      // The snapshot goes through JSON, as it does through the scan cache.
      const snapshot: unknown = JSON.parse(JSON.stringify(first.snapshot));
      const tail = await summarizeFile(exp.path, { fromOffset: first.offset, snapshot, size, mtimeMs });
      assert.deepEqual(tail, full, `v${version} cut at ${cut}`);
      tails++;
    }
    assert.ok(tails > 10);
  }
});

test('appending entries later (new branch, label, name, duplicate) is picked up by a tail read', async (t) => {
  const root = tempDir(t);
  const exp = writeSession(root, { version: 3, seed: 9, turns: 3, quirks: { tools: true, partialLastLine: true } });
  const before = await summarizeFile(exp.path);
  assert.equal(before.info.assistant_message_count, exp.assistant_message_count);
  const lines = fs.readFileSync(exp.path, 'utf8').split('\n');
  const earlier = JSON.parse(lines[3]) as { id: string };
  const assistantLine = lines.find((l) => l.includes('"role":"assistant"')) ?? '';
  const appended = [
    exp.partialRest ?? '',
    JSON.stringify({ type: 'session_info', id: 'aaaa0001', parentId: exp.leaf_id, timestamp: '2027-01-01T00:00:00.000Z', name: ' Later name ' }) + '\n',
    JSON.stringify({ type: 'label', id: 'aaaa0002', parentId: 'aaaa0001', timestamp: '2027-01-01T00:00:01.000Z', targetId: earlier.id, label: 'here' }) + '\n',
    assistantLine + '\n',
    JSON.stringify({ type: 'message', id: 'aaaa0003', parentId: earlier.id, timestamp: '2027-01-01T00:00:02.000Z', message: { role: 'user', content: 'branch off', timestamp: Date.UTC(2027, 0, 1, 0, 0, 2) } }) + '\n',
  ];
  fs.appendFileSync(exp.path, appended.join(''));
  const tail = await summarizeFile(exp.path, { fromOffset: before.offset, snapshot: JSON.parse(JSON.stringify(before.snapshot)) });
  const full = await summarizeFile(exp.path);
  assert.deepEqual(tail, full);
  const info = full.info;
  assert.equal(info.assistant_message_count, exp.assistant_message_count + 1, 'completed line counted, duplicate not');
  assert.equal(info.user_message_count, exp.user_message_count + 1);
  assert.equal(info.name, 'Later name');
  assert.equal(info.label_count, 1);
  assert.equal(info.has_branches, true);
  assert.equal(info.leaf_id, 'aaaa0003');
  assert.equal(info.modified, '2027-01-01T00:00:02.000Z');
  assert.equal(info.last_message, 'branch off');
  assert.equal(info.last_message_role, 'user');
});

test('a duplicated assistant line counts once (v3 by id, v1 by timestamp and content)', async (t) => {
  const dir = tempDir(t);
  const assistant = (extra: object) => ({ ...extra, type: 'message', timestamp: '2026-01-01T00:00:02.000Z', message: { role: 'assistant', content: [{ type: 'text', text: 'hi' }], provider: 'p', model: 'm', usage: { input: 10, output: 5, cacheRead: 0, cacheWrite: 0, cost: { input: 0, output: 0, cacheRead: 0, cacheWrite: 0, total: 0.3 } }, timestamp: 1767225602000 } });
  const user = (extra: object) => ({ ...extra, type: 'message', timestamp: '2026-01-01T00:00:01.000Z', message: { role: 'user', content: 'q', timestamp: 1767225601000 } });
  const files = {
    v3: [{ type: 'session', version: 3, id: 's3', timestamp: '2026-01-01T00:00:00.000Z', cwd: '/w' }, user({ id: 'u1', parentId: null }), assistant({ id: 'a1', parentId: 'u1' })],
    v1: [{ type: 'session', id: 's1', timestamp: '2026-01-01T00:00:00.000Z', cwd: '/w' }, user({}), assistant({})],
  };
  for (const [name, objects] of Object.entries(files)) {
    const file = path.join(dir, `${name}.jsonl`);
    const lines = objects.map((o) => JSON.stringify(o));
    fs.writeFileSync(file, [...lines, lines[2], ''].join('\n'));
    const { info } = await summarizeFile(file);
    assert.equal(info.assistant_message_count, 1, name);
    assert.equal(info.message_count, 2, name);
    assert.equal(info.entry_count, 2, name);
    assert.deepEqual(info.tokens, { input: 10, output: 5, cache_read: 0, cache_write: 0, total: 15 }, name);
    assert.ok(Math.abs(info.cost - 0.3) < 1e-12, `${name}: cost is cost.total, as pi's statistics count it`);
    assert.equal(info.has_branches, false, name);
    // A distinct message with a different timestamp is not a duplicate.
    fs.appendFileSync(file, JSON.stringify({ ...objects[2], ...(name === 'v3' ? { id: 'a2', parentId: 'a1' } : {}), timestamp: '2026-01-01T00:00:03.000Z' }) + '\n');
    assert.equal((await summarizeFile(file)).info.assistant_message_count, 2, name);
  }
});

test('modified falls back to the header time, then the file mtime; first_message is empty without a user text', async (t) => {
  const dir = tempDir(t);
  const file = path.join(dir, 's.jsonl');
  fs.writeFileSync(file, `${JSON.stringify({ type: 'session', version: 3, id: 's', timestamp: '2026-02-03T04:05:06.007Z', cwd: '/w' })}\n${JSON.stringify({ type: 'model_change', id: 'm1', parentId: null, timestamp: '2026-02-03T04:05:07.000Z', provider: 'p', modelId: 'x' })}\n`);
  let info = (await summarizeFile(file)).info;
  assert.equal(info.modified, '2026-02-03T04:05:06.007Z');
  assert.equal(info.first_message, '');
  assert.equal(info.last_message_role, null);
  assert.equal(info.model, 'p/x');
  fs.writeFileSync(file, `${JSON.stringify({ type: 'session', version: 3, id: 's', timestamp: 'not a date', cwd: '/w' })}\n`);
  info = (await summarizeFile(file, { size: fs.statSync(file).size, mtimeMs: Date.UTC(2025, 5, 6) })).info;
  assert.equal(info.modified, '2025-06-06T00:00:00.000Z');
  assert.equal(info.created, '2025-06-06T00:00:00.000Z');
});

test('files without a session header are rejected; an unusable snapshot falls back to a full read', async (t) => {
  const dir = tempDir(t);
  const bad = path.join(dir, 'bad.jsonl');
  fs.writeFileSync(bad, '{"type":"message","id":"a"}\n');
  await assert.rejects(summarizeFile(bad), InvalidSessionFileError);
  const exp = writeSession(dir, { seed: 3, turns: 2 });
  const full = await asSummarizer(exp.path, fs.statSync(exp.path));
  assert.deepEqual(await summarizeFile(exp.path, { fromOffset: 200, snapshot: { v: 99 } }), full);
  assert.throws(() => SessionSummaryBuilder.restore(exp.path, 'nope'));
});

test('onEntry receives each counted entry with the span of its line', async (t) => {
  const root = tempDir(t);
  const exp = writeSession(root, { version: 3, seed: 13, turns: 4, quirks: { joinedLine: true, duplicateAssistantLine: true, garbageLines: 1, tools: true } });
  const bytes = fs.readFileSync(exp.path);
  const seen: string[] = [];
  await summarizeFile(exp.path, {
    onEntry(entry, header, span) {
      assert.equal(header.id, exp.id);
      const line = bytes.subarray(span.offset, span.offset + span.length).toString('utf8');
      assert.ok(line.includes(`"id":"${entry.id}"`), 'span holds the entry');
      seen.push(entry.id);
    },
  });
  assert.equal(seen.length, exp.entry_count);
  assert.equal(new Set(seen).size, seen.length, 'duplicate not reported');
});

test('the snapshot stays small: about 4 bytes per entry plus a fixed part', async (t) => {
  const root = tempDir(t);
  // About 500 message entries: 170 turns of user + tool call + tool result on most turns + answer.
  const exp = writeSession(root, { version: 3, seed: 77, turns: 170, quirks: { tools: true, thinking: true, names: ['n'] } });
  const { snapshot, info } = await summarizeFile(exp.path);
  const size = JSON.stringify(snapshot).length;
  assert.ok(info.entry_count >= 450, `entries ${info.entry_count}`);
  assert.ok(size < 6 * info.entry_count + 2500, `snapshot ${size} bytes for ${info.entry_count} entries`);
  assert.ok(!JSON.stringify(snapshot).includes('Done:') || JSON.stringify(snapshot).split('Done:').length <= 2, 'no message text besides the previews');
});
