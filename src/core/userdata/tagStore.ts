import { ApiError } from '../../shared/api/errors';
import type { EventBus } from '../events';
import type { SqliteFile } from '../state/sqliteFile';
import { DbDerived } from './dbDerived';
import { findSession, pathsByKey, sessionKey, unknownSession, type SessionLookup } from './sessionLookup';
import type { TagRecord, TagListing, TagAssignmentResult, TagDeleteResult } from '../../shared/model/tags';

export interface TagInput {
  name: string;
  color?: string | null;
  parent_id?: number | null;
}

/** `undefined` leaves a field as it is; `null` clears `color` or moves the tag to the top level. */
export interface TagChanges {
  name?: string;
  color?: string | null;
  parent_id?: number | null;
}

export const tagNameMax = 64;

/**
 * Accepted colors: `#rgb`, `#rrggbb`, or a theme color token such as `red`, `charts.blue` or
 * `terminal.ansiGreen` (letters/digits in dot- or dash-separated parts), which the editor
 * resolves against the current theme.
 */
export const tagColorPattern = /^(?:#[0-9a-f]{3}|#[0-9a-f]{6}|[a-z][a-z0-9]*(?:[.-][a-z0-9]+)*)$/i;
export const tagColorMax = 64;

export interface TagStoreDeps {
  db: SqliteFile;
  sessions: SessionLookup;
  bus: EventBus;
  now?: () => Date;
}

type TagRow = { id: number; name: string; color: string | null; parent_id: number | null; created_at: string };

const noTags: readonly number[] = Object.freeze([]);

/**
 * Nested tags and their assignment to sessions. Assignments are stored by session id with
 * the last known path beside it, so a tag follows a session whose file moves.
 *
 * Deleting a tag keeps its sub-tree: its children move up to the deleted tag's parent (a
 * child whose name is taken there gets the deleted tag's name appended), and only the
 * deleted tag's own assignments are removed.
 */
export class TagStore {
  private readonly assignments: DbDerived<Map<string, number[]>>;

  constructor(private readonly deps: TagStoreDeps) {
    this.assignments = new DbDerived(deps.db, () => this.loadAssignments());
  }

  /** Tag ids of a session key, sorted; O(1) because it runs for every session of a scan. */
  tagIdsFor(key: string): readonly number[] {
    return this.assignments.get().get(key) ?? noTags;
  }

  list(): TagListing[] {
    const { db, sessions } = this.deps;
    const totals = new Map<number, number>();
    for (const row of db.all<{ tag_id: number; n: number }>('SELECT tag_id, count(*) AS n FROM session_tags GROUP BY tag_id')) {
      totals.set(Number(row.tag_id), Number(row.n));
    }
    const live = new Map<number, number>();
    for (const info of sessions.all()) {
      for (const id of this.tagIdsFor(sessionKey(info))) live.set(id, (live.get(id) ?? 0) + 1);
    }
    return this.rows()
      .map((t) => ({ ...t, session_count: live.get(t.id) ?? 0, total_assignments: totals.get(t.id) ?? 0 }))
      .sort((a, b) => a.name.localeCompare(b.name, undefined, { sensitivity: 'base' }) || a.id - b.id);
  }

  get(id: number): TagRecord | undefined {
    return this.row(id);
  }

  async create(input: TagInput): Promise<TagRecord> {
    const name = checkName(input.name);
    const color = checkColor(input.color ?? null);
    const parentId = input.parent_id ?? null;
    const createdAt = (this.deps.now?.() ?? new Date()).toISOString();
    const { db } = this.deps;
    const record = await db.mutate(() => {
      if (parentId !== null && !this.row(parentId)) throw new ApiError('not_found', `parent_id: no tag with id ${parentId}`);
      this.refuseSiblingClash(name, parentId, undefined);
      db.run('INSERT INTO tags (name, color, parent_id, created_at) VALUES (?, ?, ?, ?)', [name, color, parentId, createdAt]);
      return this.row(db.lastInsertId())!;
    });
    this.changed('created');
    return record;
  }

  async update(id: number, changes: TagChanges): Promise<TagRecord> {
    const { db } = this.deps;
    const name = changes.name === undefined ? undefined : checkName(changes.name);
    const color = changes.color === undefined ? undefined : checkColor(changes.color);
    const record = await db.mutate(() => {
      const current = this.row(id);
      if (!current) throw new ApiError('not_found', `id: no tag with id ${id}`);
      const parentId = changes.parent_id === undefined ? current.parent_id : changes.parent_id;
      if (changes.parent_id !== undefined && parentId !== null) this.refuseCycle(id, parentId);
      const finalName = name ?? current.name;
      if (name !== undefined || parentId !== current.parent_id) this.refuseSiblingClash(finalName, parentId, id);
      db.run('UPDATE tags SET name = ?, color = ?, parent_id = ? WHERE id = ?', [finalName, color === undefined ? current.color : color, parentId, id]);
      return this.row(id)!;
    });
    this.changed('updated');
    return record;
  }

  async delete(id: number): Promise<TagDeleteResult> {
    const { db } = this.deps;
    const outcome = await db.mutate(() => {
      const tag = this.row(id);
      if (!tag) throw new ApiError('not_found', `id: no tag with id ${id}`);
      const keys = db.all<{ session_id: string }>('SELECT session_id FROM session_tags WHERE tag_id = ?', [id]).map((r) => r.session_id);
      const children = db.all<TagRow>('SELECT id, name, color, parent_id, created_at FROM tags WHERE parent_id = ? ORDER BY id', [id]);
      const taken = new Set(
        this.siblings(tag.parent_id)
          .filter((t) => t.id !== id)
          .map((t) => t.name.toLowerCase()),
      );
      const renamed: { id: number; name: string }[] = [];
      for (const child of children) {
        const name = freeName(child.name, tag.name, taken);
        taken.add(name.toLowerCase());
        if (name !== child.name) renamed.push({ id: child.id, name });
        db.run('UPDATE tags SET parent_id = ?, name = ? WHERE id = ?', [tag.parent_id, name, child.id]);
      }
      db.run('DELETE FROM session_tags WHERE tag_id = ?', [id]);
      db.run('DELETE FROM tags WHERE id = ?', [id]);
      return { keys, result: { id, deleted: true as const, reparented: children.map((c) => c.id), renamed, unassigned_sessions: keys.length } };
    });
    this.changed('deleted');
    if (outcome.keys.length > 0) {
      const paths = pathsByKey(this.deps.sessions);
      for (const key of outcome.keys) for (const file of paths.get(key) ?? []) this.deps.sessions.touch(file);
    }
    return outcome.result;
  }

  async assign(sessionPath: string, tagId: number): Promise<TagAssignmentResult> {
    await this.deps.sessions.ready();
    const info = findSession(this.deps.sessions, sessionPath);
    if (!info) throw unknownSession('session_path', sessionPath);
    const key = sessionKey(info);
    const createdAt = (this.deps.now?.() ?? new Date()).toISOString();
    const { db } = this.deps;
    const changed = await db.mutate(() => {
      if (!this.row(tagId)) throw new ApiError('not_found', `tag_id: no tag with id ${tagId}`);
      // Keep the last known path current for every assignment of this session.
      db.run('UPDATE session_tags SET session_path = ? WHERE session_id = ?', [info.path, key]);
      if (db.get('SELECT 1 AS x FROM session_tags WHERE session_id = ? AND tag_id = ?', [key, tagId])) return false;
      db.run('INSERT INTO session_tags (session_id, session_path, tag_id, created_at) VALUES (?, ?, ?, ?)', [key, info.path, tagId, createdAt]);
      return true;
    });
    return this.afterAssignment(info.path, key, tagId, changed, 'assigned');
  }

  async remove(sessionPath: string, tagId: number): Promise<TagAssignmentResult> {
    await this.deps.sessions.ready();
    const info = findSession(this.deps.sessions, sessionPath);
    // A session whose file is gone can still be cleaned up through its last known path.
    const key = info ? sessionKey(info) : this.keyByStoredPath(sessionPath);
    if (key === undefined) throw unknownSession('session_path', sessionPath);
    const { db } = this.deps;
    const changed = await db.mutate(() => {
      if (!this.row(tagId)) throw new ApiError('not_found', `tag_id: no tag with id ${tagId}`);
      if (!db.get('SELECT 1 AS x FROM session_tags WHERE session_id = ? AND tag_id = ?', [key, tagId])) return false;
      db.run('DELETE FROM session_tags WHERE session_id = ? AND tag_id = ?', [key, tagId]);
      return true;
    });
    return this.afterAssignment(info?.path ?? sessionPath, key, tagId, changed, 'removed');
  }

  /** Removes every assignment of a session key; runs inside the caller's `mutate`. */
  forgetWithinMutation(key: string): number {
    const n = Number(this.deps.db.get<{ n: number }>('SELECT count(*) AS n FROM session_tags WHERE session_id = ?', [key])?.n ?? 0);
    if (n > 0) this.deps.db.run('DELETE FROM session_tags WHERE session_id = ?', [key]);
    return n;
  }

  /** Drops the in-memory view after a change made by someone else's `mutate`. */
  invalidate(): void {
    this.assignments.invalidate();
  }

  private afterAssignment(file: string, key: string, tagId: number, changed: boolean, reason: string): TagAssignmentResult {
    this.assignments.invalidate();
    if (changed) {
      for (const p of pathsByKey(this.deps.sessions).get(key) ?? []) this.deps.sessions.touch(p);
      this.deps.bus.publish('tags-changed', { reason });
    }
    return { session_path: file, session_id: key, tag_id: tagId, tag_ids: [...this.tagIdsFor(key)], changed };
  }

  private keyByStoredPath(given: string): string | undefined {
    return this.deps.db.get<{ session_id: string }>('SELECT session_id FROM session_tags WHERE session_path = ? LIMIT 1', [given])?.session_id;
  }

  private changed(reason: string): void {
    this.assignments.invalidate();
    this.deps.bus.publish('tags-changed', { reason });
  }

  private loadAssignments(): Map<string, number[]> {
    const map = new Map<string, number[]>();
    const rows = this.deps.db.all<{ session_id: string; tag_id: number }>('SELECT session_id, tag_id FROM session_tags ORDER BY tag_id');
    for (const row of rows) {
      const list = map.get(row.session_id);
      if (list) list.push(Number(row.tag_id));
      else map.set(row.session_id, [Number(row.tag_id)]);
    }
    return map;
  }

  private rows(): TagRecord[] {
    return this.deps.db.all<TagRow>('SELECT id, name, color, parent_id, created_at FROM tags').map(toRecord);
  }

  private row(id: number): TagRecord | undefined {
    const row = this.deps.db.get<TagRow>('SELECT id, name, color, parent_id, created_at FROM tags WHERE id = ?', [id]);
    return row && toRecord(row);
  }

  private siblings(parentId: number | null): TagRecord[] {
    const rows =
      parentId === null
        ? this.deps.db.all<TagRow>('SELECT id, name, color, parent_id, created_at FROM tags WHERE parent_id IS NULL')
        : this.deps.db.all<TagRow>('SELECT id, name, color, parent_id, created_at FROM tags WHERE parent_id = ?', [parentId]);
    return rows.map(toRecord);
  }

  private refuseSiblingClash(name: string, parentId: number | null, self: number | undefined): void {
    const lower = name.toLowerCase();
    const clash = this.siblings(parentId).find((t) => t.id !== self && t.name.toLowerCase() === lower);
    if (clash) {
      const where = parentId === null ? 'at the top level' : `under tag ${parentId}`;
      throw new ApiError('conflict', `name: a tag named "${clash.name}" already exists ${where} (id ${clash.id})`);
    }
  }

  /** A tag may not become its own ancestor: walk up from the new parent looking for it. */
  private refuseCycle(id: number, parentId: number): void {
    if (parentId === id) throw new ApiError('invalid_payload', `parent_id: a tag cannot be its own parent`);
    const seen = new Set<number>();
    let cursor: number | null = parentId;
    while (cursor !== null) {
      if (cursor === id) throw new ApiError('invalid_payload', `parent_id: tag ${parentId} is inside tag ${id}; a tag cannot be moved under its own descendant`);
      if (seen.has(cursor)) break;
      seen.add(cursor);
      const row = this.row(cursor);
      if (!row) {
        if (cursor === parentId) throw new ApiError('not_found', `parent_id: no tag with id ${parentId}`);
        break;
      }
      cursor = row.parent_id;
    }
  }
}

function toRecord(row: TagRow): TagRecord {
  return {
    id: Number(row.id),
    name: row.name,
    color: row.color ?? null,
    parent_id: row.parent_id === null ? null : Number(row.parent_id),
    created_at: row.created_at,
  };
}

export function checkName(raw: string): string {
  const name = raw.trim();
  if (name.length === 0) throw new ApiError('invalid_payload', 'name: must not be empty');
  if (name.length > tagNameMax) throw new ApiError('invalid_payload', `name: must be at most ${tagNameMax} characters`);
  return name;
}

export function checkColor(raw: string | null): string | null {
  if (raw === null) return null;
  const color = raw.trim();
  if (color === '') return null;
  if (color.length > tagColorMax || !tagColorPattern.test(color)) {
    throw new ApiError('invalid_payload', 'color: must be #rgb, #rrggbb or a theme color name such as "charts.red"');
  }
  return color;
}

/** A name not yet taken at a level: the original, else "name (former parent)", then numbered. */
function freeName(name: string, formerParent: string, taken: ReadonlySet<string>): string {
  if (!taken.has(name.toLowerCase())) return name;
  const base = fit(`${name} (${formerParent})`);
  if (!taken.has(base.toLowerCase())) return base;
  for (let n = 2; ; n++) {
    const candidate = fit(`${name} (${formerParent})`, ` ${n}`);
    if (!taken.has(candidate.toLowerCase())) return candidate;
  }
}

function fit(text: string, suffix = ''): string {
  return text.length + suffix.length <= tagNameMax ? text + suffix : text.slice(0, tagNameMax - suffix.length) + suffix;
}
