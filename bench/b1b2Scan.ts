import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { inspectorUrl, threadHeaps, type ThreadHeap } from './threadHeaps';
import { WorkerProfiler } from './workerProfiler';
import { median, peakRssMb, rssMb, runToEnd, startHeadlessServer, type Started } from './processes';

export interface ColdFigures {
  /** Until scan_sessions answered with every session. */
  listMs: number;
  /** Until get_search_status said ready. */
  searchReadyMs: number;
  /** Until a search for a word written only into the last file found it (null: no such word). */
  lateWordMs: number | null;
  /** VmHWM of the server process (main thread, workers, native) at the end of the cold start. */
  peakRssMb: number;
  sessions: number;
  /** What the server itself logged about its memory (lines with "rss" or "heap"). */
  memoryLog: string[];
  /** Each thread's V8 heap at the end of the cold start, read over the inspector. */
  heaps: ThreadHeap[];
}

export interface WarmFigures {
  listMs: number;
  searchReadyMs: number;
  peakRssMb: number;
  /** VmRSS 5 s after the warm start was complete (list and search ready), nothing happening. */
  idleRssMb: number;
  /**
   * VmRSS 45 s after it: the idle workers have stopped (the search worker after 30 s) and V8
   * has had time for the full collection it runs once allocation stops.
   */
  settledRssMb?: number;
  memoryLog: string[];
  /** Each thread's V8 heap after the 5 s idle (read after the RSS figure). */
  heaps: ThreadHeap[];
}

export interface ScanFigures<T> {
  /** Median of the reference passes: before the cold start, after it, and after the warm one (fewer when asked). */
  referenceMs: number;
  referenceRunsMs: number[];
  /** 1-minute load average when the cold start began and when the warm start ended (shared machine). */
  loadAverage: [number, number];
  referencePeakRssMb: number;
  cold: ColdFigures;
  warm: WarmFigures;
  /** Whatever `onWarmServer` measured on the idle warm server (B4). */
  warmRun: T;
}

export async function api<T>(url: string, command: string, payload: object = {}): Promise<T> {
  const res = await fetch(`${url}/api`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ command, payload }) });
  const body = (await res.json()) as { success: boolean; data: T; error: string | null };
  if (!body.success) throw new Error(`${command} failed: ${body.error}`);
  return body.data;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Resolves with the elapsed ms when `check` first returns true; polls every `everyMs`. */
async function until(started: number, everyMs: number, check: () => Promise<boolean>, timeoutMs: number): Promise<number> {
  for (;;) {
    if (await check()) return performance.now() - started;
    if (performance.now() - started > timeoutMs) throw new Error(`gave up after ${timeoutMs} ms`);
    await sleep(everyMs);
  }
}

function memoryLines(server: Started): string[] {
  return server
    .stderr()
    .split('\n')
    .filter((l) => /\b(rss|heap)\b/i.test(l))
    .map((l) => l.trim())
    .slice(-6);
}

/** Thread heaps over the inspector; an empty list when the server was started without it. */
async function heapsOf(server: Started, log: (line: string) => void): Promise<ThreadHeap[]> {
  const url = inspectorUrl(server.stderr());
  if (!url) return [];
  try {
    return await threadHeaps(url);
  } catch (err) {
    log(`  could not read the thread heaps: ${err instanceof Error ? err.message : String(err)}`);
    return [];
  }
}

export function describeHeaps(heaps: ThreadHeap[]): string {
  return heaps.map((h) => `${h.thread} ${h.usedMb.toFixed(0)}/${h.totalMb.toFixed(0)} MB`).join(', ');
}

const searchReady = (server: Started) => async () => (await api<{ ready: boolean }>(server.url, 'get_search_status')).ready;

/**
 * B1 (cold start against a plain read-and-JSON.parse pass over the same files) and B2 (restart
 * with the state on disk and nothing changed, then 5 s idle), in one run. `onWarmServer` runs
 * on the idle warm server before it stops (B4 uses it, so the index is built only once).
 */
export async function runB1B2<T>(options: {
  corpusDir: string;
  workDir: string;
  lateWord?: string;
  nodeArgs?: string[];
  /** Profile the worker threads of the cold start into this folder (needs the inspector in nodeArgs). */
  profileDir?: string;
  /** Reference passes to take the median of: 3 (before the cold start, after it, after the warm one), 2 or 1. */
  referenceRuns?: number;
  log?: (line: string) => void;
  onWarmServer: (server: Started) => Promise<T>;
}): Promise<ScanFigures<T>> {
  const { corpusDir, workDir, lateWord } = options;
  const log = options.log ?? (() => undefined);
  const stateDir = path.join(workDir, 'state');
  fs.rmSync(stateDir, { recursive: true, force: true });
  // Warm the page cache the same way for both sides before timing either.
  const reference = async () => JSON.parse(await runToEnd(process.execPath, [path.join(__dirname, 'referencePass.mjs'), corpusDir])) as { ms: number; peakRss: number };
  const referenceRuns = options.referenceRuns ?? 3;
  // rg reads every file on all cores: the page cache is warm for both sides before timing either.
  await runToEnd('rg', ['-c', '-F', '--no-ignore', 'page-cache-warm-up', corpusDir]).catch(() => '');
  const ref = await reference();
  const refs = [ref.ms];
  log(`  reference pass: ${ref.ms.toFixed(0)} ms`);
  const loadAtStart = os.loadavg()[0]!;
  const timeout = 40 * 60_000;

  let started = performance.now();
  let server = await startHeadlessServer({ stateDir, sessionDir: corpusDir, nodeArgs: options.nodeArgs });
  let cold: ColdFigures;
  const inspector = inspectorUrl(server.stderr());
  const profiler = options.profileDir && inspector ? await WorkerProfiler.attach(inspector) : undefined;
  try {
    const list = api<unknown[]>(server.url, 'scan_sessions').then((rows) => ({ ms: performance.now() - started, sessions: rows.length }));
    const ready = until(started, 100, searchReady(server), timeout);
    const late = lateWord
      ? until(started, 250, async () => (await api<{ hits: unknown[] }>(server.url, 'search', { query: lateWord, limit: 1 })).hits.length > 0, timeout)
      : Promise.resolve(null);
    const [l, r, w] = await Promise.all([list, ready, late]);
    const peak = peakRssMb(server.proc.pid!);
    if (profiler) log(`  worker profiles: ${(await profiler.stop(options.profileDir!, 'cold')).join(', ')}`);
    cold = { listMs: l.ms, searchReadyMs: r, lateWordMs: w, peakRssMb: peak, sessions: l.sessions, memoryLog: memoryLines(server), heaps: await heapsOf(server, log) };
    log(`  cold: list ${l.ms.toFixed(0)} ms, search ready ${r.toFixed(0)} ms, late word ${w === null ? '–' : `${w.toFixed(0)} ms`}, peak RSS ${cold.peakRssMb.toFixed(0)} MB; heaps ${describeHeaps(cold.heaps)}`);
  } finally {
    await server.stop();
  }
  if (referenceRuns >= 3) refs.push((await reference()).ms);

  started = performance.now();
  server = await startHeadlessServer({ stateDir, sessionDir: corpusDir, nodeArgs: options.nodeArgs });
  try {
    const rows = await api<unknown[]>(server.url, 'scan_sessions');
    const listMs = performance.now() - started;
    if (rows.length !== cold.sessions) log(`  warm listed ${rows.length} sessions, cold ${cold.sessions}`);
    const searchReadyMs = await until(started, 50, searchReady(server), timeout);
    const peak = peakRssMb(server.proc.pid!);
    await sleep(5000);
    const idleRssMb = rssMb(server.proc.pid!);
    const heaps = await heapsOf(server, log);
    await sleep(40_000);
    const settledRssMb = rssMb(server.proc.pid!);
    const warm: WarmFigures = { listMs, searchReadyMs, peakRssMb: peak, idleRssMb, settledRssMb, memoryLog: memoryLines(server), heaps };
    log(`  warm: list ${listMs.toFixed(0)} ms, search ready ${searchReadyMs.toFixed(0)} ms, idle RSS ${warm.idleRssMb.toFixed(0)} MB, settled ${settledRssMb.toFixed(0)} MB; heaps ${describeHeaps(warm.heaps)}`);
    const loadAtEnd = os.loadavg()[0]!;
    if (referenceRuns >= 2) refs.push((await reference()).ms);
    log(`  reference passes: ${refs.map((r) => r.toFixed(0)).join(', ')} ms`);
    const warmRun = await options.onWarmServer(server);
    return { referenceMs: median(refs), referenceRunsMs: refs, loadAverage: [loadAtStart, loadAtEnd], referencePeakRssMb: ref.peakRss / 1048576, cold, warm, warmRun };
  } finally {
    await server.stop();
  }
}
