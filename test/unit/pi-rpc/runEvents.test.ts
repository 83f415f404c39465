import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { classifyRpcLine } from '../../../src/core/pi/rpc/rpcProtocol';
import { toRunEvent, type RunEvent } from '../../../src/core/pi/rpc/runEvents';

const repoRoot = path.resolve(__dirname, '../../..');
const transcriptDir = path.resolve(repoRoot, '../shared/fixtures/pi-real/rpc-transcripts');
const transcripts = fs.existsSync(transcriptDir) ? fs.readdirSync(transcriptDir).filter((f) => f.endsWith('.txt')).sort() : [];

function runEventsOf(file: string): RunEvent[] {
  const out: RunEvent[] = [];
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    const match = /^< \d+ms (.*)$/.exec(line);
    if (!match) continue;
    const parsed = classifyRpcLine(match[1]);
    if (parsed.kind !== 'event') continue;
    const event = toRunEvent(parsed.event);
    if (event) out.push(event);
  }
  return out;
}

describe('toRunEvent', () => {
  it('keeps only what changed and names the final text', () => {
    const end = toRunEvent({
      type: 'agent_end',
      messages: [
        { role: 'user', content: 'q' },
        { role: 'assistant', content: [{ type: 'thinking', thinking: 'hm' }, { type: 'text', text: 'A' }, { type: 'text', text: 'B' }], stopReason: 'stop' },
        { role: 'toolResult', content: [{ type: 'text', text: 'ignored' }] },
      ],
    });
    assert.deepEqual(end, { kind: 'agent_end', data: { final_text: 'AB', stop_reason: 'stop', error_message: null } });
    assert.equal(toRunEvent({ type: 'turn_start' }), undefined);
    assert.equal(toRunEvent({ type: 'message_update', assistantMessageEvent: { type: 'text_start' } }), undefined);
    assert.deepEqual(toRunEvent({ type: 'tool_execution_end', toolCallId: 't', toolName: 'bash', isError: true, result: { content: [{ type: 'text', text: 'boom' }] } }), {
      kind: 'tool_end',
      data: { tool_call_id: 't', tool_name: 'bash', is_error: true, output: 'boom' },
    });
  });

  for (const name of transcripts) {
    it(`rebuilds every assistant message of ${name} from its deltas`, () => {
      let text = '';
      let checked = 0;
      for (const event of runEventsOf(path.join(transcriptDir, name))) {
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
});
