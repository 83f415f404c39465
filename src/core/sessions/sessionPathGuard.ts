import * as fs from 'node:fs';
import * as path from 'node:path';
import { ApiError } from '../../shared/api/errors';

/**
 * A session command's `path` must resolve, after realpath (so `..`, odd encodings and
 * symlinks are all seen for what they are), to a `.jsonl` file inside one of the session
 * folders (security.md, defence 8). Anything else is refused before any byte is read.
 */
export async function resolveSessionFile(input: string, sessionDirs: readonly string[], field = 'path'): Promise<string> {
  if (input.includes('\0')) throw new ApiError('invalid_payload', `${field}: contains a NUL character`);
  if (!path.isAbsolute(input)) throw new ApiError('invalid_payload', `${field}: must be an absolute path`);
  if (!input.endsWith('.jsonl')) throw new ApiError('forbidden', `${field}: only .jsonl session files can be used`);
  let real: string;
  try {
    real = await fs.promises.realpath(input);
  } catch {
    throw new ApiError('not_found', `${field}: no such session file: ${input}`);
  }
  if (!real.endsWith('.jsonl')) throw new ApiError('forbidden', `${field}: only .jsonl session files can be used`);
  const roots = await Promise.all(sessionDirs.map((d) => fs.promises.realpath(d).catch(() => undefined)));
  if (!roots.some((root) => root !== undefined && isInside(real, root))) {
    throw new ApiError('forbidden', `${field}: ${input} is not inside a session folder`);
  }
  const st = await fs.promises.stat(real);
  if (!st.isFile()) throw new ApiError('forbidden', `${field}: not a regular file`);
  return real;
}

export function isInside(child: string, root: string): boolean {
  const rel = path.relative(root, child);
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
}

/**
 * A session file a running pi names for itself (a bridge's `register`): the same rules as
 * `resolveSessionFile`, except that the file may not exist yet (pi creates it at the first
 * message). Its folder is resolved with realpath and must lie in a session folder; if the file
 * exists it must be a regular file, not a link. Returns the path with the folder resolved.
 */
export async function resolveSessionFileToBe(input: string, sessionDirs: readonly string[], field = 'sessionPath'): Promise<string> {
  if (input.includes('\0')) throw new ApiError('invalid_payload', `${field}: contains a NUL character`);
  if (!path.isAbsolute(input)) throw new ApiError('invalid_payload', `${field}: must be an absolute path`);
  if (!input.endsWith('.jsonl')) throw new ApiError('forbidden', `${field}: only .jsonl session files can be used`);
  let folder: string;
  try {
    folder = await fs.promises.realpath(path.dirname(input));
  } catch {
    throw new ApiError('not_found', `${field}: the folder of ${input} does not exist`);
  }
  const real = path.join(folder, path.basename(input));
  const roots = await Promise.all(sessionDirs.map((d) => fs.promises.realpath(d).catch(() => undefined)));
  if (!roots.some((root) => root !== undefined && isInside(real, root))) {
    throw new ApiError('forbidden', `${field}: ${input} is not inside a session folder`);
  }
  const st = await fs.promises.lstat(real).catch(() => undefined);
  if (st && !st.isFile()) throw new ApiError('forbidden', `${field}: ${input} is not a regular file`);
  return real;
}
