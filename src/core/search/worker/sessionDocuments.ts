import { extractEntryMessages, type IndexableMessage } from '../extract';
import type { SessionHeader } from '../../../shared/model/entries';
import { EntryMigrator } from '../../sessions/migrate';
import { entryDedupKey, InvalidSessionFileError, readSessionObjects } from '../../sessions/parser';

/** Documents are handed over in batches so a 100 MB session never sits in memory whole. */
const batchSize = 2000;

export interface ReadDocumentsOptions {
  /** Resume after this byte offset (just past the last line read before). 0 = whole file. */
  fromOffset: number;
  /** The file's format version, needed when resuming (the header is not read again). */
  version?: number;
  /** Stop at this byte offset: the size the file had when it was listed. */
  toOffset?: number;
}

export interface ReadDocumentsResult {
  /** Byte offset just past the last complete line: where the next tail read starts. */
  offset: number;
  version: number;
  header: SessionHeader | undefined;
  docs: number;
}

/**
 * Reads the searchable documents of a session file, each tagged with the byte span of its
 * line so the index keeps no copy of the text. A v1 file gets its entry ids from its object
 * positions, so resuming one means reading it from the start and dropping what was before
 * `fromOffset`; newer files are read from the offset only.
 */
export async function readSessionDocuments(file: string, options: ReadDocumentsOptions, onDocs: (docs: IndexableMessage[]) => void): Promise<ReadDocumentsResult> {
  const resumeAt = options.fromOffset;
  const resumedVersion = resumeAt > 0 ? options.version : undefined;
  const wholeFile = resumedVersion === undefined || resumedVersion < 2;
  let version = resumedVersion ?? 3;
  let migrator = new EntryMigrator(version);
  const seen = new Set<string>();
  let batch: IndexableMessage[] = [];
  let docs = 0;
  const { offset, header } = await readSessionObjects(
    file,
    {
      onHeader(h) {
        version = h.version;
        migrator = new EntryMigrator(h.version);
      },
      onObject(obj, source) {
        const entry = migrator.migrate(obj);
        if (!entry || source.offset < resumeAt) return;
        const key = entryDedupKey(entry, version);
        if (key !== undefined) {
          if (seen.has(key)) return;
          seen.add(key);
        }
        for (const doc of extractEntryMessages(entry)) {
          doc.source = { offset: source.offset, length: source.length };
          batch.push(doc);
        }
        if (batch.length >= batchSize) {
          docs += batch.length;
          onDocs(batch);
          batch = [];
        }
      },
      onSkippedLine() {},
    },
    { fromOffset: wholeFile ? 0 : resumeAt, ...(options.toOffset !== undefined ? { toOffset: options.toOffset } : {}) },
  );
  if (wholeFile && !header) throw new InvalidSessionFileError(file, 'no header');
  if (batch.length > 0) {
    docs += batch.length;
    onDocs(batch);
  }
  return { offset, version, header, docs };
}
