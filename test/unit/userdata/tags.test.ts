import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { EventBus } from '../../../src/core/events';
import { silentLogger } from '../../../src/core/log';
import { UserData } from '../../../src/core/userdata/userData';
import { ConfigBundleStore } from '../../../src/core/userdata/configBundle';
import { createUserDataCommands } from '../../../src/core/userdata/userDataCommands';
import type { TagAssignmentResult, TagDeleteResult, TagListing, TagRecord } from '../../../src/shared/model/tags';
import { Api, FakeSessions, eventsNamed, openStateDb, readOnlyCaller, recordEvents, tempDir } from './support';

async function setup() {
  const dir = tempDir();
  const db = await openStateDb(dir);
  const bus = new EventBus();
  const events = recordEvents(bus);
  const sessions = new FakeSessions();
  const userData = new UserData({ db, sessions, bus });
  sessions.decorate = (i) => userData.decorate(i);
  const config = new ConfigBundleStore({ db, bus, log: silentLogger });
  const api = Api.over(bus, createUserDataCommands({ userData, config }));
  return { dir, db, bus, events, sessions, userData, api };
}

test('create, list, update and delete a tag', async (t) => {
  const { api, db, events } = await setup();
  t.after(() => db.close());
  const work = await api.ok<TagRecord>('create_tag', { name: '  work ', color: '#0af' });
  assert.equal(work.name, 'work');
  assert.equal(work.color, '#0af');
  assert.equal(work.parent_id, null);
  assert.match(work.created_at, /^\d{4}-\d{2}-\d{2}T/);
  const urgent = await api.ok<TagRecord>('create_tag', { name: 'urgent', color: 'charts.red', parentId: work.id });
  assert.equal(urgent.parent_id, work.id);

  const listed = await api.ok<TagListing[]>('list_tags');
  assert.deepEqual(
    listed.map((x) => [x.name, x.parent_id, x.session_count, x.total_assignments]),
    [
      ['urgent', work.id, 0, 0],
      ['work', null, 0, 0],
    ],
  );
  assert.deepEqual(await api.ok('get_all_tags'), listed, 'compat alias');

  const renamed = await api.ok<TagRecord>('update_tag', { id: String(work.id), name: 'job' });
  assert.equal(renamed.name, 'job');
  assert.equal(renamed.color, '#0af', 'absent color is kept');
  const cleared = await api.ok<TagRecord>('update_tag', { id: work.id, color: null });
  assert.equal(cleared.color, null, 'explicit null clears the color');
  const moved = await api.ok<TagRecord>('update_tag', { id: urgent.id, parent_id: null });
  assert.equal(moved.parent_id, null, 'parent_id null moves to the top level');

  const deleted = await api.ok<TagDeleteResult>('delete_tag', { id: work.id });
  assert.equal(deleted.deleted, true);
  assert.deepEqual((await api.ok<TagListing[]>('list_tags')).map((x) => x.name), ['urgent']);
  assert.ok(eventsNamed(events, 'tags-changed').length >= 5);
});

test('tag validation errors name the field', async (t) => {
  const { api, db } = await setup();
  t.after(() => db.close());
  const root = await api.ok<TagRecord>('create_tag', { name: 'Alpha' });

  let e = await api.fails('create_tag', { name: '   ' });
  assert.equal(e.code, 'invalid_payload');
  assert.match(e.error, /^name:/);
  e = await api.fails('create_tag', { name: 'x'.repeat(65) });
  assert.match(e.error, /^name: .*64/);
  e = await api.fails('create_tag', {});
  assert.match(e.error, /^name: is required/);
  e = await api.fails('create_tag', { name: 'c', color: 'red; background:url(x)' });
  assert.equal(e.code, 'invalid_payload');
  assert.match(e.error, /^color:/);
  e = await api.fails('create_tag', { name: 'c', color: '#12345' });
  assert.match(e.error, /^color:/);
  e = await api.fails('create_tag', { name: 'alpha' });
  assert.equal(e.code, 'conflict', 'sibling names are unique regardless of case');
  assert.match(e.error, /^name:/);
  e = await api.fails('create_tag', { name: 'child', parent_id: 999 });
  assert.equal(e.code, 'not_found');
  assert.match(e.error, /^parent_id:/);
  e = await api.fails('create_tag', { name: 'child', parent_id: 'abc' });
  assert.match(e.error, /^parent_id:/);

  // The same name is fine at another level.
  await api.ok('create_tag', { name: 'alpha', parent_id: root.id });
  e = await api.fails('update_tag', { id: 999, name: 'z' });
  assert.equal(e.code, 'not_found');
  assert.match(e.error, /^id:/);
  e = await api.fails('delete_tag', { id: 999 });
  assert.equal(e.code, 'not_found');
  e = await api.fails('delete_tag', {});
  assert.match(e.error, /^id: is required/);

  const denied = await api.call('create_tag', { name: 'nope' }, readOnlyCaller);
  assert.equal(denied.success, false);
  assert.equal(!denied.success && denied.code, 'forbidden');
  assert.equal((await api.call('list_tags', {}, readOnlyCaller)).success, true);
});

test('moving a tag under itself or its descendants is refused', async (t) => {
  const { api, db } = await setup();
  t.after(() => db.close());
  const a = await api.ok<TagRecord>('create_tag', { name: 'a' });
  const b = await api.ok<TagRecord>('create_tag', { name: 'b', parent_id: a.id });
  const c = await api.ok<TagRecord>('create_tag', { name: 'c', parent_id: b.id });

  let e = await api.fails('update_tag', { id: a.id, parent_id: a.id });
  assert.equal(e.code, 'invalid_payload');
  assert.match(e.error, /^parent_id: .*own parent/);
  e = await api.fails('update_tag', { id: a.id, parent_id: c.id });
  assert.match(e.error, /^parent_id: .*descendant/);
  e = await api.fails('update_tag', { id: a.id, parentId: b.id });
  assert.match(e.error, /^parent_id:/);
  e = await api.fails('update_tag', { id: a.id, parent_id: 777 });
  assert.equal(e.code, 'not_found');

  // Nothing changed, and legal moves still work.
  const tags = await api.ok<TagListing[]>('list_tags');
  assert.equal(tags.find((x) => x.id === a.id)!.parent_id, null);
  const moved = await api.ok<TagRecord>('update_tag', { id: c.id, parent_id: a.id });
  assert.equal(moved.parent_id, a.id);
  const e2 = await api.fails('update_tag', { id: c.id, parent_id: null, name: 'A' });
  assert.equal(e2.code, 'conflict', 'moving next to a tag of the same name is refused');
});

test('deleting a parent moves its children up, renaming on a clash, and drops only its own assignments', async (t) => {
  const { api, db, dir, sessions, userData } = await setup();
  t.after(() => db.close());
  const s1 = sessions.add(dir, 'sess-1');
  const top = await api.ok<TagRecord>('create_tag', { name: 'top' });
  const mid = await api.ok<TagRecord>('create_tag', { name: 'mid', parent_id: top.id });
  const leaf = await api.ok<TagRecord>('create_tag', { name: 'leaf', parent_id: mid.id });
  const clash = await api.ok<TagRecord>('create_tag', { name: 'Leaf', parent_id: top.id });
  const other = await api.ok<TagRecord>('create_tag', { name: 'other', parent_id: mid.id });
  await api.ok('assign_tag', { session_path: s1.path, tag_id: mid.id });
  await api.ok('assign_tag', { session_path: s1.path, tag_id: leaf.id });
  sessions.touched.length = 0;

  const result = await api.ok<TagDeleteResult>('delete_tag', { id: mid.id });
  assert.deepEqual(result.reparented.sort(), [leaf.id, other.id].sort());
  assert.deepEqual(result.renamed, [{ id: leaf.id, name: 'leaf (mid)' }]);
  assert.equal(result.unassigned_sessions, 1);
  const tags = await api.ok<TagListing[]>('list_tags');
  const byId = new Map(tags.map((x) => [x.id, x]));
  assert.equal(byId.has(mid.id), false);
  assert.equal(byId.get(leaf.id)!.parent_id, top.id);
  assert.equal(byId.get(leaf.id)!.name, 'leaf (mid)');
  assert.equal(byId.get(other.id)!.parent_id, top.id);
  assert.equal(byId.get(clash.id)!.name, 'Leaf');
  assert.deepEqual(userData.decorate(sessions.get(s1.path)!).tag_ids, [leaf.id]);
  assert.deepEqual(sessions.touched, [s1.path], 'the session whose tags changed is re-published');

  // A deleted top-level parent moves its children to the top level.
  await api.ok('delete_tag', { id: top.id });
  const after = await api.ok<TagListing[]>('list_tags');
  assert.ok(after.every((x) => x.parent_id === null));
  assert.equal(after.length, 3);
});

test('assign and remove tags; SessionInfo carries sorted tag ids; errors name the field', async (t) => {
  const { api, db, dir, sessions, userData, events } = await setup();
  t.after(() => db.close());
  const s1 = sessions.add(dir, 'sess-1');
  const s2 = sessions.add(dir, 'sess-2');
  const x = await api.ok<TagRecord>('create_tag', { name: 'x' });
  const y = await api.ok<TagRecord>('create_tag', { name: 'y' });

  const r1 = await api.ok<TagAssignmentResult>('assign_tag', { session_path: s1.path, tag_id: y.id });
  assert.equal(r1.changed, true);
  assert.deepEqual(r1.tag_ids, [y.id]);
  const r2 = await api.ok<TagAssignmentResult>('assign_tag', { sessionPath: s1.path, tagId: String(x.id) });
  assert.deepEqual(r2.tag_ids, [x.id, y.id], 'sorted');
  const again = await api.ok<TagAssignmentResult>('assign_tag', { session_path: s1.path, tag_id: x.id });
  assert.equal(again.changed, false, 'assigning twice is harmless');
  await api.ok('assign_tag', { session_path: s2.path, tag_id: x.id });

  assert.deepEqual(sessions.get(s1.path)!.tag_ids, [x.id, y.id]);
  assert.deepEqual(sessions.touched, [s1.path, s1.path, s2.path]);
  const diffEvents = eventsNamed(events, 'tags-changed').map((e) => (e.payload as { reason: string }).reason);
  assert.ok(diffEvents.includes('assigned'));
  const counts = new Map((await api.ok<TagListing[]>('list_tags')).map((tg) => [tg.id, tg.session_count]));
  assert.equal(counts.get(x.id), 2);
  assert.equal(counts.get(y.id), 1);

  // A path that reaches the file another way (symlink, `..`) is the same session.
  const link = path.join(dir, 'link.jsonl');
  fs.symlinkSync(s2.path, link);
  const viaLink = await api.ok<TagAssignmentResult>('assign_tag', { session_path: link, tag_id: y.id });
  assert.equal(viaLink.session_path, s2.path);
  const viaDots = await api.ok<TagAssignmentResult>('remove_tag', { session_path: path.join(dir, 'sub', '..', 'sess-2.jsonl'), tag_id: y.id });
  assert.equal(viaDots.changed, true);

  let e = await api.fails('assign_tag', { session_path: path.join(dir, 'missing.jsonl'), tag_id: x.id });
  assert.equal(e.code, 'not_found');
  assert.match(e.error, /^session_path:/);
  e = await api.fails('assign_tag', { session_path: s1.path, tag_id: 4242 });
  assert.equal(e.code, 'not_found');
  assert.match(e.error, /^tag_id:/);
  e = await api.fails('assign_tag', { tag_id: x.id });
  assert.match(e.error, /^session_path: is required/);
  e = await api.fails('remove_tag', { session_path: s1.path, tag_id: 4242 });
  assert.match(e.error, /^tag_id:/);

  const removed = await api.ok<TagAssignmentResult>('remove_tag_from_session', { session_path: s1.path, tag_id: y.id });
  assert.equal(removed.changed, true);
  assert.deepEqual(removed.tag_ids, [x.id]);
  const notThere = await api.ok<TagAssignmentResult>('remove_tag', { session_path: s1.path, tag_id: y.id });
  assert.equal(notThere.changed, false);
  assert.deepEqual(userData.decorate(sessions.get(s1.path)!).tag_ids, [x.id]);
});

test('a tag follows its session when the file moves (same id, new path)', async (t) => {
  const { api, db, dir, sessions } = await setup();
  t.after(() => db.close());
  const s1 = sessions.add(dir, 'sess-move');
  const tag = await api.ok<TagRecord>('create_tag', { name: 'keep' });
  await api.ok('assign_tag', { session_path: s1.path, tag_id: tag.id });
  fs.mkdirSync(path.join(dir, 'elsewhere'));
  const moved = path.join(dir, 'elsewhere', 'renamed.jsonl');
  sessions.move(s1.path, moved);

  assert.deepEqual(sessions.get(moved)!.tag_ids, [tag.id]);
  assert.equal((await api.ok<TagListing[]>('list_tags'))[0]!.session_count, 1);
  const r = await api.ok<TagAssignmentResult>('remove_tag', { session_path: moved, tag_id: tag.id });
  assert.equal(r.changed, true);
  assert.deepEqual(sessions.get(moved)!.tag_ids, []);
});

test('tags survive a reopen, and a change saved by another process shows after reload', async (t) => {
  const { api, db, dir, sessions, userData } = await setup();
  const s1 = sessions.add(dir, 'sess-1');
  const tag = await api.ok<TagRecord>('create_tag', { name: 'persist' });
  await api.ok('assign_tag', { session_path: s1.path, tag_id: tag.id });

  // A second handle on the same file stands in for another editor window or the CLI.
  const other = await openStateDb(dir);
  t.after(async () => {
    await other.close();
    await db.close();
  });
  const otherData = new UserData({ db: other, sessions, bus: new EventBus() });
  assert.deepEqual(otherData.decorate(s1).tag_ids, [tag.id]);
  const second = await otherData.tags.create({ name: 'from-elsewhere' });
  await otherData.tags.assign(s1.path, second.id);

  assert.deepEqual(userData.decorate(s1).tag_ids, [tag.id], 'not yet reloaded');
  assert.equal(await db.reloadIfChangedOnDisk(), true);
  assert.deepEqual(userData.decorate(s1).tag_ids, [tag.id, second.id]);
});
