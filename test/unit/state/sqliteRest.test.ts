import assert from 'node:assert/strict';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { silentLogger } from '../../../src/core/log';
import { SqliteFile } from '../../../src/core/state/sqliteFile';
import { ScanCache, scanCacheMigrations } from '../../../src/core/sessions/scanCache';
import { tempDir } from '../userdata/support';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitFor(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 200 && !check(); i++) await sleep(10);
  assert.ok(check(), what);
}

describe('a resting sql.js database', () => {
  it('closes once unused and saved, and opens again with every row on its next use', async () => {
    const dir = tempDir();
    const db = await SqliteFile.open(path.join(dir, 'scan-cache.db'), { log: silentLogger, migrations: scanCacheMigrations, saveDelayMs: 10, restAfterMs: 50 });
    try {
      const cache = new ScanCache(db);
      cache.put({ path: '/s/a.jsonl', size: 10, mtimeMs: 1, offset: 10, info: null, snapshot: { v: 2, seen: 'abc' } });
      cache.writePending();
      // Not while a save is owed: the change would be lost with the memory.
      assert.equal(db.isOpen, true);
      await waitFor(() => !db.isOpen, 'the database rests after the save');
      assert.deepEqual(cache.snapshotOf('/s/a.jsonl'), { v: 2, seen: 'abc' });
      assert.equal(db.isOpen, true, 'a read opens it again');
      cache.put({ path: '/s/b.jsonl', size: 20, mtimeMs: 2, offset: 20, info: null, snapshot: { v: 2, seen: 'def' } });
      cache.writePending();
      await waitFor(() => !db.isOpen, 'rests again after the second save');
      assert.deepEqual([...cache.loadAll().keys()].sort(), ['/s/a.jsonl', '/s/b.jsonl']);
    } finally {
      await db.close();
    }
    // Nothing was lost across the rests: a new process sees both rows.
    const again = await SqliteFile.open(path.join(dir, 'scan-cache.db'), { log: silentLogger, migrations: scanCacheMigrations });
    try {
      assert.deepEqual([...new ScanCache(again).loadAll().keys()].sort(), ['/s/a.jsonl', '/s/b.jsonl']);
    } finally {
      await again.close();
    }
  });

  it('closes cleanly while resting', async () => {
    const dir = tempDir();
    const db = await SqliteFile.open(path.join(dir, 'scan-cache.db'), { log: silentLogger, migrations: scanCacheMigrations, restAfterMs: 20 });
    await waitFor(() => !db.isOpen, 'rests when nothing was changed');
    await db.close();
    assert.throws(() => db.db, /used after it was closed/);
  });
});
