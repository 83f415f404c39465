/**
 * Splits pi's RPC stdout into lines on LF only. pi's JSON strings may hold raw U+2028/U+2029,
 * which Node's readline treats as line ends, so readline would cut records apart. Bytes are
 * kept until a line is complete, so a UTF-8 sequence split across chunks decodes intact
 * (0x0A never occurs inside a multi-byte sequence).
 */
export class JsonlFramer {
  private pending: Buffer[] = [];
  private pendingBytes = 0;

  /** @param maxLineBytes a line longer than this is dropped, so junk output cannot grow memory without bound. */
  constructor(private readonly maxLineBytes = 64 * 1024 * 1024) {}

  /** Returns the lines completed by this chunk, without their `\n` (and a trailing `\r`). */
  push(chunk: Buffer | string): string[] {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
    const lines: string[] = [];
    let start = 0;
    for (let nl = bytes.indexOf(0x0a, start); nl !== -1; nl = bytes.indexOf(0x0a, start)) {
      this.append(bytes.subarray(start, nl));
      lines.push(this.takeLine());
      start = nl + 1;
    }
    if (start < bytes.length) this.append(bytes.subarray(start));
    return lines.filter((line) => line !== oversized);
  }

  /** The unterminated rest at end of stream, if any. */
  end(): string[] {
    if (this.pendingBytes === 0 && this.pending.length === 0) return [];
    const line = this.takeLine();
    return line === oversized || line.length === 0 ? [] : [line];
  }

  private append(part: Buffer): void {
    if (this.pendingBytes > this.maxLineBytes) return;
    this.pendingBytes += part.length;
    // Copied because the stream may reuse the chunk's memory.
    this.pending.push(Buffer.from(part));
  }

  private takeLine(): string {
    const tooLong = this.pendingBytes > this.maxLineBytes;
    const text = tooLong ? oversized : Buffer.concat(this.pending).toString('utf8');
    this.pending = [];
    this.pendingBytes = 0;
    if (tooLong) return oversized;
    return text.endsWith('\r') ? text.slice(0, -1) : text;
  }
}

/** Marker for a dropped over-long line; NUL cannot start a real JSON line. */
const oversized = '\u0000oversized';
