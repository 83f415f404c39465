import * as fs from 'node:fs';
import * as path from 'node:path';
import { encodeCwd, seededRandom } from '../test/support/sessionGenerator';
import { loadFixtureModel, type FixtureModel, type Obj, type ScriptSession } from './fixtureModel';

/**
 * The realistic benchmark corpus. Each session replays windows of real pi sessions (their
 * entry kinds and order, tool calls, branches, labels, compactions, pi 1.6 system/usage/
 * context_edit entries) with fresh ids and timestamps and with every text rewritten from a
 * Zipf-like vocabulary grown from the fixtures' own words (identifiers, paths, CJK, emoji);
 * tool output keeps the shapes of real output lines. Session sizes are skewed like a real
 * store: many small ones, a few over 100 MB with lines over 2 MB. Deterministic from the seed
 * and the fixture model (its fingerprint is part of the cache key).
 */

export interface RealisticSize {
  label: string;
  sessions: number;
  /** Total bytes to aim for (within a few percent). */
  bytes: number;
  /** Sessions over 100 MB (their sizes are part of `bytes`). */
  hugeSessions: number;
  hugeSessionBytes: number;
}

const MB = 1024 * 1024;
export const realisticSizes = {
  quick: { label: 'quick', sessions: 600, bytes: 120 * MB, hugeSessions: 1, hugeSessionBytes: 24 * MB },
  gb1: { label: '1gb', sessions: 5000, bytes: 1024 * MB, hugeSessions: 2, hugeSessionBytes: 110 * MB },
  gb3: { label: '3gb', sessions: 15000, bytes: 3072 * MB, hugeSessions: 6, hugeSessionBytes: 110 * MB },
} satisfies Record<string, RealisticSize>;

/** The words B4 searches for, chosen from this corpus's vocabulary, and what they are. */
export interface QueryWord {
  word: string;
  kind: 'common' | 'rare' | 'cjk' | 'absent';
}

export interface CorpusManifest {
  generator: string;
  seed: number;
  size: RealisticSize;
  modelSource: FixtureModel['source'];
  modelOrigin: string;
  fingerprint: string;
  files: number;
  bytes: number;
  largestFileBytes: number;
  longestLineBytes: number;
  /** A word written only into the last session file (by path), which is also the oldest. */
  lateWord: string;
  lateFile: string;
  queries: QueryWord[];
  notes: string[];
}

const generatorVersion = 'realistic-v2';
const absentWords = ['xylophonequark', '龘靐齉'];
const lateWord = 'quokkazanzibar';

/** Vose's alias method: O(1) draws from a fixed discrete distribution. */
class AliasSampler {
  private readonly prob: Float64Array;
  private readonly alias: Int32Array;
  constructor(weights: number[]) {
    const n = weights.length;
    const sum = weights.reduce((a, b) => a + b, 0);
    this.prob = new Float64Array(n);
    this.alias = new Int32Array(n);
    const scaled = weights.map((w) => (w * n) / sum);
    const small: number[] = [];
    const large: number[] = [];
    scaled.forEach((p, i) => (p < 1 ? small : large).push(i));
    while (small.length && large.length) {
      const s = small.pop()!;
      const l = large.pop()!;
      this.prob[s] = scaled[s]!;
      this.alias[s] = l;
      scaled[l] = scaled[l]! + scaled[s]! - 1;
      (scaled[l]! < 1 ? small : large).push(l);
    }
    for (const i of [...small, ...large]) this.prob[i] = 1;
  }
  draw(rng: () => number): number {
    const i = Math.floor(rng() * this.prob.length);
    return rng() < this.prob[i]! ? i : this.alias[i]!;
  }
}

const zipf = (n: number, s: number, offset = 2.7) => Array.from({ length: n }, (_, r) => 1 / Math.pow(r + offset, s));

const syllables = 'ba be bi bo bu da de di do du fa fe fi fo ka ke ki ko ku la le li lo lu ma me mi mo mu na ne ni no nu pa pe pi po pu ra re ri ro ru sa se si so su ta te ti to tu va ve vi vo vu za ze zo tra pro ex ion ent ar or'.split(' ');
const extraCjk = ['数据', '文件', '函数', '测试', '错误', '配置', '服务器', '请读取', '并告诉我', '哪个城市', '人口最多', '日本語', 'テキスト', 'ファイル', '設定', '한국어', '파일', '오류', '上海', '北京', '修复', '构建', '索引', '缓存'];

/** The vocabulary: the fixtures' words by frequency, then a long synthetic tail of identifiers and rarer words. */
class Vocabulary {
  readonly latin: string[];
  readonly pseudo = new Set<string>();
  readonly cjk: string[];
  private readonly latinSampler: AliasSampler;
  private readonly cjkSampler: AliasSampler;
  private readonly pathSampler: AliasSampler;
  readonly paths: string[];
  constructor(readonly model: FixtureModel, seed: number, tailSize: number) {
    const rng = seededRandom(seed ^ 0x70ca);
    const base = model.words.filter((w) => !absentWords.includes(w.toLowerCase()) && !w.toLowerCase().includes(lateWord));
    const seen = new Set(base.map((w) => w.toLowerCase()));
    const tail: string[] = [];
    const head = base.slice(0, Math.min(base.length, 3000));
    const pick = () => head[Math.floor(rng() * rng() * head.length)]!.toLowerCase().replace(/_/g, '');
    while (tail.length < tailSize) {
      const r = rng();
      let w: string;
      if (r < 0.5) {
        const n = 2 + Math.floor(rng() * 3);
        w = '';
        for (let i = 0; i < n; i++) w += syllables[Math.floor(rng() * syllables.length)];
        if (w.length < 5) continue;
        if (!seen.has(w)) this.pseudo.add(w);
      } else if (r < 0.8) {
        const a = pick();
        const b = pick();
        w = a + b.charAt(0).toUpperCase() + b.slice(1);
      } else if (r < 0.93) w = `${pick()}_${pick()}`;
      else w = `${pick()}${Math.floor(rng() * 100)}`;
      if (!/^[A-Za-z]/.test(w) || seen.has(w.toLowerCase()) || absentWords.includes(w.toLowerCase()) || w.toLowerCase().includes(lateWord)) continue;
      seen.add(w.toLowerCase());
      tail.push(w);
    }
    this.latin = [...base, ...tail];
    this.latinSampler = new AliasSampler(zipf(this.latin.length, 1.05));
    const cjk = [...model.cjkWords];
    for (const w of extraCjk) if (!cjk.includes(w)) cjk.push(w);
    this.cjk = cjk.filter((w) => !absentWords.some((a) => [...a].some((ch) => w.includes(ch))));
    this.cjkSampler = new AliasSampler(zipf(this.cjk.length, 1.0));
    const paths = model.paths.length > 0 ? [...model.paths] : ['src/index.ts'];
    for (let i = 0; i < 400; i++) paths.push(`src/${pick()}/${pick()}.${['ts', 'py', 'rs', 'go', 'md', 'json'][i % 6]}`);
    this.paths = paths;
    this.pathSampler = new AliasSampler(zipf(paths.length, 1.1));
  }
  word(rng: () => number): string {
    return this.latin[this.latinSampler.draw(rng)]!;
  }
  cjkWord(rng: () => number): string {
    return this.cjk[this.cjkSampler.draw(rng)]!;
  }
  path(rng: () => number): string {
    return this.paths[this.pathSampler.draw(rng)]!;
  }
  rank(word: string): number {
    return this.latin.indexOf(word);
  }
}

/** Writes text of about `chars` characters: prose for people, real line shapes for tools. */
class TextMaker {
  constructor(private readonly vocab: Vocabulary, private readonly model: FixtureModel) {}

  prose(rng: () => number, chars: number, cjkShare: number): string {
    const parts: string[] = [];
    let length = 0;
    let sentence = 0;
    let lastCjk = false;
    while (length < chars) {
      const r = rng();
      let piece: string;
      let isCjk = false;
      if (rng() < cjkShare) {
        piece = this.vocab.cjkWord(rng);
        isCjk = true;
      } else if (r < 0.03) piece = `\`${this.vocab.word(rng)}\``;
      else if (r < 0.045) piece = this.vocab.path(rng);
      else if (r < 0.048 && this.model.emoji.length > 0) piece = this.model.emoji[Math.floor(rng() * this.model.emoji.length)]!;
      else piece = this.vocab.word(rng);
      if (sentence === 0 && !isCjk) piece = piece.charAt(0).toUpperCase() + piece.slice(1);
      const sep = parts.length === 0 || (isCjk && lastCjk) ? '' : ' ';
      parts.push(sep, piece);
      length += sep.length + piece.length;
      lastCjk = isCjk;
      if (++sentence > 8 + rng() * 12) {
        parts.push(isCjk ? '。' : rng() < 0.15 ? '.\n\n' : '.');
        sentence = 0;
      }
    }
    return parts.join('');
  }

  code(rng: () => number, chars: number): string {
    const shapes = this.model.lineShapes;
    const parts: string[] = [];
    let length = 0;
    while (length < chars) {
      const shape = shapes[Math.floor(rng() * shapes.length)]!;
      let line = '';
      for (let i = 0; i < shape.length; i++) {
        if (i % 2 === 0) line += shape[i];
        else {
          const r = rng();
          line += r < 0.02 ? Math.floor(rng() * 0xffffffff).toString(16) + Math.floor(rng() * 0xffff).toString(16) : r < 0.05 ? this.vocab.path(rng) : this.vocab.word(rng);
        }
      }
      parts.push(line);
      length += line.length + 1;
    }
    return parts.join('\n');
  }

  short(rng: () => number, words: number): string {
    const out: string[] = [];
    for (let i = 0; i < words; i++) out.push(this.vocab.word(rng));
    return out.join(' ');
  }
}

function hex(rng: () => number, n: number): string {
  let s = '';
  while (s.length < n) s += Math.floor(rng() * 0x100000000).toString(16).padStart(8, '0');
  return s.slice(0, n);
}

function uuidV7(rng: () => number, ms: number): string {
  const h = ms.toString(16).padStart(12, '0') + '7' + hex(rng, 3) + ((8 + Math.floor(rng() * 4)).toString(16)) + hex(rng, 15);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

const keepKeys = new Set(['type', 'role', 'id', 'parentId', 'provider', 'model', 'modelId', 'api', 'stopReason', 'customType', 'kind', 'thinkingLevel', 'toolName', 'mimeType', 'data', 'thinkingSignature', 'textSignature', 'responseId', 'sections', 'usage', 'cost', 'display', 'isError', 'exitCode', 'cancelled', 'truncated', 'excludeFromContext', 'tokensBefore', 'durationMs', 'firstChangedLine', 'version', 'redacted']);
const codeKeys = new Set(['output', 'oldText', 'newText', 'diff', 'patch', 'stdout', 'stderr']);

interface SessionPlan {
  index: number;
  cwd: string;
  startMs: number;
  bytes: number;
  version: 1 | 3;
  cjkShare: number;
  toolScale: number;
  /** Sizes of tool results forced to be single huge lines. */
  hugeLines: number[];
  file: string;
  id: string;
  late: boolean;
}

/** Replays fixture sessions into one new session file. */
class SessionReplayer {
  private readonly rng: () => number;
  private now: number;
  private leaf: string | null = null;
  private lineNo = 0;
  private parts: string[] = [];
  private pendingChars = 0;
  bytes = 0;
  longestLine = 0;
  private hugeLines: number[];
  private readonly fd: number;

  constructor(private readonly plan: SessionPlan, private readonly model: FixtureModel, private readonly scripts: { sampler: AliasSampler; list: ScriptSession[] }, private readonly text: TextMaker, private readonly vocab: Vocabulary, seed: number) {
    this.rng = seededRandom((seed * 7919) ^ (plan.index * 104729) ^ 0x1234);
    this.now = plan.startMs;
    this.hugeLines = [...plan.hugeLines];
    this.fd = fs.openSync(plan.file, 'w');
  }

  private write(line: string): void {
    this.parts.push(line, '\n');
    this.pendingChars += line.length + 1;
    const b = Buffer.byteLength(line) + 1;
    this.bytes += b;
    if (b > this.longestLine) this.longestLine = b;
    this.lineNo++;
    if (this.pendingChars > 4 * MB) this.flush();
  }

  private flush(): void {
    if (this.parts.length) fs.writeSync(this.fd, this.parts.join(''));
    this.parts = [];
    this.pendingChars = 0;
  }

  private tick(): string {
    this.now += 400 + Math.floor(this.rng() * this.rng() * 90_000);
    return new Date(this.now).toISOString();
  }

  run(): { bytes: number; longestLine: number; endMs: number } {
    const p = this.plan;
    const header: Obj = { type: 'session', ...(p.version === 3 ? { version: 3 } : {}), id: p.id, timestamp: new Date(p.startMs).toISOString(), cwd: p.cwd };
    if (p.version === 1) Object.assign(header, { provider: 'anthropic', modelId: 'claude-sonnet-4-5', thinkingLevel: 'off' });
    this.write(JSON.stringify(header));
    let first = true;
    while (this.bytes < p.bytes) {
      const script = this.scripts.list[this.scripts.sampler.draw(this.rng)]!;
      if (p.version === 1 && script.version !== 1) continue;
      this.replay(script, first);
      first = false;
    }
    if (p.late) this.lateMessage();
    this.flush();
    fs.closeSync(this.fd);
    return { bytes: this.bytes, longestLine: this.longestLine, endMs: this.now };
  }

  private lateMessage(): void {
    const id = hex(this.rng, 8);
    const ts = this.tick();
    const msg = { role: 'user', content: [{ type: 'text', text: `Last question of the day: does ${lateWord} show up in search?` }], timestamp: this.now };
    this.write(JSON.stringify(this.plan.version === 3 ? { type: 'message', id, parentId: this.leaf, timestamp: ts, message: msg } : { type: 'message', timestamp: ts, message: msg }));
  }

  /** A window of a fixture session, starting at a user message, with its ids remapped. */
  private replay(script: ScriptSession, first: boolean): void {
    const entries = script.entries;
    const starts: number[] = [];
    entries.forEach((e, i) => {
      if ((e.message as Obj | undefined)?.role === 'user') starts.push(i);
    });
    const start = starts.length ? starts[Math.floor(this.rng() * starts.length)]! : 0;
    // Headers of a first window (model, thinking level, pi 1.6's system message) come along too.
    const from = first ? 0 : start;
    const length = 4 + Math.floor(this.rng() * this.rng() * (entries.length - start));
    const idMap = new Map<string, string>();
    const callMap = new Map<string, string>();
    const windowIds: string[] = [];
    for (let i = from; i < Math.min(entries.length, start + length) && this.bytes < this.plan.bytes; i++) {
      if (first && i < start && entries[i]!.type === 'message' && (entries[i]!.message as Obj).role !== 'system') continue;
      const t = entries[i]!;
      // One fixture toggles the thinking level in bursts; replayed window after window that would skew the mix.
      if (!first && t.type === 'thinking_level_change' && this.rng() < 0.8) continue;
      const mapId = (v: unknown): string | null => (typeof v === 'string' && idMap.has(v) ? idMap.get(v)! : (windowIds[Math.floor(this.rng() * windowIds.length)] ?? this.leaf));
      const out = this.rewrite(t, '', (t.message as Obj | undefined)?.role as string | undefined, callMap) as Obj;
      const ts = this.tick();
      const line: Obj = { type: t.type };
      if (this.plan.version === 3) {
        const id = hex(this.rng, 8);
        const parentId = typeof t.parentId === 'string' && idMap.has(t.parentId) ? idMap.get(t.parentId)! : this.leaf;
        if (typeof t.id === 'string') idMap.set(t.id, id);
        Object.assign(line, { id, parentId, timestamp: ts });
        for (const key of ['targetId', 'fromId', 'firstKeptEntryId']) if (key in t) out[key] = mapId(t[key]);
        if ('firstKeptEntryIndex' in t) {
          delete out.firstKeptEntryIndex;
          out.firstKeptEntryId = windowIds[0] ?? this.leaf;
        }
        windowIds.push(id);
        this.leaf = id;
      } else {
        line.timestamp = ts;
        if ('firstKeptEntryId' in out) delete out.firstKeptEntryId;
        if (t.type === 'compaction') out.firstKeptEntryIndex = Math.max(1, this.lineNo - 1 - Math.floor(this.rng() * 30));
      }
      for (const [k, v] of Object.entries(out)) if (!['type', 'id', 'parentId', 'timestamp'].includes(k)) line[k] = v;
      const message = line.message as Obj | undefined;
      if (message && typeof message.timestamp === 'number') message.timestamp = this.now;
      this.write(JSON.stringify(line));
    }
  }

  private toolChars(original: number): number {
    if (this.hugeLines.length > 0 && this.rng() < 0.02) return this.hugeLines.pop()!;
    return Math.max(8, Math.round(original * this.plan.toolScale * (0.3 + this.rng() * 1.4)));
  }

  /** Copies a fixture value, rewriting every text a person or a tool wrote. */
  private rewrite(value: unknown, key: string, role: string | undefined, callMap: Map<string, string>): unknown {
    const rng = this.rng;
    if (typeof value === 'string') {
      if (keepKeys.has(key) || value.length === 0) return value;
      const jitter = (n: number) => Math.max(1, Math.round(n * (0.5 + rng() * 1.2)));
      if (key === 'toolCallId' || (key === 'id' && role === 'assistant')) {
        if (!callMap.has(value)) callMap.set(value, `toolu_${hex(rng, 20)}`);
        return callMap.get(value);
      }
      if (key === 'path') return this.vocab.path(rng);
      if (key === 'name') return role === 'assistant' ? value : this.text.short(rng, 2 + Math.floor(rng() * 4));
      if (key === 'label') return `${this.vocab.word(rng)}-${this.vocab.word(rng)}`.toLowerCase();
      if (key === 'command') return this.text.code(rng, jitter(value.length)).split('\n')[0]!;
      if (codeKeys.has(key) || role === 'toolResult' || role === 'bashExecution') return this.text.code(rng, role === 'toolResult' || role === 'bashExecution' ? this.toolChars(value.length) : jitter(value.length));
      return this.text.prose(rng, jitter(value.length), this.plan.cjkShare);
    }
    if (Array.isArray(value)) {
      if (key === 'readFiles' || key === 'modifiedFiles') return value.map(() => this.vocab.path(rng));
      return value.map((v) => this.rewrite(v, key, role, callMap));
    }
    if (value && typeof value === 'object') {
      if (keepKeys.has(key)) return value;
      const o = value as Obj;
      const out: Obj = {};
      const innerRole = key === '' ? role : typeof o.role === 'string' ? (o.role as string) : role;
      for (const [k, v] of Object.entries(o)) {
        if (key === '' && (k === 'id' || k === 'parentId' || k === 'timestamp')) continue;
        if (o.type === 'toolCall' && k === 'id') out[k] = this.rewrite(v, 'toolCallId', innerRole, callMap);
        else if (k === 'arguments' && v && typeof v === 'object') {
          const args: Obj = {};
          for (const [ak, av] of Object.entries(v as Obj)) args[ak] = typeof av === 'string' && (ak === 'content' || ak === 'oldText' || ak === 'newText') ? this.text.code(rng, Math.max(1, Math.round(av.length * (0.5 + rng())))) : this.rewrite(av, ak, innerRole, callMap);
          out[k] = args;
        } else out[k] = this.rewrite(v, k, innerRole, callMap);
      }
      return out;
    }
    return value;
  }
}

function lognormal(rng: () => number, sigma: number): number {
  const u = Math.max(1e-12, rng());
  const z = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng());
  return Math.exp(sigma * z);
}

function plan(size: RealisticSize, model: FixtureModel, seed: number, dir: string): SessionPlan[] {
  const rng = seededRandom(seed ^ 0xbeef);
  const text = seededRandom(seed ^ 0xcafe);
  const projectCount = Math.max(8, Math.round(size.sessions / 125));
  const cwds = [...model.cwds];
  const names = ['api', 'web', 'cli', 'ops', 'docs', 'infra', 'mobile', 'data', 'ml', 'tools', 'firmware', 'site', '数据', 'app'];
  while (cwds.length < projectCount) cwds.push(`/home/dev/projects/${names[Math.floor(text() * names.length)]}-${hex(text, 4)}`);
  const projectSampler = new AliasSampler(zipf(cwds.length, 0.9, 1));
  const epoch = Date.parse('2026-01-05T08:00:00.000Z');
  const yearMs = 330 * 86_400_000;
  const hugeBudget = size.hugeSessions * size.hugeSessionBytes * 1.12;
  const rawSizes = Array.from({ length: size.sessions - size.hugeSessions }, () => lognormal(rng, 1.6));
  // Lines finish past their budget and small files have a floor: aim a little low.
  const scale = (0.9 * size.bytes - hugeBudget) / rawSizes.reduce((a, b) => a + b, 0);
  const plans: SessionPlan[] = [];
  for (let i = 0; i < size.sessions; i++) {
    const huge = i % Math.floor(size.sessions / Math.max(1, size.hugeSessions)) === 7 && plans.filter((p) => p.bytes >= size.hugeSessionBytes).length < size.hugeSessions;
    const bytes = huge ? Math.round(size.hugeSessionBytes * (1 + rng() * 0.25)) : Math.max(1500, Math.min(60 * MB, Math.round(rawSizes[i % rawSizes.length]! * scale)));
    const cwd = cwds[projectSampler.draw(rng)]!;
    const startMs = epoch + Math.floor(rng() * yearMs);
    const hugeLines = huge ? [2.2, 2.6, 3.4].map((m) => Math.round(m * MB)) : rng() < 0.002 ? [Math.round(2.3 * MB)] : [];
    const version: 1 | 3 = !huge && rng() < 0.004 && model.sessions.some((s) => s.version === 1) ? 1 : 3;
    const id = uuidV7(rng, startMs);
    const folder = path.join(dir, encodeCwd(cwd));
    const file = path.join(folder, `${new Date(startMs).toISOString().replace(/[:.]/g, '-')}_${id}.jsonl`);
    plans.push({ index: i, cwd, startMs, bytes, version, cjkShare: rng() < 0.06 ? 0.5 : rng() < 0.1 ? 0.02 : 0, toolScale: huge ? 2.5 : 0.6 + lognormal(rng, 0.5), hugeLines, file, id, late: false });
  }
  // The late session: last by path (what a sequential walk reaches last) and the oldest (what
  // an indexer that takes recent sessions first reaches last).
  const last = plans.reduce((a, b) => (a.file > b.file ? a : b));
  last.late = true;
  last.startMs = epoch - 86_400_000;
  return plans;
}

function chooseQueries(vocab: Vocabulary, model: FixtureModel): QueryWord[] {
  const plain = (w: string) => /^[a-z]{5,}$/.test(w);
  const common = vocab.latin.slice(5, 200).filter(plain).slice(0, 3);
  // Rare: single-token synthetic words deep in the Zipf tail (a handful of sessions each).
  const pseudo = vocab.latin.map((w, r) => ({ w, r })).filter(({ w }) => vocab.pseudo.has(w) && w.length >= 7);
  const at = (f: number) => pseudo[Math.min(pseudo.length - 1, Math.floor(pseudo.length * f))]!.w;
  const rare = [at(0.02), at(0.1), at(0.4)];
  const cjkCommon = vocab.cjk.find((w) => [...w].length >= 2) ?? '数据';
  const cjkRare = vocab.cjk.slice(Math.floor(vocab.cjk.length / 3)).find((w) => [...w].length >= 2 && w !== cjkCommon) ?? '人口最多';
  void model;
  return [
    ...common.map((word) => ({ word, kind: 'common' as const })),
    ...rare.map((word) => ({ word, kind: 'rare' as const })),
    { word: cjkCommon, kind: 'cjk' },
    { word: cjkRare, kind: 'cjk' },
    ...absentWords.map((word) => ({ word, kind: 'absent' as const })),
  ];
}

/**
 * Writes (or reuses) the realistic corpus of the given size under `root`. The folder name
 * carries the size, seed, generator version and fixture fingerprint; a `.manifest.json`
 * marks it complete and describes it.
 */
export function ensureRealisticCorpus(root: string, size: RealisticSize, log: (line: string) => void, seed = 20261202): { dir: string; manifest: CorpusManifest } {
  const model = loadFixtureModel();
  const dir = path.join(root, `realistic-${size.label}-${seed}-${generatorVersion}-${model.fingerprint}`);
  const manifestFile = path.join(dir, '.manifest.json');
  if (fs.existsSync(manifestFile)) return { dir, manifest: JSON.parse(fs.readFileSync(manifestFile, 'utf8')) as CorpusManifest };
  if (model.source === 'fallback') log(`  NOTE: ${model.origin}: the corpus uses the built-in fallback vocabulary`);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  log(`writing the realistic corpus (${size.sessions} sessions, ~${(size.bytes / MB).toFixed(0)} MB) to ${dir}…`);
  const vocab = new Vocabulary(model, seed, 150_000);
  const text = new TextMaker(vocab, model);
  const weights = model.sessions.map((s) => Math.sqrt(s.entries.length));
  const scripts = { sampler: new AliasSampler(weights), list: model.sessions };
  const plans = plan(size, model, seed, dir);
  let bytes = 0;
  let largest = 0;
  let longest = 0;
  const started = performance.now();
  for (const p of plans) {
    fs.mkdirSync(path.dirname(p.file), { recursive: true });
    const r = new SessionReplayer(p, model, scripts, text, vocab, seed).run();
    const end = new Date(r.endMs);
    fs.utimesSync(p.file, end, end);
    bytes += r.bytes;
    largest = Math.max(largest, r.bytes);
    longest = Math.max(longest, r.longestLine);
    if ((p.index + 1) % 1000 === 0) log(`  ${p.index + 1} sessions, ${(bytes / MB).toFixed(0)} MB, ${((performance.now() - started) / 1000).toFixed(0)} s`);
  }
  const late = plans.find((p) => p.late)!;
  const notes = [
    model.source === 'fixtures'
      ? `text and shapes from ${model.origin}: ${model.sessions.length} sessions replayed, ${model.words.length} words + 150000 synthetic tail words, ${model.cjkWords.length} CJK words (+ built-in CJK supplement), ${model.lineShapes.length} tool output line shapes`
      : `FALLBACK: ${model.origin}`,
  ];
  const manifest: CorpusManifest = {
    generator: generatorVersion,
    seed,
    size,
    modelSource: model.source,
    modelOrigin: model.origin,
    fingerprint: model.fingerprint,
    files: plans.length,
    bytes,
    largestFileBytes: largest,
    longestLineBytes: longest,
    lateWord,
    lateFile: late.file,
    queries: chooseQueries(vocab, model),
    notes,
  };
  fs.writeFileSync(manifestFile, JSON.stringify(manifest, null, 2));
  log(`corpus ready: ${plans.length} files, ${(bytes / MB).toFixed(0)} MB, largest ${(largest / MB).toFixed(0)} MB, longest line ${(longest / MB).toFixed(1)} MB`);
  return { dir, manifest };
}

if (require.main === module) {
  const which = (process.argv[2] ?? 'quick') as keyof typeof realisticSizes;
  const size = realisticSizes[which];
  if (!size) throw new Error(`usage: node --import tsx bench/realisticCorpus.ts ${Object.keys(realisticSizes).join('|')}`);
  const { dir, manifest } = ensureRealisticCorpus(path.join(__dirname, '.corpus'), size, (l) => process.stdout.write(`${l}\n`));
  process.stdout.write(`${dir}\n${JSON.stringify({ ...manifest, size: undefined }, null, 2)}\n`);
}
