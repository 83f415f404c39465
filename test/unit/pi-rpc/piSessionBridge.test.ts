import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import WebSocket, { WebSocketServer } from 'ws';
import piSessionBridge, { dispatchesCommands } from '../../../src/piBridge/piSessionBridge';

/*
 * The extension we install into pi, driven here by a stand-in for pi's extension API against
 * a WebSocket server that records its frames. (The real pi runs it in
 * test/integration/pi-rpc/bridge.test.ts.) Node 20 has no global WebSocket; pi's Node 22 does,
 * so the `ws` client stands in for it here.
 */

type Frame = Record<string, unknown>;
type PiApi = Parameters<typeof piSessionBridge>[0];
type Handler = Parameters<PiApi['on']>[1];

describe('the pi extension (piSessionBridge)', () => {
  let server: WebSocketServer;
  let socket: WebSocket | undefined;
  const frames: Frame[] = [];
  const sizes: number[] = [];
  const handlers = new Map<string, Handler>();
  const calls: Array<{ text: string; options?: unknown }> = [];
  let idle = true;
  let aborted = 0;
  let failSend = false;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'psm-ext-'));
  const hadWebSocket = 'WebSocket' in globalThis;

  const ctx = {
    mode: 'tui',
    cwd: '/home/dev/p',
    sessionManager: { getSessionId: () => 'sess-1', getSessionFile: () => '/home/dev/.pi/agent/sessions/x/s.jsonl', getLeafId: () => 'leaf-9' },
    model: { provider: 'fakellm', id: 'fake-chat' },
    isIdle: () => idle,
    abort: () => void aborted++,
    hasPendingMessages: () => false,
    getContextUsage: () => ({ tokens: 10, contextWindow: 100, percent: 10 }),
  };

  const next = async (match: (f: Frame) => boolean): Promise<Frame> => {
    for (let i = 0; i < 300; i++) {
      const found = frames.find(match);
      if (found) {
        frames.splice(frames.indexOf(found), 1);
        return found;
      }
      await new Promise((r) => setTimeout(r, 10));
    }
    throw new Error('frame did not arrive');
  };
  const ask = (frame: Frame) => {
    socket!.send(JSON.stringify(frame));
    return next((f) => f.type === 'response' && f.id === frame.id);
  };

  before(async () => {
    if (!hadWebSocket) (globalThis as Record<string, unknown>).WebSocket = WebSocket;
    server = new WebSocketServer({ port: 0, host: '127.0.0.1', maxPayload: 64 * 1024 * 1024 });
    await new Promise<void>((resolve) => server.once('listening', () => resolve()));
    server.on('connection', (ws, req) => {
      socket = ws;
      frames.push({ type: '_connected', url: req.url });
      ws.on('message', (data) => {
        sizes.push((data as Buffer).length);
        frames.push(JSON.parse(data.toString()) as Frame);
      });
    });
    const config = path.join(dir, 'config.json');
    fs.writeFileSync(config, JSON.stringify({ url: `ws://127.0.0.1:${(server.address() as { port: number }).port}/ws`, token: 'secret-bridge-token' }));
    process.env.PI_SESSION_MANAGER_BRIDGE_CONFIG = config;
    piSessionBridge({
      on: (name: string, handler: Handler) => void handlers.set(name, handler),
      sendUserMessage: (text: string, options?: unknown) => {
        if (failSend) throw new Error('pi said no');
        calls.push({ text, options });
      },
      getSessionName: () => 'named',
      getThinkingLevel: () => 'low',
    });
  });

  after(async () => {
    handlers.get('session_shutdown')?.({}, ctx);
    delete process.env.PI_SESSION_MANAGER_BRIDGE_CONFIG;
    if (!hadWebSocket) delete (globalThis as Record<string, unknown>).WebSocket;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('registers on session_start with its own token and what pi says about the session', async () => {
    handlers.get('session_start')!({ type: 'session_start', reason: 'startup' }, ctx);
    const connected = await next((f) => f.type === '_connected');
    assert.equal(connected.url, '/ws?token=secret-bridge-token');
    const register = await next((f) => f.type === 'register');
    const payload = register.payload as Frame;
    assert.equal(payload.bridge, 'pi-session-manager');
    assert.equal(payload.sessionId, 'sess-1');
    assert.equal(payload.sessionPath, '/home/dev/.pi/agent/sessions/x/s.jsonl');
    assert.equal(payload.mode, 'tui');
    assert.equal(payload.model, 'fakellm/fake-chat');
    assert.equal(payload.thinkingLevel, 'low');
    assert.equal(payload.leafId, 'leaf-9');
    assert.equal(payload.name, 'named');
    assert.equal(payload.pid, process.pid);
    assert.ok(!('entries' in payload), 'never the whole session');
  });

  it('forwards deltas without the cumulative message, and cuts frames that would pass the server limit', async () => {
    handlers.get('message_update')!({ type: 'message_update', message: { content: 'x'.repeat(100_000) }, assistantMessageEvent: { type: 'text_delta', contentIndex: 0, delta: 'Hi', partial: { content: 'y'.repeat(100_000) } } }, ctx);
    const update = await next((f) => f.type === 'message_update');
    assert.deepEqual(update.assistantMessageEvent, { type: 'text_delta', contentIndex: 0, delta: 'Hi' });
    assert.ok(!('message' in update));
    assert.equal(update.sessionId, 'sess-1');

    // 1.2 MB of text and an image in one user message: more than the server takes in one frame.
    const big = 'é'.repeat(600_000);
    handlers.get('message_end')!({ type: 'message_end', message: { role: 'user', content: [{ type: 'text', text: big }, { type: 'image', data: 'A'.repeat(200_000), mimeType: 'image/png' }] } }, ctx);
    const end = await next((f) => f.type === 'message_end');
    assert.ok(sizes.every((n) => n < 1024 * 1024), `every frame stays under 1 MiB (${Math.max(...sizes)})`);
    const content = (end.message as { content: Array<Record<string, unknown>> }).content;
    assert.ok((content[0]!.text as string).length < big.length, 'the text was cut');
    assert.deepEqual(content[1], { type: 'image' }, 'images never travel');

    handlers.get('agent_end')!({ type: 'agent_end', willRetry: false, messages: Array.from({ length: 50 }, (_, i) => ({ role: i % 2 ? 'assistant' : 'user', content: [{ type: 'text', text: `m${i}` }], stopReason: 'stop' })) }, ctx);
    const agentEnd = await next((f) => f.type === 'agent_end');
    assert.deepEqual(agentEnd.messages, [{ role: 'assistant', content: [{ type: 'text', text: 'm49' }], stopReason: 'stop' }], 'only the outcome, not the transcript');
  });

  it('takes prompts, steers, follow-ups, aborts and get_state, each answered with its own id', async () => {
    idle = true;
    assert.deepEqual(await ask({ type: 'prompt', id: 'r1', sessionId: 'sess-1', message: 'hello' }), { type: 'response', sessionId: 'sess-1', id: 'r1', success: true, data: { disposition: 'started' } });
    assert.deepEqual(calls.at(-1), { text: 'hello', options: { expandPromptTemplates: true } }, 'dispatched as if typed in pi');
    idle = false;
    assert.equal(((await ask({ type: 'steer', id: 'r2', sessionId: 'sess-1', message: 'focus' })).data as Frame).disposition, 'queued');
    assert.deepEqual(calls.at(-1), { text: 'focus', options: { deliverAs: 'steer' } });
    await ask({ type: 'prompt', id: 'r3', sessionId: 'sess-1', message: 'then this' });
    assert.deepEqual(calls.at(-1), { text: 'then this', options: { deliverAs: 'followUp' } }, 'a prompt into a run is queued as a follow-up');
    await ask({ type: 'follow_up', id: 'r4', sessionId: 'sess-1', message: 'later' });
    assert.deepEqual(calls.at(-1), { text: 'later', options: { deliverAs: 'followUp' } });
    assert.equal((await ask({ type: 'abort', id: 'r5', sessionId: 'sess-1' })).success, true);
    assert.equal(aborted, 1);
    const state = (await ask({ type: 'get_state', id: 'r6', sessionId: 'sess-1' })).data as Frame;
    assert.deepEqual([state.isStreaming, state.leafId, state.model], [true, 'leaf-9', 'fakellm/fake-chat']);
    const wrong = await ask({ type: 'prompt', id: 'r7', sessionId: 'other', message: 'x' });
    assert.equal(wrong.success, false);
    assert.match(String(wrong.error), /session sess-1 open, not other/);
    failSend = true;
    const failed = await ask({ type: 'prompt', id: 'r8', sessionId: 'sess-1', message: 'x' });
    assert.deepEqual([failed.success, failed.error], [false, 'pi said no'], "pi's refusal is an answer, never a crash");
    failSend = false;
  });

  it('closes its socket on session_shutdown', async () => {
    const closed = new Promise<void>((resolve) => socket!.once('close', () => resolve()));
    handlers.get('session_shutdown')!({ type: 'session_shutdown', reason: 'quit' }, ctx);
    await closed;
  });
});

describe('which pis run extension commands sent by an extension', () => {
  it('0.84.2 and later do; older or unknown pis are never said to have handled a prompt', () => {
    for (const v of ['0.84.2', '0.85.0', '1.0.0', '1.6.0', '1.6.0-beta.1']) assert.equal(dispatchesCommands(v), true, v);
    for (const v of ['0.84.1', '0.73.1', '0.9.99', null, '', 'dev']) assert.equal(dispatchesCommands(v), false, String(v));
  });
});
