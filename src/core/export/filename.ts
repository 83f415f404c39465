import type { ParsedSession } from '../../shared/model/entries';
import type { SessionInfo } from '../../shared/model/sessionInfo';
import { sessionName } from '../../shared/render/summary';

const MAX_SLUG_LENGTH = 80;

/**
 * A file-name-safe form of a session name: no path separators, no characters Windows
 * rejects, no leading dots (hidden files, `..`), bounded length. Letters of any script stay.
 */
export function slugify(text: string): string {
  const cleaned = text
    .normalize('NFKC')
    .replace(/[\\/:*?"<>|\u0000-\u001f\u007f]+/g, ' ')
    .replace(/\s+/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^[-.]+|[-.]+$/g, '');
  return Array.from(cleaned).slice(0, MAX_SLUG_LENGTH).join('').replace(/[-.]+$/, '');
}

/** `pi-session-<name or id>.<ext>`; the prefix also keeps clear of reserved names like `CON`. */
export function exportFilename(parsed: ParsedSession, extension: string, info?: SessionInfo | null): string {
  const candidates = [info?.name, sessionName(parsed), parsed.header.id];
  for (const candidate of candidates) {
    const slug = typeof candidate === 'string' ? slugify(candidate) : '';
    if (slug) return `pi-session-${slug}.${extension}`;
  }
  return `pi-session.${extension}`;
}
