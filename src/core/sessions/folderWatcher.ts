import * as fs from 'node:fs';
import * as path from 'node:path';
import type { IDisposable } from '../lifecycle';

export interface FolderWatcherEvents {
  /** Something happened to this `.jsonl` path (created, written, renamed or deleted). */
  onFile(file: string): void;
  /** A folder appeared below a watched root (it is watched from now on). */
  onFolderAdded(dir: string): void;
  /** A watched folder is gone (with everything below it). */
  onFolderRemoved(dir: string): void;
  /** Events may have been lost (overflow, a watch that failed): the caller should rescan. */
  onTrouble(reason: string): void;
}

const hidden = (name: string) => name.startsWith('.');

/**
 * Watches session folders with one `fs.watch` per folder, found by listing folders only:
 * arming it costs a readdir per folder, never a stat per file, however many sessions there
 * are. Symbolic links and hidden entries are not followed, as in the scan. A folder event
 * stats just the name it concerns, and only when that name is not a session file.
 */
export class FolderWatcher implements IDisposable {
  private readonly watchers = new Map<string, fs.FSWatcher>();
  private closed = false;

  constructor(private readonly events: FolderWatcherEvents) {}

  /** Starts watching these roots and every folder below them. */
  add(roots: readonly string[]): void {
    for (const root of roots) this.watchTree(root);
  }

  /** Stops watching these roots and everything below them. */
  unwatch(roots: readonly string[]): void {
    for (const root of roots) this.unwatchTree(root);
  }

  /** Folders watched right now. */
  get size(): number {
    return this.watchers.size;
  }

  dispose(): void {
    this.closed = true;
    for (const w of this.watchers.values()) w.close();
    this.watchers.clear();
  }

  private watchTree(root: string): void {
    const stack = [root];
    while (stack.length > 0) {
      const dir = stack.pop()!;
      if (!this.watchOne(dir)) continue;
      let entries: fs.Dirent[];
      try {
        entries = fs.readdirSync(dir, { withFileTypes: true });
      } catch {
        continue;
      }
      // Dirent types come with the listing: no stat per entry, and a symlink is not a directory.
      for (const e of entries) if (e.isDirectory() && !hidden(e.name)) stack.push(path.join(dir, e.name));
    }
  }

  private watchOne(dir: string): boolean {
    if (this.closed || this.watchers.has(dir)) return false;
    let watcher: fs.FSWatcher;
    try {
      watcher = fs.watch(dir, { persistent: true }, (_event, name) => this.onEvent(dir, name));
    } catch (err) {
      this.events.onTrouble(`cannot watch ${dir}: ${(err as Error).message}`);
      return false;
    }
    watcher.on('error', (err) => {
      // The folder went away or the watch broke; whichever it is, a rescan finds out.
      this.unwatchTree(dir);
      this.events.onTrouble(`watching ${dir} failed: ${err.message}`);
    });
    this.watchers.set(dir, watcher);
    return true;
  }

  private unwatchTree(dir: string): boolean {
    let any = false;
    const prefix = dir + path.sep;
    for (const [d, w] of this.watchers) {
      if (d === dir || d.startsWith(prefix)) {
        w.close();
        this.watchers.delete(d);
        any = true;
      }
    }
    return any;
  }

  private onEvent(dir: string, name: string | Buffer | null): void {
    if (this.closed) return;
    if (name === null) {
      this.events.onTrouble(`an event in ${dir} came without a name`);
      return;
    }
    const base = name.toString();
    if (hidden(path.basename(base))) return;
    const full = path.join(dir, base);
    if (full.endsWith('.jsonl')) {
      this.events.onFile(full);
      return;
    }
    let st: fs.Stats | undefined;
    try {
      st = fs.lstatSync(full, { throwIfNoEntry: false });
    } catch {
      st = undefined;
    }
    if (st?.isDirectory()) {
      if (!this.watchers.has(full)) {
        this.watchTree(full);
        this.events.onFolderAdded(full);
      }
    } else if (!st && this.unwatchTree(full)) {
      this.events.onFolderRemoved(full);
    }
  }
}
