import * as fs from 'node:fs';
import { ApiError } from '../../shared/api/errors';

/**
 * Session paths reaching a reader were checked to be canonical and inside a session folder,
 * but the folder may change between that check and the open. So the file is opened without
 * following a final symlink, and afterwards the path must still have no symlink in any
 * component (realpath leaves it unchanged) and must name the very inode that was opened.
 * Whatever was swapped in meanwhile, the bytes read are those of the checked file or none.
 * On Linux the kernel's own name for the opened file proves both at once (`kernelPathSync`).
 */
const noFollow = fs.constants.O_NOFOLLOW ?? 0;
const readFlags = fs.constants.O_RDONLY | noFollow;
/** No O_CREAT: the product only ever appends to session files that already exist. */
const appendFlags = fs.constants.O_RDWR | fs.constants.O_APPEND | noFollow;

export class UnsafeSessionFileError extends ApiError {
  constructor(file: string, reason: string) {
    super('forbidden', `${file}: ${reason}`);
    this.name = 'UnsafeSessionFileError';
  }
}

function refusal(file: string, err: unknown): Error {
  const code = (err as NodeJS.ErrnoException).code;
  // ELOOP is what O_NOFOLLOW answers for a symlink.
  if (code === 'ELOOP' || code === 'EMLINK') return new UnsafeSessionFileError(file, 'is a symbolic link');
  return err instanceof Error ? err : new Error(String(err));
}

function sameFile(a: fs.Stats, b: fs.Stats): boolean {
  return a.dev === b.dev && a.ino === b.ino;
}

function verify(file: string, opened: fs.Stats, real: string, atPath: fs.Stats | undefined): void {
  if (!opened.isFile()) throw new UnsafeSessionFileError(file, 'not a regular file');
  if (real !== file) throw new UnsafeSessionFileError(file, 'the path goes through a symbolic link');
  if (!atPath || !sameFile(opened, atPath)) throw new UnsafeSessionFileError(file, 'the file was replaced while it was opened');
}

export async function openSessionFile(file: string, mode: 'read' | 'append' = 'read'): Promise<fs.promises.FileHandle> {
  let handle: fs.promises.FileHandle;
  try {
    handle = await fs.promises.open(file, mode === 'read' ? readFlags : appendFlags);
  } catch (err) {
    throw refusal(file, err);
  }
  try {
    const opened = await handle.stat();
    // The JS realpath keeps each component as spelled and only rewrites symlinks, so an
    // unchanged result means no component is a link (whatever the file system's case rules).
    const real = await fs.promises.realpath(file).catch(() => '');
    const atPath = await fs.promises.lstat(file).catch(() => undefined);
    verify(file, opened, real, atPath);
    return handle;
  } catch (err) {
    await handle.close();
    throw err;
  }
}

/** Linux names every open file descriptor's file under /proc/self/fd. */
const kernelNamesFds = process.platform === 'linux';

/**
 * The path the kernel gives for an open file: built from the directory entries that lead to
 * the opened inode, so it holds no symlink, and a file unlinked or renamed since the open no
 * longer has the path it was opened by. Undefined where the system has no such name.
 */
function kernelPathSync(fd: number): Buffer | undefined {
  if (!kernelNamesFds) return undefined;
  try {
    // Bytes, not text: decoding would read a name with invalid UTF-8 like another name.
    return fs.readlinkSync(`/proc/self/fd/${fd}`, { encoding: 'buffer' });
  } catch {
    return undefined;
  }
}

export function openSessionFileSync(file: string): number {
  let fd: number;
  try {
    fd = fs.openSync(file, readFlags);
  } catch (err) {
    throw refusal(file, err);
  }
  try {
    const opened = fs.fstatSync(fd);
    // One call proves what realpath and lstat prove below (no link on the way, the very file
    // at the path): search snippets open a file per hit, and realpath costs an lstat per
    // path component. Any other answer takes the full check, which also says what is wrong.
    if (opened.isFile() && kernelPathSync(fd)?.equals(Buffer.from(file)) === true) return fd;
    let real = '';
    try {
      real = fs.realpathSync(file);
    } catch {
      real = '';
    }
    verify(file, opened, real, fs.lstatSync(file, { throwIfNoEntry: false }));
    return fd;
  } catch (err) {
    fs.closeSync(fd);
    throw err;
  }
}
