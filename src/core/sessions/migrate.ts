import type { SessionEntry, SessionHeader } from '../../shared/model/entries';

/**
 * In-memory migration of old session files to the v3 shapes (pi-format.md §2.8). pi rewrites
 * a file when it migrates it; this never writes anything, it only changes the objects read.
 *
 * - v1 (no `version`): entries get ids and `parentId` = the previous entry's id, making a
 *   linear chain; compaction `firstKeptEntryIndex` (index of an object in the file, header =
 *   0) becomes `firstKeptEntryId`.
 * - v1 and v2: message role `hookMessage` becomes `custom`.
 *
 * Works one object at a time so that a tail read can continue a v1 chain: the state needed
 * is just the next object index and the previous entry id.
 */

export const currentSessionVersion = 3;

type JsonObject = Record<string, unknown>;

/** The header as a SessionHeader (version defaulting to 1), or null if `raw` is not one. */
export function normalizeHeader(raw: JsonObject): SessionHeader | null {
  if (raw.type !== 'session' || typeof raw.id !== 'string') return null;
  const version = typeof raw.version === 'number' && Number.isFinite(raw.version) ? raw.version : 1;
  // Legacy keys (provider, modelId, thinkingLevel, branchedFrom) stay as read.
  return {
    ...raw,
    type: 'session',
    version,
    id: raw.id,
    timestamp: typeof raw.timestamp === 'string' ? raw.timestamp : '',
    cwd: typeof raw.cwd === 'string' ? raw.cwd : '',
  };
}

/**
 * Id given to the v1 object at `index` (header = 0). Deterministic, so a later tail read and
 * a `firstKeptEntryIndex` lookup (which may point forward) agree without a lookup table.
 * pi's own ids are random; these only need to be unique within the file.
 */
export function v1EntryId(index: number): string {
  return index.toString(16).padStart(8, '0');
}

export interface MigrationState {
  /** Index the next body object will have (header = 0). */
  nextIndex: number;
  /** Id of the previous v1 entry: the next one's parent. */
  prevId: string | null;
}

export class EntryMigrator {
  private nextIndex: number;
  private prevId: string | null;

  constructor(readonly fileVersion: number, state?: MigrationState) {
    this.nextIndex = state?.nextIndex ?? 1;
    this.prevId = state?.prevId ?? null;
  }

  get state(): MigrationState {
    return { nextIndex: this.nextIndex, prevId: this.prevId };
  }

  /**
   * The v3 form of one body object (mutated in place), or null when the object is not an
   * entry: no string `type`, a stray second header, or (v2+) no string `id`.
   */
  migrate(obj: JsonObject): SessionEntry | null {
    const index = this.nextIndex++;
    if (typeof obj.type !== 'string' || obj.type === 'session') return null;
    if (this.fileVersion < 2) {
      const id = v1EntryId(index);
      obj.id = id;
      obj.parentId = this.prevId;
      this.prevId = id;
      if (obj.type === 'compaction' && typeof obj.firstKeptEntryIndex === 'number') {
        const target = obj.firstKeptEntryIndex;
        if (Number.isInteger(target) && target >= 1) obj.firstKeptEntryId = v1EntryId(target);
        delete obj.firstKeptEntryIndex;
      }
    } else {
      if (typeof obj.id !== 'string') return null;
      if (typeof obj.parentId !== 'string') obj.parentId = null;
    }
    if (typeof obj.timestamp !== 'string') obj.timestamp = '';
    if (this.fileVersion < 3 && obj.type === 'message') {
      const message = obj.message;
      if (typeof message === 'object' && message !== null && (message as JsonObject).role === 'hookMessage') {
        (message as JsonObject).role = 'custom';
      }
    }
    return obj as SessionEntry;
  }
}

/** Migrates a whole list of body objects (file order, header excluded). */
export function migrateEntries(fileVersion: number, objects: JsonObject[]): SessionEntry[] {
  const migrator = new EntryMigrator(fileVersion);
  const out: SessionEntry[] = [];
  for (const obj of objects) {
    const entry = migrator.migrate(obj);
    if (entry) out.push(entry);
  }
  return out;
}
