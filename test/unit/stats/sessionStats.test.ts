import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventBus } from '../../../src/core/events';
import type { SessionInfo, TokenTotals, UsageBucket } from '../../../src/shared/model/sessionInfo';
import { computeSessionStats } from '../../../src/core/stats/sessionStats';
import type { SessionStats } from '../../../src/shared/model/stats';
import { createStatsCommands } from '../../../src/core/stats/statsCommands';
import { Api, makeInfo, readOnlyCaller } from '../userdata/support';

function tokens(input: number, output: number, cacheRead = 0, cacheWrite = 0): TokenTotals {
  return { input, output, cache_read: cacheRead, cache_write: cacheWrite, total: input + output + cacheRead + cacheWrite };
}

function bucket(messages: number, tk: TokenTotals, cost: number): UsageBucket {
  return { messages, tokens: tk, cost };
}

/** Two sessions without breakdowns (the fallback) and one with per-model and per-hour data. */
function sample(): SessionInfo[] {
  return [
    makeInfo({
      path: '/s/a.jsonl',
      cwd: '/work/app',
      created: '2025-03-01T09:00:00.000Z',
      modified: '2025-03-01T10:30:00.000Z',
      message_count: 4,
      user_message_count: 2,
      assistant_message_count: 2,
      tool_result_count: 3,
      bash_execution_count: 1,
      tool_call_count: 3,
      model: 'anthropic/claude-sonnet',
      models: ['openai/gpt-5', 'anthropic/claude-sonnet'],
      tokens: tokens(100, 50, 10, 5),
      cost: 0.5,
    }),
    makeInfo({
      path: '/s/b.jsonl',
      cwd: '/work/app/packages/ui',
      created: '2025-03-02T22:00:00.000Z',
      modified: '2025-03-02T23:15:00.000Z',
      message_count: 2,
      user_message_count: 1,
      assistant_message_count: 1,
      tool_call_count: 0,
      model: 'openai/gpt-5',
      models: ['openai/gpt-5'],
      tokens: tokens(20, 10),
      cost: 0.25,
    }),
    makeInfo({
      path: '/s/c.jsonl',
      cwd: '/work/other',
      created: '2025-03-01T23:00:00.000Z',
      modified: '2025-03-02T01:20:00.000Z',
      message_count: 6,
      user_message_count: 3,
      assistant_message_count: 3,
      tool_call_count: 2,
      model: 'openai/gpt-5',
      models: ['anthropic/claude-sonnet', 'openai/gpt-5'],
      tokens: tokens(300, 60),
      cost: 1,
      usage_by_model: {
        'anthropic/claude-sonnet': bucket(2, tokens(100, 20), 0.4),
        'openai/gpt-5': bucket(4, tokens(200, 40), 0.6),
      },
      activity_by_hour: {
        '2025-03-01T23': bucket(2, tokens(100, 20), 0.4),
        '2025-03-02T01': bucket(4, tokens(200, 40), 0.6),
      },
    }),
  ];
}

test('totals: sessions, messages by role, tool calls, tokens and cost', () => {
  const stats = computeSessionStats(sample());
  assert.deepEqual(stats.totals, {
    sessions: 3,
    messages: 12,
    user_messages: 6,
    assistant_messages: 6,
    tool_results: 3,
    bash_executions: 1,
    tool_calls: 5,
    tokens: tokens(420, 120, 10, 5),
    cost: 1.75,
    projects: 3,
    models: 2,
  });
  assert.equal(stats.approximated_sessions, 2);
  assert.deepEqual(stats.filter, { cwd: null, from: null, to: null, tz_offset_minutes: 0 });
});

test('by model and provider: breakdowns when present, else the last model', () => {
  const stats = computeSessionStats(sample());
  const model = new Map(stats.by_model.map((m) => [m.model, m]));
  const sonnet = model.get('anthropic/claude-sonnet')!;
  // a.jsonl (fallback, everything on its last model) + c.jsonl's sonnet share.
  assert.deepEqual(sonnet.tokens, tokens(200, 70, 10, 5));
  assert.equal(sonnet.cost, 0.9);
  assert.equal(sonnet.sessions, 2);
  assert.equal(sonnet.provider, 'anthropic');
  const gpt = model.get('openai/gpt-5')!;
  assert.deepEqual(gpt.tokens, tokens(220, 50));
  assert.equal(gpt.cost, 0.85);
  assert.equal(gpt.sessions, 3, 'a.jsonl used it earlier, without attributable tokens');
  assert.deepEqual(
    stats.by_provider.map((p) => [p.provider, p.sessions, p.cost]),
    [
      ['anthropic', 2, 0.9],
      ['openai', 3, 0.85],
    ],
  );
  // Everything attributed adds up to the totals.
  const sum = stats.by_model.reduce((n, m) => n + m.tokens.total, 0);
  assert.equal(sum, stats.totals.tokens.total);
});

test('by project and by day, and the heatmap', () => {
  const stats = computeSessionStats(sample());
  assert.deepEqual(
    stats.by_project.map((p) => [p.cwd, p.sessions, p.cost, p.last_active]),
    [
      ['/work/other', 1, 1, '2025-03-02T01:20:00.000Z'],
      ['/work/app', 1, 0.5, '2025-03-01T10:30:00.000Z'],
      ['/work/app/packages/ui', 1, 0.25, '2025-03-02T23:15:00.000Z'],
    ],
  );
  assert.deepEqual(
    stats.by_day.map((d) => [d.date, d.sessions, d.messages, d.tokens.total, d.cost]),
    [
      ['2025-03-01', 2, 6, 285, 0.9],
      ['2025-03-02', 2, 6, 270, 0.85],
    ],
  );
  assert.deepEqual(stats.heatmap.by_day, [
    { date: '2025-03-01', sessions: 2, messages: 6 },
    { date: '2025-03-02', sessions: 2, messages: 6 },
  ]);
  const hours = stats.heatmap.by_hour;
  assert.equal(hours.length, 24);
  assert.deepEqual([hours[10], hours[23], hours[1]], [4, 2 + 2, 4]);
  assert.equal(hours.reduce((a, b) => a + b, 0), 12);
  // 2025-03-01 is a Saturday (6), 2025-03-02 a Sunday (0).
  assert.equal(stats.heatmap.by_weekday_hour.length, 7);
  assert.equal(stats.heatmap.by_weekday_hour[6]![10], 4);
  assert.equal(stats.heatmap.by_weekday_hour[6]![23], 2);
  assert.equal(stats.heatmap.by_weekday_hour[0]![23], 2);
  assert.equal(stats.heatmap.by_weekday_hour[0]![1], 4);
});

test('a time zone offset shifts days and hours', () => {
  const stats = computeSessionStats(sample(), { tz_offset_minutes: 120 });
  // 23:00 UTC on March 1st is 01:00 on March 2nd at UTC+2.
  assert.deepEqual(
    stats.by_day.map((d) => [d.date, d.messages]),
    [
      ['2025-03-01', 4],
      ['2025-03-02', 6],
      ['2025-03-03', 2],
    ],
  );
  assert.equal(stats.heatmap.by_hour[12], 4);
  assert.equal(stats.heatmap.by_hour[1], 2 + 2);
  assert.equal(stats.heatmap.by_hour[3], 4);
});

test('filters: cwd (the folder and below) and time range', () => {
  const app = computeSessionStats(sample(), { cwd: '/work/app' });
  assert.equal(app.totals.sessions, 2);
  assert.deepEqual(app.by_project.map((p) => p.cwd).sort(), ['/work/app', '/work/app/packages/ui']);
  assert.equal(computeSessionStats(sample(), { cwd: '/work/ap' }).totals.sessions, 0, 'a name prefix is not a parent folder');

  // Only c.jsonl's first hour and a.jsonl fall inside March 1st.
  const day1 = computeSessionStats(sample(), { from: Date.parse('2025-03-01T00:00:00Z'), to: Date.parse('2025-03-01T23:59:59.999Z') });
  assert.equal(day1.totals.sessions, 2);
  assert.deepEqual(day1.totals.tokens, tokens(200, 70, 10, 5));
  assert.equal(day1.totals.cost, 0.9);
  assert.deepEqual(day1.by_day.map((d) => d.date), ['2025-03-01']);
  // c.jsonl's per-model usage is scaled to its in-range share (a third of its tokens).
  const gpt = day1.by_model.find((m) => m.model === 'openai/gpt-5')!;
  assert.deepEqual(gpt.tokens, tokens(67, 13));
  assert.equal(day1.filter.from, '2025-03-01T00:00:00.000Z');

  const none = computeSessionStats(sample(), { from: Date.parse('2030-01-01T00:00:00Z') });
  assert.equal(none.totals.sessions, 0);
  assert.deepEqual(none.by_day, []);
  assert.equal(none.heatmap.by_hour.reduce((a, b) => a + b, 0), 0);
});

test('get_session_stats: payload forms and errors', async () => {
  const list = sample();
  const api = Api.over(new EventBus(), createStatsCommands({ sessions: { ready: () => Promise.resolve(), all: () => list } }));
  const all = await api.ok<SessionStats>('get_session_stats');
  assert.equal(all.totals.sessions, 3);
  const ranged = await api.ok<SessionStats>('get_session_stats', { from: '2025-03-02', to: '2025-03-02', tzOffsetMinutes: 0 });
  assert.equal(ranged.filter.to, '2025-03-02T23:59:59.999Z', 'a bare end date covers the whole day');
  assert.deepEqual(ranged.by_day.map((d) => d.date), ['2025-03-02']);
  const byMs = await api.ok<SessionStats>('get_session_stats', { from: Date.parse('2025-03-02T23:00:00Z'), cwd: '/work/app' });
  assert.equal(byMs.totals.sessions, 1);

  let e = await api.fails('get_session_stats', { from: 'yesterday-ish' });
  assert.equal(e.code, 'invalid_payload');
  assert.match(e.error, /^from:/);
  e = await api.fails('get_session_stats', { from: '2025-03-03', to: '2025-03-01' });
  assert.match(e.error, /^from:/);
  e = await api.fails('get_session_stats', { tz_offset_minutes: 5000 });
  assert.match(e.error, /^tz_offset_minutes:/);
  const viaReader = await api.call('get_session_stats', {}, readOnlyCaller);
  assert.equal(viaReader.success, true);
});

test('thousands of sessions aggregate from memory', () => {
  const many: SessionInfo[] = [];
  for (let i = 0; i < 5000; i++) {
    const day = String(1 + (i % 28)).padStart(2, '0');
    const hour = String(i % 24).padStart(2, '0');
    many.push(
      makeInfo({
        path: `/s/${i}.jsonl`,
        cwd: `/work/p${i % 40}`,
        modified: `2025-02-${day}T${hour}:00:00.000Z`,
        message_count: 10,
        model: i % 3 === 0 ? 'openai/gpt-5' : 'anthropic/claude-sonnet',
        models: [],
        tokens: tokens(1000, 100),
        cost: 0.01,
        ...(i % 2 === 0 ? { activity_by_hour: { [`2025-02-${day}T${hour}`]: bucket(10, tokens(1000, 100), 0.01) } } : {}),
      }),
    );
  }
  const stats = computeSessionStats(many);
  assert.equal(stats.totals.sessions, 5000);
  assert.equal(stats.totals.tokens.total, 5000 * 1100);
  assert.equal(stats.by_project.length, 40);
  assert.equal(stats.by_day.length, 28);
  assert.equal(stats.approximated_sessions, 2500);
  assert.equal(stats.heatmap.by_hour.reduce((a, b) => a + b, 0), 50_000);
});
