import * as fs from 'node:fs';
import WebSocket from 'ws';

/**
 * A bridge client that plays a running pi over a real WebSocket, with the frames of the
 * desktop app's `pi-session-bridge` (the shape our server must accept unchanged): it registers
 * a session, answers the server's prompt/steer/follow_up/abort/get_state requests with
 * `response` frames, and sends pi's own events. What the test scripts it to say, pi would say.
 */
export interface BridgeRequest {
  type: 'prompt' | 'steer' | 'follow_up' | 'abort' | 'get_state';
  sessionId: string;
  id?: string;
  [field: string]: unknown;
}

export interface BridgeSession {
  id: string;
  path: string;
  cwd: string;
}

const requestTypes: ReadonlySet<string> = new Set(['prompt', 'steer', 'follow_up', 'abort', 'get_state']);

export class FakePiBridge {
  readonly requests: BridgeRequest[] = [];
  /** Every frame the server sent, for failure messages. */
  readonly frames: unknown[] = [];
  private readonly waiters: { match: (r: BridgeRequest) => boolean; resolve: (r: BridgeRequest) => void }[] = [];
  private readonly handled = new Set<BridgeRequest>();
  private streaming = false;

  private constructor(
    private readonly ws: WebSocket,
    readonly session: BridgeSession,
  ) {
    ws.on('message', (data) => {
      let frame: unknown;
      try {
        frame = JSON.parse(data.toString());
      } catch {
        return;
      }
      this.frames.push(frame);
      const r = frame as BridgeRequest;
      if (typeof r !== 'object' || r === null || !requestTypes.has(String(r.type))) return;
      this.requests.push(r);
      if (r.type === 'get_state') {
        this.respond(r, this.state());
        return;
      }
      for (const w of [...this.waiters]) {
        if (!w.match(r)) continue;
        this.waiters.splice(this.waiters.indexOf(w), 1);
        w.resolve(r);
        return;
      }
    });
  }

  /** Connects to `/ws` (with `?token=` when one is given) and registers the session. */
  static async connect(url: string, session: BridgeSession, token?: string): Promise<FakePiBridge> {
    const target = new URL(url);
    if (token) target.searchParams.set('token', token);
    const ws = new WebSocket(target.href);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    const bridge = new FakePiBridge(ws, session);
    // The original bridge sends the whole session as `entries`; the server must ignore them.
    bridge.send({ type: 'register', payload: { sessionId: session.id, sessionPath: session.path, pid: process.pid, cwd: session.cwd, entries: [{ type: 'noise' }] } });
    bridge.send({ type: 'session_state', payload: bridge.state() });
    return bridge;
  }

  /** The next request of `type` not yet taken by an earlier wait. */
  nextRequest(type: BridgeRequest['type'], timeoutMs = 20_000): Promise<BridgeRequest> {
    const match = (r: BridgeRequest) => r.type === type && !this.handled.has(r);
    const take = (r: BridgeRequest) => {
      this.handled.add(r);
      return r;
    };
    const existing = this.requests.find(match);
    if (existing) return Promise.resolve(take(existing));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the bridge got no ${type} request; frames: ${JSON.stringify(this.frames).slice(0, 2000)}`)), timeoutMs);
      this.waiters.push({
        match,
        resolve: (r) => {
          clearTimeout(timer);
          resolve(take(r));
        },
      });
    });
  }

  respond(request: BridgeRequest, data: unknown = {}): void {
    this.send({ type: 'response', sessionId: this.session.id, id: request.id, success: true, data });
  }

  /** One pi event as the original bridge forwards it. */
  event(type: string, fields: Record<string, unknown> = {}): void {
    this.send({ type, sessionId: this.session.id, sessionPath: this.session.path, ...fields });
  }

  startRun(): void {
    this.streaming = true;
    this.event('agent_start');
    this.send({ type: 'session_state', payload: this.state() });
    this.event('turn_start');
    this.event('message_start', { message: { role: 'assistant', content: [] } });
  }

  textDelta(delta: string): void {
    this.event('message_update', { message: { role: 'assistant', content: [] }, assistantMessageEvent: { type: 'text_delta', contentIndex: 0, delta } });
  }

  /** Ends the message and the run, as pi does (also after an abort). */
  endRun(text: string, stopReason: 'stop' | 'aborted'): void {
    const message = { role: 'assistant', content: [{ type: 'text', text }], stopReason, api: 'openai-completions', provider: 'fakellm', model: 'fake-chat', timestamp: Date.now() };
    this.event('message_end', { message });
    this.event('turn_end', { message, toolResults: [] });
    this.streaming = false;
    this.event('agent_end', { messages: [message] });
    this.send({ type: 'session_state', payload: this.state() });
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      if (this.ws.readyState === WebSocket.CLOSED) return resolve();
      this.ws.once('close', () => resolve());
      this.ws.close();
    });
  }

  private state(): Record<string, unknown> {
    return { sessionId: this.session.id, model: 'fake-chat', thinkingLevel: 'off', isStreaming: this.streaming, contextUsage: { tokens: 5400, contextWindow: 128000, percent: 4.2 } };
  }

  private send(frame: object): void {
    this.ws.send(JSON.stringify(frame));
  }
}

/** Appends one session entry the way pi writes it, returning its id. */
export function appendEntry(file: string, parentId: string | null, id: string, message: Record<string, unknown>): string {
  fs.appendFileSync(file, `${JSON.stringify({ type: 'message', id, parentId, timestamp: new Date().toISOString(), message })}\n`);
  return id;
}
