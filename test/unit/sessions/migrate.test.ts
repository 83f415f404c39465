import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { EntryMigrator, migrateEntries, normalizeHeader, v1EntryId } from '../../../src/core/sessions/migrate';
import { parseSessionFile } from '../../../src/core/sessions/parser';
import type { CompactionEntry, MessageEntry } from '../../../src/shared/model/entries';
import { allQuirks, writeSession } from '../../support/sessionGenerator';

function tempDir(t: { after(fn: () => void): void }): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'psm-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

test('a header without version is v1 and keeps its legacy fields', () => {
  const header = normalizeHeader({ type: 'session', id: 'x', timestamp: 't', cwd: '/c', provider: 'p', modelId: 'm', thinkingLevel: 'off', branchedFrom: '/old.jsonl' });
  assert.ok(header);
  assert.equal(header.version, 1);
  assert.equal(header.branchedFrom, '/old.jsonl');
  assert.equal(header.parentSession, undefined);
  assert.equal(normalizeHeader({ type: 'session' }), null);
  assert.equal(normalizeHeader({ type: 'message', id: 'x' }), null);
});

test('v1 entries become a chain, firstKeptEntryIndex becomes firstKeptEntryId, hookMessage becomes custom', () => {
  const entries = migrateEntries(1, [
    { type: 'message', timestamp: 'a', message: { role: 'user', content: 'hi' } },
    { type: 'message', timestamp: 'b', message: { role: 'hookMessage', content: 'x' } },
    { type: 'compaction', timestamp: 'c', summary: 's', firstKeptEntryIndex: 2 },
    { notAnEntry: true },
    { type: 'message', timestamp: 'd', message: { role: 'assistant', content: [] } },
  ]);
  assert.deepEqual(entries.map((e) => [e.id, e.parentId]), [
    [v1EntryId(1), null],
    [v1EntryId(2), v1EntryId(1)],
    [v1EntryId(3), v1EntryId(2)],
    // Index 4 is the non-entry object: it uses up an index, as in pi's array.
    [v1EntryId(5), v1EntryId(3)],
  ]);
  const compaction = entries[2] as CompactionEntry;
  assert.equal(compaction.firstKeptEntryId, v1EntryId(2));
  assert.equal('firstKeptEntryIndex' in compaction, false);
  assert.equal((entries[1] as MessageEntry).message.role, 'custom');
  assert.equal(new Set(entries.map((e) => e.id)).size, entries.length);
});

test('a migrator resumed from its state continues the v1 chain exactly', () => {
  const objects = () => [1, 2, 3, 4].map((i) => ({ type: 'message', timestamp: `t${i}`, message: { role: 'user', content: `m${i}` } }));
  const whole = migrateEntries(1, objects());
  const first = new EntryMigrator(1);
  const [a, b, c, d] = objects();
  const part1 = [first.migrate(a), first.migrate(b)];
  const resumed = new EntryMigrator(1, JSON.parse(JSON.stringify(first.state)));
  const part2 = [resumed.migrate(c), resumed.migrate(d)];
  assert.deepEqual([...part1, ...part2], whole);
});

test('v2: hookMessage becomes custom, ids are kept, entries without ids are dropped', () => {
  const entries = migrateEntries(2, [
    { type: 'message', id: 'a', parentId: null, timestamp: 't', message: { role: 'hookMessage', content: 'x' } },
    { type: 'message', parentId: 'a', timestamp: 't', message: { role: 'user', content: 'no id' } },
  ]);
  assert.equal(entries.length, 1);
  assert.equal((entries[0] as MessageEntry).message.role, 'custom');
  const v3 = migrateEntries(3, [{ type: 'message', id: 'a', parentId: null, timestamp: 't', message: { role: 'hookMessage' } }]);
  assert.equal((v3[0] as MessageEntry).message.role, 'hookMessage', 'v3 files are not migrated');
});

test('generated v1 and v2 files migrate in memory and are never rewritten', async (t) => {
  const root = tempDir(t);
  for (const version of [1, 2] as const) {
    const exp = writeSession(root, { version, seed: 21 + version, turns: 6, quirks: allQuirks });
    const before = fs.readFileSync(exp.path);
    const parsed = await parseSessionFile(exp.path);
    assert.deepEqual(fs.readFileSync(exp.path), before, 'file untouched');
    assert.equal(parsed.header.version, version);
    assert.equal(parsed.leafId, exp.leaf_id);
    const byId = new Map(parsed.entries.map((e) => [e.id, e]));
    assert.equal(byId.size, parsed.entries.length, 'unique ids');
    const compaction = parsed.entries.find((e) => e.type === 'compaction') as CompactionEntry;
    assert.equal(compaction.firstKeptEntryId, exp.firstKeptEntryId);
    const kept = byId.get(compaction.firstKeptEntryId ?? '') as MessageEntry | undefined;
    assert.equal(kept?.message.role, 'user', 'first kept entry is the turn-1 user message');
    if (version === 1) {
      // A linear chain: each entry's parent is the one before it, the duplicate skipped over.
      parsed.entries.forEach((e, i) => assert.equal(e.parentId, i === 0 ? null : parsed.entries[i - 1].id));
    } else {
      assert.ok(parsed.entries.some((e) => e.type === 'message' && (e as MessageEntry).message.role === 'custom'), 'hookMessage → custom');
      assert.ok(!fs.readFileSync(exp.path, 'utf8').includes('"role":"custom"'));
    }
  }
});
