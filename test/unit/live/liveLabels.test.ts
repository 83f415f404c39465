import { test } from 'node:test';
import assert from 'node:assert/strict';
import { contextUsageText, findLiveSession, liveFacts, liveMark, liveModelText } from '../../../src/shared/rules/liveLabels';
import { liveFlags, liveSessionDescription, sessionContextValue, sessionIconId } from '../../../src/ui/tree/sessionLabels';
import type { LiveSession } from '../../../src/shared/model/pi';

const bridged: LiveSession = {
  session_id: 's1',
  session_path: '/s/a.jsonl',
  cwd: '/p',
  pid: 4242,
  detected_by: 'bridge',
  heuristic: false,
  streaming: false,
  last_activity: null,
  bridge: {
    kind: 'ours',
    pi_version: '1.6.0',
    mode: 'tui',
    model: 'fake-think',
    thinking_level: 'high',
    context_usage: { tokens: 54000, context_window: 128000, percent: 42.2 },
    leaf_id: null,
    name: null,
    connected_at: '2026-12-02T07:00:00Z',
  },
};
const guessed: LiveSession = { ...bridged, detected_by: 'process', heuristic: true, streaming: null, bridge: null };

test('exact, streaming and guessed sessions read apart', () => {
  assert.equal(liveMark(bridged).kind, 'live');
  assert.equal(liveMark(bridged).short, '● live');
  assert.equal(liveMark({ ...bridged, streaming: true }).short, 'streaming…');
  assert.equal(liveMark(guessed).short, 'maybe open in pi');
  assert.equal(liveMark({ ...guessed, streaming: true }).kind, 'maybe', 'a guess stays a guess');
});

test('model, thinking, mode and context come from the bridge', () => {
  assert.equal(liveModelText(bridged), 'fake-think · high');
  assert.equal(liveModelText(guessed), null);
  assert.equal(contextUsageText(bridged), '42% of 128k');
  const facts = Object.fromEntries(liveFacts(bridged));
  assert.equal(facts.Model, 'fake-think');
  assert.equal(facts.Mode, 'tui');
  assert.equal(facts['Found by'], 'its bridge');
  assert.equal(Object.fromEntries(liveFacts(guessed))['Found by'], 'the process list (a guess)');
});

test('the certain record wins when several name one session', () => {
  const list = [guessed, { ...bridged, session_path: '/elsewhere.jsonl' }];
  assert.equal(findLiveSession(list, { id: 's1' })?.detected_by, 'bridge');
  assert.equal(findLiveSession(list, { paths: ['/s/a.jsonl'] })?.detected_by, 'process');
  assert.equal(findLiveSession(list, { id: 'nope', paths: ['/nope'] }), null);
});

test('tree rows: live mark in the description, icon, and a context value the menu can match', () => {
  const info = { modified: new Date(Date.now() - 5 * 60_000).toISOString(), message_count: 3 };
  assert.match(liveSessionDescription(info, bridged, Date.now()), /^● live · 5 min ago · 3 msgs$/);
  assert.match(liveSessionDescription(info, guessed, Date.now()), /^maybe open in pi · /);
  assert.equal(liveSessionDescription(info, undefined, Date.now()), '5 min ago · 3 msgs');
  const menu = /^session.*\.live(\.|$)/;
  const exact = sessionContextValue({ favorite: true, tagged: false, ...liveFlags(bridged) });
  const maybe = sessionContextValue({ favorite: false, tagged: false, ...liveFlags(guessed) });
  assert.equal(exact, 'session.favorite.live');
  assert.equal(maybe, 'session.maybelive');
  assert.ok(menu.test(exact));
  assert.ok(!menu.test(maybe), 'no "Send prompt…" on a guess');
  assert.equal(sessionIconId({ favorite: false, tagged: false, branched: false, ...liveFlags({ ...bridged, streaming: true }) }), 'loading~spin');
  assert.equal(sessionIconId({ favorite: false, tagged: false, branched: false, ...liveFlags(bridged) }), 'pulse');
});
