import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { InvalidSessionFileError, parseEntriesFrom, parseSessionFile } from '../../../src/core/sessions/parser';
import { JsonlLineSplitter, parseJsonlLine, readJsonlLines, type JsonlLine } from '../../../src/core/sessions/jsonl';
import type { MessageEntry } from '../../../src/shared/model/entries';
import { allQuirks, writeSession } from '../../support/sessionGenerator';

function tempDir(t: { after(fn: () => void): void }): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'psm-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

test('the splitter cuts on \\n only, strips \\r, keeps U+2028/U+2029 and holds back a partial line', () => {
  const text = '{"a":"x\u2028y\u2029z"}\r\n{"b":1}\n{"c":';
  const bytes = Buffer.from(text);
  // Feed one byte at a time: every chunk boundary, including inside multi-byte characters.
  const splitter = new JsonlLineSplitter();
  const lines: JsonlLine[] = [];
  for (let i = 0; i < bytes.length; i++) lines.push(...splitter.push(bytes.subarray(i, i + 1)));
  assert.deepEqual(lines.map((l) => l.text), ['{"a":"x\u2028y\u2029z"}', '{"b":1}']);
  const secondStart = Buffer.byteLength('{"a":"x\u2028y\u2029z"}\r\n');
  assert.deepEqual(lines.map((l) => [l.offset, l.length]), [[0, secondStart - 2], [secondStart, 7]]);
  assert.equal(splitter.offset, secondStart + 8);
  assert.equal(splitter.pendingBytes, 5);
  assert.deepEqual(splitter.push(Buffer.from('2}\n')).map((l) => l.text), ['{"c":2}']);
  assert.equal(splitter.offset, bytes.length + 3);
});

test('the splitter drops a byte-order mark at the start of the file and resumes at an offset', () => {
  const lines = new JsonlLineSplitter().push(Buffer.from('\uFEFF{"a":1}\n'));
  assert.equal(lines[0].text, '{"a":1}');
  const resumed = new JsonlLineSplitter(100).push(Buffer.from('{"b":2}\n'));
  assert.deepEqual([resumed[0].offset, resumed[0].text], [100, '{"b":2}']);
});

test('a line holding two objects is recovered, blank and garbage lines are skipped', () => {
  assert.deepEqual(parseJsonlLine('{"type":"a","id":"1"}{"type":"b","id":"2"}').objects, [{ type: 'a', id: '1' }, { type: 'b', id: '2' }]);
  assert.deepEqual(parseJsonlLine('{"type":"a","s":"}{"} {"type":"b"}').objects, [{ type: 'a', s: '}{' }, { type: 'b' }]);
  // A half-written object followed by a complete one: the complete one survives.
  const halfThenWhole = '{"type":"message","id":"x1","message":{"role":"user","content":[{"type":"text","text":"hel' + '{"type":"message","id":"x2","message":{"role":"user","content":[{"type":"text","text":"ok"}]}}';
  assert.deepEqual(parseJsonlLine(halfThenWhole).objects.map((o) => o.id), ['x2']);
  for (const garbage of ['', '   ', 'not json', '[1,2]', '42', '{"type":"message","id":"trunc']) {
    assert.deepEqual(parseJsonlLine(garbage), { objects: [], skipped: true }, garbage);
  }
});

test('readJsonlLines streams a file with a multi-megabyte line and stops at toOffset', async (t) => {
  const dir = tempDir(t);
  const file = path.join(dir, 'big.jsonl');
  const big = JSON.stringify({ text: 'y'.repeat(6 * 1024 * 1024) });
  fs.writeFileSync(file, `{"a":1}\n${big}\n{"b":2}\n{"partial":`);
  const lengths: number[] = [];
  const end = await readJsonlLines(file, (l) => lengths.push(l.text.length), { chunkSize: 64 * 1024 });
  assert.deepEqual(lengths, [7, big.length, 7]);
  assert.equal(end, 8 + big.length + 1 + 8);
  const firstOnly: string[] = [];
  assert.equal(await readJsonlLines(file, (l) => firstOnly.push(l.text), { toOffset: 10 }), 8);
  assert.deepEqual(firstOnly, ['{"a":1}']);
});

test('one-call reads of files one after another never see bytes of the file read before', async (t) => {
  // Files up to a few MB are read in one call into a buffer reused from file to file: a
  // shorter file after a longer one, and a file whose last line is partial, must end where
  // their own bytes end.
  const dir = tempDir(t);
  const write = (name: string, text: string): { file: string; size: number } => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, text);
    return { file, size: Buffer.byteLength(text) };
  };
  const long = write('long.jsonl', `${JSON.stringify({ text: 'x'.repeat(300_000) })}\n{"tail":"of the long file"}\n`);
  const short = write('short.jsonl', '{"a":1}\n{"b":"二"}\n');
  const partial = write('partial.jsonl', '{"c":3}\n{"half":');
  const read = async (f: { file: string; size: number }): Promise<{ lines: string[]; end: number }> => {
    const lines: string[] = [];
    const end = await readJsonlLines(f.file, (l) => lines.push(l.text), { toOffset: f.size });
    return { lines, end };
  };
  assert.equal((await read(long)).lines.length, 2);
  assert.deepEqual(await read(short), { lines: ['{"a":1}', '{"b":"二"}'], end: short.size });
  assert.deepEqual(await read(partial), { lines: ['{"c":3}'], end: 8 });
  assert.deepEqual((await read(long)).lines[1], '{"tail":"of the long file"}');
  // A read that resumes at an offset fills the buffer from there.
  const lines: string[] = [];
  assert.equal(await readJsonlLines(short.file, (l) => lines.push(l.text), { fromOffset: 8, toOffset: short.size }), short.size);
  assert.deepEqual(lines, ['{"b":"二"}']);
});

test('a file that does not start with a session header is rejected', async (t) => {
  const dir = tempDir(t);
  const cases: Record<string, string> = {
    'entry-first.jsonl': '{"type":"message","id":"a","parentId":null,"timestamp":"x"}\n',
    'no-id.jsonl': '{"type":"session","version":3}\n',
    'empty.jsonl': '',
    'half-header.jsonl': '{"type":"session","id":"abc"',
  };
  for (const [name, content] of Object.entries(cases)) {
    const file = path.join(dir, name);
    fs.writeFileSync(file, content);
    await assert.rejects(parseSessionFile(file), InvalidSessionFileError, name);
  }
  const ok = path.join(dir, 'garbage-then-header.jsonl');
  fs.writeFileSync(ok, 'oops\n{"type":"session","id":"s1","timestamp":"2026-01-01T00:00:00.000Z","cwd":"/w"}\n');
  const parsed = await parseSessionFile(ok);
  assert.equal(parsed.header.id, 's1');
  assert.equal(parsed.header.version, 1);
  assert.equal(parsed.skippedLines, 1);
});

test('every quirk of a generated v3 file: joined, partial, garbage, blank, huge, unknown, labels, leaf', async (t) => {
  const root = tempDir(t);
  const exp = writeSession(root, { version: 3, seed: 11, turns: 7, quirks: { ...allQuirks, partialLastLine: true, hugeToolResultBytes: 4_000_000 } });
  const parsed = await parseSessionFile(exp.path);
  const ids = new Set(parsed.entries.map((e) => e.id));
  assert.equal(exp.joinedIds.length, 2);
  for (const id of exp.joinedIds) assert.ok(ids.has(id), `joined entry ${id} recovered`);
  assert.equal(parsed.skippedLines, exp.skipped_lines);
  assert.equal(parsed.skippedLines, allQuirks.garbageLines + allQuirks.blankLines);
  assert.equal(parsed.entries.length, exp.entry_count, 'duplicate dropped, partial line ignored');
  assert.equal(ids.size, parsed.entries.length);
  assert.equal(parsed.leafId, exp.leaf_id);
  assert.equal(parsed.bytesParsed, exp.completeBytes);
  assert.equal(Object.keys(parsed.labels).length, 1);
  assert.ok(parsed.entries.some((e) => e.type === 'x_future_entry'), 'unknown entry type kept');
  assert.ok(parsed.entries.some((e) => e.type === 'message' && (e as MessageEntry).message.role === 'x_future_role'), 'unknown role kept');
  const huge = parsed.entries.find((e) => e.type === 'message' && (e as MessageEntry).message.role === 'toolResult');
  assert.ok(huge && Buffer.byteLength(JSON.stringify(huge)) > 4_000_000, 'huge tool result read whole');
  const firstUser = parsed.entries.find((e) => e.type === 'message') as MessageEntry;
  assert.ok(JSON.stringify(firstUser.message).includes('\u2028'), 'U+2028 inside a string does not split the line');
  assert.ok('x_future_field' in firstUser, 'unknown fields kept');

  // Completing the half-written line makes it readable from where the first read stopped.
  fs.appendFileSync(exp.path, exp.partialRest ?? '');
  const tail = await parseEntriesFrom(exp.path, exp.completeBytes);
  assert.equal(tail.entries.length, 1);
  assert.equal((tail.entries[0] as MessageEntry).message.role, 'assistant');
  assert.equal(tail.nextOffset, fs.statSync(exp.path).size);
  const whole = await parseSessionFile(exp.path);
  assert.equal(whole.leafId, tail.entries[0].id);
});

test('labels: the last one per target in file order wins and an empty label deletes', async (t) => {
  const dir = tempDir(t);
  const file = path.join(dir, 's.jsonl');
  const lines = [
    { type: 'session', version: 3, id: 's', timestamp: '2026-01-01T00:00:00.000Z', cwd: '/w' },
    { type: 'message', id: 'a1', parentId: null, timestamp: '2026-01-01T00:00:01.000Z', message: { role: 'user', content: 'hi', timestamp: 1 } },
    { type: 'label', id: 'l1', parentId: 'a1', timestamp: '2026-01-01T00:00:02.000Z', targetId: 'a1', label: 'one' },
    { type: 'label', id: 'l2', parentId: 'l1', timestamp: '2026-01-01T00:00:03.000Z', targetId: 'a1', label: 'two' },
    { type: 'label', id: 'l3', parentId: 'l2', timestamp: '2026-01-01T00:00:04.000Z', targetId: 'l1', label: 'gone' },
    { type: 'label', id: 'l4', parentId: 'l3', timestamp: '2026-01-01T00:00:05.000Z', targetId: 'l1', label: '' },
  ];
  fs.writeFileSync(file, lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
  const parsed = await parseSessionFile(file);
  assert.deepEqual(parsed.labels, { a1: 'two' });
  assert.equal(parsed.leafId, 'l4');
});
