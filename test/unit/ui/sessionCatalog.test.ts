import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import type { LiveSession } from '../../../src/shared/model/pi';
import type { SessionInfo } from '../../../src/shared/model/sessionInfo';
import { SessionCatalog } from '../../../src/ui/tree/sessionCatalog';
import type { GroupNode, SidebarNode } from '../../../src/ui/tree/treeModel';

const now = Date.parse('2026-03-10T12:00:00.000Z');

function info(path: string, cwd: string, modified: string, extra: Partial<SessionInfo> = {}): SessionInfo {
  return {
    path,
    id: path,
    cwd,
    name: null,
    created: modified,
    modified,
    message_count: 2,
    pi_message_count: 2,
    first_message: `first of ${path}`,
    last_message: '',
    last_message_role: null,
    parent_session_path: null,
    model: null,
    models: [],
    thinking_level: null,
    version: 3,
    size_bytes: 1,
    file_mtime_ms: 0,
    entry_count: 2,
    user_message_count: 1,
    assistant_message_count: 1,
    tool_result_count: 0,
    bash_execution_count: 0,
    tool_call_count: 0,
    tokens: { input: 0, output: 0, cache_read: 0, cache_write: 0, total: 0 },
    cost: 0,
    leaf_id: null,
    has_branches: false,
    label_count: 0,
    compaction_count: 0,
    skipped_lines: 0,
    tag_ids: [],
    favorite: false,
    ...extra,
  };
}

function catalogWith(list: SessionInfo[], workspace: string[] = []): SessionCatalog {
  const c = new SessionCatalog({ workspaceFolders: () => workspace, now: () => now });
  c.replaceAll(list);
  return c;
}

const ids = (nodes: SidebarNode[]) => nodes.map((n) => n.id);
const paths = (nodes: SidebarNode[]) => nodes.map((n) => (n.kind === 'session' ? n.path : n.id));

test('projects are ordered workspace first, then by newest session', () => {
  const c = catalogWith(
    [info('/s/a', '/old', '2026-03-01T00:00:00Z'), info('/s/b', '/new', '2026-03-09T00:00:00Z'), info('/s/c', '/ws/sub', '2026-02-01T00:00:00Z')],
    ['/ws'],
  );
  assert.deepEqual(ids(c.rootGroups()), ['g:project:/ws/sub', 'g:project:/new', 'g:project:/old']);
});

test('a project lists its sessions newest first, and favorites and tags get their own groups', () => {
  const c = catalogWith([
    info('/s/a', '/p', '2026-03-01T00:00:00Z', { favorite: true }),
    info('/s/b', '/p', '2026-03-05T00:00:00Z', { tag_ids: [2] }),
  ]);
  c.setTags([
    { id: 1, name: 'work', color: null, parent_id: null, session_count: 0, total_assignments: 0, created_at: '2026-01-01T00:00:00Z' },
    { id: 2, name: 'bugs', color: null, parent_id: 1, session_count: 1, total_assignments: 1, created_at: '2026-01-01T00:00:00Z' },
  ]);
  const root = c.rootGroups();
  assert.deepEqual(ids(root), ['g:favorites', 'g:tags', 'g:project:/p']);
  assert.deepEqual(paths(c.children(root[2])), ['/s/b', '/s/a']);
  assert.deepEqual(paths(c.children(root[0])), ['/s/a']);
  const [work] = c.children(root[1]);
  assert.equal(work.id, 'g:tag:1');
  const [bugs] = c.children(work);
  assert.equal(bugs.id, 'g:tag:2');
  assert.deepEqual(paths(c.children(bugs)), ['/s/b']);
});

test('nodes are the same objects on every call, so the view keeps its state', () => {
  const c = catalogWith([info('/s/a', '/p', '2026-03-01T00:00:00Z')]);
  const [project] = c.rootGroups();
  assert.equal(c.rootGroups()[0], project);
  assert.equal(c.children(project)[0], c.children(project)[0]);
});

test('an update that keeps membership and order refreshes only the row', () => {
  const c = catalogWith([info('/s/a', '/p', '2026-03-01T00:00:00Z'), info('/s/b', '/p', '2026-03-02T00:00:00Z')]);
  const [project] = c.rootGroups();
  c.children(project);
  const change = c.applyDiff({ added: [], updated: [info('/s/a', '/p', '2026-03-01T00:00:00Z', { name: 'renamed' })], removed: [] });
  assert.equal(change.root, false);
  assert.deepEqual(change.groups, []);
  assert.deepEqual(paths(change.sessions), ['/s/a']);
  assert.equal(c.session('/s/a')?.name, 'renamed');
});

test('a new session in a known project refreshes that project only', () => {
  const c = catalogWith([info('/s/a', '/p', '2026-03-05T00:00:00Z'), info('/s/x', '/q', '2026-03-01T00:00:00Z')]);
  const change = c.applyDiff({ added: [info('/s/b', '/p', '2026-03-04T00:00:00Z')], removed: [], updated: [] });
  assert.equal(change.root, false);
  assert.deepEqual(ids(change.groups), ['g:project:/p']);
});

test('a change to the top-level groups refreshes the root', () => {
  const c = catalogWith([info('/s/a', '/p', '2026-03-05T00:00:00Z')]);
  assert.equal(c.applyDiff({ added: [info('/s/b', '/q', '2026-03-01T00:00:00Z')], updated: [], removed: [] }).root, true);
  assert.equal(c.patch('/s/a', { favorite: true }).root, true, 'the Favorites group appears');
  assert.equal(c.applyDiff({ added: [], updated: [], removed: ['/s/b'] }).root, true, 'project /q disappears');
  assert.deepEqual(ids(c.rootGroups()), ['g:favorites', 'g:project:/p']);
});

test('favoriting a second session refreshes the Favorites group and the project row', () => {
  const c = catalogWith([info('/s/a', '/p', '2026-03-05T00:00:00Z', { favorite: true }), info('/s/b', '/p', '2026-03-04T00:00:00Z')]);
  const [favorites, project] = c.rootGroups() as GroupNode[];
  c.children(favorites);
  c.children(project);
  const change = c.patch('/s/b', { favorite: true });
  assert.equal(change.root, false);
  assert.deepEqual(ids(change.groups), ['g:favorites']);
  assert.deepEqual(ids(change.sessions), ['s:g:project:/p:/s/b']);
});

test('a tag change refreshes the Tags group, not the tree, unless the group comes or goes', () => {
  const tag = (id: number, name: string, count: number) => ({ id, name, color: null, parent_id: null, session_count: count, total_assignments: count, created_at: '2026-01-01T00:00:00Z' });
  const c = catalogWith([info('/s/a', '/p', '2026-03-01T00:00:00Z', { tag_ids: [1] }), info('/s/b', '/p', '2026-03-02T00:00:00Z')]);
  const [project] = c.rootGroups();
  c.children(project);
  assert.deepEqual(c.setTags([tag(1, 'work', 1)]), { root: true, groups: [], sessions: [] }, 'the group appears');
  assert.deepEqual(c.setTags([tag(1, 'work', 1)]), { root: false, groups: [], sessions: [] }, 'nothing changed');
  assert.deepEqual(c.setTags([tag(1, 'work', 2)]), { root: false, groups: [], sessions: [] }, 'only a count changed');
  const counted = c.setTags([tag(1, 'work', 1), tag(2, 'later', 0)]);
  assert.deepEqual([counted.root, ids(counted.groups), ids(counted.sessions)], [false, ['g:tags'], []], 'a new tag: only the group');
  const renamed = c.setTags([tag(1, 'job', 1), tag(2, 'later', 0)]);
  assert.deepEqual([renamed.root, ids(renamed.groups), ids(renamed.sessions)], [false, ['g:tags'], c.nodesOfSession('/s/a').map((n) => n.id)], 'a rename: the group and the rows that name it');
  assert.equal(c.setTags([]).root, true, 'the group goes');
});

test('the filter hides sessions by project, tag and age', () => {
  const c = catalogWith([
    info('/s/a', '/p', '2026-03-09T00:00:00Z', { tag_ids: [1] }),
    info('/s/b', '/p', '2026-01-01T00:00:00Z', { tag_ids: [1] }),
    info('/s/c', '/q', '2026-03-09T00:00:00Z'),
  ]);
  c.setFilter({ withinDays: 7 });
  assert.deepEqual(paths(c.children(c.rootGroups()[0])), ['/s/a']);
  c.setFilter({ tagId: 1 });
  assert.deepEqual(ids(c.rootGroups()), ['g:project:/p']);
  assert.equal(c.countIn({ kind: 'project', cwd: '/p' }), 2);
  c.setFilter({ cwd: '/q' });
  assert.deepEqual(ids(c.rootGroups()), ['g:project:/q']);
});

function liveRecord(path: string, fields: Partial<LiveSession> = {}): LiveSession {
  return { session_id: null, session_path: path, cwd: '/p', pid: 42, detected_by: 'bridge', heuristic: false, streaming: false, last_activity: null, ...fields };
}

test('live sessions refresh their rows, and only when what a row shows changes', () => {
  const c = catalogWith([info('/s/a', '/p', '2026-03-09T00:00:00Z'), info('/s/b', '/p', '2026-03-08T00:00:00Z')]);
  c.children(c.rootGroups()[0]);
  assert.deepEqual(paths(c.setLive([liveRecord('/s/a')]).sessions), ['/s/a']);
  assert.equal(c.isLive('/s/a'), true);
  assert.deepEqual(c.setLive([liveRecord('/s/a')]).sessions, []);
  // Streaming starts: that row again, no group.
  const streaming = c.setLive([liveRecord('/s/a', { streaming: true })]);
  assert.deepEqual(paths(streaming.sessions), ['/s/a']);
  assert.deepEqual(streaming.groups, []);
  assert.equal(c.liveOf('/s/a')?.streaming, true);
  // A guess about another session, and the exact one gone.
  assert.deepEqual(paths(c.setLive([liveRecord('/s/b', { heuristic: true, detected_by: 'process' })]).sessions).sort(), ['/s/a', '/s/b']);
  assert.equal(c.isLive('/s/a'), false);
  assert.equal(c.liveOf('/s/b')?.heuristic, true);
});

test('of two records for one file, the certain one is kept', () => {
  const c = catalogWith([info('/s/a', '/p', '2026-03-09T00:00:00Z')]);
  c.setLive([liveRecord('/s/a', { heuristic: true, detected_by: 'file-activity' }), liveRecord('/s/a', { detected_by: 'bridge' })]);
  assert.equal(c.liveOf('/s/a')?.detected_by, 'bridge');
});

test('thousands of sessions group and expand without rescanning everything per row', () => {
  const list = Array.from({ length: 5000 }, (_, i) => info(`/s/${i}`, `/p${i % 50}`, new Date(now - i * 60_000).toISOString()));
  const c = catalogWith(list);
  const root = c.rootGroups();
  assert.equal(root.length, 50);
  assert.equal(c.children(root[0]).length, 100);
});
