import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Database, SqlJsStatic, SqlValue } from 'sql.js';
import { loadSqlJs } from './sqlJs';
import { describeError, type Logger } from '../log';
import { ApiError } from '../../shared/api/errors';
import { acquireFileLock } from './fileLock';
import { fileStamp, generationsOf, readIfPresent, removeOrphanTempFiles, replaceFileDurably } from './durableFile';

export type Row = Record<string, SqlValue>;
export type Params = SqlValue[] | Record<string, SqlValue>;

export interface SqliteFileOptions {
  log: Logger;
  /** Schema steps; step i moves `user_version` from i to i+1. */
  migrations: readonly string[];
  /** Quiet period before a debounced save. */
  saveDelayMs?: number;
}

/**
 * A sql.js database persisted to one file. sql.js keeps the database in memory and can only
 * export it whole, so each save writes a whole new generation of the file durably (see
 * durableFile), under a lock shared with the other processes that use the same file.
 */
export class SqliteFile {
  private dirtyGeneration = 0;
  private savedGeneration = 0;
  private timer: NodeJS.Timeout | undefined;
  private saving: Promise<void> | undefined;
  private waiters: { generation: number; resolve: () => void; reject: (err: Error) => void }[] = [];
  private closed = false;
  private lastSaveError: Error | undefined;
  /** Identity of the file as we last loaded or wrote it; another process changing it shows here. */
  private knownStamp: string | undefined;
  private mutations: Promise<unknown> = Promise.resolve();
  /** Set while `mutate` holds the cross-process lock, so its save does not wait for itself. */
  private lockHeld = false;

  private database: Database | undefined;
  private opening: Promise<void> | undefined;

  /** Cheap: nothing is read until `open()`, so an owner can be built before its data loads. */
  constructor(
    readonly file: string,
    private readonly options: SqliteFileOptions,
  ) {}

  static async open(file: string, options: SqliteFileOptions): Promise<SqliteFile> {
    const store = new SqliteFile(file, options);
    await store.open();
    return store;
  }

  get db(): Database {
    if (!this.database) throw new Error(`state: ${this.file} was ${this.closed ? 'used after it was closed' : 'used before it was opened'}`);
    return this.database;
  }

  /** Loads the file (or its previous generation) and brings its schema up to date; once. */
  open(): Promise<void> {
    this.opening ??= this.load();
    return this.opening;
  }

  private async load(): Promise<void> {
    if (this.closed) throw new Error(`state: ${this.file} was closed before it was opened`);
    const SQL = await loadSqlJs();
    fs.mkdirSync(path.dirname(this.file), { recursive: true });
    removeOrphanTempFiles(this.file);
    this.database = this.readDatabase(SQL);
    if (this.migrate()) await this.flush();
  }

  /** The newest readable generation of the file, or an empty database; damaged ones are kept aside. */
  private readDatabase(SQL: SqlJsStatic): Database {
    let db: Database | undefined;
    for (const candidate of generationsOf(this.file)) {
      const bytes = readIfPresent(candidate);
      if (!bytes) continue;
      try {
        const opened = new SQL.Database(bytes);
        opened.exec('SELECT count(*) FROM sqlite_master');
        db = opened;
        if (candidate !== this.file) this.options.log.warn(`state: ${this.file} was unreadable; opened the previous generation ${candidate}`);
        break;
      } catch (err) {
        const aside = `${candidate}.corrupt-${Date.now()}`;
        this.options.log.error(`state: ${candidate} is not a readable database (${describeError(err)}); kept it as ${aside}`);
        fs.copyFileSync(candidate, aside);
      }
    }
    this.knownStamp = fileStamp(this.file);
    return db ?? new SQL.Database();
  }

  /** Returns whether the schema changed (and so must be saved). */
  private migrate(): boolean {
    const current = Number(this.db.exec('PRAGMA user_version')[0]?.values[0]?.[0] ?? 0);
    const steps = this.options.migrations;
    if (current > steps.length) {
      this.options.log.warn(`state: ${this.file} has schema ${current}, newer than this version knows (${steps.length}); using it as is`);
      return false;
    }
    for (let v = current; v < steps.length; v++) {
      this.db.exec('BEGIN');
      try {
        this.db.exec(steps[v]!);
        this.db.exec(`PRAGMA user_version = ${v + 1}`);
        this.db.exec('COMMIT');
      } catch (err) {
        this.db.exec('ROLLBACK');
        throw new Error(`state: migrating ${this.file} to schema ${v + 1} failed: ${describeError(err)}`);
      }
    }
    if (current === steps.length) return false;
    this.dirtyGeneration++;
    return true;
  }

  run(sql: string, params?: Params): void {
    this.db.run(sql, params);
  }

  all<T extends Row = Row>(sql: string, params?: Params): T[] {
    const stmt = this.db.prepare(sql);
    try {
      if (params) stmt.bind(params);
      const rows: T[] = [];
      while (stmt.step()) rows.push(stmt.getAsObject() as T);
      return rows;
    } finally {
      stmt.free();
    }
  }

  /** Hands over the rows one at a time: a large table is never held as one array of rows. */
  each<T extends Row = Row>(sql: string, params: Params | undefined, visit: (row: T) => void): void {
    const stmt = this.db.prepare(sql);
    try {
      if (params) stmt.bind(params);
      while (stmt.step()) visit(stmt.getAsObject() as T);
    } finally {
      stmt.free();
    }
  }

  get<T extends Row = Row>(sql: string, params?: Params): T | undefined {
    return this.all<T>(sql, params)[0];
  }

  /** Id of the row inserted last on this connection. */
  lastInsertId(): number {
    return Number(this.db.exec('SELECT last_insert_rowid()')[0]?.values[0]?.[0] ?? 0);
  }

  /** Runs `fn` atomically: all of its statements apply, or none. */
  transaction<T>(fn: () => T): T {
    this.db.exec('BEGIN');
    try {
      const result = fn();
      this.db.exec('COMMIT');
      return result;
    } catch (err) {
      this.db.exec('ROLLBACK');
      throw err;
    }
  }

  /**
   * Applies a user-data change safely when several processes share the file (editor
   * windows, the CLI): under a lock file, reload if someone else saved since we last looked,
   * apply `change`, save durably, unlock. Resolves once the change is on disk.
   */
  mutate<T>(change: () => T): Promise<T> {
    const run = this.mutations.then(async () => {
      let release: () => void;
      try {
        release = await acquireFileLock(`${this.file}.lock`);
      } catch (err) {
        throw new ApiError('unavailable', `could not save the change (${describeError(err)}); nothing was changed`);
      }
      this.lockHeld = true;
      try {
        await this.reloadIfChangedOnDisk();
        const result = this.transaction(change);
        try {
          await this.commit();
        } catch (err) {
          // The caller is told the change failed, so it must not reach disk later with some
          // other save: go back to the last generation that is on disk.
          await this.revertToLastSave();
          throw new ApiError('unavailable', `${describeError(err)}; nothing was changed`);
        }
        return result;
      } finally {
        this.lockHeld = false;
        release();
      }
    });
    this.mutations = run.catch(() => undefined);
    return run;
  }

  /** Picks up a save made by another process, unless we hold unsaved changes of our own. */
  async reloadIfChangedOnDisk(): Promise<boolean> {
    const stamp = fileStamp(this.file);
    if (stamp === undefined || stamp === this.knownStamp) return false;
    if (this.savedGeneration < this.dirtyGeneration) await this.flushWithoutReload();
    const bytes = readIfPresent(this.file);
    if (!bytes) return false;
    const SQL = await loadSqlJs();
    try {
      const fresh = new SQL.Database(bytes);
      fresh.exec('SELECT count(*) FROM sqlite_master');
      this.replaceDatabase(fresh);
      this.knownStamp = stamp;
      return true;
    } catch (err) {
      this.options.log.warn(`state: ignoring an unreadable newer ${this.file}: ${describeError(err)}`);
      return false;
    }
  }

  private async revertToLastSave(): Promise<void> {
    const SQL = await loadSqlJs();
    const bytes = readIfPresent(this.file);
    this.replaceDatabase(bytes ? new SQL.Database(bytes) : new SQL.Database());
    if (!bytes) this.migrate();
    this.savedGeneration = this.dirtyGeneration;
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
  }

  private replaceDatabase(fresh: Database): void {
    const old = this.database;
    this.database = fresh;
    old?.close();
  }

  private async flushWithoutReload(): Promise<void> {
    await this.saveNow();
  }

  /** Schedules a save after a quiet period (for derived data such as caches). */
  markDirty(): void {
    if (this.closed) return;
    this.dirtyGeneration++;
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.saveNow().catch(() => undefined);
    }, this.options.saveDelayMs ?? 500);
    this.timer.unref?.();
  }

  /**
   * Marks the database changed and resolves once a save that includes the change has
   * completed: the point at which a user-data change may be acknowledged.
   */
  commit(): Promise<void> {
    this.dirtyGeneration++;
    const generation = this.dirtyGeneration;
    const done = new Promise<void>((resolve, reject) => this.waiters.push({ generation, resolve, reject }));
    void this.saveNow().catch(() => undefined);
    return done;
  }

  /** Saves at once if anything changed since the last save. */
  async flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    await this.saveNow();
  }

  get pendingError(): Error | undefined {
    return this.lastSaveError;
  }

  private saveNow(): Promise<void> {
    if (this.saving) {
      // One save at a time; a change made during a save is picked up by the next one.
      return this.saving.then(() => (this.savedGeneration < this.dirtyGeneration ? this.saveNow() : undefined));
    }
    if (this.savedGeneration >= this.dirtyGeneration) return Promise.resolve();
    const generation = this.dirtyGeneration;
    this.saving = this.writeGeneration(generation).finally(() => {
      this.saving = undefined;
    });
    return this.saving;
  }

  private async writeGeneration(generation: number): Promise<void> {
    const bytes = this.db.export();
    let release: (() => void) | undefined;
    try {
      if (!this.lockHeld) release = await acquireFileLock(`${this.file}.lock`);
      await replaceFileDurably(this.file, bytes);
      this.knownStamp = fileStamp(this.file);
      this.savedGeneration = Math.max(this.savedGeneration, generation);
      this.lastSaveError = undefined;
      this.settleWaiters();
    } catch (err) {
      const error = new Error(`could not save ${path.basename(this.file)}: ${describeError(err)}`);
      this.lastSaveError = error;
      this.options.log.error(`state: ${error.message}; the change is kept in memory and saved again later`);
      for (const w of this.waiters.splice(0)) w.reject(error);
      if (!this.closed) this.retryLater();
      throw error;
    } finally {
      release?.();
    }
  }

  private retryLater(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.saveNow().catch(() => undefined);
    }, 5_000);
    this.timer.unref?.();
  }

  private settleWaiters(): void {
    const remaining: typeof this.waiters = [];
    for (const w of this.waiters) {
      if (w.generation <= this.savedGeneration) w.resolve();
      else remaining.push(w);
    }
    this.waiters = remaining;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    // An open still running finishes first, so what it loaded (and migrated) is saved and freed.
    await this.opening?.catch(() => undefined);
    if (this.closed) return;
    try {
      if (this.database) await this.flush();
    } finally {
      this.closed = true;
      if (this.timer) clearTimeout(this.timer);
      this.database?.close();
      this.database = undefined;
    }
  }
}
