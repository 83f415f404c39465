import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { EventBus, type PublishedEvent } from '../../../src/core/events';
import { silentLogger } from '../../../src/core/log';
import { PiRpcManager, type SessionRef } from '../../../src/core/pi/rpc/rpcManager';

/**
 * A stand-in for pi that speaks the RPC protocol the way older or extended pis do: a prompt
 * failure as a second response, a blocking extension dialog, a crash, a SIGTERM it ignores.
 */
const scriptedPi = String.raw`
const mode = process.env.FAKE_PI_MODE;
if (mode === 'ignore-term') process.on('SIGTERM', () => {});
const out = (o) => process.stdout.write(JSON.stringify(o) + '\n');
process.stdout.write('extension chatter that is not JSON\n');
let buf = '';
let promptId;
process.stdin.on('data', (chunk) => {
  buf += chunk;
  for (let i = buf.indexOf('\n'); i >= 0; i = buf.indexOf('\n')) {
    const cmd = JSON.parse(buf.slice(0, i));
    buf = buf.slice(i + 1);
    handle(cmd);
  }
});
function finish(text) {
  out({ type: 'agent_start' });
  out({ type: 'message_update', assistantMessageEvent: { type: 'text_delta', contentIndex: 0, delta: text } });
  out({ type: 'agent_end', messages: [{ role: 'assistant', content: [{ type: 'text', text }], stopReason: 'stop' }] });
}
function handle(cmd) {
  if (cmd.type === 'get_state') {
    const at = process.argv.indexOf('--session');
    out({ id: cmd.id, type: 'response', command: 'get_state', success: true, data: { sessionFile: process.argv[at + 1], sessionId: 's', isStreaming: false } });
  } else if (cmd.type === 'prompt') {
    promptId = cmd.id;
    out({ id: cmd.id, type: 'response', command: 'prompt', success: true });
    if (mode === 'late-failure') out({ id: cmd.id, type: 'response', command: 'prompt', success: false, error: 'Agent is already processing' });
    else if (mode === 'dialog') out({ type: 'extension_ui_request', id: 'ui-1', method: 'confirm', title: 'Allow?', message: 'Run it?' });
    else if (mode === 'crash') setTimeout(() => process.exit(3), 10);
    else if (mode === 'hang') out({ type: 'agent_start' });
    else finish('plain answer');
  } else if (cmd.type === 'extension_ui_response') {
    finish(cmd.id === 'ui-1' && cmd.cancelled === true ? 'dialog cancelled' : 'dialog answered: ' + JSON.stringify(cmd));
  }
}
setInterval(() => {}, 1 << 30);
`;

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('PiRpcManager with a scripted pi', () => {
  let dir: string;
  let script: string;
  let session: SessionRef;

  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'psm-rpc-'));
    script = path.join(dir, 'fake-pi.cjs');
    fs.writeFileSync(script, scriptedPi);
    const file = path.join(dir, 'session.jsonl');
    fs.writeFileSync(file, `${JSON.stringify({ type: 'session', version: 3, id: 'sess-1', timestamp: new Date().toISOString(), cwd: dir })}\n`);
    session = { id: 'sess-1', path: file, cwd: dir };
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  function manager(mode: string, extra: { stopGraceMs?: number } = {}) {
    const bus = new EventBus();
    const events: PublishedEvent[] = [];
    bus.subscribe((e) => events.push(e));
    const rpc = new PiRpcManager({
      bus,
      log: silentLogger,
      sessions: { findSessionById: (id) => (id === session.id ? session : undefined), findSessionByPath: () => session },
      piCommand: { command: process.execPath, args: [script] },
      env: { ...process.env, FAKE_PI_MODE: mode },
      ...extra,
    });
    const kinds = () => events.filter((e) => e.name === 'pi-rpc-event').map((e) => (e.payload as { kind: string }).kind);
    return { rpc, events, kinds };
  }

  it('answers a plain prompt and ignores non-JSON output', async () => {
    const m = manager('plain');
    try {
      const result = await m.rpc.sendPrompt({ sessionId: session.id, prompt: 'hi', callerId: 'c1', wait: true });
      assert.equal(result.final_text, 'plain answer');
      assert.deepEqual(m.kinds(), ['run_start', 'text_delta', 'agent_end']);
    } finally {
      await m.rpc.dispose();
    }
  });

  it('reports a prompt failure that arrives as a second response', async () => {
    const m = manager('late-failure');
    try {
      await assert.rejects(m.rpc.sendPrompt({ sessionId: session.id, prompt: 'hi', callerId: 'c1', wait: true }), /pi reported an error: Agent is already processing/);
      assert.deepEqual(m.kinds(), ['run_start', 'error']);
      assert.equal(m.rpc.list()[0].streaming, false);
    } finally {
      await m.rpc.dispose();
    }
  });

  it('answers blocking extension dialogs with cancelled', async () => {
    const m = manager('dialog');
    try {
      const result = await m.rpc.sendPrompt({ sessionId: session.id, prompt: 'hi', callerId: 'c1', wait: true });
      assert.equal(result.final_text, 'dialog cancelled');
    } finally {
      await m.rpc.dispose();
    }
  });

  it('fails the run when pi dies in the middle of it', async () => {
    const m = manager('crash');
    try {
      await assert.rejects(m.rpc.sendPrompt({ sessionId: session.id, prompt: 'hi', callerId: 'c1', wait: true }), /pi exited \(code 3\)/);
      assert.deepEqual(m.rpc.list(), []);
      assert.ok(m.events.some((e) => e.name === 'pi-live-changed'));
    } finally {
      await m.rpc.dispose();
    }
  });

  it('kills a child that ignores SIGTERM on dispose', async () => {
    const m = manager('ignore-term', { stopGraceMs: 200 });
    await m.rpc.sendPrompt({ sessionId: session.id, prompt: 'hi', callerId: 'c1', wait: true });
    const pid = m.rpc.list()[0].pid!;
    await m.rpc.dispose();
    assert.equal(isAlive(pid), false);
    await assert.rejects(m.rpc.sendPrompt({ sessionId: session.id, prompt: 'hi', callerId: 'c1' }), /shutting down/);
  });

  it('refuses a second prompt while a run streams', async () => {
    const m = manager('hang');
    try {
      // This mode answers the prompt and then never ends the run.
      const first = await m.rpc.sendPrompt({ sessionId: session.id, prompt: 'one', callerId: 'c1' });
      await assert.rejects(m.rpc.sendPrompt({ sessionId: session.id, prompt: 'two', callerId: 'c1' }), (err: Error & { code?: string }) => {
        assert.equal(err.code, 'conflict');
        assert.match(err.message, new RegExp(first.run_id));
        return true;
      });
    } finally {
      await m.rpc.dispose();
    }
  });
});
