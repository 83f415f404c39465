import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LiveRun, parseLiveEvent, type LiveEvent } from '../../../webview-ui/shared/live/liveRun';
import type { PiRunEvent } from '../../../src/shared/model/pi';
import type { SessionEntry } from '../../../src/shared/model/entries';

const base = { session_id: 's1', session_path: '/s/a.jsonl', run_id: 'r1', via: 'bridge' as const };
const ev = (e: PiRunEvent, run_id: string | null = 'r1'): LiveEvent => ({ ...base, run_id, ...e }) as LiveEvent;
const written = (role: string, id: string): SessionEntry => ({ type: 'message', id, parentId: null, timestamp: '2026-01-01T00:00:00Z', message: { role, content: [] } }) as unknown as SessionEntry;

function text(run: LiveRun): string[] {
  return run.snapshot().messages.map((m) => m.blocks.map((b) => (b.kind === 'tool' ? `[${b.name}:${b.state}]` : `${b.kind}:${b.text}`)).join('|'));
}

test('deltas build the message under way, block by block', () => {
  const run = new LiveRun();
  run.apply(ev({ kind: 'run_start', data: { prompt: 'hi' } }));
  assert.equal(run.snapshot().phase, 'streaming');
  assert.equal(run.snapshot().prompt, 'hi');
  run.apply(ev({ kind: 'thinking_delta', data: { delta: 'let me ', content_index: 0 } }));
  run.apply(ev({ kind: 'thinking_delta', data: { delta: 'think', content_index: 0 } }));
  run.apply(ev({ kind: 'text_delta', data: { delta: 'Hel', content_index: 1 } }));
  run.apply(ev({ kind: 'text_delta', data: { delta: 'lo', content_index: 1 } }));
  assert.deepEqual(text(run), ['thinking:let me think|text:Hello']);
  assert.equal(run.snapshot().messages[0]!.closed, false);
});

test('a tool call runs in a message of its own and ends with its output', () => {
  const run = new LiveRun();
  run.apply(ev({ kind: 'run_start', data: { prompt: 'ls' } }));
  run.apply(ev({ kind: 'text_delta', data: { delta: 'Listing.', content_index: 0 } }));
  run.apply(ev({ kind: 'message_end', data: { role: 'assistant', text: 'Listing.', stop_reason: 'toolUse', error_message: null } }));
  run.apply(ev({ kind: 'tool_start', data: { tool_call_id: 't1', tool_name: 'bash', args: { command: 'ls' } } }));
  assert.deepEqual(text(run), ['text:Listing.', '[bash:running]']);
  run.apply(ev({ kind: 'tool_end', data: { tool_call_id: 't1', tool_name: 'bash', is_error: false, output: 'a.txt' } }));
  run.apply(ev({ kind: 'message_end', data: { role: 'toolResult', text: '', stop_reason: null, error_message: null } }));
  const snap = run.snapshot();
  assert.deepEqual(text(run), ['text:Listing.', '[bash:done]']);
  assert.deepEqual(snap.messages.map((m) => m.closed), [true, true]);
  const tool = snap.messages[1]!.blocks[0]!;
  assert.equal(tool.kind === 'tool' && tool.output, 'a.txt');
});

test('the file replaces closed messages one written entry at a time, the user prompt aside', () => {
  const run = new LiveRun();
  run.apply(ev({ kind: 'run_start', data: { prompt: 'q' } }));
  run.apply(ev({ kind: 'text_delta', data: { delta: 'one', content_index: 0 } }));
  run.apply(ev({ kind: 'message_end', data: { role: 'assistant', text: 'one', stop_reason: 'toolUse', error_message: null } }));
  run.apply(ev({ kind: 'tool_start', data: { tool_call_id: 't1', tool_name: 'read', args: {} } }));
  assert.equal(run.settle([written('user', 'u1')]), false, 'the prompt is not pi’s answer');
  assert.equal(run.settle([written('assistant', 'a1')]), true);
  assert.deepEqual(text(run), ['[read:running]'], 'the open tool message stays');
  run.apply(ev({ kind: 'tool_end', data: { tool_call_id: 't1', tool_name: 'read', is_error: true, output: 'ENOENT' } }));
  run.apply(ev({ kind: 'message_end', data: { role: 'toolResult', text: '', stop_reason: null, error_message: null } }));
  run.apply(ev({ kind: 'agent_end', data: { final_text: '', stop_reason: 'stop', error_message: null, handled: false } }));
  assert.equal(run.visible, true, 'still shown until the file has it');
  run.settle([written('toolResult', 'r1')]);
  assert.equal(run.visible, false);
});

test('an entry the file brings before its message_end drops that message as it closes', () => {
  const run = new LiveRun();
  run.apply(ev({ kind: 'run_start', data: { prompt: 'q' } }));
  run.apply(ev({ kind: 'text_delta', data: { delta: 'fast', content_index: 0 } }));
  run.settle([written('assistant', 'a1')]);
  assert.deepEqual(text(run), ['text:fast'], 'open messages are not taken by the file');
  run.apply(ev({ kind: 'message_end', data: { role: 'assistant', text: 'fast', stop_reason: 'stop', error_message: null } }));
  assert.deepEqual(text(run), []);
});

test('abort and errors: the run ends, the open message is kept and closed with the reason', () => {
  const run = new LiveRun();
  run.apply(ev({ kind: 'run_start', data: { prompt: 'long' } }));
  run.apply(ev({ kind: 'text_delta', data: { delta: 'part', content_index: 0 } }));
  run.apply(ev({ kind: 'message_end', data: { role: 'assistant', text: 'part', stop_reason: 'aborted', error_message: null } }));
  // The server tells clients that read only errors about the abort as one.
  run.apply(ev({ kind: 'error', data: { message: 'the run ended with aborted' } }));
  run.apply(ev({ kind: 'agent_end', data: { final_text: 'part', stop_reason: 'aborted', error_message: null, handled: false } }));
  const snap = run.snapshot();
  assert.equal(snap.phase, 'ended');
  assert.equal(snap.stopReason, 'aborted');
  assert.equal(snap.messages[0]!.stopReason, 'aborted');
  assert.equal(snap.error, null, 'a stop asked for is no error');
  run.settle([written('assistant', 'a1')]);
  assert.equal(run.visible, false, 'the file’s aborted message takes its place');

  const failing = new LiveRun();
  failing.apply(ev({ kind: 'run_start', data: { prompt: 'x' } }));
  failing.apply(ev({ kind: 'attempt_end', data: { stop_reason: 'error', error_message: '503', will_retry: true } }));
  assert.equal(failing.snapshot().retrying, true);
  failing.apply(ev({ kind: 'agent_end', data: { final_text: '', stop_reason: 'error', error_message: 'provider down', handled: false } }));
  assert.equal(failing.snapshot().error, 'provider down');
  assert.equal(failing.visible, true, 'the error is shown');
  assert.deepEqual(text(failing), [], 'an empty open message is no message');
  failing.settle([written('assistant', 'a2')]);
  assert.equal(failing.visible, false, 'the file tells the error once it holds the run');
});

test('a run typed in pi’s terminal streams without a run_start; a new run starts clean', () => {
  const run = new LiveRun();
  run.apply(ev({ kind: 'text_delta', data: { delta: 'from tui', content_index: 0 } }, null));
  assert.equal(run.streaming, true);
  run.apply(ev({ kind: 'message_end', data: { role: 'assistant', text: 'from tui', stop_reason: 'stop', error_message: null } }, null));
  run.apply(ev({ kind: 'agent_end', data: { final_text: 'from tui', stop_reason: 'stop', error_message: null, handled: false } }, null));
  run.apply(ev({ kind: 'run_start', data: { prompt: 'next' } }, 'r2'));
  assert.deepEqual(text(run), [], 'what the file never showed of the last run is dropped');
  // A page opened mid-answer sees only the end: the final text stands in for the deltas.
  run.apply(ev({ kind: 'message_end', data: { role: 'assistant', text: 'whole answer', stop_reason: 'stop', error_message: null } }, 'r2'));
  assert.deepEqual(text(run), ['text:whole answer']);
  assert.equal(run.markIdle(), true);
  assert.equal(run.snapshot().phase, 'ended');
});

test('push payloads are checked before use', () => {
  const good = { ...base, kind: 'text_delta', data: { delta: 'x', content_index: 0 } };
  assert.deepEqual(parseLiveEvent(good), good);
  assert.equal(parseLiveEvent({ ...good, kind: 'text_delta', data: { delta: 5 } }), null);
  assert.equal(parseLiveEvent({ ...good, kind: 'something_else' }), null);
  assert.equal(parseLiveEvent({ ...good, via: 'carrier pigeon' }), null);
  assert.equal(parseLiveEvent({ ...good, session_id: undefined }), null);
  assert.equal(parseLiveEvent(null), null);
  assert.ok(parseLiveEvent({ ...base, run_id: null, kind: 'agent_end', data: { final_text: '', stop_reason: null, error_message: null, handled: true } }));
});

test('a step of the run thought over takes it up again without losing what was streamed', () => {
  const run = new LiveRun();
  run.apply(ev({ kind: 'run_start', data: { prompt: 'q' } }));
  run.apply(ev({ kind: 'text_delta', data: { delta: 'first ', content_index: 0 } }));
  run.markIdle();
  run.apply(ev({ kind: 'text_delta', data: { delta: 'second', content_index: 0 } }));
  assert.equal(run.streaming, true);
  assert.deepEqual(text(run), ['text:first second']);
});
