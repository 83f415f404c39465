import * as fs from 'node:fs';
import * as path from 'node:path';
import WebSocket from 'ws';

/**
 * CPU profiles of a server's worker threads (node's `--cpu-prof` writes the main thread's
 * only), taken over the inspector: every worker that starts is held until its profiler runs,
 * so indexing is profiled from its first message. `stop` writes one .cpuprofile per worker.
 */
export class WorkerProfiler {
  private nextId = 1000;
  private readonly workers = new Map<string, string>();
  private readonly replies = new Map<string, (result: Record<string, unknown>) => void>();

  private constructor(private readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const msg = JSON.parse(String(data)) as { method?: string; params?: Record<string, unknown> };
      if (msg.method === 'NodeWorker.attachedToWorker') {
        const sessionId = String(msg.params!.sessionId);
        const info = msg.params!.workerInfo as { title?: string; url?: string };
        this.workers.set(sessionId, (info.url || info.title || 'worker').replace(/^.*[\\/]/, ''));
        for (const [method, params] of [['Profiler.enable', {}], ['Profiler.start', {}], ['Runtime.runIfWaitingForDebugger', {}]] as const) this.toWorker(sessionId, method, params);
      } else if (msg.method === 'NodeWorker.receivedMessageFromWorker') {
        const inner = JSON.parse(String(msg.params!.message)) as { id?: number; result?: Record<string, unknown> };
        if (inner.id !== undefined) this.replies.get(`${String(msg.params!.sessionId)}:${inner.id}`)?.(inner.result ?? {});
      }
    });
  }

  static async attach(url: string): Promise<WorkerProfiler> {
    const ws = new WebSocket(url);
    await new Promise((resolve, reject) => {
      ws.once('open', resolve);
      ws.once('error', reject);
    });
    const profiler = new WorkerProfiler(ws);
    ws.send(JSON.stringify({ id: 1, method: 'NodeWorker.enable', params: { waitForDebuggerOnStart: true } }));
    return profiler;
  }

  private toWorker(sessionId: string, method: string, params: object): Promise<Record<string, unknown>> {
    const id = this.nextId++;
    const reply = new Promise<Record<string, unknown>>((resolve) => this.replies.set(`${sessionId}:${id}`, resolve));
    this.ws.send(JSON.stringify({ id: this.nextId++, method: 'NodeWorker.sendMessageToWorker', params: { sessionId, message: JSON.stringify({ id, method, params }) } }));
    return reply;
  }

  /** Stops every live worker's profiler and writes `<dir>/<prefix>-<worker>-<n>.cpuprofile`; returns the files. */
  async stop(dir: string, prefix: string): Promise<string[]> {
    fs.mkdirSync(dir, { recursive: true });
    const files: string[] = [];
    let n = 0;
    for (const [sessionId, name] of this.workers) {
      const result = await Promise.race([this.toWorker(sessionId, 'Profiler.stop', {}), new Promise<null>((r) => setTimeout(() => r(null), 15_000))]);
      if (!result?.profile) continue;
      const file = path.join(dir, `${prefix}-${name.replace(/\W+/g, '_')}-${n++}.cpuprofile`);
      fs.writeFileSync(file, JSON.stringify(result.profile));
      files.push(file);
    }
    this.ws.close();
    return files;
  }
}
