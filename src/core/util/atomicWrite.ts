import * as fs from 'node:fs';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';

export interface AtomicWriteOptions {
  /** File mode for a newly written file (the temp file is created with it). Default 0o644. */
  mode?: number;
  /**
   * When false, an existing target is never replaced: the call fails with an `EEXIST` error.
   * Default true.
   */
  overwrite?: boolean;
}

/**
 * Writes `data` to `file` so that readers see either the old content or the new one, never a
 * half-written file: the bytes go to a temp file in the same folder, are flushed to disk, and
 * the temp file is then renamed (or, without overwrite, hard-linked) into place.
 */
export async function writeFileAtomic(file: string, data: string | Uint8Array, opts: AtomicWriteOptions = {}): Promise<void> {
  const dir = path.dirname(file);
  const temp = path.join(dir, `.${path.basename(file)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  const handle = await fs.promises.open(temp, 'wx', opts.mode ?? 0o644);
  try {
    try {
      await handle.writeFile(data);
      // open() applies the umask; an explicit mode (say, keeping a file's 0640) must be exact.
      if (opts.mode !== undefined) await handle.chmod(opts.mode);
      await handle.sync();
    } finally {
      await handle.close();
    }
    if (opts.overwrite === false) await linkExclusive(temp, file);
    else await fs.promises.rename(temp, file);
  } catch (err) {
    await fs.promises.rm(temp, { force: true });
    throw err;
  }
  await fs.promises.rm(temp, { force: true });
  await syncDir(dir);
}

/** A hard link fails when the target exists, which makes "create only" race-free. */
async function linkExclusive(temp: string, file: string): Promise<void> {
  try {
    await fs.promises.link(temp, file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') throw err;
    // Some file systems (FAT, some network mounts) have no hard links; fall back to a
    // check-then-rename, which is only racy against a concurrent writer of the same name.
    if (fs.existsSync(file)) {
      const exists: NodeJS.ErrnoException = new Error(`EEXIST: file already exists, '${file}'`);
      exists.code = 'EEXIST';
      throw exists;
    }
    await fs.promises.rename(temp, file);
  }
}

/** Makes a rename in `dir` durable; not supported on Windows, where it is skipped. */
export async function syncDir(dir: string): Promise<void> {
  if (process.platform === 'win32') return;
  let handle: fs.promises.FileHandle | undefined;
  try {
    handle = await fs.promises.open(dir, 'r');
    await handle.sync();
  } catch {
    // Best effort: the data itself is already flushed.
  } finally {
    await handle?.close();
  }
}

export function isAlreadyExists(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as NodeJS.ErrnoException).code === 'EEXIST';
}
