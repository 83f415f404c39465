import { test } from 'node:test';
import assert from 'node:assert/strict';
import { actionForKey, agentAccess, promptBoxModel, type KeyFacts, type PromptFacts } from '../../../webview-ui/shared/live/promptModel';
import { liveText } from '../../../webview-ui/shared/live/liveText';
import type { HostBridge } from '../../../webview-ui/shared/bridge';
import type { LiveSession } from '../../../src/shared/model/pi';
import type { ApiEnvelope } from '../../../src/shared/api/envelope';

const live: LiveSession = { session_id: 's1', session_path: '/s/a.jsonl', cwd: '/p', pid: 7, detected_by: 'bridge', heuristic: false, streaming: false, last_activity: null };
const facts = (over: Partial<PromptFacts> = {}): PromptFacts => ({ access: 'allowed', sessionId: 's1', deleted: false, live, streaming: false, refusal: null, ...over });
const key = (over: Partial<KeyFacts> = {}): KeyFacts => ({ key: 'Enter', shiftKey: false, altKey: false, ctrlKey: false, metaKey: false, isComposing: false, ...over });

test('idle: Send; streaming: Steer, Follow-up and Abort', () => {
  assert.deepEqual(promptBoxModel(facts()).actions, ['prompt']);
  assert.deepEqual(promptBoxModel(facts({ streaming: true })).actions, ['steer', 'follow_up', 'abort']);
  assert.equal(promptBoxModel(facts()).enabled, true);
});

test('disabled with a reason: no agent scope, a refusal shown as the server said it, a deleted file', () => {
  const denied = promptBoxModel(facts({ access: 'denied' }));
  assert.equal(denied.enabled, false);
  assert.match(denied.reason!, /agent/);
  const conflict = 'session s1 is open in pi (pid 7); close it there or drive it from that pi';
  assert.equal(promptBoxModel(facts({ refusal: conflict })).reason, conflict);
  assert.equal(promptBoxModel(facts({ deleted: true })).reason, liveText.reasons.deleted);
  assert.equal(promptBoxModel(facts({ sessionId: null })).enabled, false);
  assert.equal(promptBoxModel(facts({ access: 'unknown' })).reason, liveText.reasons.checking);
});

test('hints say what sending will do: start a pi for an idle session, or be refused for a guess', () => {
  assert.equal(promptBoxModel(facts({ live: null })).hint, liveText.prompt.newSession);
  assert.equal(promptBoxModel(facts({ live: { ...live, heuristic: true, detected_by: 'process' } })).hint, liveText.prompt.maybeOpen);
  assert.equal(promptBoxModel(facts()).hint, null);
});

test('Enter sends (steers while pi answers), Alt+Enter queues, Shift+Enter is a new line', () => {
  const idle = promptBoxModel(facts());
  const streaming = promptBoxModel(facts({ streaming: true }));
  assert.equal(actionForKey(key(), idle), 'prompt');
  assert.equal(actionForKey(key(), streaming), 'steer');
  assert.equal(actionForKey(key({ altKey: true }), streaming), 'follow_up');
  assert.equal(actionForKey(key({ altKey: true }), idle), 'prompt');
  assert.equal(actionForKey(key({ shiftKey: true }), idle), null);
  assert.equal(actionForKey(key({ isComposing: true }), idle), null);
  assert.equal(actionForKey(key({ key: 'a' }), idle), null);
  assert.equal(actionForKey(key(), promptBoxModel(facts({ access: 'denied' }))), null);
});

function bridgeAnswering(result: ApiEnvelope, seen: unknown[]): HostBridge {
  return {
    kind: 'browser',
    call: async (command, payload) => {
      seen.push({ command, payload });
      return result as never;
    },
    onEvent: () => () => undefined,
  };
}

test("access comes from the caller's scopes in list_commands, and nothing is sent to pi", async () => {
  const seen: unknown[] = [];
  const listed = (scopes: string[]): ApiEnvelope => ({ success: true, data: { commands: [], caller: { scopes } }, error: null });
  assert.equal(await agentAccess(bridgeAnswering(listed(['read', 'write', 'agent']), seen)), 'allowed');
  assert.equal(await agentAccess(bridgeAnswering(listed(['read', 'write']), seen)), 'denied');
  assert.equal(await agentAccess(bridgeAnswering({ success: false, data: null, error: 'list_commands needs the "read" scope', code: 'forbidden' }, seen)), 'denied');
  assert.equal(await agentAccess(bridgeAnswering({ success: false, data: null, error: 'down', code: 'unavailable' }, seen)), 'unknown');
  assert.ok(seen.every((s) => JSON.stringify(s) === JSON.stringify({ command: 'list_commands', payload: {} })), JSON.stringify(seen));
});
