import * as fs from 'node:fs';
import * as path from 'node:path';
import { syncDir } from '../util/atomicWrite';
import { processAlive } from './processAlive';

/**
 * Whole-file generations written so that a crash at any instant leaves either the new file
 * or the previous generation (`<file>.prev`), both complete (security.md, defence 13).
 */

export async function writeFileDurably(file: string, bytes: Uint8Array | string): Promise<void> {
  const handle = await fs.promises.open(file, 'w', 0o600);
  try {
    await handle.writeFile(bytes);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Replaces `file` with `bytes`: a temp file, fsync, the current file kept as `.prev`, an
 * atomic rename, then the folder synced so the rename itself survives a power cut.
 */
export async function replaceFileDurably(file: string, bytes: Uint8Array): Promise<void> {
  // Per-process temp names: two processes saving at once never write the same temp file.
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    await writeFileDurably(tmp, bytes);
    if (fs.existsSync(file)) await fs.promises.rename(file, `${file}.prev`);
    await fs.promises.rename(tmp, file);
  } catch (err) {
    await fs.promises.rm(tmp, { force: true }).catch(() => undefined);
    throw err;
  }
  await syncDir(path.dirname(file));
}

/** The generations to try when reading, newest first. */
export function generationsOf(file: string): string[] {
  return [file, `${file}.prev`];
}

/** Temp files of saves that a killed process never finished (`<file>.<pid>.tmp`). */
export function removeOrphanTempFiles(file: string): void {
  const dir = path.dirname(file);
  const prefix = `${path.basename(file)}.`;
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return;
  }
  for (const name of names) {
    const m = name.startsWith(prefix) ? /^(\d+)\.tmp$/.exec(name.slice(prefix.length)) : null;
    if (!m) continue;
    const pid = Number(m[1]);
    if (pid === process.pid || processAlive(pid)) continue;
    fs.rmSync(path.join(dir, name), { force: true });
  }
}

/** Identity of a file as written; another process replacing it changes the stamp. */
export function fileStamp(file: string): string | undefined {
  try {
    const st = fs.statSync(file);
    return `${st.ino}:${st.size}:${st.mtimeMs}`;
  } catch {
    return undefined;
  }
}

/** The file's bytes, or undefined when it is missing or empty. */
export function readIfPresent(file: string): Buffer | undefined {
  try {
    const bytes = fs.readFileSync(file);
    return bytes.length > 0 ? bytes : undefined;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}
