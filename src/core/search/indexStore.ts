import * as fs from 'node:fs';
import * as path from 'node:path';
import { DocTable, type SessionRecord } from './docTable';
import { readIndexFile, searchIndexFileName, writeIndexFile, type SegmentRef } from './indexFile';
import type { Segment } from './segment';
import { isSegmentFileName, openSegmentFile, writeSegmentFile } from './segmentFile';

/*
 * Persistence of the index as a folder: the manifest (indexFile.ts) and one file per segment
 * (segmentFile.ts). Segment files are written when segments are built, not at save time, so
 * a save writes the manifest only. The manifest's rename commits a save; what a crash can
 * leave behind is recovered on load:
 * - temp files and segment files no manifest names (written after the last save): deleted;
 * - a named segment file that is missing or damaged: the sessions with documents in it are
 *   forgotten, so the keeper indexes them again, and the rest of the index is kept;
 * - a missing or damaged manifest: no index (rebuilt from the session files).
 */

/** What persistence reads and writes of an index. */
export interface StoredState {
  sessions: (SessionRecord | null)[];
  docs: DocTable;
  segments: Segment[];
}

export interface LoadedState extends StoredState {
  /** Paths of sessions forgotten because a segment of theirs was lost. */
  forgotten: string[];
}

/** Whether `segment` has its file in `dir`. */
export function isStoredIn(segment: Segment, dir: string): boolean {
  return segment.file !== undefined && path.dirname(segment.file) === path.resolve(dir);
}

/**
 * Writes the manifest for `state` into `dir`; segments not yet in `dir` are written there
 * first and returned in their place (the caller adopts them). Afterwards, segment files in
 * `dir` that neither the manifest nor `stillUsed()` name are deleted.
 */
export async function saveState(dir: string, state: StoredState, stillUsed: () => readonly Segment[]): Promise<Segment[]> {
  await fs.promises.mkdir(dir, { recursive: true });
  const segments = state.segments.map((s) => (isStoredIn(s, dir) ? s : writeSegmentFile(dir, s)));
  const refs: SegmentRef[] = segments.map((s) => ({ file: path.basename(s.file as string), minDoc: s.minDoc, maxDoc: s.maxDoc }));
  await writeIndexFile(dir, {
    sessions: state.sessions.map((s) => (s ? { path: s.path, id: s.id, name: s.name, cwd: s.cwd, modified_ms: s.modified_ms, fingerprint: s.fingerprint } : null)),
    ...state.docs.toFile(),
    segments: refs,
  });
  const keep = new Set(refs.map((r) => r.file));
  for (const s of stillUsed()) if (isStoredIn(s, dir)) keep.add(path.basename(s.file as string));
  removeStrayFiles(dir, keep);
  return segments;
}

/** Deletes segment files not in `keep`, and temp files of interrupted writes. */
function removeStrayFiles(dir: string, keep: ReadonlySet<string>): void {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return;
  }
  for (const name of names) {
    const stray = (isSegmentFileName(name) && !keep.has(name)) || (name.startsWith('.') && name.endsWith('.tmp') && (name.includes('search-seg-') || name.includes(searchIndexFileName)));
    if (stray) fs.rmSync(path.join(dir, name), { force: true });
  }
}

export async function loadState(dir: string): Promise<LoadedState | undefined> {
  const data = await readIndexFile(dir);
  if (!data) return undefined;
  const docs = DocTable.fromFile(data);
  const sessions: (SessionRecord | null)[] = data.sessions.map((s) => (s ? { ...s, docCount: 0, tokenCount: 0 } : null));
  const segments: Segment[] = [];
  const lostSessions = new Set<number>();
  for (const ref of data.segments) {
    try {
      const segment = openSegmentFile(path.resolve(dir, path.basename(ref.file)));
      if (segment.minDoc !== ref.minDoc || segment.maxDoc !== ref.maxDoc) {
        segment.source.close();
        throw new Error('segment does not cover the documents the manifest says');
      }
      segments.push(segment);
    } catch {
      const session = docs.session.view();
      for (let doc = Math.max(0, ref.minDoc); doc <= ref.maxDoc && doc < session.length; doc++) lostSessions.add(session[doc]);
    }
  }
  const forgotten: string[] = [];
  for (const i of lostSessions) {
    const record = sessions[i];
    if (!record) continue;
    forgotten.push(record.path);
    sessions[i] = null;
  }
  removeStrayFiles(dir, new Set(data.segments.map((r) => path.basename(r.file))));
  return { sessions, docs, segments, forgotten };
}
