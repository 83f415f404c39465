import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { dayKey, filtersFrom, rangeDays, statsQuery, type DashboardFilters } from '../../../webview-ui/dashboard/range';

const noon = Date.UTC(2026, 10, 29, 12, 0, 0);
const filters = (range: DashboardFilters['range'], custom: DashboardFilters['custom'] = { from: null, to: null }, cwd: string | null = null): DashboardFilters => ({ cwd, range, custom });

test('dayKey uses the offset to find the local day', () => {
  assert.equal(dayKey(Date.UTC(2026, 10, 29, 23, 30), 60), '2026-11-30');
  assert.equal(dayKey(Date.UTC(2026, 10, 29, 3, 0), -480), '2026-11-28');
});

test('"all" sends no range, only the offset', () => {
  assert.deepEqual(statsQuery(filters('all'), noon, 60), { tz_offset_minutes: 60 });
});

test('a preset starts at local midnight, counting today as one of its days', () => {
  const query = statsQuery(filters('7'), noon, 60);
  assert.equal(query.to, undefined);
  // 2026-11-23 00:00 at UTC+1 is 2026-11-22 23:00 UTC.
  assert.equal(query.from, Date.UTC(2026, 10, 22, 23, 0));
  assert.deepEqual(rangeDays(filters('30'), noon, 0), { from: '2026-10-31', to: null });
});

test('a custom range covers both end days entirely and keeps the project', () => {
  const query = statsQuery(filters('custom', { from: '2026-03-01', to: '2026-03-03' }, '/home/dev/proj'), noon, 0);
  assert.deepEqual(query, { tz_offset_minutes: 0, cwd: '/home/dev/proj', from: Date.UTC(2026, 2, 1), to: Date.UTC(2026, 2, 4) - 1 });
});

test('a reversed custom range is swapped and an open end stays open', () => {
  assert.deepEqual(rangeDays(filters('custom', { from: '2026-03-05', to: '2026-03-01' }), noon, 0), { from: '2026-03-01', to: '2026-03-05' });
  assert.deepEqual(statsQuery(filters('custom', { from: null, to: '2026-03-01' }), noon, 0), { tz_offset_minutes: 0, to: Date.UTC(2026, 2, 2) - 1 });
});

test('saved state is read defensively', () => {
  assert.deepEqual(filtersFrom(null), filters('all'));
  assert.deepEqual(filtersFrom({ cwd: 7, range: 'forever', custom: { from: '2026-02-30x', to: '2026-03-01' } }), filters('all', { from: null, to: '2026-03-01' }));
  assert.deepEqual(filtersFrom({ cwd: '/p', range: '90' }), filters('90', { from: null, to: null }, '/p'));
});
