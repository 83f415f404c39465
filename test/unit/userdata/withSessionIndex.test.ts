import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { EventBus } from '../../../src/core/events';
import { silentLogger } from '../../../src/core/log';
import { ScanCacheClient } from '../../../src/core/sessions/cache/scanCacheClient';
import { SessionIndex, type Summarizer } from '../../../src/core/sessions/sessionIndex';
import type { SessionInfo } from '../../../src/shared/model/sessionInfo';
import { UserData } from '../../../src/core/userdata/userData';
import { makeInfo, openStateDb, recordEvents, eventsNamed, tempDir } from './support';

/** Reads only the header line: enough for the index to know a session's id and cwd. */
const headerOnly: Summarizer = async (file, { size }) => {
  const first = (await fs.promises.readFile(file, 'utf8')).split('\n')[0] ?? '{}';
  const header = JSON.parse(first) as { id?: string; cwd?: string; timestamp?: string };
  const info = makeInfo({ path: file, id: header.id ?? '', cwd: header.cwd ?? '', created: header.timestamp ?? '', modified: header.timestamp ?? '' });
  return { info, snapshot: null, offset: size };
};

function writeSession(file: string, id: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `${JSON.stringify({ type: 'session', version: 3, id, cwd: '/work/project', timestamp: '2025-03-01T10:00:00.000Z' })}\n`);
}

test('with the real session index: decorations flow into scans and diffs, and follow a moved file', async (t) => {
  const root = tempDir();
  const sessionsDir = path.join(root, 'sessions');
  const state = await openStateDb(root);
  const cache = new ScanCacheClient({ file: path.join(root, 'cache.db'), log: silentLogger, saveDelayMs: 50, restAfterMs: 200 });
  const bus = new EventBus();
  const events = recordEvents(bus);
  let userData: UserData | undefined;
  const index = new SessionIndex({
    bus,
    log: silentLogger,
    cache,
    summarize: headerOnly,
    dirs: () => [{ path: sessionsDir, source: 'user', exists: true }],
    decorate: (info: SessionInfo) => (userData ? userData.decorate(info) : info),
  });
  userData = new UserData({ db: state, sessions: index, bus });
  t.after(async () => {
    await index.dispose();
    await cache.dispose();
    await state.close();
  });

  const original = path.join(sessionsDir, '--work-project--', '2025-03-01_abc.jsonl');
  writeSession(original, 'abc');
  writeSession(path.join(sessionsDir, '--work-project--', '2025-03-01_def.jsonl'), 'def');
  await index.ready();

  const tag = await userData.tags.create({ name: 'review' });
  await userData.tags.assign(original, tag.id);
  await userData.favorites.toggle(original);
  const diff = eventsNamed(events, 'sessions-diff').at(-1)!.payload as { updated: SessionInfo[] };
  assert.deepEqual(
    diff.updated.map((i) => [i.path, i.tag_ids, i.favorite]),
    [[original, [tag.id], true]],
    'touch re-publishes the decorated session',
  );
  assert.deepEqual(index.get(original)!.tag_ids, [tag.id]);
  assert.equal(index.all().filter((i) => i.favorite).length, 1);

  // The file moves (same header id, new path): tag and favorite follow it.
  const moved = path.join(sessionsDir, 'archive', 'abc.jsonl');
  fs.mkdirSync(path.dirname(moved), { recursive: true });
  fs.renameSync(original, moved);
  await index.rescan();
  assert.equal(index.get(original), undefined);
  assert.deepEqual(index.get(moved)!.tag_ids, [tag.id]);
  assert.equal(index.get(moved)!.favorite, true);
  assert.deepEqual(userData.favorites.list(), [moved]);
  assert.equal(userData.tags.list()[0]!.session_count, 1);
});
