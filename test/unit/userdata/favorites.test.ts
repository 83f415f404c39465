import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { EventBus } from '../../../src/core/events';
import { silentLogger } from '../../../src/core/log';
import { UserData } from '../../../src/core/userdata/userData';
import { ConfigBundleStore } from '../../../src/core/userdata/configBundle';
import { createUserDataCommands } from '../../../src/core/userdata/userDataCommands';
import type { FavoriteState } from '../../../src/shared/model/tags';
import type { TagRecord } from '../../../src/shared/model/tags';
import { Api, FakeSessions, eventsNamed, makeInfo, openStateDb, readOnlyCaller, recordEvents, tempDir } from './support';

async function setup() {
  const dir = tempDir();
  const db = await openStateDb(dir);
  const bus = new EventBus();
  const events = recordEvents(bus);
  const sessions = new FakeSessions();
  const userData = new UserData({ db, sessions, bus });
  sessions.decorate = (i) => userData.decorate(i);
  const api = Api.over(bus, createUserDataCommands({ userData, config: new ConfigBundleStore({ db, bus, log: silentLogger }) }));
  return { dir, db, events, sessions, userData, api };
}

test('toggle_favorite flips and reports the new state; list_favorites returns paths', async (t) => {
  const { api, db, dir, sessions, events } = await setup();
  t.after(() => db.close());
  const a = sessions.add(dir, 'fav-a');
  const b = sessions.add(dir, 'fav-b');
  assert.deepEqual(await api.ok('list_favorites'), []);

  assert.deepEqual(await api.ok<FavoriteState>('toggle_favorite', { path: a.path }), { path: a.path, favorite: true });
  assert.deepEqual(await api.ok<FavoriteState>('toggle_favorite', { path: b.path }), { path: b.path, favorite: true });
  assert.deepEqual(await api.ok('list_favorites'), [a.path, b.path]);
  assert.deepEqual(await api.ok('get_all_favorites'), [a.path, b.path], 'compat alias');
  assert.equal(sessions.get(a.path)!.favorite, true);

  assert.deepEqual(await api.ok<FavoriteState>('toggle_favorite', { path: a.path }), { path: a.path, favorite: false });
  assert.deepEqual(await api.ok('list_favorites'), [b.path]);
  assert.equal(sessions.get(a.path)!.favorite, false);

  // An explicit state is idempotent.
  assert.deepEqual(await api.ok<FavoriteState>('toggle_favorite', { path: b.path, favorite: true }), { path: b.path, favorite: true });
  assert.deepEqual(await api.ok('list_favorites'), [b.path]);

  assert.deepEqual(
    eventsNamed(events, 'favorites-changed').map((e) => e.payload),
    [
      { path: a.path, favorite: true },
      { path: b.path, favorite: true },
      { path: a.path, favorite: false },
    ],
  );
  assert.deepEqual(sessions.touched, [a.path, b.path, a.path]);
});

test('toggle_favorite errors name the field, and writes need the write scope', async (t) => {
  const { api, db, dir } = await setup();
  t.after(() => db.close());
  let e = await api.fails('toggle_favorite', { path: path.join(dir, 'nope.jsonl') });
  assert.equal(e.code, 'not_found');
  assert.match(e.error, /^path:/);
  e = await api.fails('toggle_favorite', {});
  assert.match(e.error, /^path: is required/);
  e = await api.fails('toggle_favorite', { path: 42 });
  assert.match(e.error, /^path:/);
  const denied = await api.call('toggle_favorite', { path: '/x.jsonl' }, readOnlyCaller);
  assert.equal(!denied.success && denied.code, 'forbidden');
});

test('a favorite follows a moved file; a vanished session keeps its last path and can be un-favorited', async (t) => {
  const { api, db, dir, sessions } = await setup();
  t.after(() => db.close());
  const a = sessions.add(dir, 'fav-move');
  await api.ok('toggle_favorite', { path: a.path });
  const moved = path.join(dir, 'moved.jsonl');
  sessions.move(a.path, moved);
  assert.deepEqual(await api.ok('list_favorites'), [moved]);
  assert.equal(sessions.get(moved)!.favorite, true);

  sessions.drop(moved);
  assert.deepEqual(await api.ok('list_favorites'), [a.path], 'falls back to the stored path');
  assert.deepEqual(await api.ok<FavoriteState>('toggle_favorite', { path: a.path }), { path: a.path, favorite: false });
  assert.deepEqual(await api.ok('list_favorites'), []);
});

test('decorate adds tag_ids and favorite without touching the original; sessions without an id use their path', async (t) => {
  const { api, db, dir, sessions, userData } = await setup();
  t.after(() => db.close());
  const a = sessions.add(dir, 'deco');
  const tag = await api.ok<TagRecord>('create_tag', { name: 't' });
  await api.ok('assign_tag', { session_path: a.path, tag_id: tag.id });
  await api.ok('toggle_favorite', { path: a.path });
  const raw = makeInfo({ path: a.path, id: 'deco' });
  const decorated = userData.decorate(raw);
  assert.deepEqual([decorated.tag_ids, decorated.favorite], [[tag.id], true]);
  assert.deepEqual([raw.tag_ids, raw.favorite], [[], false], 'the input is not modified');

  const anonymous = sessions.add(dir, 'anon', { id: '' });
  await api.ok('toggle_favorite', { path: anonymous.path });
  assert.equal(userData.decorate(makeInfo({ path: anonymous.path, id: '' })).favorite, true);
  assert.equal(userData.decorate(makeInfo({ path: path.join(dir, 'other.jsonl'), id: '' })).favorite, false);
});

test('forgetSession removes the tag and favorite records of a deleted session, unless a copy shares its id', async (t) => {
  const { api, db, dir, sessions, userData, events } = await setup();
  t.after(() => db.close());
  const a = sessions.add(dir, 'gone');
  const tag = await api.ok<TagRecord>('create_tag', { name: 't' });
  await api.ok('assign_tag', { session_path: a.path, tag_id: tag.id });
  await api.ok('toggle_favorite', { path: a.path });

  const copy = sessions.add(dir, 'copy', { id: 'gone' });
  assert.deepEqual(await userData.forgetSession('gone', a.path), { tags_removed: 0, was_favorite: false });
  assert.equal(sessions.get(copy.path)!.favorite, true, 'the copy keeps them');

  sessions.drop(copy.path);
  sessions.drop(a.path);
  assert.deepEqual(await userData.forgetSession('gone', a.path), { tags_removed: 1, was_favorite: true });
  assert.deepEqual(await api.ok('list_favorites'), []);
  const tags = await api.ok<{ total_assignments: number }[]>('list_tags');
  assert.equal(tags[0]!.total_assignments, 0);
  assert.deepEqual(eventsNamed(events, 'favorites-changed').at(-1)!.payload, { path: a.path, favorite: false });
});
