import * as fs from 'node:fs';
import * as path from 'node:path';
import { v1EntryId } from '../sessions/migrate';

/**
 * Deterministic pi session files for tests, benchmarks and the demo store. Every file is written in pi's
 * layout (`<root>/--<encoded cwd>--/<timestamp>_<id>.jsonl`) and comes with the values a
 * correct reader must derive from it, computed here while writing (independently of the
 * parser) so tests can compare. The same seed always gives the same bytes.
 */

export interface SessionQuirks {
  /** Two entries written on one line (a lost newline); both must be recovered. */
  joinedLine?: boolean;
  /** A final assistant message half written, without `\n`: not part of the expected values. */
  partialLastLine?: boolean;
  garbageLines?: number;
  blankLines?: number;
  /** Size of one tool result's text, e.g. 5 MB to get a huge line. */
  hugeToolResultBytes?: number;
  /** An unknown entry type, an unknown message role and unknown fields. */
  unknownEntries?: boolean;
  /** Base64 image blocks in a user message and a tool result. */
  images?: boolean;
  /** v2+: an in-place branch back to an earlier entry, with a branch_summary. */
  branches?: boolean;
  /** v2+: labels, one of them cleared again. */
  labels?: boolean;
  /** A compaction (v1: `firstKeptEntryIndex`, else `firstKeptEntryId`). */
  compaction?: boolean;
  /** session_info names appended in this order (v2+). */
  names?: string[];
  /** CJK text, emoji ZWJ sequences and a raw U+2028 inside strings. */
  unicode?: boolean;
  thinking?: boolean;
  /** toolCall/toolResult pairs, edits with `details.diff`. */
  tools?: boolean;
  bashExecution?: boolean;
  /** v2+: `custom` and `custom_message` entries. */
  customMessage?: boolean;
  /** v2+: an extension message (role `hookMessage` in v2 files, `custom` in v3). */
  hookMessage?: boolean;
  modelChange?: boolean;
  /** Leave `usage.totalTokens` out (files before Nov 2025). */
  usageWithoutTotal?: boolean;
  /** One assistant line written twice; it must count once. */
  duplicateAssistantLine?: boolean;
}

export interface SessionSpec {
  version?: 1 | 2 | 3;
  seed?: number;
  cwd?: string;
  /** User turns (user message + answer). */
  turns?: number;
  startMs?: number;
  parentSession?: string;
  /** Typical size of a tool result's text. */
  toolOutputBytes?: number;
  quirks?: SessionQuirks;
}

/** Everything every quirk turned on, for the "all quirks" tests. */
export const allQuirks: Required<Omit<SessionQuirks, 'hugeToolResultBytes' | 'partialLastLine'>> = {
  joinedLine: true,
  garbageLines: 2,
  blankLines: 2,
  unknownEntries: true,
  images: true,
  branches: true,
  labels: true,
  compaction: true,
  names: ['First name', 'Final name 📊', '  '],
  unicode: true,
  thinking: true,
  tools: true,
  bashExecution: true,
  customMessage: true,
  hookMessage: true,
  modelChange: true,
  usageWithoutTotal: false,
  duplicateAssistantLine: true,
};

export interface ExpectedTokens {
  input: number;
  output: number;
  cache_read: number;
  cache_write: number;
  total: number;
}

export interface ExpectedSession {
  path: string;
  id: string;
  cwd: string;
  version: number;
  created: string;
  modified: string;
  name: string | null;
  first_message: string;
  last_message: string;
  last_message_role: string | null;
  parent_session_path: string | null;
  model: string | null;
  thinking_level: string | null;
  message_count: number;
  user_message_count: number;
  assistant_message_count: number;
  tool_result_count: number;
  bash_execution_count: number;
  tool_call_count: number;
  entry_count: number;
  compaction_count: number;
  label_count: number;
  has_branches: boolean;
  leaf_id: string | null;
  skipped_lines: number;
  tokens: ExpectedTokens;
  cost: number;
  /** Byte offset just past the last complete line. */
  completeBytes: number;
  /** With `partialLastLine`: the bytes that complete the last line (including its `\n`). */
  partialRest: string | null;
  /** With `compaction`: the (migrated) id of the first kept entry. */
  firstKeptEntryId: string | null;
  /** Ids of recovered joined entries, when `joinedLine`. */
  joinedIds: string[];
}

/** mulberry32: small, fast, good enough for test data. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** pi's folder name for a cwd. */
export function encodeCwd(cwd: string): string {
  return `--${cwd.replace(/^[/\\]/, '').replace(/[/\\:]/g, '-')}--`;
}

const words = ['add', 'the', 'parser', 'test', 'for', 'session', 'files', 'and', 'fix', 'bug', 'in', 'router', 'config', 'please', 'check', 'build', 'output', 'types', 'module', 'cache', 'index', 'error', 'line', 'tree'];
const cjk = ['请读取', '数据', '并告诉我', '哪个城市', '人口最多', '日本語のテキスト', '한국어'];
const emoji = ['🏙️', '📊', '👩‍💻', '👨‍👩‍👧', '✅', '🚀'];

/** Accumulates text and writes it in large chunks. */
class ChunkedFileWriter {
  private parts: string[] = [];
  private pendingChars = 0;
  bytes = 0;

  constructor(private readonly fd: number) {}

  write(text: string): void {
    this.parts.push(text);
    this.pendingChars += text.length;
    this.bytes += Buffer.byteLength(text);
    if (this.pendingChars > 4 << 20) this.flush();
  }

  flush(): void {
    if (this.parts.length === 0) return;
    fs.writeSync(this.fd, this.parts.join(''));
    this.parts = [];
    this.pendingChars = 0;
  }
}

type Obj = Record<string, unknown>;

class SessionWriter {
  private readonly rng: () => number;
  private readonly ids = new Set<string>();
  private now: number;
  private leaf: string | null = null;
  private objectIndex = 0;
  private model: string;
  private thinking: string | null;
  private joinNext = false;
  private firstUserMessageId: string | null = null;
  readonly exp: Omit<ExpectedSession, 'path'>;
  private activityMs = 0;
  private tokenSeq = 0;

  constructor(private readonly spec: SessionSpec, private readonly out: ChunkedFileWriter, readonly version: number, readonly id: string, readonly cwd: string, readonly headerTs: string) {
    this.rng = seededRandom((spec.seed ?? 1) ^ 0x5eed);
    this.now = Date.parse(headerTs);
    this.model = 'anthropic/claude-sonnet-4-5';
    this.thinking = version === 1 ? 'off' : null;
    this.exp = {
      id, cwd, version, created: headerTs, modified: headerTs, name: null, first_message: '', last_message: '', last_message_role: null,
      parent_session_path: spec.parentSession ?? null, model: version === 1 ? this.model : null, thinking_level: this.thinking,
      message_count: 0, user_message_count: 0, assistant_message_count: 0, tool_result_count: 0, bash_execution_count: 0, tool_call_count: 0,
      entry_count: 0, compaction_count: 0, label_count: 0, has_branches: false, leaf_id: null, skipped_lines: 0,
      tokens: { input: 0, output: 0, cache_read: 0, cache_write: 0, total: 0 }, cost: 0, completeBytes: 0, partialRest: null, firstKeptEntryId: null, joinedIds: [],
    };
  }

  int(min: number, max: number): number {
    return min + Math.floor(this.rng() * (max - min + 1));
  }

  pick<T>(list: readonly T[]): T {
    return list[Math.floor(this.rng() * list.length)];
  }

  sentence(n: number): string {
    const out: string[] = [];
    for (let i = 0; i < n; i++) out.push(this.pick(words));
    if (this.spec.quirks?.unicode) out.push(this.pick(cjk), this.pick(emoji));
    return out.join(' ');
  }

  private newId(): string {
    for (;;) {
      let id = '';
      for (let i = 0; i < 8; i++) id += Math.floor(this.rng() * 16).toString(16);
      if (!this.ids.has(id)) {
        this.ids.add(id);
        return id;
      }
    }
  }

  private tick(): string {
    this.now += this.int(500, 20_000);
    return new Date(this.now).toISOString();
  }

  writeHeader(): void {
    const header: Obj = { type: 'session' };
    if (this.version > 1) header.version = this.version;
    Object.assign(header, { id: this.id, timestamp: this.headerTs, cwd: this.cwd });
    if (this.spec.parentSession) header.parentSession = this.spec.parentSession;
    if (this.version === 1) Object.assign(header, { provider: 'anthropic', modelId: 'claude-sonnet-4-5', thinkingLevel: 'off' });
    this.line(JSON.stringify(header));
  }

  private line(text: string): void {
    this.out.write(text);
    if (this.joinNext) {
      this.joinNext = false;
      return;
    }
    this.out.write('\n');
    this.exp.completeBytes = this.out.bytes;
  }

  garbage(kind: 'garbage' | 'blank'): void {
    this.line(kind === 'blank' ? (this.rng() < 0.5 ? '' : '   ') : this.pick(['not json at all', '{"type":"message","id":"trunc', '[1, 2, 3]', '}{']));
    this.exp.skipped_lines++;
  }

  /** Appends an entry under the current leaf (or `parentId`) and returns its id. */
  entry(type: string, fields: Obj, options: { parentId?: string | null; joinWithNext?: boolean } = {}): { id: string; text: string } {
    const timestamp = this.tick();
    this.objectIndex++;
    let id: string;
    let obj: Obj;
    if (this.version === 1) {
      id = v1EntryId(this.objectIndex);
      obj = { type, timestamp, ...fields };
    } else {
      id = this.newId();
      const parentId = options.parentId === undefined ? this.leaf : options.parentId;
      if (parentId !== this.leaf) this.exp.has_branches = true;
      obj = { type, id, parentId, timestamp, ...fields };
    }
    this.leaf = id;
    this.exp.leaf_id = id;
    this.exp.entry_count++;
    const text = JSON.stringify(obj);
    if (options.joinWithNext) this.joinNext = true;
    this.line(text);
    return { id, text };
  }

  /** Writes an already written line again: a duplicated append. */
  duplicate(text: string): void {
    this.objectIndex++;
    this.line(text);
  }

  private activity(ms: number): void {
    if (ms > this.activityMs) {
      this.activityMs = ms;
      this.exp.modified = new Date(ms).toISOString();
    }
  }

  private noteText(role: 'user' | 'assistant', text: string): void {
    if (!text) return;
    if (role === 'user' && !this.exp.first_message) this.exp.first_message = text;
    this.exp.last_message = text;
    this.exp.last_message_role = role;
  }

  user(texts: string[], extraBlocks: Obj[] = [], options: { parentId?: string | null; joinWithNext?: boolean; extraFields?: Obj } = {}): string {
    const content: Obj[] = [];
    texts.forEach((text, i) => {
      content.push({ type: 'text', text });
      if (i === 0) content.push(...extraBlocks);
    });
    const ts = this.now + 1;
    const { id } = this.entry('message', { message: { role: 'user', content, timestamp: ts }, ...(options.extraFields ?? {}) }, options);
    this.exp.user_message_count++;
    this.exp.message_count++;
    this.activity(ts);
    this.noteText('user', texts.join(' '));
    if (!this.firstUserMessageId) this.firstUserMessageId = id;
    return id;
  }

  private usage(): Obj {
    const input = this.int(10, 3000);
    const output = this.int(5, 800);
    const cacheRead = this.int(0, 20_000);
    const cacheWrite = this.int(0, 2000);
    const cost = { input: input * 3e-6, output: output * 15e-6, cacheRead: cacheRead * 0.3e-6, cacheWrite: cacheWrite * 3.75e-6, total: 0 };
    cost.total = cost.input + cost.output + cost.cacheRead + cost.cacheWrite;
    const total = input + output + cacheRead + cacheWrite;
    const t = this.exp.tokens;
    t.input += input;
    t.output += output;
    t.cache_read += cacheRead;
    t.cache_write += cacheWrite;
    t.total += total;
    this.exp.cost += cost.input + cost.output + cost.cacheRead + cost.cacheWrite;
    this.tokenSeq++;
    const usage: Obj = { input, output, cacheRead, cacheWrite, cost };
    if (!this.spec.quirks?.usageWithoutTotal) usage.totalTokens = total;
    return usage;
  }

  assistant(blocks: Obj[], options: { joinWithNext?: boolean; stopReason?: string; count?: boolean } = {}): { id: string; text: string } {
    const [provider, model] = this.model.split('/');
    const startedAt = this.now - this.int(0, 400);
    const message: Obj = { role: 'assistant', content: blocks, api: 'anthropic-messages', provider, model, usage: this.usage(), stopReason: options.stopReason ?? 'stop', timestamp: startedAt };
    const written = this.entry('message', { message }, options);
    this.exp.assistant_message_count++;
    this.exp.message_count++;
    this.exp.model = this.model;
    this.exp.tool_call_count += blocks.filter((b) => b.type === 'toolCall').length;
    this.activity(startedAt);
    this.noteText('assistant', blocks.filter((b) => b.type === 'text').map((b) => String(b.text)).join(' '));
    return written;
  }

  toolResult(toolCallId: string, toolName: string, text: string, extra: { details?: Obj; image?: Obj } = {}): string {
    const content: Obj[] = [{ type: 'text', text }];
    if (extra.image) content.push(extra.image);
    const message: Obj = { role: 'toolResult', toolCallId, toolName, content, isError: false, timestamp: this.now };
    if (extra.details) message.details = extra.details;
    this.exp.tool_result_count++;
    return this.entry('message', { message }).id;
  }

  bash(): void {
    this.entry('message', { message: { role: 'bashExecution', command: 'npm test', output: '2 passing\n', exitCode: 0, cancelled: false, truncated: false, timestamp: this.now } });
    this.exp.bash_execution_count++;
  }

  image(bytes: number): Obj {
    const raw = Buffer.alloc(bytes);
    for (let i = 0; i < bytes; i++) raw[i] = Math.floor(this.rng() * 256);
    return { type: 'image', data: raw.toString('base64'), mimeType: 'image/png' };
  }

  setModel(model: string): void {
    const [provider, modelId] = model.split('/');
    this.entry('model_change', { provider, modelId });
    this.model = model;
    this.exp.model = model;
  }

  setThinking(level: string): void {
    this.entry('thinking_level_change', { thinkingLevel: level });
    this.thinking = level;
    this.exp.thinking_level = level;
  }

  toolText(bytes: number): string {
    const lines: string[] = [];
    let size = 0;
    for (let i = 0; size < bytes; i++) {
      const l = `${i}: ${this.sentence(6)}`;
      lines.push(l);
      size += Buffer.byteLength(l) + 1;
    }
    return lines.join('\n');
  }

  /** Writes the whole session body. */
  body(): void {
    const q = this.spec.quirks ?? {};
    const v = this.version;
    const turns = Math.max(1, this.spec.turns ?? 6);
    if (v > 1) {
      this.setModel(this.model);
      this.setThinking('medium');
    }
    const garbageAt = new Set<number>();
    const blankAt = new Set<number>();
    for (let i = 0; i < (q.garbageLines ?? 0); i++) garbageAt.add(Math.floor(((i + 1) * turns) / ((q.garbageLines ?? 0) + 1)));
    for (let i = 0; i < (q.blankLines ?? 0); i++) blankAt.add(Math.floor(((i + 1) * turns) / ((q.blankLines ?? 0) + 2)));
    let firstAnswerId: string | null = null;
    let keptIndexId: string | null = null;
    const names = v > 1 ? [...(q.names ?? [])] : [];
    for (let turn = 0; turn < turns; turn++) {
      if (garbageAt.has(turn)) this.garbage('garbage');
      if (blankAt.has(turn)) this.garbage('blank');
      const parentForBranch = q.branches && v > 1 && turn === Math.min(3, turns - 1) && turn >= 2 && firstAnswerId;
      if (parentForBranch) {
        this.entry('branch_summary', { fromId: firstAnswerId, summary: 'Tried another approach first.', details: { readFiles: [], modifiedFiles: ['src/a.ts'] } }, { parentId: firstAnswerId });
      }
      const texts = turn === 0 && q.unicode ? ['请读取 数据.csv 并告诉我哪个城市人口最多 🏙️', `second block\u2028with a line separator ${this.pick(emoji)}`] : [`Turn ${turn}: ${this.sentence(this.int(4, 14))}`];
      const extraBlocks = turn === 0 && q.images ? [this.image(this.int(600, 2000))] : [];
      const joinUser = q.joinedLine === true && turn === 1;
      const extraFields = q.unknownEntries && turn === 0 ? { x_future_field: { nested: [1, 2, 3] } } : undefined;
      const userId = this.user(texts, extraBlocks, { joinWithNext: joinUser, ...(extraFields ? { extraFields } : {}) });
      if (q.compaction && turn === 1) keptIndexId = v === 1 ? `${this.objectIndex}` : userId;

      const thinking: Obj[] = q.thinking ? [{ type: 'thinking', thinking: `Think about ${this.sentence(5)}`, thinkingSignature: 'c2lnbmF0dXJl' }] : [];
      if (q.tools && (turn % 2 === 0 || turn === 1)) {
        const callId = `toolu_${turn}_${this.int(1000, 9999)}`;
        const edit = turn % 4 === 2;
        const call: Obj = edit
          ? { type: 'toolCall', id: callId, name: 'edit', arguments: { path: 'src/a.ts', oldText: 'return 1;', newText: 'return 2;' } }
          : { type: 'toolCall', id: callId, name: 'bash', arguments: { command: 'ls src' } };
        const asked = this.assistant([...thinking, { type: 'text', text: `Let me ${this.sentence(3)}.` }, call], { stopReason: 'toolUse', joinWithNext: false });
        if (joinUser) this.exp.joinedIds.push(userId, asked.id);
        const huge = turn === 0 && (q.hugeToolResultBytes ?? 0) > 0;
        const text = huge ? this.toolText(q.hugeToolResultBytes ?? 0) : edit ? 'Successfully replaced text in src/a.ts.' : this.toolText(this.spec.toolOutputBytes ?? 300);
        this.toolResult(callId, edit ? 'edit' : 'bash', text, {
          ...(edit ? { details: { diff: '-1 return 1;\n+1 return 2;', firstChangedLine: 1 } } : {}),
          ...(turn === 0 && q.images ? { image: this.image(800) } : {}),
        });
      }
      const answer = this.assistant([...(q.tools ? [] : thinking), { type: 'text', text: `Done: ${this.sentence(this.int(5, 20))}` }]);
      if (joinUser && !q.tools) this.exp.joinedIds.push(userId, answer.id);
      if (turn === 0) firstAnswerId = answer.id;
      if (q.duplicateAssistantLine && turn === 1) this.duplicate(answer.text);

      if (turn === 0 && names.length > 0) this.name(names.shift() ?? '');
      if (turn === 1 && q.bashExecution) this.bash();
      if (turn === 1 && q.unknownEntries) {
        this.entry('x_future_entry', { payload: { a: 1 } });
        this.entry('message', { message: { role: 'x_future_role', content: 'from the future', timestamp: this.now } });
      }
      if (turn === 1 && q.customMessage && v > 1) {
        this.entry('custom', { customType: 'todo-tracker', data: { todos: [] } });
        this.entry('custom_message', { customType: 'reminder', content: 'Run the tests.', display: true });
      }
      if (turn === 1 && q.hookMessage && v > 1) {
        this.entry('message', { message: { role: v === 2 ? 'hookMessage' : 'custom', customType: 'hook', content: 'hook says hi', display: true, timestamp: this.now } });
      }
      if (turn === 1 && q.labels && v > 1 && firstAnswerId) {
        this.entry('label', { targetId: userId, label: 'start' });
        this.entry('label', { targetId: firstAnswerId, label: 'answer' });
        this.entry('label', { targetId: firstAnswerId });
        this.exp.label_count = 1;
      }
      if (turn === 2 && q.modelChange) this.setModel('openai/gpt-5.1-codex');
      if (turn === 2 && q.thinking) this.setThinking('high');
      if (turn === Math.max(2, turns - 2) && q.compaction && keptIndexId) {
        if (v === 1) {
          const index = Number(keptIndexId);
          this.entry('compaction', { summary: '## Goal\nGenerated summary', firstKeptEntryIndex: index, tokensBefore: 12345 });
          this.exp.firstKeptEntryId = v1EntryId(index);
        } else {
          this.entry('compaction', { summary: '## Goal\nGenerated summary', firstKeptEntryId: keptIndexId, tokensBefore: 12345, details: { readFiles: [], modifiedFiles: [] } });
          this.exp.firstKeptEntryId = keptIndexId;
        }
        this.exp.compaction_count++;
        keptIndexId = null;
      }
      if (turn === turns - 1) for (const n of names.splice(0)) this.name(n);
    }
    if (q.partialLastLine) this.partial();
  }

  private name(name: string): void {
    this.entry('session_info', { name });
    if (name.trim()) this.exp.name = name.trim();
  }

  /** A last assistant line cut in the middle; the expected values stay as they were. */
  private partial(): void {
    const saved = structuredClone(this.exp);
    const [provider, model] = this.model.split('/');
    this.objectIndex++;
    const obj = { type: 'message', ...(this.version > 1 ? { id: this.newId(), parentId: this.leaf } : {}), timestamp: this.tick(), message: { role: 'assistant', content: [{ type: 'text', text: 'half written answer' }], provider, model, usage: { input: 1, output: 1, cacheRead: 0, cacheWrite: 0, totalTokens: 2 }, stopReason: 'stop', timestamp: this.now } };
    const text = JSON.stringify(obj);
    const cut = Math.floor(text.length / 2);
    this.out.write(text.slice(0, cut));
    Object.assign(this.exp, saved, { partialRest: `${text.slice(cut)}\n` });
  }
}

function uuid(rng: () => number): string {
  let hex = '';
  for (let i = 0; i < 32; i++) hex += Math.floor(rng() * 16).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${'89ab'[Math.floor(rng() * 4)]}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** Writes one session into `<root>/--<cwd>--/` and returns what a reader must find in it. */
export function writeSession(root: string, spec: SessionSpec = {}): ExpectedSession {
  // The version takes part so that one seed in several versions gives several files.
  const rng = seededRandom((spec.seed ?? 1) * 4 + (spec.version ?? 3));
  const cwd = spec.cwd ?? '/home/dev/projects/generated';
  const startMs = spec.startMs ?? Date.UTC(2026, 0, 1) + Math.floor(rng() * 300 * 86_400_000);
  const headerTs = new Date(startMs).toISOString();
  const id = uuid(rng);
  const dir = path.join(root, encodeCwd(cwd));
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${headerTs.replace(/[:.]/g, '-')}_${id}.jsonl`);
  return writeSessionFile(file, { ...spec, cwd, startMs }, id);
}

/** Writes one session to an exact path (the header id is derived from the seed unless given). */
export function writeSessionFile(file: string, spec: SessionSpec = {}, id?: string): ExpectedSession {
  const rng = seededRandom(spec.seed ?? 1);
  const startMs = spec.startMs ?? Date.UTC(2026, 0, 1);
  const sessionId = id ?? uuid(rng);
  const fd = fs.openSync(file, 'w');
  try {
    const out = new ChunkedFileWriter(fd);
    const writer = new SessionWriter(spec, out, spec.version ?? 3, sessionId, spec.cwd ?? '/home/dev/projects/generated', new Date(startMs).toISOString());
    writer.writeHeader();
    writer.body();
    out.flush();
    return { path: file, ...writer.exp };
  } finally {
    fs.closeSync(fd);
  }
}

export interface CorpusOptions {
  sessions: number;
  projects: number;
  seed?: number;
  /** Turns of one session; the default mix is mostly small, a few medium, rare huge ones. */
  turns?: (rng: () => number, index: number) => number;
  /** Tool output size of one session, in bytes. */
  toolOutputBytes?: (rng: () => number, index: number) => number;
  onProgress?: (written: number) => void;
}

function defaultTurns(rng: () => number): number {
  const r = rng();
  if (r < 0.8) return 1 + Math.floor(rng() * 15);
  if (r < 0.97) return 20 + Math.floor(rng() * 130);
  return 500 + Math.floor(rng() * 1500);
}

/** Writes `sessions` sessions spread over `projects` project folders (for benchmarks). */
export function writeCorpus(root: string, options: CorpusOptions): ExpectedSession[] {
  const rng = seededRandom(options.seed ?? 42);
  const out: ExpectedSession[] = [];
  for (let i = 0; i < options.sessions; i++) {
    const project = Math.floor(rng() * options.projects);
    const r = rng();
    const version: 1 | 2 | 3 = r < 0.05 ? 1 : r < 0.1 ? 2 : 3;
    out.push(
      writeSession(root, {
        seed: Math.floor(rng() * 2 ** 31),
        version,
        cwd: `/home/dev/projects/project-${project}`,
        turns: (options.turns ?? defaultTurns)(rng, i),
        toolOutputBytes: options.toolOutputBytes ? options.toolOutputBytes(rng, i) : 200 + Math.floor(rng() * 2000),
        quirks: { tools: true, thinking: rng() < 0.5, names: rng() < 0.2 ? [`Session ${i}`] : [], modelChange: rng() < 0.1 },
      }),
    );
    options.onProgress?.(i + 1);
  }
  return out;
}
