import { parentPort } from 'node:worker_threads';
import { DocumentSender } from '../../search/worker/documentFeed';
import { InvalidSessionFileError } from '../parser';
import { summarizeFile } from '../summary';
import type { FromScanWorker, ToScanWorker } from './scanProtocol';

/*
 * Entry of a scan worker thread (bundled as dist/scanWorker.js): summarizes session files for
 * the list and, on the way, feeds their documents to the search worker, so the cold scan
 * parses on every core and every file is read once.
 */

const port = parentPort;
if (!port) throw new Error('scanWorker must run as a worker thread');

let sender: DocumentSender | undefined;

const send = (message: FromScanWorker): void => port.postMessage(message);

async function summarize(job: Extract<ToScanWorker, { type: 'summarize' }>): Promise<void> {
  const feeding = job.feed && sender !== undefined && !sender.congested ? sender : undefined;
  const feed = feeding?.file(job.file, job.fromOffset ?? 0);
  try {
    const result = await summarizeFile(job.file, {
      size: job.size,
      mtimeMs: job.mtimeMs,
      ...(job.fromOffset !== undefined ? { fromOffset: job.fromOffset, snapshot: job.snapshot } : {}),
      ...(feed && feeding ? { onEntry: feed.sink, onStart: (from: number) => feed.start(from), pause: () => feeding.room() } : {}),
    });
    feed?.end(result.info, result.offset);
    send({ type: 'summarized', id: job.id, ok: true, info: result.info, snapshot: result.snapshot, offset: result.offset, fedGeneration: feeding?.generation });
  } catch (err) {
    feed?.abort();
    send({ type: 'summarized', id: job.id, ok: false, invalid: err instanceof InvalidSessionFileError ? err.reason : undefined, message: err instanceof Error ? err.message : String(err) });
  }
}

port.on('message', (message: ToScanWorker) => {
  if (message.type === 'feed-port') {
    sender?.close();
    sender = new DocumentSender(message.port, message.generation);
    return;
  }
  void summarize(message);
});
