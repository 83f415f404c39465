import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import WebSocket from 'ws';
import { startCliServer, type ServerHandle } from '../../support/cliServer';
import { callApi } from '../../support/httpClient';
import { writeSession, type ExpectedSession } from '../../support/sessionGenerator';
import { TestSseClient } from '../../support/sseClient';
import { TestWsClient, type WsEvent } from '../../support/wsClient';

/*
 * The desktop app's `pi-session-bridge` speaks to `/ws` in frames of its own. A test client
 * replays them here, frame by frame, against a real server on a real port, and an ordinary
 * WS client and an SSE client watch what every reader sees.
 */

type Frame = Record<string, unknown>;

/** A raw socket that records every frame and can wait for the next one that matches. */
class BridgeSocket {
  readonly frames: Frame[] = [];
  closeCode: number | undefined;
  private waiters: { match: (f: Frame) => boolean; resolve: (f: Frame) => void }[] = [];
  private seen = 0;

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const frame = JSON.parse(data.toString()) as Frame;
      this.frames.push(frame);
      for (const w of [...this.waiters]) {
        if (w.match(frame)) {
          this.waiters.splice(this.waiters.indexOf(w), 1);
          w.resolve(frame);
        }
      }
    });
    ws.on('close', (code) => (this.closeCode = code));
  }

  static open(url: string): Promise<BridgeSocket> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, { maxPayload: 80 * 1024 * 1024 });
      ws.once('open', () => resolve(new BridgeSocket(ws)));
      ws.once('error', reject);
    });
  }

  send(frame: Frame): void {
    this.ws.send(JSON.stringify(frame));
  }

  /** The next frame after those already taken that matches. */
  next(match: (f: Frame) => boolean = () => true, timeoutMs = 10_000): Promise<Frame> {
    for (let i = this.seen; i < this.frames.length; i++) {
      if (match(this.frames[i]!)) {
        this.seen = i + 1;
        return Promise.resolve(this.frames[i]!);
      }
    }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no matching frame arrived')), timeoutMs);
      this.waiters.push({
        match,
        resolve: (f) => {
          clearTimeout(timer);
          this.seen = this.frames.indexOf(f) + 1;
          resolve(f);
        },
      });
    });
  }

  /** Sends a frame and returns the answer the server sends to it. */
  async ask(frame: Frame, match: (f: Frame) => boolean = () => true): Promise<Frame> {
    const answer = this.next(match);
    this.send(frame);
    return answer;
  }

  closed(): Promise<number> {
    if (this.ws.readyState === WebSocket.CLOSED) return Promise.resolve(this.closeCode ?? 0);
    return new Promise((resolve) => this.ws.once('close', (code) => resolve(code)));
  }

  close(): Promise<number> {
    const done = this.closed();
    this.ws.close();
    return done;
  }
}

/** Waits for an event; on failure says which events did arrive. */
async function waitEvent(client: TestWsClient, match: (e: WsEvent) => boolean): Promise<WsEvent> {
  try {
    return await client.waitForEvent(match);
  } catch (err) {
    const seen = client.events.map((e) => `${e.event}:${(e.payload as { kind?: string }).kind ?? ''}`).join(', ');
    throw new Error(`${(err as Error).message}; events seen: ${seen}`);
  }
}

async function waitFor(probe: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 30));
  }
}

/** One assistant text, as pi's events carry it. */
const assistant = (text: string, stopReason = 'stop') => ({ role: 'assistant', content: [{ type: 'text', text }], stopReason });

describe("the desktop app's bridge frames on /ws", () => {
  let server: ServerHandle;
  let wsUrl: string;
  let bridgeToken: string;
  let readToken: string;
  let session: ExpectedSession;
  let sessionsDir: string;

  before(async () => {
    server = await startCliServer();
    const target = { host: server.host, port: server.port };
    sessionsDir = path.join(server.agentDir, 'sessions');
    session = writeSession(sessionsDir, { turns: 2, cwd: '/home/dev/projects/bridged' });
    const scan = await callApi(target, 'scan_sessions', {});
    assert.ok(scan.envelope.success, scan.envelope.error ?? '');
    wsUrl = `ws://${server.host}:${server.port}/ws`;
    const bridge = await callApi<{ token: string; scopes: string[]; warnings: string[] }>(target, 'create_token', { name: 'desktop bridge', scopes: ['bridge'] });
    assert.deepEqual(bridge.envelope.data!.scopes, ['bridge']);
    assert.deepEqual(bridge.envelope.data!.warnings, [], 'the bridge scope runs nothing and carries no warning');
    bridgeToken = bridge.envelope.data!.token;
    readToken = (await callApi<{ token: string }>(target, 'create_token', { name: 'reader', scopes: ['read'] })).envelope.data!.token;
  });

  after(async () => {
    await server.stop();
  });

  it('registers with a large entries array, streams events with acks, answers prompts, and stops being live on close', async () => {
    const viewer = await TestWsClient.connect(wsUrl);
    const sse = await TestSseClient.open({ host: server.host, port: server.port, headers: { Authorization: `Bearer ${readToken}` } });
    assert.ok(sse instanceof TestSseClient);
    const bridge = await BridgeSocket.open(`${wsUrl}?token=${bridgeToken}`);
    try {
      // The desktop app sends the whole session with register: here about 3 MiB, over the usual 1 MiB limit.
      const entries = Array.from({ length: 3000 }, (_, i) => ({ type: 'message', id: `e${i}`, message: { role: 'user', content: 'x'.repeat(1000) } }));
      const registered = await bridge.ask({ type: 'register', payload: { sessionId: session.id, sessionPath: session.path, pid: 4242, cwd: session.cwd, entries } });
      assert.deepEqual(registered, { type: 'ack', of: 'register', sessionId: session.id });
      await waitEvent(viewer, (e) => e.event === 'pi-live-changed' && (e.payload as { session_ids: string[] }).session_ids.includes(session.id));

      const live = (await viewer.request('get_pi_live_sessions')).data as Array<Record<string, unknown>>;
      const mine = live.find((l) => l.session_id === session.id)!;
      assert.equal(mine.detected_by, 'bridge');
      assert.equal(mine.heuristic, false);
      assert.equal(mine.session_path, fs.realpathSync(session.path));
      assert.equal(mine.pid, 4242);
      assert.equal(mine.streaming, false);
      assert.equal((mine.bridge as Record<string, unknown>).kind, 'original');

      // session_state updates the model and context usage.
      bridge.send({ type: 'session_state', payload: { sessionId: session.id, model: 'fakellm/fake-chat', thinkingLevel: 'low', isStreaming: false, contextUsage: { tokens: 1200, contextWindow: 128000, percent: 0.9 } } });
      assert.deepEqual(await bridge.ask({ ping: true }), { pong: true });
      const stated = ((await viewer.request('get_pi_live_sessions')).data as Array<Record<string, unknown>>).find((l) => l.session_id === session.id)!;
      const state = stated.bridge as Record<string, unknown>;
      assert.equal(state.model, 'fakellm/fake-chat');
      assert.equal(state.thinking_level, 'low');
      assert.deepEqual(state.context_usage, { tokens: 1200, context_window: 128000, percent: 0.9 });

      // A run typed in pi's own terminal: every event is acked, readers see it stream.
      const at = { sessionId: session.id, sessionPath: session.path };
      const events: Frame[] = [
        { type: 'agent_start', ...at },
        { type: 'turn_start', ...at },
        { type: 'message_start', ...at, message: { role: 'user', content: 'hello from the terminal' } },
        { type: 'message_start', ...at, message: { role: 'assistant', content: [], stopReason: 'pending' } },
        { type: 'message_update', ...at, assistantMessageEvent: { type: 'text_delta', contentIndex: 0, delta: 'Hel' } },
        { type: 'message_update', ...at, assistantMessageEvent: { type: 'text_delta', contentIndex: 0, delta: 'lo!' } },
        { type: 'message_end', ...at, message: assistant('Hello!') },
        { type: 'turn_end', ...at, messageEntryId: 'abcd1234', toolResultEntryIds: [] },
        { type: 'queue_update', ...at, steering: [], followUp: [] },
        { type: 'agent_end', ...at, messages: [assistant('Hello!')], willRetry: false },
      ];
      for (const frame of events) assert.deepEqual(await bridge.ask(frame), { type: 'ack' }, `ack for ${String(frame.type)}`);
      const ended = await waitEvent(viewer, (e) => e.event === 'pi-live-event' && (e.payload as { kind: string }).kind === 'agent_end');
      const liveEvents = viewer.events.filter((e) => e.event === 'pi-live-event').map((e) => e.payload as Record<string, unknown>);
      assert.deepEqual(
        liveEvents.filter((e) => e.kind === 'text_delta').map((e) => (e.data as { delta: string }).delta),
        ['Hel', 'lo!'],
      );
      for (const e of liveEvents) {
        assert.equal(e.session_id, session.id);
        assert.equal(e.via, 'bridge');
        assert.equal(e.run_id, null, 'a run started in pi itself has no run id of ours');
      }
      assert.equal((ended.payload as { data: { final_text: string } }).data.final_text, 'Hello!');
      const sseEnd = await sse.waitFor((m) => m.event === 'pi-live-event' && (JSON.parse(m.data) as { kind: string }).kind === 'agent_end');
      assert.equal((JSON.parse(sseEnd.data) as { session_id: string }).session_id, session.id, 'SSE readers see the run too');

      // A prompt from the API goes to the bridge; its answer carries the session id only (the
      // desktop app's correlation), and is matched all the same.
      const asked = bridge.next((f) => f.type === 'prompt');
      const reply = viewer.request('send_pi_agent_rpc', { session_id: session.id, prompt: 'from the API' });
      const prompt = await asked;
      assert.equal(prompt.sessionId, session.id);
      assert.equal(prompt.message, 'from the API');
      assert.match(String(prompt.id), /^psm-/, 'our requests carry an id of their own');
      bridge.send({ type: 'response', sessionId: session.id, success: true });
      const sent = (await reply) as { success: boolean; data: Record<string, unknown> };
      assert.equal(sent.success, true, JSON.stringify(sent));
      assert.equal(sent.data.via, 'bridge');
      assert.equal(sent.data.disposition, 'started');
      const runId = sent.data.run_id as string;
      for (const frame of [
        { type: 'agent_start', ...at },
        { type: 'message_update', ...at, assistantMessageEvent: { type: 'text_delta', contentIndex: 0, delta: 'Answer.' } },
        { type: 'agent_end', ...at, messages: [assistant('Answer.')], willRetry: false },
      ]) {
        assert.deepEqual(await bridge.ask(frame), { type: 'ack' });
      }
      const own = await waitEvent(viewer, (e) => e.event === 'pi-rpc-event' && (e.payload as { run_id: string; kind: string }).run_id === runId && (e.payload as { kind: string }).kind === 'agent_end');
      assert.equal((own.payload as { data: { final_text: string } }).data.final_text, 'Answer.');
      assert.ok(
        viewer.events.some((e) => e.event === 'pi-live-event' && (e.payload as { run_id: string | null }).run_id === runId),
        'the run is broadcast with its run id',
      );

      // A prompt from a client with a token: the log names the token, never the prompt's text.
      const agentToken = (await callApi<{ token: string }>({ host: server.host, port: server.port }, 'create_token', { name: 'phone', scopes: ['agent'] })).envelope.data!.token;
      const abortAsked = bridge.next((f) => f.type === 'abort');
      const aborting = callApi({ host: server.host, port: server.port }, 'abort_pi_agent', { session_id: session.id }, { Authorization: `Bearer ${agentToken}` });
      const abortFrame = await abortAsked;
      bridge.send({ type: 'response', sessionId: session.id, id: abortFrame.id, success: true });
      assert.deepEqual((await aborting).envelope.data, { session_id: session.id, aborted: false, via: 'bridge' });
      await waitFor(() => server.stderr().includes(`pi: abort to session ${session.id} via its bridge, sent by token "phone" (http)`));
      assert.match(server.stderr(), new RegExp(`pi: prompt to session ${session.id} via its bridge, sent by a local ws client without a token`));
      assert.ok(!server.stderr().includes('from the API'), 'prompt text is not logged');

      // Ordinary requests on the bridge socket are answered with the bridge token's scopes.
      const plain = await bridge.ask({ id: 7, command: 'scan_sessions', payload: {} }, (f) => f.id === 7);
      assert.equal(plain.code, 'forbidden');
      const neither = await bridge.ask({ hello: 'there' }, (f) => f.success === false);
      assert.equal(neither.code, 'invalid_request');

      // Closing the socket ends the session's liveness at once, and every reader hears it.
      const changes = viewer.events.filter((e: WsEvent) => e.event === 'pi-live-changed').length;
      await bridge.close();
      await waitEvent(viewer, (e) => e.event === 'pi-live-changed' && viewer.events.filter((x) => x.event === 'pi-live-changed').indexOf(e) >= changes);
      const after = (await viewer.request('get_pi_live_sessions')).data as Array<Record<string, unknown>>;
      assert.ok(!after.some((l) => l.session_id === session.id && l.detected_by === 'bridge'), 'no longer live by bridge');
    } finally {
      await bridge.close();
      await viewer.close();
      sse.close();
    }
  });

  it('refuses bridge frames without the bridge scope, files outside the session folders, and large frames that are not a register', async () => {
    const reader = await BridgeSocket.open(`${wsUrl}?token=${readToken}`);
    try {
      const refused = await reader.ask({ type: 'register', payload: { sessionId: session.id, sessionPath: session.path } });
      assert.equal(refused.code, 'forbidden');
      assert.match(String(refused.error), /bridge/);
      // A reader's socket keeps the usual frame limit: ws itself closes it with 1009.
      reader.send({ type: 'register', payload: { sessionId: session.id, sessionPath: session.path, entries: 'y'.repeat(2 * 1024 * 1024) } });
      assert.equal(await reader.closed(), 1009);
    } finally {
      await reader.close();
    }

    const bridge = await BridgeSocket.open(`${wsUrl}?token=${bridgeToken}`);
    try {
      const outside = path.join(server.home, 'elsewhere.jsonl');
      fs.copyFileSync(session.path, outside);
      const notInside = await bridge.ask({ type: 'register', payload: { sessionId: session.id, sessionPath: outside } });
      assert.equal(notInside.type, 'error');
      assert.equal(notInside.code, 'forbidden');
      assert.match(String(notInside.error), /not inside a session folder/);

      const link = path.join(path.dirname(session.path), 'linked.jsonl');
      fs.symlinkSync(outside, link);
      const linked = await bridge.ask({ type: 'register', payload: { sessionId: session.id, sessionPath: link } });
      assert.equal(linked.code, 'forbidden');

      const wrongId = await bridge.ask({ type: 'register', payload: { sessionId: 'not-the-header-id', sessionPath: session.path } });
      assert.equal(wrongId.code, 'forbidden');
      assert.match(String(wrongId.error), /holds session/);

      const early = await bridge.ask({ type: 'message_update', sessionId: session.id, assistantMessageEvent: { type: 'text_delta', delta: 'x' } });
      assert.equal(early.code, 'invalid_request', 'events before a register are refused');

      // A file pi has not written yet may be registered when its folder is a session folder.
      const fresh = path.join(sessionsDir, '--home-dev-projects-new--', '2026-12-02T08-00-00-000Z_fresh.jsonl');
      fs.mkdirSync(path.dirname(fresh), { recursive: true });
      const ok = await bridge.ask({ type: 'register', payload: { sessionId: 'fresh', sessionPath: fresh } });
      assert.equal(ok.type, 'ack');

      // On a bridge socket only a register may exceed the usual limit.
      bridge.send({ type: 'message_update', sessionId: 'fresh', padding: 'z'.repeat(2 * 1024 * 1024) });
      assert.equal(await bridge.closed(), 1009);
    } finally {
      await bridge.close();
    }
  });
});
