import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { shortPath, sessionContextValue, sessionIconId, isInWorkspace, sessionDescription } from '../../../src/ui/tree/sessionLabels';
import { relativeTime, sessionTitle } from '../../../src/shared/rules/sessionLabels';
import { formatCost, formatCount } from '../../../src/shared/render/format';
import { describeFilter } from '../../../src/ui/tree/treeFilter';

const now = Date.parse('2026-03-10T12:00:00.000Z');
const ago = (ms: number) => new Date(now - ms).toISOString();

test('relative times read naturally', () => {
  assert.equal(relativeTime(ago(10_000), now), 'just now');
  assert.equal(relativeTime(ago(5 * 60_000), now), '5 min ago');
  assert.equal(relativeTime(ago(3 * 3_600_000), now), '3 h ago');
  assert.equal(relativeTime(ago(30 * 3_600_000), now), 'yesterday');
  assert.equal(relativeTime(ago(4 * 86_400_000), now), '4 days ago');
  assert.equal(relativeTime(ago(8 * 86_400_000), now), '1 week ago');
  assert.equal(relativeTime(ago(65 * 86_400_000), now), '2 months ago');
  assert.equal(relativeTime(ago(800 * 86_400_000), now), '2 years ago');
  assert.equal(relativeTime('not a date', now), '');
  assert.equal(relativeTime(new Date(now + 60_000).toISOString(), now), 'just now', 'clock skew is not "in the future"');
});

test('a session is titled by its name, else its first message on one line', () => {
  assert.equal(sessionTitle({ name: 'Fix login', first_message: 'x', id: 's1' }), 'Fix login');
  assert.equal(sessionTitle({ name: '  ', first_message: 'hello\n  world', id: 's1' }), 'hello world');
  assert.equal(sessionTitle({ name: null, first_message: '', id: 's1' }), 's1', 'a session without messages is known by its id');
  assert.equal(sessionTitle({ name: null, first_message: 'a'.repeat(200), id: 's1' }).length, 100);
});

test('descriptions show the age and the message count', () => {
  assert.equal(sessionDescription({ modified: ago(120_000), message_count: 1 }, now), '2 min ago · 1 msg');
  assert.equal(sessionDescription({ modified: ago(120_000), message_count: 12 }, now), '2 min ago · 12 msgs');
});

test('project paths are shortened under home and when deep', () => {
  assert.equal(shortPath('/home/me/code/app', '/home/me'), '~/code/app');
  assert.equal(shortPath('/home/me', '/home/me'), '~');
  assert.equal(shortPath('/home/meow/x', '/home/me'), '/home/meow/x');
  assert.equal(shortPath('/srv/a/b/c/d/e', '/home/me'), '…/c/d/e');
  assert.equal(shortPath('C:\\Users\\me\\work\\a\\b\\c', 'C:\\Users\\me'), '…\\a\\b\\c');
  assert.equal(shortPath('', '/home/me'), '(no folder)');
});

test('workspace membership includes subfolders but not siblings with a common prefix', () => {
  assert.equal(isInWorkspace('/ws/app', ['/ws']), true);
  assert.equal(isInWorkspace('/ws', ['/ws/']), true);
  assert.equal(isInWorkspace('/ws2', ['/ws']), false);
});

test('context values and icons follow the flags', () => {
  assert.equal(sessionContextValue({ favorite: false, live: false, tagged: false }), 'session');
  assert.equal(sessionContextValue({ favorite: true, live: true, tagged: true }), 'session.favorite.tagged.live');
  assert.equal(sessionIconId({ favorite: true, live: false, tagged: false, branched: true }), 'star-full');
  assert.equal(sessionIconId({ favorite: true, live: true, tagged: false, branched: false }), 'pulse');
  assert.equal(sessionIconId({ favorite: false, live: false, tagged: false, branched: true }), 'git-branch');
});

test('numbers are compact', () => {
  assert.equal(formatCount(999), '999');
  assert.equal(formatCount(1234), '1.2k');
  assert.equal(formatCount(123_456), '123k');
  assert.equal(formatCount(2_500_000), '2.5M');
  assert.equal(formatCost(0), '$0');
  assert.equal(formatCost(0.004), '$0.0040');
  assert.equal(formatCost(1.234), '$1.23');
});

test('the filter description names each part', () => {
  const names = { project: (cwd: string) => cwd.split('/').pop() ?? cwd, tag: (id: number) => `t${id}` };
  assert.equal(describeFilter({ cwd: '/a/proj', tagId: 3, withinDays: 7 }, names), 'proj · #t3 · 7 days');
  assert.equal(describeFilter({ withinDays: 1 }, names), 'today');
  assert.equal(describeFilter({}, names), '');
});
