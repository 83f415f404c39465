import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ScanFigures } from './b1b2Scan';
import { recallMisses, type B4Figures } from './b4Search';
import type { ThreadHeap } from './threadHeaps';

/** One line of a benchmark that has no before/after corpus split (B3, B5, B6). */
export interface Figure {
  id: string;
  what: string;
  value: string;
  reference: string;
  ratio: string;
  target: string;
  met: boolean | null;
}

export interface CorpusRecord {
  key: string;
  title: string;
  files: number;
  bytes: number;
  notes: string[];
  hasLateWord: boolean;
  scan: ScanFigures<B4Figures>;
}

/** Everything one `npm run bench` measured, kept as JSON so a later run can show it as "before". */
export interface RunRecord {
  date: string;
  machine: string;
  mode: string;
  commit: string;
  corpora: CorpusRecord[];
  figures: Figure[];
}

const resultsFile = path.join(__dirname, 'RESULTS.md');
export const beforeFile = path.join(__dirname, 'before.json');
const analysisMarker = '<!-- analysis: kept across runs -->';

const ms = (v: number) => (v >= 10_000 ? `${(v / 1000).toFixed(1)} s` : `${v.toFixed(0)} ms`);
const mb = (v: number) => `${v.toFixed(0)} MB`;
const x = (v: number) => `${v.toFixed(2)}×`;

/**
 * B1(b): until search is ready and (when the corpus has one) finds the word written only into
 * its last file. Which file an indexer reaches last depends on its order (path, recency,
 * size), so the ready flag bounds it too.
 */
export function coldSearchMs(c: CorpusRecord): number {
  return Math.max(c.scan.cold.lateWordMs ?? 0, c.scan.cold.searchReadyMs);
}

/** The search worker's V8 heap (used/total), read over the inspector at the end of the cold start and when idle after the warm one. */
function searchWorkerHeap(c: CorpusRecord): string {
  const of = (heaps: ThreadHeap[] | undefined) => {
    const h = heaps?.find((x) => /search/i.test(x.thread));
    return h ? `${h.usedMb.toFixed(0)}/${h.totalMb.toFixed(0)} MB` : '–';
  };
  if (!c.scan.cold.heaps?.length && !c.scan.warm.heaps?.length) return 'not measured';
  return `cold end ${of(c.scan.cold.heaps)}, warm idle ${of(c.scan.warm.heaps)} (main thread idle ${c.scan.warm.heaps?.find((h) => h.thread === 'main')?.usedMb.toFixed(0) ?? '–'} MB)`;
}

/** What the server logged about its memory after the first scan, when it does. */
function memoryLog(c: CorpusRecord): string {
  const line = [...c.scan.cold.memoryLog].reverse().find((l) => /rss|heap/i.test(l));
  return line ? line.replace(/\|/g, '/').slice(0, 200) : 'nothing logged';
}

interface Row {
  what: string;
  value: (c: CorpusRecord) => string;
  target: string;
  /** null: not judged (a recall page stayed partial). */
  met?: (c: CorpusRecord) => boolean | null;
}

const rows: Row[] = [
  {
    what: 'reference: read + JSON.parse every line (median of the passes in parentheses)',
    value: (c) => `${ms(c.scan.referenceMs)} (${c.scan.referenceRunsMs.map((v) => ms(v)).join(', ')}), RSS ${mb(c.scan.referencePeakRssMb)}; load ${c.scan.loadAverage.map((v) => v.toFixed(1)).join(' → ')}`,
    target: '–',
  },
  { what: 'B1a cold: every session listed', value: (c) => `${ms(c.scan.cold.listMs)} (${x(c.scan.cold.listMs / c.scan.referenceMs)})`, target: '≤ 1.5×', met: (c) => c.scan.cold.listMs / c.scan.referenceMs <= 1.5 },
  {
    what: 'B1b cold: search ready and finds a word of the last file',
    value: (c) => `${ms(coldSearchMs(c))} (${x(coldSearchMs(c) / c.scan.referenceMs)}): ready ${ms(c.scan.cold.searchReadyMs)}, late word ${c.scan.cold.lateWordMs === null ? '–' : ms(c.scan.cold.lateWordMs)}`,
    target: '≤ 3×',
    met: (c) => coldSearchMs(c) / c.scan.referenceMs <= 3,
  },
  { what: 'B1 peak RSS during cold start (VmHWM)', value: (c) => mb(c.scan.cold.peakRssMb), target: '≤ 450 MB', met: (c) => c.scan.cold.peakRssMb <= 450 },
  {
    what: 'B2 warm start: every session listed',
    value: (c) => `${ms(c.scan.warm.listMs)} (1/${(coldSearchMs(c) / c.scan.warm.listMs).toFixed(1)} of B1b); search ready ${ms(c.scan.warm.searchReadyMs)}`,
    target: '≤ 1/20 of B1',
    met: (c) => c.scan.warm.listMs <= coldSearchMs(c) / 20,
  },
  { what: 'B2 RSS 5 s after the warm start, idle (VmRSS)', value: (c) => mb(c.scan.warm.idleRssMb), target: '≤ 200 MB', met: (c) => c.scan.warm.idleRssMb <= 200 },
  {
    what: 'B2 RSS 45 s after the warm start: idle workers stopped, garbage collected',
    value: (c) => (c.scan.warm.settledRssMb === undefined ? '–' : mb(c.scan.warm.settledRssMb)),
    target: '≤ 200 MB',
    met: (c) => c.scan.warm.settledRssMb !== undefined && c.scan.warm.settledRssMb <= 200,
  },
  { what: 'search worker V8 heap used/total (inspector)', value: searchWorkerHeap, target: '–' },
  { what: 'the server\'s own memory log after the first scan', value: memoryLog, target: '–' },
  {
    what: 'B4 ten words: p50 / p95',
    value: (c) => `${c.scan.warmRun.p50Ms.toFixed(1)} / ${c.scan.warmRun.p95Ms.toFixed(1)} ms${c.scan.warmRun.partialAnswers ? ` (${c.scan.warmRun.partialAnswers} partial)` : ''}`,
    target: 'p95 ≤ 50 ms',
    met: (c) => c.scan.warmRun.p95Ms <= 50,
  },
  {
    what: 'B4 vs rg -F -i -l (p50)',
    value: (c) => `rg ${c.scan.warmRun.rgP50Ms.toFixed(0)} ms: ${c.scan.warmRun.speedup.toFixed(1)}× faster`,
    target: '≥ 20× faster',
    met: (c) => c.scan.warmRun.speedup >= 20,
  },
  {
    what: 'B4 recall vs rg (sessions with the word in message text)',
    value: (c) => {
      const unjudged = c.scan.warmRun.words.filter((w) => w.partialPages > 0).map((w) => w.word);
      return `${recallMisses(c.scan.warmRun.words)} missed${unjudged.length ? ` (not judged for ${unjudged.join(', ')}: answers stayed partial under load, or the word is in more sessions than the API pages to)` : ''}`;
    },
    target: '0 missed',
    met: (c) => (recallMisses(c.scan.warmRun.words) > 0 ? false : c.scan.warmRun.words.every((w) => w.partialPages === 0) ? true : null),
  },
  { what: 'RSS after the B4 queries', value: (c) => mb(c.scan.warmRun.rssAfterMb), target: '–' },
];

function corpusTable(after: CorpusRecord, before: CorpusRecord | undefined): string[] {
  const lines = [
    `### ${after.title}`,
    '',
    `${after.files} files, ${(after.bytes / 1048576).toFixed(0)} MB. ${after.notes.join(' ')}`,
    '',
    `| measure | before | after | target | after meets |`,
    '|---|---|---|---|---|',
  ];
  for (const r of rows) {
    const verdict = r.met?.(after);
    const met = verdict === undefined ? '' : verdict === null ? 'met where judged' : verdict ? 'met' : 'missed';
    lines.push(`| ${r.what} | ${before ? r.value(before) : 'not measured'} | ${r.value(after)} | ${r.target} | ${met} |`);
  }
  lines.push('', '| word | kind | p50 | rg p50 | rg files | found | missed | extra |', '|---|---|---|---|---|---|---|---|');
  for (const w of after.scan.warmRun.words) {
    lines.push(`| ${w.word} | ${w.kind} | ${w.p50Ms.toFixed(1)} ms | ${w.rgP50Ms.toFixed(0)} ms | ${w.rgFiles} | ${w.found} | ${w.partialPages ? `not judged (${w.partialPages} partial pages)` : w.misses} | ${w.extra} |`);
  }
  lines.push('');
  return lines;
}

function growthTable(run: RunRecord): string[] {
  const small = run.corpora.find((c) => c.key === 'realistic-1gb');
  const big = run.corpora.find((c) => c.key === 'realistic-3gb');
  if (!small || !big) return [];
  const bytes = big.bytes / small.bytes;
  const g = (label: string, a: number, b: number, unit: (v: number) => string, judged = true) => `| ${label} | ${unit(a)} | ${unit(b)} | ${(b / a).toFixed(2)}× | ${!judged ? '–' : b / a <= 3 ? 'met' : 'missed'} |`;
  return [
    `### B7 growth, 1 GB → 3 GB (the store grew ${bytes.toFixed(2)}×)`,
    '',
    '| measure | 1 GB | 3 GB | growth | ≤ 3× |',
    '|---|---|---|---|---|',
    g('reference pass (no target)', small.scan.referenceMs, big.scan.referenceMs, ms, false),
    g('B1a cold list', small.scan.cold.listMs, big.scan.cold.listMs, ms),
    g('B1b cold until search is ready and finds the late word', coldSearchMs(small), coldSearchMs(big), ms),
    g('B1 peak RSS', small.scan.cold.peakRssMb, big.scan.cold.peakRssMb, mb),
    g('B2 warm list', small.scan.warm.listMs, big.scan.warm.listMs, ms),
    g('B2 idle RSS', small.scan.warm.idleRssMb, big.scan.warm.idleRssMb, mb),
    ...(small.scan.warm.settledRssMb !== undefined && big.scan.warm.settledRssMb !== undefined ? [g('B2 settled RSS', small.scan.warm.settledRssMb, big.scan.warm.settledRssMb, mb)] : []),
    g('B4 p50', small.scan.warmRun.p50Ms, big.scan.warmRun.p50Ms, (v) => `${v.toFixed(1)} ms`),
    '',
  ];
}

function previousAnalysis(): string {
  try {
    const text = fs.readFileSync(resultsFile, 'utf8');
    const at = text.indexOf(analysisMarker);
    return at < 0 ? '' : text.slice(at + analysisMarker.length).replace(/^\n+/, '');
  } catch {
    return '';
  }
}

export function readBefore(): RunRecord | undefined {
  try {
    return JSON.parse(fs.readFileSync(beforeFile, 'utf8')) as RunRecord;
  } catch {
    return undefined;
  }
}

/** Writes bench/RESULTS.md: machine, date, before/after per corpus, growth, other figures; keeps the written analysis. */
export function writeResults(run: RunRecord, before: RunRecord | undefined): string {
  const figureRows = run.figures.map((f) => `| ${f.id} | ${f.what} | ${f.value} | ${f.reference} | ${f.ratio} | ${f.target} | ${f.met === null ? '–' : f.met ? 'met' : 'missed'} |`);
  const text = [
    '# Benchmark results',
    '',
    `- After: ${run.date}, commit ${run.commit}, mode ${run.mode}`,
    before ? `- Before: ${before.date}, commit ${before.commit} (bench/before.json)` : '- Before: not measured',
    `- Machine: ${run.machine} (shared with other work: compare ratios within one run)`,
    '',
    'B1 and B2 divide by the reference pass (a plain Node script that reads every file and',
    'JSON.parses every line) measured in the same run; B4 divides rg\'s p50 by ours over the',
    'same ten words (three common, three rare, two CJK, two absent). RSS is the whole server',
    'process from /proc/<pid>/status: VmHWM for the cold peak, VmRSS for the idle figure.',
    '',
    ...run.corpora.flatMap((c) => corpusTable(c, before?.corpora.find((b) => b.key === c.key))),
    ...growthTable(run),
    ...(figureRows.length
      ? ['### Other benchmarks (current corpus)', '', '| # | what | ours | reference (same run) | ratio | target | |', '|---|---|---|---|---|---|---|', ...figureRows, '']
      : []),
    'Re-run with `npm run bench` (current corpus, realistic corpus at 1 GB and 3 GB, B3, B5, B6),',
    '`npm run bench -- --quick` (small corpora), `--only=B1` (B1, B2 and B4), `--corpora=realistic-1gb`,',
    '`--cpu-prof` (profiles in bench/.work/<corpus>/prof; summarise with `bench/profileSummary.ts`),',
    '`--reference-runs=1` (one reference pass instead of the median of three).',
    '',
    analysisMarker,
    '',
    previousAnalysis(),
  ].join('\n');
  fs.writeFileSync(resultsFile, text);
  return resultsFile;
}
