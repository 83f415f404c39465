import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { calendarWeeks, daysBetween, heatLevel } from '../../../webview-ui/dashboard/calendar';
import { topWithOther, shortProject } from '../../../webview-ui/dashboard/labels';

test('heat levels scale to the busiest day, any activity shows', () => {
  assert.equal(heatLevel(0, 10), 0);
  assert.equal(heatLevel(1, 100), 1);
  assert.equal(heatLevel(50, 100), 2);
  assert.equal(heatLevel(100, 100), 4);
  assert.equal(heatLevel(3, 0), 0);
});

test('daysBetween is inclusive and keeps the newest days when capped', () => {
  assert.deepEqual(daysBetween('2026-02-27', '2026-03-02'), ['2026-02-27', '2026-02-28', '2026-03-01', '2026-03-02']);
  assert.deepEqual(daysBetween('2026-01-01', '2026-03-02', 2), ['2026-03-01', '2026-03-02']);
  assert.deepEqual(daysBetween('2026-03-02', '2026-03-01'), []);
});

test('calendar weeks start on Sunday and label the month where it begins', () => {
  // 2026-02-25 is a Wednesday; 2026-03-01 a Sunday.
  const weeks = calendarWeeks('2026-02-25', '2026-03-10', new Map([['2026-03-01', 4], ['2026-03-02', 2]]));
  assert.equal(weeks.length, 3);
  assert.deepEqual(weeks[0]!.days.map((d) => d?.date ?? null), [null, null, null, '2026-02-25', '2026-02-26', '2026-02-27', '2026-02-28']);
  assert.equal(weeks[0]!.month, null, 'the first week leaves its label to the next month beside it');
  assert.equal(weeks[1]!.month, 'Mar');
  assert.deepEqual(weeks[1]!.days.slice(0, 2).map((d) => d?.level), [4, 2]);
  assert.deepEqual(weeks[2]!.days.map((d) => d?.date ?? null), ['2026-03-08', '2026-03-09', '2026-03-10', null, null, null, null]);
});

test('topWithOther folds the tail into one entry', () => {
  const items = [5, 1, 9, 3].map((v) => ({ v }));
  assert.deepEqual(topWithOther(items, 3, (i) => i.v, (rest) => ({ v: rest.reduce((n, i) => n + i.v, 0) })), [{ v: 9 }, { v: 5 }, { v: 4 }]);
  assert.equal(topWithOther(items, 4, (i) => i.v, () => ({ v: 0 })).length, 4);
});

test('shortProject keeps the last two folders', () => {
  assert.equal(shortProject('/home/dev/proj'), '…/dev/proj');
  assert.equal(shortProject('/srv'), '/srv');
  assert.equal(shortProject('C:\\work\\a\\b'), '…/a/b');
});
