import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { classifyRpcLine } from '../../../src/core/pi/rpc/rpcProtocol';
import { toRunEvent, toRunSignal, type RunEvent, type RunSignal } from '../../../src/core/pi/rpc/runEvents';

const repoRoot = path.resolve(__dirname, '../../..');
/** Real RPC captures: pi 0.73.1 (pi-real) and pi 1.6.0. */
const transcriptDirs = ['pi-real', 'pi-1.6'].map((name) => path.resolve(repoRoot, `../shared/fixtures/${name}/rpc-transcripts`));
const transcripts = transcriptDirs.flatMap((dir) =>
  fs.existsSync(dir)
    ? fs
        .readdirSync(dir)
        .filter((f) => f.endsWith('.rpc.txt') || (f.endsWith('.txt') && !f.endsWith('.ws.txt')))
        .sort()
        .map((f) => path.join(dir, f))
    : [],
);
const label = (file: string) => `${path.basename(path.dirname(path.dirname(file)))}/${path.basename(file)}`;

function signalsOf(file: string): RunSignal[] {
  const out: RunSignal[] = [];
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    const match = /^<\s*\d+ms (.*)$/.exec(line);
    if (!match) continue;
    const parsed = classifyRpcLine(match[1]);
    if (parsed.kind !== 'event') continue;
    const signal = toRunSignal(parsed.event);
    if (signal) out.push(signal);
  }
  return out;
}

function runEventsOf(file: string): RunEvent[] {
  return signalsOf(file).flatMap((s) => (s.kind === 'stream' ? [s.event] : []));
}

describe('toRunEvent', () => {
  it('keeps only what changed and names the final text', () => {
    const end = toRunSignal({
      type: 'agent_end',
      messages: [
        { role: 'user', content: 'q' },
        { role: 'assistant', content: [{ type: 'thinking', thinking: 'hm' }, { type: 'text', text: 'A' }, { type: 'text', text: 'B' }], stopReason: 'stop' },
        { role: 'toolResult', content: [{ type: 'text', text: 'ignored' }] },
      ],
    });
    assert.deepEqual(end, { kind: 'agent_end', summary: { final_text: 'AB', stop_reason: 'stop', error_message: null, will_retry: undefined } });
    assert.deepEqual(toRunSignal({ type: 'agent_end', willRetry: true, messages: [] }), {
      kind: 'agent_end',
      summary: { final_text: '', stop_reason: null, error_message: null, will_retry: true },
    });
    assert.deepEqual(toRunSignal({ type: 'agent_settled', aborted: false }), { kind: 'agent_settled', aborted: false });
    assert.equal(toRunEvent({ type: 'agent_end', messages: [] }), undefined, 'the manager decides where a run ends');
    assert.equal(toRunEvent({ type: 'turn_start' }), undefined);
    assert.equal(toRunEvent({ type: 'message_update', assistantMessageEvent: { type: 'text_start' } }), undefined);
    assert.deepEqual(toRunEvent({ type: 'tool_execution_end', toolCallId: 't', toolName: 'bash', isError: true, result: { content: [{ type: 'text', text: 'boom' }] } }), {
      kind: 'tool_end',
      data: { tool_call_id: 't', tool_name: 'bash', is_error: true, output: 'boom' },
    });
  });

  for (const file of transcripts) {
    it(`rebuilds every assistant message of ${label(file)} from its deltas`, () => {
      let text = '';
      let checked = 0;
      for (const event of runEventsOf(file)) {
        if (event.kind === 'text_delta') text += event.data.delta;
        if (event.kind === 'message_end') {
          if (event.data.role === 'assistant') {
            assert.equal(text, event.data.text);
            checked++;
          }
          text = '';
        }
      }
      assert.ok(checked > 0);
    });
  }

  for (const file of transcripts.filter((f) => f.includes('pi-1.6'))) {
    it(`sees every agent_end of ${label(file)} settled, once per run`, () => {
      const ends = signalsOf(file).filter((s) => s.kind === 'agent_end' || s.kind === 'agent_settled');
      assert.ok(ends.length > 0);
      let open = 0;
      for (const s of ends) {
        if (s.kind === 'agent_end') {
          assert.equal(typeof s.summary.will_retry, 'boolean', 'pi 1.6 says whether more follows');
          open++;
        } else {
          assert.ok(open > 0, 'agent_settled follows an agent_end');
          open = 0;
        }
      }
      assert.equal(open, 0, 'the last run settled');
    });
  }
});
