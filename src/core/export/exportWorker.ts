import * as fs from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { ApiError } from '../../shared/api/errors';
import { describeError } from '../log';
import { parseSessionFile } from '../sessions/parser';
import { exportSession } from './exportSession';
import type { ExportJob, ExportJobReply } from './exportJob';

/**
 * Runs one export in a worker thread: reading, parsing and rendering a big session take
 * seconds of CPU and a lot of memory that must not land on the server's event loop.
 */
async function run(job: ExportJob): Promise<{ reply: ExportJobReply; transfer: ArrayBuffer[] }> {
  const parsed = await parseSessionFile(job.file);
  const result = exportSession(parsed, job.format, job.info);
  const head = { ok: true as const, format: result.format, filename: result.filename, mime_type: result.mime_type };
  if (job.targetPath !== undefined) {
    await fs.promises.writeFile(job.targetPath, result.content, 'utf8');
    return { reply: { ...head, written_to: job.targetPath }, transfer: [] };
  }
  if (!job.encodeJson) return { reply: { ...head, content: result.content }, transfer: [] };
  const bytes = Buffer.from(JSON.stringify({ format: result.format, filename: result.filename, mime_type: result.mime_type, content: result.content }), 'utf8');
  // Large buffers own their memory; a small one may sit in the shared pool and is copied out.
  const json = (bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes.buffer : bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength)) as ArrayBuffer;
  return { reply: { ...head, json }, transfer: [json] };
}

const port = parentPort;
if (port) {
  run(workerData as ExportJob).then(
    ({ reply, transfer }) => port.postMessage(reply, transfer),
    (err: unknown) => {
      const reply: ExportJobReply = err instanceof ApiError ? { ok: false, code: err.code, message: err.message } : { ok: false, message: describeError(err) };
      port.postMessage(reply);
    },
  );
}
