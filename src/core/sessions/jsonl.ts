import * as fs from 'node:fs';
import { openSessionFile, openSessionFileSync } from './safeOpen';

/*
 * JSONL framing and recovery: bytes to lines, lines to JSON objects, and the tolerant
 * recovery of lines pi wrote badly. Nothing here knows what a session is (that is parser.ts).
 */

/** One complete line of a JSONL file: its text and where its bytes sit in the file. */
export interface JsonlLine {
  text: string;
  /** Byte offset of the line's first byte. */
  offset: number;
  /** Byte length of the line without its `\n` (and without a stripped `\r`). */
  length: number;
}

const LF = 0x0a;
const CR = 0x0d;

/**
 * Splits a byte stream into lines on `\n` only. U+2028/U+2029 are ordinary characters in
 * JSON strings, which is why this works on bytes instead of using `readline`. A last line
 * without its `\n` stays pending: pi may be half-way through appending it.
 */
export class JsonlLineSplitter {
  private pending: Buffer[] = [];
  private pendingLength = 0;
  private consumed: number;

  constructor(startOffset = 0) {
    this.consumed = startOffset;
  }

  /** Byte offset just past the last complete line; a tail read resumes here. */
  get offset(): number {
    return this.consumed;
  }

  /** Bytes of an incomplete last line held back so far. */
  get pendingBytes(): number {
    return this.pendingLength;
  }

  /**
   * Feeds a chunk and returns the lines it completes. The chunk may be reused by the caller
   * afterwards: whatever is kept pending is copied.
   */
  push(chunk: Buffer): JsonlLine[] {
    const lines: JsonlLine[] = [];
    let start = 0;
    if (this.pendingLength > 0) {
      const nl = chunk.indexOf(LF);
      if (nl === -1) {
        this.hold(chunk);
        return lines;
      }
      const joined = Buffer.concat([...this.pending, chunk.subarray(0, nl)]);
      this.emit(lines, joined, 0, joined.length);
      this.pending = [];
      this.pendingLength = 0;
      start = nl + 1;
    }
    // A decode per line, not per chunk: one CJK character would make a whole chunk's string
    // two bytes per character, and every JSON.parse of its lines slower.
    for (let nl = chunk.indexOf(LF, start); nl !== -1; nl = chunk.indexOf(LF, start)) {
      this.emit(lines, chunk, start, nl);
      start = nl + 1;
    }
    if (start < chunk.length) this.hold(chunk.subarray(start));
    return lines;
  }

  /** Keeps a copy of an incomplete line's bytes (the caller may reuse the chunk). */
  private hold(bytes: Buffer): void {
    const copy = Buffer.from(bytes);
    this.pending.push(copy);
    this.pendingLength += copy.length;
  }

  /** Emits the line held in `bytes[start, end)` (its `\n` excluded). */
  private emit(lines: JsonlLine[], bytes: Buffer, start: number, end: number): void {
    const fullLength = end - start;
    const length = fullLength > 0 && bytes[end - 1] === CR ? fullLength - 1 : fullLength;
    let text = bytes.toString('utf8', start, start + length);
    // A byte-order mark some editors add would otherwise break the header's JSON.parse.
    if (this.consumed === 0 && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    lines.push({ text, offset: this.consumed, length });
    this.consumed += fullLength + 1;
  }

}

/** Up to this many bytes are read in one blocking call (a few milliseconds at most). */
const syncReadLimit = 4 * 1024 * 1024;

/**
 * The buffer of the one-call reads, reused from file to file and dropped after a few idle
 * seconds. A buffer per file made every file of a scan allocate afresh and leave its buffer
 * behind, dead, until the next collection. Each thread has its own (module state is per
 * thread), and a file's lines are decoded before the next read.
 */
class ReusedReadBuffer {
  private buffer: Buffer | undefined;
  private lastUse = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly idleMs: number) {}

  /** A buffer of exactly `size` bytes, valid until the next call. */
  take(size: number): Buffer {
    if (!this.buffer || this.buffer.length < size) {
      // Grown by doubling (within the one-call limit): a run of ever larger files allocates a few times, not once each.
      this.buffer = Buffer.allocUnsafeSlow(Math.max(size, Math.min(syncReadLimit, 2 * (this.buffer?.length ?? 32 * 1024))));
    }
    this.lastUse = Date.now();
    this.timer ??= this.armRelease();
    return this.buffer.subarray(0, size);
  }

  private armRelease(): NodeJS.Timeout {
    const timer = setTimeout(() => {
      this.timer = undefined;
      if (Date.now() - this.lastUse >= this.idleMs) this.buffer = undefined;
      else this.timer = this.armRelease();
    }, this.idleMs);
    timer.unref();
    return timer;
  }
}

const wholeFileBuffer = new ReusedReadBuffer(2_000);

export interface ReadLinesOptions {
  fromOffset?: number;
  /** Stop reading at this byte offset (e.g. the size the caller stat'ed). */
  toOffset?: number;
  chunkSize?: number;
  /** Called between chunks of a large file; reading waits while it returns a promise. */
  pause?: () => Promise<void> | undefined;
}

/**
 * Reads complete lines from a file, chunk by chunk, never holding more than one line plus
 * one chunk in memory. Resolves with the offset just past the last complete line.
 */
export async function readJsonlLines(file: string, onLine: (line: JsonlLine) => void, options: ReadLinesOptions = {}): Promise<number> {
  const from = options.fromOffset ?? 0;
  const splitter = new JsonlLineSplitter(from);
  if (options.toOffset !== undefined && options.toOffset - from <= syncReadLimit) {
    // Most session files are small: one synchronous read of exactly their size costs less
    // than the thread-pool round trips and the 1 MB buffer of the chunked path.
    const fd = openSessionFileSync(file);
    try {
      const buffer = wholeFileBuffer.take(Math.max(0, options.toOffset - from));
      let filled = 0;
      while (filled < buffer.length) {
        const n = fs.readSync(fd, buffer, filled, buffer.length - filled, from + filled);
        if (n === 0) break;
        filled += n;
      }
      for (const line of splitter.push(buffer.subarray(0, filled))) onLine(line);
    } finally {
      fs.closeSync(fd);
    }
    return splitter.offset;
  }
  const handle = await openSessionFile(file);
  try {
    const buffer = Buffer.allocUnsafe(options.chunkSize ?? 1 << 20);
    let position = from;
    const limit = options.toOffset ?? Number.POSITIVE_INFINITY;
    while (position < limit) {
      const want = Math.min(buffer.length, limit - position);
      const { bytesRead } = await handle.read(buffer, 0, want, position);
      if (bytesRead === 0) break;
      position += bytesRead;
      for (const line of splitter.push(buffer.subarray(0, bytesRead))) onLine(line);
      const wait = options.pause?.();
      if (wait) await wait;
    }
  } finally {
    await handle.close();
  }
  return splitter.offset;
}

export type ParsedObject = Record<string, unknown>;

export function isObject(value: unknown): value is ParsedObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Objects found on one line; `skipped` when the line held none (blank or garbage). */
export interface LineObjects {
  objects: ParsedObject[];
  skipped: boolean;
}

/**
 * Parses one line. A line that is not valid JSON may be several objects written without the
 * newline between them (`{…}{…}`), or a half-written object followed by a complete one;
 * both are recovered. Anything else counts as a skipped line.
 */
export function parseJsonlLine(text: string): LineObjects {
  if (text.trim() === '') return { objects: [], skipped: true };
  try {
    const value: unknown = JSON.parse(text);
    return isObject(value) ? { objects: [value], skipped: false } : { objects: [], skipped: true };
  } catch {
    const objects = recoverConcatenatedObjects(text);
    return { objects, skipped: objects.length === 0 };
  }
}

/** Top-level `{…}` spans found by bracket depth, ignoring brackets inside strings. */
function depthSplit(text: string): string[] {
  const pieces: string[] = [];
  let depth = 0;
  let inString = false;
  let escaped = false;
  let start = -1;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (escaped) escaped = false;
      else if (c === 0x5c) escaped = true;
      else if (c === 0x22) inString = false;
      continue;
    }
    if (c === 0x22) {
      inString = true;
    } else if (c === 0x7b || c === 0x5b) {
      if (depth === 0) start = c === 0x7b ? i : -1;
      depth++;
    } else if (c === 0x7d || c === 0x5d) {
      depth--;
      if (depth === 0 && start >= 0) {
        pieces.push(text.slice(start, i + 1));
        start = -1;
      } else if (depth < 0) {
        depth = 0;
      }
    }
  }
  return pieces;
}

function tryParseObject(text: string): ParsedObject | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return isObject(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

/** Beyond this many candidate starts the slower fallback is not worth trying. */
const maxFallbackCandidates = 64;

export function recoverConcatenatedObjects(text: string): ParsedObject[] {
  const bySplit: ParsedObject[] = [];
  let allParsed = true;
  for (const piece of depthSplit(text)) {
    const obj = tryParseObject(piece);
    if (obj) bySplit.push(obj);
    else allParsed = false;
  }
  if (allParsed && bySplit.length > 0) return bySplit;
  // A half-written object throws the depth count off for the rest of the line, so retry from
  // each place an entry can start: `{"type"`.
  const starts: number[] = [];
  for (let i = text.indexOf('{"type"'); i !== -1; i = text.indexOf('{"type"', i + 1)) {
    starts.push(i);
    if (starts.length > maxFallbackCandidates) return bySplit;
  }
  const byStarts: ParsedObject[] = [];
  let s = 0;
  while (s < starts.length) {
    let found = -1;
    for (let e = s + 1; e <= starts.length && found === -1; e++) {
      const end = e < starts.length ? starts[e] : text.length;
      const obj = tryParseObject(text.slice(starts[s], end));
      if (obj && typeof obj.type === 'string') {
        byStarts.push(obj);
        found = e;
      }
    }
    s = found === -1 ? s + 1 : found;
  }
  return byStarts.length > bySplit.length ? byStarts : bySplit;
}
