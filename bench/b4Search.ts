import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { median, percentile, rssMb, type Started } from './processes';
import { api } from './b1b2Scan';
import { extractEntryMessages } from '../src/core/search/extract';
import type { SessionEntry } from '../src/shared/model/entries';
import type { QueryWord } from './realisticCorpus';
import type { SearchReply } from '../src/shared/api/commands';

export interface WordFigures extends QueryWord {
  p50Ms: number;
  rgP50Ms: number;
  /** Sessions rg -F -i -l finds (anywhere in the file). */
  rgFiles: number;
  /** Sessions the search finds (all pages). */
  found: number;
  /** rg files the search did not find although the word is in their message text (judged only when `partialPages` is 0). */
  misses: number;
  /** Sessions the search found that rg did not. */
  extra: number;
  /** Recall pages still partial after retries, or one more when paging stopped at the API's offset limit (0: judged on complete answers). */
  partialPages: number;
}

export interface B4Figures {
  p50Ms: number;
  p95Ms: number;
  rgP50Ms: number;
  /** rg's p50 divided by ours. */
  speedup: number;
  recallMisses: number;
  words: WordFigures[];
  /** VmRSS after the timed queries. */
  rssAfterMb: number;
  /** Timed answers the server marked partial (cut short by its time budget). */
  partialAnswers: number;
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

const cjk = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u;
const alnum = /[\p{L}\p{N}]/u;
const upper = /\p{Lu}/u;
const lower = /[\p{Ll}\p{N}]/u;

/**
 * Whether `word` is a whole word of `text` the way the tokeniser cuts text: a run of letters
 * and digits, or a part of one split at camelCase and letter/digit changes (runs of 40 or
 * fewer characters). CJK words match anywhere (they are indexed as bigrams).
 */
export function containsWord(text: string, word: string): boolean {
  const lowerText = text.toLowerCase();
  const needle = word.toLowerCase();
  if (cjk.test(word)) return lowerText.includes(needle);
  for (let at = lowerText.indexOf(needle); at >= 0; at = lowerText.indexOf(needle, at + 1)) {
    const before = text[at - 1] ?? '';
    const after = text[at + needle.length] ?? '';
    const first = text[at]!;
    const last = text[at + needle.length - 1]!;
    const startOk = !alnum.test(before) || (upper.test(first) && lower.test(before)) || (/\d/.test(before) !== /\d/.test(first));
    const endOk = !alnum.test(after) || (upper.test(after) && lower.test(last)) || (/\d/.test(after) !== /\d/.test(last));
    if (!startOk || !endOk) continue;
    let runStart = at;
    while (runStart > 0 && alnum.test(text[runStart - 1]!)) runStart--;
    let runEnd = at + needle.length;
    while (runEnd < text.length && alnum.test(text[runEnd]!)) runEnd++;
    const wholeRun = runStart === at && runEnd === at + needle.length;
    if (wholeRun || runEnd - runStart <= 40) return true;
  }
  return false;
}

/** Whether the word is in the file's user or assistant text (what the index never cuts). */
function inMessageText(file: string, word: string): boolean {
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    if (!line) continue;
    let entry: SessionEntry;
    try {
      entry = JSON.parse(line) as SessionEntry;
    } catch {
      continue;
    }
    for (const doc of extractEntryMessages(entry)) if (doc.role !== 'tool' && containsWord(doc.text, word)) return true;
  }
  return false;
}

/** Every session the server finds for a word, paging through (one hit per session). */
async function sessionsFound(url: string, word: string): Promise<{ found: Set<string>; partialPages: number }> {
  const found = new Set<string>();
  let partialPages = 0;
  // The API pages no further than offset 10,000: a word in more sessions cannot be judged.
  for (let offset = 0; offset <= 10_000; offset += 200) {
    let r = await api<SearchReply>(url, 'search', { query: word, per_session: 1, limit: 200, offset });
    // A loaded machine may cut a query short by its time budget: recall is judged on complete answers.
    for (let retry = 0; r.partial && retry < 20; retry++) {
      await new Promise((done) => setTimeout(done, 250));
      r = await api<SearchReply>(url, 'search', { query: word, per_session: 1, limit: 200, offset });
    }
    if (r.partial) partialPages++;
    for (const h of r.hits) found.add(h.session_path);
    if (r.hits.length === 0 || !r.has_more) break;
    if (offset + 200 > 10_000) partialPages++;
  }
  return { found, partialPages };
}

/** Misses over the words whose every page came back complete; a partial page proves nothing either way. */
export function recallMisses(words: WordFigures[]): number {
  return words.filter((w) => w.partialPages === 0).reduce((a, w) => a + w.misses, 0);
}

/**
 * B4 on a running, idle server: times each word end to end over HTTP (a few rounds each) and,
 * in the same run, `rg -F -l -i` over the same folder for the same words; then checks recall
 * against rg for sessions whose message text holds the word.
 */
export async function runB4(server: Started, corpusDir: string, words: QueryWord[], rounds = 5): Promise<B4Figures> {
  // One untimed pass warms the page cache and the server for both sides alike.
  for (const w of words) await api(server.url, 'search', { query: w.word });
  for (const w of words) await ripgrep(w.word, corpusDir);

  let partialAnswers = 0;
  const latencies = new Map<string, number[]>(words.map((w) => [w.word, []]));
  const rgTimes = new Map<string, number[]>(words.map((w) => [w.word, []]));
  for (let round = 0; round < rounds; round++) {
    for (const w of words) {
      const t = performance.now();
      const reply = await api<SearchReply>(server.url, 'search', { query: w.word });
      latencies.get(w.word)!.push(performance.now() - t);
      if (reply.partial) partialAnswers++;
    }
    for (const w of words) rgTimes.get(w.word)!.push((await ripgrep(w.word, corpusDir)).ms);
  }
  const rssAfterMb = rssMb(server.proc.pid!);

  const perWord: WordFigures[] = [];
  for (const w of words) {
    const { found, partialPages } = await sessionsFound(server.url, w.word);
    const rg = (await ripgrep(w.word, corpusDir)).files.map((f) => path.resolve(f));
    const rgSet = new Set(rg);
    let misses = 0;
    for (const file of rg) if (!found.has(file) && inMessageText(file, w.word)) misses++;
    let extra = 0;
    for (const file of found) if (!rgSet.has(file)) extra++;
    perWord.push({ ...w, p50Ms: median(latencies.get(w.word)!), rgP50Ms: median(rgTimes.get(w.word)!), rgFiles: rg.length, found: found.size, misses, extra, partialPages });
  }
  const all = [...latencies.values()].flat();
  const p50Ms = median(all);
  const rgP50Ms = median([...rgTimes.values()].flat());
  return {
    p50Ms,
    p95Ms: percentile(all, 95),
    rgP50Ms,
    speedup: rgP50Ms / p50Ms,
    recallMisses: recallMisses(perWord),
    words: perWord,
    rssAfterMb,
    partialAnswers,
  };
}
