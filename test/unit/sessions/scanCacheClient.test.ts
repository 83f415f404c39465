import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { silentLogger } from '../../../src/core/log';
import { ScanCacheClient } from '../../../src/core/sessions/cache/scanCacheClient';
import type { CachedParse } from '../../../src/core/sessions/cache/scanCache';
import { tempDir } from '../userdata/support';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitFor(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 300 && !check(); i++) await sleep(10);
  assert.ok(check(), what);
}

const row = (name: string, seen: string): CachedParse => ({ path: `/s/${name}.jsonl`, size: 10, mtimeMs: 1, offset: 10, info: null, snapshot: { v: 2, seen } });

describe('the scan cache in its worker', () => {
  it('stops its worker once quiet and saved, and a new one has every row', async () => {
    const file = path.join(tempDir(), 'scan-cache.db');
    const cache = new ScanCacheClient({ file, log: silentLogger, saveDelayMs: 10, restAfterMs: 100 });
    try {
      cache.put(row('a', 'abc'));
      // Before the batch goes out, reads see it here.
      assert.deepEqual(await cache.snapshotOf('/s/a.jsonl'), { v: 2, seen: 'abc' });
      cache.writePending();
      assert.equal(cache.workerRunning, true);
      await waitFor(() => !cache.workerRunning, 'the worker stops after the save');
      assert.ok(fs.existsSync(file), 'the rows were saved before it stopped');

      assert.deepEqual(await cache.snapshotOf('/s/a.jsonl'), { v: 2, seen: 'abc' }, 'a read starts a new worker, which reads the file');
      cache.put(row('b', 'def'));
      cache.delete('/s/a.jsonl');
      cache.writePending();
      await waitFor(() => !cache.workerRunning, 'it stops again after the second save');
      assert.deepEqual([...(await cache.loadAll()).keys()], ['/s/b.jsonl']);
    } finally {
      await cache.dispose();
    }
    // Nothing was lost across the rests: another process sees the rows.
    const again = new ScanCacheClient({ file, log: silentLogger, saveDelayMs: 10, restAfterMs: 100 });
    try {
      assert.deepEqual([...(await again.loadAll()).keys()], ['/s/b.jsonl']);
      assert.equal(await again.snapshotOf('/s/a.jsonl'), undefined);
    } finally {
      await again.dispose();
    }
  });

  it('loads many rows in batches, with changes not yet sent on top', async () => {
    const file = path.join(tempDir(), 'scan-cache.db');
    const cache = new ScanCacheClient({ file, log: silentLogger, saveDelayMs: 10, restAfterMs: 60_000 });
    try {
      for (let i = 0; i < 1000; i++) cache.put(row(`f${i}`, String(i)));
      await cache.flush();
      cache.put(row('late', 'x'));
      cache.delete('/s/f0.jsonl');
      const rows = await cache.loadAll();
      assert.equal(rows.size, 1000);
      assert.ok(rows.has('/s/late.jsonl') && !rows.has('/s/f0.jsonl'));
    } finally {
      await cache.dispose();
    }
  });

  it('a preload is what the first loadAll gets; later loads read again', async () => {
    const file = path.join(tempDir(), 'scan-cache.db');
    const first = new ScanCacheClient({ file, log: silentLogger, saveDelayMs: 10, restAfterMs: 60_000 });
    first.put(row('a', '1'));
    first.put(row('b', '2'));
    await first.dispose();

    const cache = new ScanCacheClient({ file, log: silentLogger, saveDelayMs: 10, restAfterMs: 60_000 });
    try {
      cache.preload();
      assert.equal(cache.workerRunning, true, 'the worker starts at once');
      assert.deepEqual([...(await cache.loadAll()).keys()].sort(), ['/s/a.jsonl', '/s/b.jsonl']);
      cache.put(row('c', '3'));
      await cache.flush();
      assert.deepEqual([...(await cache.loadAll()).keys()].sort(), ['/s/a.jsonl', '/s/b.jsonl', '/s/c.jsonl'], 'the second load is not the preloaded one');
    } finally {
      await cache.dispose();
    }

    // A core closed before its first scan never takes its preload: closing is still clean.
    const unused = new ScanCacheClient({ file, log: silentLogger, saveDelayMs: 10, restAfterMs: 60_000 });
    unused.preload();
    await unused.dispose();
    assert.equal(unused.workerRunning, false);
  });

  it('deferred rows wait here, readable, and go to the worker when the deferral ends', async () => {
    const file = path.join(tempDir(), 'scan-cache.db');
    const cache = new ScanCacheClient({ file, log: silentLogger, saveDelayMs: 10, restAfterMs: 60_000 });
    try {
      let end!: () => void;
      cache.deferWrites(new Promise<void>((resolve) => (end = resolve)));
      for (let i = 0; i < 600; i++) cache.put(row(`f${i}`, String(i)));
      cache.delete('/s/f1.jsonl');
      cache.writePending();
      await sleep(300);
      assert.equal(cache.workerRunning, false, 'more than a batch and the send delay passed, and nothing went out');
      assert.equal(fs.existsSync(file), false);
      assert.deepEqual(await cache.snapshotOf('/s/f7.jsonl'), { v: 2, seen: '7' }, 'a deferred row is read here');
      assert.equal(await cache.snapshotOf('/s/f1.jsonl'), undefined, 'a deferred delete too');

      end();
      await waitFor(() => cache.workerRunning, 'the rows go out once the deferral ends');
      await cache.flush();
      const again = new ScanCacheClient({ file, log: silentLogger, saveDelayMs: 10, restAfterMs: 100 });
      try {
        const rows = await again.loadAll();
        assert.equal(rows.size, 599);
        assert.ok(!rows.has('/s/f1.jsonl'));
        assert.deepEqual(await again.snapshotOf('/s/f599.jsonl'), { v: 2, seen: '599' });
      } finally {
        await again.dispose();
      }
    } finally {
      await cache.dispose();
    }
  });

  it('a deferral that never ends still loses nothing: dispose saves the rows', async () => {
    const file = path.join(tempDir(), 'scan-cache.db');
    const cache = new ScanCacheClient({ file, log: silentLogger, saveDelayMs: 60_000, restAfterMs: 60_000 });
    cache.deferWrites(new Promise(() => undefined));
    cache.put(row('a', 'x'));
    await cache.dispose();
    const again = new ScanCacheClient({ file, log: silentLogger, saveDelayMs: 10, restAfterMs: 100 });
    try {
      assert.deepEqual([...(await again.loadAll()).keys()], ['/s/a.jsonl']);
    } finally {
      await again.dispose();
    }
  });

  it('saves what is pending when disposed', async () => {
    const file = path.join(tempDir(), 'scan-cache.db');
    const cache = new ScanCacheClient({ file, log: silentLogger, saveDelayMs: 60_000, restAfterMs: 60_000 });
    cache.put(row('kept', 'k'));
    await cache.dispose();
    const again = new ScanCacheClient({ file, log: silentLogger, saveDelayMs: 10, restAfterMs: 100 });
    try {
      assert.deepEqual(await again.snapshotOf('/s/kept.jsonl'), { v: 2, seen: 'k' });
    } finally {
      await again.dispose();
    }
  });
});
