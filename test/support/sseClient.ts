import * as http from 'node:http';

export interface SseMessage {
  id?: string;
  event: string;
  data: string;
}

/** Reads an event stream the way EventSource does: fields per line, blank line ends one. */
export class TestSseClient {
  readonly messages: SseMessage[] = [];
  readonly comments: string[] = [];
  private buffer = '';
  private waiters: { match: (m: SseMessage) => boolean; resolve: (m: SseMessage) => void }[] = [];

  private constructor(
    readonly req: http.ClientRequest,
    readonly res: http.IncomingMessage,
  ) {
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => this.onData(chunk));
  }

  static open(opts: { host: string; port: number; path?: string; headers?: Record<string, string> }): Promise<TestSseClient | { status: number; body: string }> {
    return new Promise((resolve, reject) => {
      const req = http.get(
        { host: opts.host, port: opts.port, path: opts.path ?? '/api/events', headers: { Accept: 'text/event-stream', ...opts.headers }, agent: false },
        (res) => {
          if (res.statusCode !== 200) {
            let body = '';
            res.setEncoding('utf8').on('data', (d: string) => (body += d));
            res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
            return;
          }
          resolve(new TestSseClient(req, res));
        },
      );
      req.on('error', reject);
    });
  }

  private onData(chunk: string): void {
    this.buffer += chunk;
    let idx: number;
    while ((idx = this.buffer.indexOf('\n\n')) >= 0) {
      const block = this.buffer.slice(0, idx);
      this.buffer = this.buffer.slice(idx + 2);
      const msg: SseMessage = { event: 'message', data: '' };
      const data: string[] = [];
      let isComment = true;
      for (const line of block.split('\n')) {
        if (line.startsWith(':')) {
          this.comments.push(line.slice(1).trim());
          continue;
        }
        isComment = false;
        const colon = line.indexOf(':');
        const field = colon < 0 ? line : line.slice(0, colon);
        const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
        if (field === 'id') msg.id = value;
        else if (field === 'event') msg.event = value;
        else if (field === 'data') data.push(value);
      }
      if (isComment || data.length === 0) continue;
      msg.data = data.join('\n');
      this.messages.push(msg);
      for (const w of [...this.waiters]) {
        if (w.match(msg)) {
          this.waiters.splice(this.waiters.indexOf(w), 1);
          w.resolve(msg);
        }
      }
    }
  }

  waitFor(match: (m: SseMessage) => boolean, timeoutMs = 15_000): Promise<SseMessage> {
    const existing = this.messages.find(match);
    if (existing) return Promise.resolve(existing);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('SSE message did not arrive')), timeoutMs);
      this.waiters.push({
        match,
        resolve: (m) => {
          clearTimeout(timer);
          resolve(m);
        },
      });
    });
  }

  get closed(): boolean {
    return this.res.complete || this.res.destroyed;
  }

  close(): void {
    this.req.destroy();
  }
}
