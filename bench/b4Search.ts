import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { median, peakRssMb, percentile, startHeadlessServer } from './processes';
import { readSessionDocuments } from '../src/core/search/worker/sessionDocuments';


export interface B4Figures {
  p50Ms: number;
  p95Ms: number;
  rgP50Ms: number;
  speedup: number;
  recallMisses: number;
  /** Server start → `get_search_status` ready (cold, empty state dir). */
  indexingMs: number;
  peakRssMb: number;
  queries: number;
  sessions: number;
}

interface Query {
  query: string;
  role?: string;
}

/** Words of the corpus's conversations and tool output, common and rare (bench/corpus.ts). */
const singleWords = ['parser', 'router', 'session', 'cache', 'please', 'tree', 'successfully', 'replaced', 'thinking', 'module', 'types', '한국어'];
const queries: Query[] = [
  ...singleWords.map((query) => ({ query })),
  { query: '"fix bug"' },
  { query: '"parser files"' },
  { query: '"router for and"' },
  { query: 'router cache tree' },
  { query: 'parser -router' },
  { query: 'rout*' },
  { query: 'conf*' },
  { query: '"replaced text"' },
  { query: '数据' },
  { query: '人口最多' },
  { query: '日本語のテキスト' },
  { query: '请读取 数据' },
  { query: 'parser', role: 'user' },
  { query: 'router', role: 'assistant' },
  { query: 'cache', role: 'tool' },
  { query: '"fix bug"', role: 'user' },
  { query: 'please check', role: 'user' },
  { query: 'session', role: 'assistant' },
];

async function api<T>(url: string, command: string, payload: object): Promise<T> {
  const res = await fetch(`${url}/api`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ command, payload }) });
  const body = (await res.json()) as { success: boolean; data: T; error: string | null };
  if (!body.success) throw new Error(`${command} failed: ${body.error}`);
  return body.data;
}

/** `rg -F -l -i word dir`: the files, and the wall time including process start. */
function ripgrep(word: string, dir: string): Promise<{ ms: number; files: string[] }> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const proc = spawn('rg', ['-F', '-l', '-i', '--no-ignore', '--', word, dir], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    proc.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    proc.once('error', reject);
    proc.once('exit', (code) => {
      if (code !== null && code > 1) return reject(new Error(`rg exited ${code}`));
      resolve({ ms: performance.now() - started, files: out.split('\n').filter(Boolean) });
    });
  });
}

/** Whether the word occurs in the file's user or assistant text (never truncated by the index). */
async function inConversation(file: string, word: string): Promise<boolean> {
  const needle = word.toLowerCase();
  let found = false;
  await readSessionDocuments(file, { fromOffset: 0 }, (docs) => {
    for (const d of docs) if (d.role !== 'tool' && d.text.toLowerCase().includes(needle)) found = true;
  });
  return found;
}

/** Every session the server finds for a word, paging through (one hit per session). */
async function sessionsFound(url: string, word: string): Promise<Set<string>> {
  const found = new Set<string>();
  for (let offset = 0; offset <= 10_000; offset += 200) {
    const r = await api<{ hits: { session_path: string }[]; total: number }>(url, 'search', { query: word, per_session: 1, limit: 200, offset });
    for (const h of r.hits) found.add(h.session_path);
    if (offset + 200 >= r.total) break;
  }
  return found;
}

/**
 * B4: starts `dist/cli.js serve` on a fresh state dir over the corpus, waits until search is
 * ready, then times 30 queries end to end over HTTP (a few rounds each) and, in the same run,
 * `rg -F -l -i` over the same folder for the single words; checks recall against rg for
 * words found in conversation text.
 */
export async function runB4(options: { corpusDir: string; stateDir: string; rounds?: number }): Promise<B4Figures> {
  const { corpusDir, stateDir } = options;
  const rounds = options.rounds ?? 5;
  fs.rmSync(stateDir, { recursive: true, force: true });
  const started = performance.now();
  const server = await startHeadlessServer({ stateDir, sessionDir: corpusDir });
  try {
    let sessions = 0;
    for (;;) {
      const status = await api<{ ready: boolean; indexed_files: number }>(server.url, 'get_search_status', {});
      if (status.ready) {
        sessions = status.indexed_files;
        break;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    const indexingMs = performance.now() - started;

    // One untimed pass warms the page cache and the server for both sides alike.
    for (const q of queries) await api(server.url, 'search', q);
    for (const w of singleWords) await ripgrep(w, corpusDir);

    const latencies: number[] = [];
    const rgTimes: number[] = [];
    for (let round = 0; round < rounds; round++) {
      for (const q of queries) {
        const t = performance.now();
        await api(server.url, 'search', q);
        latencies.push(performance.now() - t);
      }
      for (const w of singleWords) rgTimes.push((await ripgrep(w, corpusDir)).ms);
    }

    let recallMisses = 0;
    for (const word of singleWords) {
      const found = await sessionsFound(server.url, word);
      for (const file of (await ripgrep(word, corpusDir)).files) {
        if (!found.has(path.resolve(file)) && (await inConversation(file, word))) recallMisses++;
      }
    }
    const p50Ms = median(latencies);
    const rgP50Ms = median(rgTimes);
    return {
      p50Ms,
      p95Ms: percentile(latencies, 95),
      rgP50Ms,
      speedup: rgP50Ms / p50Ms,
      recallMisses,
      indexingMs,
      peakRssMb: peakRssMb(server.proc.pid!),
      queries: queries.length,
      sessions,
    };
  } finally {
    await server.stop();
  }
}

if (require.main === module) {
  const corpusDir = process.argv[2];
  if (!corpusDir) throw new Error('usage: node --import tsx bench/b4Search.ts <corpus dir> [state dir]');
  void runB4({ corpusDir, stateDir: process.argv[3] ?? path.join(__dirname, '.work', 'b4') }).then((r) => process.stdout.write(`${JSON.stringify(r, null, 2)}\n`));
}
