import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ensureRealisticCorpus, type RealisticSize } from '../../../bench/realisticCorpus';
import { containsWord } from '../../../bench/b4Search';

const tiny: RealisticSize = { label: 'tiny', sessions: 40, bytes: 6 * 1024 * 1024, hugeSessions: 1, hugeSessionBytes: 2 * 1024 * 1024 };
const fixtures = path.resolve(__dirname, '..', '..', '..', '..', 'shared', 'fixtures');

function jsonlFiles(dir: string): string[] {
  return fs
    .readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.jsonl'))
    .map((f) => path.join(dir, f))
    .sort();
}

/** Every line parses; v3 ids are unique and every reference points to an entry written before. */
function assertValidSession(file: string): { version: number; types: Set<string> } {
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  assert.equal(lines.pop(), '', `${file} ends with a newline`);
  const header = JSON.parse(lines[0]!) as Record<string, unknown>;
  assert.equal(header.type, 'session');
  const version = Number(header.version ?? 1);
  const ids = new Set<string>();
  const calls = new Set<string>();
  const types = new Set<string>();
  for (const line of lines.slice(1)) {
    const e = JSON.parse(line) as Record<string, unknown>;
    const message = e.message as Record<string, unknown> | undefined;
    types.add(message ? `message:${String(message.role)}` : String(e.type));
    if (message?.role === 'assistant' && Array.isArray(message.content)) for (const b of message.content as Record<string, unknown>[]) if (b.type === 'toolCall') calls.add(String(b.id));
    if (message?.role === 'toolResult') assert.ok(calls.has(String(message.toolCallId)), `${file}: a tool result answers a call made before it`);
    if (version === 1) {
      assert.equal(e.id, undefined);
      continue;
    }
    assert.match(String(e.id), /^[0-9a-f]{8}$/);
    assert.ok(!ids.has(String(e.id)), `${file}: ids are unique`);
    assert.ok(e.parentId === null ? ids.size === 0 : ids.has(String(e.parentId)), `${file}: parentId ${String(e.parentId)} was written before`);
    for (const key of ['targetId', 'fromId', 'firstKeptEntryId']) if (key in e) assert.ok(ids.has(String(e[key])), `${file}: ${key} points to an earlier entry`);
    ids.add(String(e.id));
  }
  return { version, types };
}

test('the realistic corpus is deterministic, valid pi files, with pi 1.6 entries, branches, compactions and a huge session', (t) => {
  if (!fs.existsSync(fixtures)) return t.skip('the shared pi fixtures are absent');
  const a = fs.mkdtempSync(path.join(os.tmpdir(), 'corpus-a-'));
  const b = fs.mkdtempSync(path.join(os.tmpdir(), 'corpus-b-'));
  try {
    const first = ensureRealisticCorpus(a, tiny, () => undefined, 7);
    const second = ensureRealisticCorpus(b, tiny, () => undefined, 7);
    assert.equal(first.manifest.modelSource, 'fixtures');
    const filesA = jsonlFiles(first.dir);
    assert.equal(filesA.length, tiny.sessions);
    assert.deepEqual(filesA.map((f) => path.relative(first.dir, f)), jsonlFiles(second.dir).map((f) => path.relative(second.dir, f)));
    for (const f of filesA) assert.ok(fs.readFileSync(f).equals(fs.readFileSync(path.join(second.dir, path.relative(first.dir, f)))), `${f} is the same for the same seed`);

    const types = new Set<string>();
    for (const f of filesA) for (const ty of assertValidSession(f).types) types.add(ty);
    for (const kind of ['message:user', 'message:assistant', 'message:toolResult', 'message:system', 'compaction', 'branch_summary', 'usage', 'label', 'custom_message']) {
      assert.ok(types.has(kind), `some session has ${kind}`);
    }
    assert.ok(first.manifest.largestFileBytes >= tiny.hugeSessionBytes, 'the huge session reaches its size');
    assert.ok(first.manifest.longestLineBytes > 2 * 1024 * 1024, 'a line over 2 MB');
    const total = filesA.reduce((s, f) => s + fs.statSync(f).size, 0);
    assert.equal(total, first.manifest.bytes);
    assert.ok(Math.abs(total - tiny.bytes) / tiny.bytes < 0.35, `about the size asked for (${total})`);

    // The ten query words: absent words are absent, the late word is only in the late file.
    assert.equal(first.manifest.queries.length, 10);
    const all = filesA.map((f) => ({ f, text: fs.readFileSync(f, 'utf8').toLowerCase() }));
    for (const q of first.manifest.queries.filter((x) => x.kind === 'absent')) assert.ok(all.every(({ text }) => !text.includes(q.word)), `${q.word} is absent`);
    assert.deepEqual(all.filter(({ text }) => text.includes(first.manifest.lateWord)).map(({ f }) => f), [first.manifest.lateFile]);
    assert.equal(first.manifest.lateFile, filesA[filesA.length - 1], 'the late file is the last by path');
    for (const q of first.manifest.queries.filter((x) => x.kind === 'common')) assert.ok(all.filter(({ text }) => text.includes(q.word)).length > tiny.sessions / 2, `${q.word} is common`);
  } finally {
    fs.rmSync(a, { recursive: true, force: true });
    fs.rmSync(b, { recursive: true, force: true });
  }
});

test('without the fixtures the corpus falls back to a built-in vocabulary and says so', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'corpus-fallback-'));
  const saved = process.env.PI_BENCH_FIXTURES;
  process.env.PI_BENCH_FIXTURES = path.join(root, 'no-fixtures-here');
  try {
    const { dir, manifest } = ensureRealisticCorpus(root, { ...tiny, sessions: 12, bytes: 2 * 1024 * 1024, hugeSessionBytes: 512 * 1024 }, () => undefined, 3);
    assert.equal(manifest.modelSource, 'fallback');
    assert.match(manifest.notes.join(' '), /FALLBACK/);
    const files = jsonlFiles(dir);
    assert.equal(files.length, 12);
    for (const f of files) assertValidSession(f);
  } finally {
    if (saved === undefined) delete process.env.PI_BENCH_FIXTURES;
    else process.env.PI_BENCH_FIXTURES = saved;
    fs.rmSync(root, { recursive: true, force: true });
  }
});

test('the recall check matches whole words and identifier parts the way the tokeniser cuts them', () => {
  assert.ok(containsWord('the parser reads', 'parser'));
  assert.ok(containsWord('call parseLine()', 'line'), 'a camelCase part');
  assert.ok(containsWord('snake_case_name', 'case'));
  assert.ok(containsWord('Theme40', 'theme'), 'letters before digits');
  assert.ok(!containsWord('the parsers read', 'parser'), 'not a prefix of a longer word');
  assert.ok(!containsWord('reparse', 'parse'));
  assert.ok(containsWord('请读取数据并告诉我', '数据'), 'CJK anywhere');
});
