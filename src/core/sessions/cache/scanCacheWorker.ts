import { parentPort, workerData } from 'node:worker_threads';
import { SqliteFile } from '../../state/sqliteFile';
import type { Logger } from '../../log';
import { ScanCache, scanCacheMigrations, type StoredRow } from './scanCache';
import type { FromScanCache, ScanCacheInit, ToScanCache } from './scanCacheProtocol';

/*
 * Entry of the scan cache worker (bundled as dist/scanCacheWorker.js). The cache is a sql.js
 * database, which holds the whole file in memory and keeps its WebAssembly memory for as long
 * as its instance lives; in a thread of its own, all of that is returned when the thread ends.
 */

const port = parentPort;
if (!port) throw new Error('scanCacheWorker must run as a worker thread');
const init = workerData as ScanCacheInit;
/** Rows per message of a load. */
const rowBatch = 200;
const send = (message: FromScanCache): void => port.postMessage(message);
const log: Logger = {
  trace: () => undefined,
  debug: () => undefined,
  info: (message) => send({ type: 'log', level: 'info', message }),
  warn: (message) => send({ type: 'log', level: 'warn', message }),
  error: (message) => send({ type: 'log', level: 'error', message }),
};
const db = new SqliteFile(init.file, { log, migrations: scanCacheMigrations, saveDelayMs: init.saveDelayMs });
const cache = new ScanCache(db);
// Messages that arrive while the file loads wait for it, in order.
let queue: Promise<void> = db.open();

async function handle(message: ToScanCache): Promise<void> {
  switch (message.type) {
    case 'write':
      cache.write(message.changes);
      return;
    case 'load': {
      // In batches: each arrives as short-lived strings on the other side, where one message
      // of every row would land whole in the old generation and linger as garbage.
      let batch: StoredRow[] = [];
      cache.eachRow((row) => {
        batch.push(row);
        if (batch.length < rowBatch) return;
        send({ type: 'rows', rows: batch });
        batch = [];
      });
      if (batch.length > 0) send({ type: 'rows', rows: batch });
      send({ type: 'reply', id: message.id, ok: true, data: null });
      return;
    }
    case 'snapshot':
      send({ type: 'reply', id: message.id, ok: true, data: cache.snapshotOf(message.path) ?? null });
      return;
    case 'flush':
      await cache.flush();
      send({ type: 'reply', id: message.id, ok: true, data: null });
      return;
    case 'rest':
      // Saved, and nothing changed meanwhile: messages are handled one at a time.
      await cache.flush();
      send({ type: 'reply', id: message.id, ok: true, data: { settled: true } });
      return;
  }
}

port.on('message', (message: ToScanCache) => {
  queue = queue.then(
    () => handle(message),
    () => handle(message),
  ).catch((err: unknown) => {
    if ('id' in message) send({ type: 'reply', id: message.id, ok: false, code: 'internal', message: err instanceof Error ? err.message : String(err) });
    else log.error(`scan cache: ${err instanceof Error ? err.message : String(err)}`);
  });
});
