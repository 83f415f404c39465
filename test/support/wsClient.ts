import WebSocket from 'ws';

export interface WsEvent {
  event_type: 'event';
  event: string;
  payload: unknown;
}

/** A `ws` client that matches replies by id and collects pushed events. */
export class TestWsClient {
  readonly events: WsEvent[] = [];
  readonly frames: unknown[] = [];
  private nextId = 1;
  private readonly waiting = new Map<string | number, (frame: Record<string, unknown>) => void>();
  private readonly eventWaiters: { match: (e: WsEvent) => boolean; resolve: (e: WsEvent) => void }[] = [];

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const frame = JSON.parse(data.toString()) as Record<string, unknown>;
      this.frames.push(frame);
      if (frame.event_type === 'event') {
        const e = frame as unknown as WsEvent;
        this.events.push(e);
        for (const w of [...this.eventWaiters]) {
          if (w.match(e)) {
            this.eventWaiters.splice(this.eventWaiters.indexOf(w), 1);
            w.resolve(e);
          }
        }
        return;
      }
      const id = frame.id as string | number | undefined;
      if (id !== undefined && this.waiting.has(id)) {
        this.waiting.get(id)!(frame);
        this.waiting.delete(id);
      }
    });
  }

  static connect(url: string, options: WebSocket.ClientOptions = {}): Promise<TestWsClient> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, options);
      ws.once('open', () => resolve(new TestWsClient(ws)));
      ws.once('error', reject);
      ws.once('unexpected-response', (_req, res) => reject(Object.assign(new Error(`upgrade refused: ${res.statusCode}`), { status: res.statusCode })));
    });
  }

  request(command: string, payload: unknown = {}, id: string | number = this.nextId++): Promise<Record<string, unknown>> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no reply to ${command} (${id})`)), 30_000);
      this.waiting.set(id, (frame) => {
        clearTimeout(timer);
        resolve(frame);
      });
      this.ws.send(JSON.stringify({ id, command, payload }));
    });
  }

  /** Sends a raw frame and waits for the next non-event frame. */
  sendRaw(text: string): Promise<Record<string, unknown>> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no reply to raw frame')), 10_000);
      const onMessage = (data: WebSocket.RawData) => {
        const frame = JSON.parse(data.toString()) as Record<string, unknown>;
        if (frame.event_type === 'event') return;
        clearTimeout(timer);
        this.ws.off('message', onMessage);
        resolve(frame);
      };
      this.ws.on('message', onMessage);
      this.ws.send(text);
    });
  }

  waitForEvent(match: (e: WsEvent) => boolean, timeoutMs = 15_000): Promise<WsEvent> {
    const existing = this.events.find(match);
    if (existing) return Promise.resolve(existing);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('event did not arrive')), timeoutMs);
      this.eventWaiters.push({
        match,
        resolve: (e) => {
          clearTimeout(timer);
          resolve(e);
        },
      });
    });
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      if (this.ws.readyState === WebSocket.CLOSED) return resolve();
      this.ws.once('close', () => resolve());
      this.ws.close();
    });
  }
}
