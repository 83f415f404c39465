import WebSocket from 'ws';

/** V8 heap of one thread of the server: the main thread or a worker (by its title/url). */
export interface ThreadHeap {
  thread: string;
  usedMb: number;
  totalMb: number;
}

/** The inspector URL node prints on stderr when started with `--inspect=127.0.0.1:0`. */
export function inspectorUrl(stderr: string): string | undefined {
  return /Debugger listening on (ws:\/\/\S+)/.exec(stderr)?.[1];
}

/**
 * Reads every thread's V8 heap from outside the process over the inspector protocol
 * (Runtime.getHeapUsage on the main thread, then on each worker through NodeWorker), so the
 * search worker's heap is measured without the server having to report it.
 */
export async function threadHeaps(url: string, timeoutMs = 10_000): Promise<ThreadHeap[]> {
  const ws = new WebSocket(url);
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  let nextId = 1;
  const pending = new Map<number, (result: Record<string, unknown>) => void>();
  const workers: { sessionId: string; title: string }[] = [];
  const workerReplies = new Map<string, (result: Record<string, unknown>) => void>();
  ws.on('message', (data) => {
    const msg = JSON.parse(String(data)) as { id?: number; method?: string; result?: Record<string, unknown>; params?: Record<string, unknown> };
    if (msg.id !== undefined) pending.get(msg.id)?.(msg.result ?? {});
    else if (msg.method === 'NodeWorker.attachedToWorker') {
      const info = msg.params!.workerInfo as { title?: string; url?: string };
      workers.push({ sessionId: String(msg.params!.sessionId), title: info.url || info.title || 'worker' });
    } else if (msg.method === 'NodeWorker.receivedMessageFromWorker') {
      const inner = JSON.parse(String(msg.params!.message)) as { id?: number; result?: Record<string, unknown> };
      if (inner.id !== undefined) workerReplies.get(`${String(msg.params!.sessionId)}:${inner.id}`)?.(inner.result ?? {});
    }
  });
  const send = (method: string, params: object = {}) =>
    new Promise<Record<string, unknown>>((resolve) => {
      const id = nextId++;
      pending.set(id, resolve);
      ws.send(JSON.stringify({ id, method, params }));
    });
  const timeout = <T>(p: Promise<T>) => Promise.race([p, new Promise<never>((_, reject) => setTimeout(() => reject(new Error('inspector did not answer')), timeoutMs))]);
  const mb = (r: Record<string, unknown>) => ({ usedMb: Number(r.usedSize ?? 0) / 1048576, totalMb: Number(r.totalSize ?? 0) / 1048576 });
  try {
    const heaps: ThreadHeap[] = [{ thread: 'main', ...mb(await timeout(send('Runtime.getHeapUsage'))) }];
    await timeout(send('NodeWorker.enable', { waitForDebuggerOnStart: false }));
    // Workers announce themselves right after enable.
    await new Promise((r) => setTimeout(r, 300));
    for (const w of workers) {
      const reply = new Promise<Record<string, unknown>>((resolve) => workerReplies.set(`${w.sessionId}:1`, resolve));
      await send('NodeWorker.sendMessageToWorker', { sessionId: w.sessionId, message: JSON.stringify({ id: 1, method: 'Runtime.getHeapUsage' }) });
      heaps.push({ thread: w.title.replace(/^.*[\\/]/, ''), ...mb(await timeout(reply)) });
    }
    await send('NodeWorker.disable').catch(() => undefined);
    return heaps;
  } finally {
    ws.close();
  }
}
