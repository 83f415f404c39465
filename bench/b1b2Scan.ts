import * as fs from 'node:fs';
import * as path from 'node:path';
import { peakRssMb, runToEnd, startHeadlessServer } from './processes';

export interface ScanFigures {
  /** Cold: until scan_sessions answered with every session. */
  coldScanMs: number;
  /** Cold: until search reported ready as well (what B1 asks for). */
  coldMs: number;
  coldPeakRssMb: number;
  warmMs: number;
  warmPeakRssMb: number;
  referenceMs: number;
  referencePeakRssMb: number;
  sessions: number;
}

async function api<T>(url: string, command: string): Promise<T> {
  const res = await fetch(`${url}/api`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ command, payload: {} }) });
  const body = (await res.json()) as { success: boolean; data: T; error: string | null };
  if (!body.success) throw new Error(`${command} failed: ${body.error}`);
  return body.data;
}

async function timeToFullList(corpusDir: string, stateDir: string): Promise<{ ms: number; searchReadyMs: number; peakRssMb: number; sessions: number }> {
  const started = performance.now();
  const server = await startHeadlessServer({ stateDir, sessionDir: corpusDir });
  try {
    const list = await api<unknown[]>(server.url, 'scan_sessions');
    const ms = performance.now() - started;
    // Search indexes in a worker after the scan; B1 counts until it is ready too.
    for (;;) {
      const status = await api<{ ready: boolean }>(server.url, 'get_search_status');
      if (status.ready) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const searchReadyMs = performance.now() - started;
    return { ms, searchReadyMs, peakRssMb: peakRssMb(server.proc.pid!), sessions: list.length };
  } finally {
    await server.stop();
  }
}

/**
 * B1 (cold scan + index, against a plain read-and-JSON.parse pass over the same files) and
 * B2 (restart with the state on disk and nothing changed), in one run.
 */
export async function runB1B2(corpusDir: string, workDir: string): Promise<ScanFigures> {
  const stateDir = path.join(workDir, 'state');
  fs.rmSync(stateDir, { recursive: true, force: true });
  // Warm the page cache the same way for both sides before timing either.
  await runToEnd(process.execPath, [path.join(__dirname, 'referencePass.mjs'), corpusDir]);
  const ref = JSON.parse(await runToEnd(process.execPath, [path.join(__dirname, 'referencePass.mjs'), corpusDir])) as { ms: number; peakRss: number };
  const cold = await timeToFullList(corpusDir, stateDir);
  const warm = await timeToFullList(corpusDir, stateDir);
  return {
    coldScanMs: cold.ms,
    coldMs: cold.searchReadyMs,
    coldPeakRssMb: cold.peakRssMb,
    warmMs: warm.ms,
    warmPeakRssMb: warm.peakRssMb,
    referenceMs: ref.ms,
    referencePeakRssMb: ref.peakRss / 1048576,
    sessions: cold.sessions,
  };
}
