import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * What the realistic corpus borrows from real pi session files, read at run time from
 * `../shared/fixtures/{pi,pi-real,pi-1.6}` (never copied into the repo): the entry sequences
 * of real sessions (kinds, order, tool calls, branches, compactions, pi 1.6 entries), the
 * lengths of their texts, a word list ranked by frequency, and the shapes of tool output
 * lines. Without the fixtures a small built-in model stands in, and says so (`source`).
 */

export type Obj = Record<string, unknown>;

/** One real session: its header and entries, in file order. */
export interface ScriptSession {
  name: string;
  version: number;
  header: Obj;
  entries: Obj[];
}

/** A tool output line cut into literal text and word slots: literal, slot, literal, … */
export type LineShape = string[];

export interface FixtureModel {
  source: 'fixtures' | 'fallback';
  /** Where the fixtures were read from, or why the fallback was used. */
  origin: string;
  sessions: ScriptSession[];
  /** Latin words and identifiers, most frequent first. */
  words: string[];
  /** CJK words (runs cut into two to four characters), most frequent first. */
  cjkWords: string[];
  emoji: string[];
  /** Path-like tokens seen in the fixtures. */
  paths: string[];
  lineShapes: LineShape[];
  /** Project folders (cwds) seen in the fixtures. */
  cwds: string[];
  /** A short fingerprint of everything above, so a cached corpus is rebuilt when it changes. */
  fingerprint: string;
}

const fixtureSets = ['pi', 'pi-real', 'pi-1.6'];

export function defaultFixtureRoot(): string {
  return process.env.PI_BENCH_FIXTURES ?? path.resolve(__dirname, '..', '..', 'shared', 'fixtures');
}

function jsonlFiles(dir: string): string[] {
  const out: string[] = [];
  if (!fs.existsSync(dir)) return out;
  const stack = [dir];
  while (stack.length) {
    const d = stack.pop()!;
    for (const e of fs.readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const full = path.join(d, e.name);
      if (e.isDirectory()) stack.push(full);
      else if (e.name.endsWith('.jsonl')) out.push(full);
    }
  }
  return out.sort();
}

const cjkRun = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]+/gu;
const latinToken = /[\p{L}\p{N}_]+/gu;
const emojiToken = /\p{Extended_Pictographic}(?:\u200d\p{Extended_Pictographic}|\ufe0f)*/gu;
const pathToken = /(?:\.{0,2}\/)?[\w.-]+(?:\/[\w.-]+)+/g;

class Counter {
  readonly counts = new Map<string, number>();
  add(word: string, n = 1): void {
    this.counts.set(word, (this.counts.get(word) ?? 0) + n);
  }
  ranked(): string[] {
    return [...this.counts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([w]) => w);
  }
}

/** Every text a person or a tool wrote in an entry (not ids, models or numbers). */
function collectTexts(value: unknown, key: string, out: string[]): void {
  if (typeof value === 'string') {
    if (!['type', 'role', 'id', 'parentId', 'timestamp', 'provider', 'model', 'modelId', 'api', 'thinkingSignature', 'data', 'mimeType', 'responseId', 'stopReason'].includes(key)) out.push(value);
  } else if (Array.isArray(value)) for (const v of value) collectTexts(v, key, out);
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value as Obj)) collectTexts(v, k, out);
}

function toolOutputTexts(entry: Obj, out: string[]): void {
  const m = entry.message as Obj | undefined;
  if (!m) return;
  if (m.role === 'toolResult' && Array.isArray(m.content)) {
    for (const b of m.content as Obj[]) if (b && b.type === 'text' && typeof b.text === 'string') out.push(b.text);
  } else if (m.role === 'bashExecution' && typeof m.output === 'string') out.push(m.output);
}

/** Cuts a line into literals and slots: every Latin word becomes a slot. */
function shapeOf(line: string): LineShape {
  const parts: string[] = [];
  let last = 0;
  for (const m of line.matchAll(/[A-Za-z_][A-Za-z0-9_]*/g)) {
    parts.push(line.slice(last, m.index));
    parts.push('');
    last = m.index! + m[0].length;
  }
  parts.push(line.slice(last));
  return parts;
}

function hash(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}

export function loadFixtureModel(root = defaultFixtureRoot()): FixtureModel {
  const files = fixtureSets.flatMap((set) => jsonlFiles(path.join(root, set)));
  if (files.length === 0) return fallbackModel(`no pi fixtures under ${root}`);
  const sessions: ScriptSession[] = [];
  const words = new Counter();
  const cjk = new Counter();
  const emoji = new Counter();
  const paths = new Counter();
  const shapes = new Map<string, LineShape>();
  const cwds = new Set<string>();
  for (const file of files) {
    const entries: Obj[] = [];
    let header: Obj | undefined;
    for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
      if (!line.trim()) continue;
      let obj: Obj;
      try {
        obj = JSON.parse(line) as Obj;
      } catch {
        continue;
      }
      if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) continue;
      if (obj.type === 'session') {
        header = obj;
        if (typeof obj.cwd === 'string') cwds.add(obj.cwd);
        continue;
      }
      entries.push(obj);
      const texts: string[] = [];
      collectTexts(obj, '', texts);
      for (const t of texts) {
        for (const m of t.matchAll(latinToken)) if (!/^\d+$/.test(m[0]) && m[0].length <= 40) words.add(m[0]);
        for (const m of t.matchAll(cjkRun)) for (let i = 0; i < m[0].length; i += 2 + (i % 3)) cjk.add(m[0].slice(i, i + 2 + (i % 3)));
        for (const m of t.matchAll(emojiToken)) emoji.add(m[0]);
        for (const m of t.matchAll(pathToken)) if (m[0].length <= 80) paths.add(m[0]);
      }
      const outputs: string[] = [];
      toolOutputTexts(obj, outputs);
      for (const o of outputs) {
        for (const line of o.split('\n')) {
          if (line.length < 2 || line.length > 240) continue;
          const shape = shapeOf(line);
          if (shape.length >= 3) shapes.set(shape.join('\u0000'), shape);
        }
      }
    }
    if (!header || entries.length === 0) continue;
    sessions.push({ name: path.relative(root, file), version: Number(header.version ?? 1), header, entries });
  }
  if (sessions.length === 0) return fallbackModel(`no readable session under ${root}`);
  const model: Omit<FixtureModel, 'fingerprint'> = {
    source: 'fixtures',
    origin: `${files.length} files under ${root}`,
    sessions,
    words: words.ranked(),
    cjkWords: cjk.ranked(),
    emoji: emoji.ranked(),
    paths: paths.ranked(),
    lineShapes: [...shapes.values()],
    cwds: [...cwds].sort(),
  };
  return withFingerprint(model);
}

function withFingerprint(model: Omit<FixtureModel, 'fingerprint'>): FixtureModel {
  const basis = [model.source, model.sessions.map((s) => `${s.name}:${s.entries.length}`).join(','), model.words.length, model.cjkWords.length, model.lineShapes.length, model.words.slice(0, 50).join(' ')].join('|');
  return { ...model, fingerprint: hash(basis) };
}

/**
 * Stand-in when the fixtures are absent: one hand-written session of each era and a small
 * vocabulary. The corpus is still deterministic and valid, but less varied; the bench says so.
 */
function fallbackModel(reason: string): FixtureModel {
  const ts = '2026-03-10T09:00:00.000Z';
  const usage = { input: 1200, output: 80, cacheRead: 900, cacheWrite: 60, totalTokens: 2240, cost: { input: 0.0036, output: 0.0012, cacheRead: 0.00027, cacheWrite: 0.000225, total: 0.005295 } };
  const e = (id: string, parentId: string | null, body: Obj): Obj => ({ id, parentId, timestamp: ts, ...body });
  const v3: ScriptSession = {
    name: 'fallback-v3',
    version: 3,
    header: { type: 'session', version: 3, id: '00000000-0000-4000-8000-000000000000', timestamp: ts, cwd: '/home/dev/projects/demo' },
    entries: [
      e('a1', null, { type: 'model_change', provider: 'anthropic', modelId: 'claude-sonnet-4-5' }),
      e('a2', 'a1', { type: 'thinking_level_change', thinkingLevel: 'medium' }),
      e('a3', 'a2', { type: 'message', message: { role: 'user', content: [{ type: 'text', text: 'List the TypeScript files in src and explain the parser.' }], timestamp: 0 } }),
      e('a4', 'a3', { type: 'message', message: { role: 'assistant', content: [{ type: 'thinking', thinking: 'The user wants a listing; use bash first.', thinkingSignature: 'c2ln' }, { type: 'text', text: 'Let me look.' }, { type: 'toolCall', id: 'toolu_1', name: 'bash', arguments: { command: 'ls src/*.ts' } }], api: 'anthropic-messages', provider: 'anthropic', model: 'claude-sonnet-4-5', usage, stopReason: 'toolUse', timestamp: 0 } }),
      e('a5', 'a4', { type: 'message', message: { role: 'toolResult', toolCallId: 'toolu_1', toolName: 'bash', content: [{ type: 'text', text: 'src/parser.ts\nsrc/router.ts\nexport function parseLine(text: string): Entry {\n  return JSON.parse(text) as Entry;\n}' }], isError: false, timestamp: 0 } }),
      e('a6', 'a5', { type: 'message', message: { role: 'assistant', content: [{ type: 'text', text: 'There are two files; the parser reads one line at a time.' }], api: 'anthropic-messages', provider: 'anthropic', model: 'claude-sonnet-4-5', usage, stopReason: 'stop', timestamp: 0 } }),
      e('a7', 'a6', { type: 'session_info', name: 'Explain the parser' }),
      e('a8', 'a7', { type: 'message', message: { role: 'user', content: 'Now refactor router.ts to use async/await', timestamp: 0 } }),
      e('a9', 'a8', { type: 'message', message: { role: 'assistant', content: [{ type: 'toolCall', id: 'toolu_2', name: 'edit', arguments: { path: 'src/router.ts', oldText: 'return load().then(render);', newText: 'return render(await load());' } }], api: 'anthropic-messages', provider: 'anthropic', model: 'claude-sonnet-4-5', usage, stopReason: 'toolUse', timestamp: 0 } }),
      e('b1', 'a9', { type: 'message', message: { role: 'toolResult', toolCallId: 'toolu_2', toolName: 'edit', content: [{ type: 'text', text: 'Successfully replaced text in src/router.ts.' }], details: { diff: '-3 return load().then(render);\n+3 return render(await load());' }, isError: false, timestamp: 0 } }),
      e('b2', 'a6', { type: 'branch_summary', fromId: 'a6', summary: 'Tried a refactor of the router first.', details: { readFiles: [], modifiedFiles: ['src/router.ts'] } }),
      e('b3', 'b2', { type: 'label', targetId: 'a6', label: 'before-refactor' }),
      e('b4', 'b3', { type: 'custom_message', customType: 'reminder', content: 'Remember to run the tests afterwards.', display: true }),
      e('b5', 'b4', { type: 'compaction', summary: '## Goal\nSmall refactors in src.\n\n## Progress\n- Listed files', firstKeptEntryId: 'b2', tokensBefore: 4321, details: { readFiles: ['src/parser.ts'], modifiedFiles: [] } }),
      e('b6', 'b5', { type: 'message', message: { role: 'bashExecution', command: 'npm test', output: '12 passing\n', exitCode: 0, cancelled: false, truncated: false, timestamp: 0 } }),
      e('b7', 'b6', { type: 'usage', kind: 'cache_warm', provider: 'anthropic', model: 'claude-sonnet-4-5', usage }),
      e('b8', 'b7', { type: 'message', message: { role: 'user', content: [{ type: 'text', text: '请读取数据并告诉我哪个城市人口最多 📊' }], timestamp: 0 } }),
      e('b9', 'b8', { type: 'message', message: { role: 'assistant', content: [{ type: 'text', text: '人口最多的城市是上海。' }], api: 'anthropic-messages', provider: 'anthropic', model: 'claude-sonnet-4-5', usage, stopReason: 'stop', timestamp: 0 } }),
    ],
  };
  const words = 'the to a and of in is for this that it file with we on be function test session parser router config cache index error build module types output line tree check please fix bug add use read write edit const return import export async await string number value name path list json server client request response update change make sure need'.split(' ');
  const text = v3.entries.map((x) => JSON.stringify(x)).join('\n');
  const shapes = ['src/parser.ts', 'export function parseLine(text: string): Entry {', '  return JSON.parse(text) as Entry;', '}', 'error TS2345: Argument of type string is not assignable', '  at Object.run (node:internal/main:12:3)', 'PASS test/unit/parser.test.ts (12 ms)'].map(shapeOf);
  return withFingerprint({
    source: 'fallback',
    origin: `${reason}; built-in stand-in vocabulary and one hand-written session`,
    sessions: [v3],
    words,
    cjkWords: ['请读取', '数据', '并告诉我', '哪个城市', '人口最多', '日本語', 'テキスト', '한국어', '上海'],
    emoji: ['📊', '🚀', '✅', '👩‍💻'],
    paths: [...new Set([...text.matchAll(pathToken)].map((m) => m[0]))],
    lineShapes: shapes,
    cwds: ['/home/dev/projects/demo'],
  });
}
