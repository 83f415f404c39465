import * as fs from 'node:fs';
import * as path from 'node:path';
import { ApiError } from '../../shared/api/errors';
import type { SessionInfo } from '../../shared/model/sessionInfo';

/** The part of the session index that user data needs (`SessionIndex` satisfies it). */
export interface SessionLookup {
  ready(): Promise<void>;
  all(): SessionInfo[];
  get(file: string): SessionInfo | undefined;
  /** Re-publishes a session after its decorations (tags, favorite) changed. */
  touch(file: string): void;
}

/**
 * The key user data is stored under. Tags and favorites follow the session's header id, so
 * they survive the file being moved or renamed; a session without an id (a damaged header)
 * falls back to its path.
 */
export function sessionKey(info: Pick<SessionInfo, 'id' | 'path'>): string {
  return info.id ? info.id : `path:${info.path}`;
}

/** The key to use for a session that is gone from the index, from the id and path it had. */
export function keyFor(id: string, file: string): string {
  return id ? id : `path:${file}`;
}

/** Paths in the index are real paths; a symlinked or `..` form of the same file still matches. */
export function findSession(sessions: SessionLookup, given: string): SessionInfo | undefined {
  let real: string | undefined;
  try {
    real = fs.realpathSync(given);
  } catch {
    real = undefined;
  }
  return (real !== undefined ? sessions.get(real) : undefined) ?? (path.isAbsolute(given) ? sessions.get(path.normalize(given)) : undefined);
}

export function unknownSession(field: string, given: string): ApiError {
  const shown = given.length > 200 ? `${given.slice(0, 200)}…` : given;
  return new ApiError('not_found', `${field}: no known session at ${shown}`);
}

/** Current paths of every known session, by key (several files may share one id). */
export function pathsByKey(sessions: SessionLookup): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const info of sessions.all()) {
    const key = sessionKey(info);
    const list = out.get(key);
    if (list) list.push(info.path);
    else out.set(key, [info.path]);
  }
  return out;
}
