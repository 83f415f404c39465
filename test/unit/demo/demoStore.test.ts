import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { writeDemoStore } from '../../../src/core/demo/demoStore';
import { listSessionFiles } from '../../../src/core/sessions/sessionDirs';
import { summarizeFile } from '../../../src/core/sessions/summary';

test('the demo store: readable pi sessions of three projects, rewritten on the next run with its state kept', async () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'psm-demo-'));
  try {
    const now = Date.UTC(2026, 11, 2, 8);
    const store = writeDemoStore(path.join(root, 'demo'), now);
    const { files } = await listSessionFiles(store.sessionsDir);
    assert.equal(files.length, store.sessionCount);
    assert.equal(store.sessionCount, 10);
    const infos = await Promise.all(files.map(async (f) => (await summarizeFile(f)).info));
    assert.equal(new Set(infos.map((i) => i.cwd)).size, 3);
    for (const info of infos) {
      assert.equal(info.skipped_lines, 0, info.path);
      assert.ok(info.message_count >= 2, info.path);
      const created = Date.parse(info.created);
      assert.ok(created >= now - 14 * 86_400_000 && created < now, `${info.path}: created within the last two weeks`);
    }
    assert.ok(infos.filter((i) => i.name !== null).length >= 5, 'most demo sessions are named');

    fs.writeFileSync(path.join(store.stateDir, 'state.db'), 'kept');
    fs.writeFileSync(path.join(store.sessionsDir, 'stray.jsonl'), '{}\n');
    const again = writeDemoStore(path.join(root, 'demo'), now);
    assert.equal((await listSessionFiles(again.sessionsDir)).files.length, 10, 'sessions are regenerated');
    assert.equal(fs.readFileSync(path.join(again.stateDir, 'state.db'), 'utf8'), 'kept', "the demo's own state is kept");

    const other = path.join(root, 'other');
    fs.mkdirSync(other);
    fs.writeFileSync(path.join(other, 'notes.txt'), 'keep');
    assert.throws(() => writeDemoStore(other, now), /is not empty and is no demo store/);
    assert.deepEqual(fs.readdirSync(other), ['notes.txt']);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});
