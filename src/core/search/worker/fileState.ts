import type { SessionInfo } from '../../../shared/model/sessionInfo';
import type { SessionFileState } from './protocol';

/** What the search worker needs to know of a listed session to tell whether it changed. */
export function toFileState(info: SessionInfo): SessionFileState {
  const modified = Date.parse(info.modified);
  return {
    path: info.path,
    size: info.size_bytes,
    mtime_ms: info.file_mtime_ms,
    id: info.id,
    name: info.name,
    cwd: info.cwd,
    modified_ms: Number.isFinite(modified) ? modified : info.file_mtime_ms,
  };
}
