import { parentPort, workerData } from 'node:worker_threads';
import { SearchQueryError } from '../queryParser';
import { IndexKeeper } from './indexKeeper';
import type { FromWorker, ToWorker, WorkerInit, WorkerSearchAnswer } from './protocol';
import type { FeedAck, FeedMessage } from './documentFeed';
import type { MessagePort } from 'node:worker_threads';

/*
 * Entry of the search worker thread (bundled as dist/searchWorker.js). Tokenising, indexing
 * and matching all happen here, so a large store being indexed or a slow query never holds
 * the extension host's event loop (architecture rule 6).
 */

const port = parentPort;
if (!port) throw new Error('searchWorker must run as a worker thread');
const init = workerData as WorkerInit;

const send = (message: FromWorker): void => port.postMessage(message);
const keeper = new IndexKeeper({
  indexDir: init.indexDir,
  persistDelayMs: init.persistDelayMs,
  indexedBefore: init.indexedBefore,
  log: (level, message) => send({ type: 'log', level, message }),
});

// Messages that arrive while the saved index loads wait for it, in order.
const loaded = init.fresh ? Promise.resolve() : keeper.load();

function fail(id: number, err: unknown): void {
  if (err instanceof SearchQueryError) send({ type: 'reply', id, ok: false, code: 'invalid_payload', message: err.message });
  else send({ type: 'reply', id, ok: false, code: 'internal', message: err instanceof Error ? err.message : String(err) });
}

async function handle(message: ToWorker): Promise<void> {
  await loaded;
  switch (message.type) {
    case 'upsert':
      keeper.upsert(message.files);
      return;
    case 'remove':
      keeper.remove(message.paths);
      return;
    case 'reconcile':
      keeper.reconcile(message.files);
      return;
    case 'search':
      try {
        const answer: WorkerSearchAnswer = { ...keeper.search(message.query), status: keeper.status() };
        send({ type: 'reply', id: message.id, ok: true, data: answer });
      } catch (err) {
        fail(message.id, err);
      }
      return;
    case 'status':
      send({ type: 'reply', id: message.id, ok: true, data: keeper.status() });
      return;
    case 'rebuild':
      keeper.rebuild(message.files);
      send({ type: 'reply', id: message.id, ok: true, data: keeper.status() });
      return;
    case 'feed-port':
      listenToFeed(message.port);
      return;
    case 'memory': {
      const { heapUsed, heapTotal } = process.memoryUsage();
      send({ type: 'reply', id: message.id, ok: true, data: { heap_used: heapUsed, heap_total: heapTotal } });
      return;
    }
    case 'rest':
      try {
        // Still indexing: not settled, and no save forced (saves keep their own pace then).
        if (keeper.busy) {
          send({ type: 'reply', id: message.id, ok: true, data: { settled: false, indexed_since_start: keeper.status().indexed_since_start } });
          return;
        }
        await keeper.persist();
        send({ type: 'reply', id: message.id, ok: true, data: { settled: keeper.settled, indexed_since_start: keeper.status().indexed_since_start } });
      } catch (err) {
        fail(message.id, err);
      }
      return;
    case 'persist':
      try {
        await keeper.persist();
        send({ type: 'reply', id: message.id, ok: true, data: null });
      } catch (err) {
        fail(message.id, err);
      }
      return;
  }
}

/**
 * Documents parsed elsewhere arrive on feed ports, in order per port. A port that closes
 * with a file half fed (its scan worker stopped) aborts that file, which is then read here.
 */
function listenToFeed(feed: MessagePort): void {
  const open = new Set<string>();
  feed.on('message', (message: FeedMessage) => {
    if (message.type === 'begin') open.add(message.path);
    else if (message.type === 'end' || message.type === 'abort') open.delete(message.path);
    void loaded.then(() => {
      const chars = keeper.receive(message);
      if (chars > 0) feed.postMessage({ type: 'ack', chars } satisfies FeedAck);
    });
  });
  feed.on('close', () => {
    const paths = [...open];
    open.clear();
    void loaded.then(() => {
      for (const path of paths) keeper.receive({ type: 'abort', path });
    });
  });
}

port.on('message', (message: ToWorker) => void handle(message));
