import * as fs from 'node:fs';
import * as path from 'node:path';

/** A file's size and modification time, as a stat reports them. */
export interface FileMark {
  size: number;
  mtimeMs: number;
}

/** What our own writers left in a file, for telling their growth from another pi's. */
export interface OwnWriteLedger {
  /** True when the file is exactly as one of our writers left it. */
  leftByUs(file: string, now: FileMark): boolean;
}

/**
 * Remembers how the product's own writers (our `pi --mode rpc` children, a rename's
 * `session_info` append) left each session file. A file that grew recently may be open in a
 * pi we cannot see; growth we made ourselves must not make us refuse our own next prompt.
 * Any later byte or touch by someone else changes the mark, and the file counts as theirs.
 */
export class OwnSessionWrites implements OwnWriteLedger {
  private readonly byPath = new Map<string, FileMark>();

  record(file: string, mark: FileMark): void {
    const key = path.resolve(file);
    // Re-inserted so the oldest marks are the first to go.
    this.byPath.delete(key);
    this.byPath.set(key, { size: mark.size, mtimeMs: mark.mtimeMs });
    while (this.byPath.size > maxMarks) this.byPath.delete(this.byPath.keys().next().value!);
  }

  /**
   * Records the file as it is now, once our writer has finished with it. Synchronous, so the
   * mark is in place before anyone can see the writer gone and the file freshly grown.
   */
  recordCurrent(file: string): void {
    const stat = fs.statSync(file, { throwIfNoEntry: false });
    if (stat) this.record(file, stat);
  }

  leftByUs(file: string, now: FileMark): boolean {
    const mark = this.byPath.get(path.resolve(file));
    return mark !== undefined && mark.size === now.size && mark.mtimeMs === now.mtimeMs;
  }
}

/** Only files written within the recent-activity window matter; a bound keeps memory flat. */
const maxMarks = 1024;
