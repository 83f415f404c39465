import { ApiError } from '../../shared/api/errors';
import type { JsonValue } from '../../shared/model/json';
import type { EventBus } from '../events';
import { describeError, type Logger } from '../log';
import type { SqliteFile } from '../state/sqliteFile';
import { UserSettings } from '../state/userSettings';
import { builtinConfigDefaults, configSections, describeChanges, resolveBundle, serverLoosenings } from './configFields';
import type { ConfigBundle, ConfigSaveResult, ConfigVersion } from '../../shared/model/config';

export interface SaveOptions {
  /** The save came over HTTP or WebSocket: its server part may only tighten (`serverLoosenings`). */
  overApi?: boolean;
}

export type ConfigApplier = (bundle: ConfigBundle, previous: ConfigBundle) => void | Promise<void>;

export interface ConfigBundleStoreDeps {
  db: SqliteFile;
  bus: EventBus;
  log: Logger;
  /** Values used for fields the user never saved (e.g. editor settings or CLI flags). */
  defaults?: () => unknown;
  /** Applies a saved bundle live (restart the server, rescan folders). */
  onApplied?: ConfigApplier;
  now?: () => Date;
  /** Oldest versions beyond this many are dropped. */
  maxVersions?: number;
}

/** The settings key shared with `get_session_paths` / `save_session_paths`. */
export const sessionPathsSettingKey = 'session_paths';

/**
 * The configuration bundle. Each part is stored under its own settings key (`session_paths`,
 * `server`, `sessions`, `search`, `ui`) so the session-folder commands and the bundle read one value.
 *
 * `save` accepts a whole bundle or a partial one, merged onto the current settings; the
 * merged result is validated as a whole and, only if every field is valid, written with a
 * new `config_versions` row in one durable change. Unknown keys (including any `tokens`)
 * are ignored and reported. Saves that arrive over the API may only tighten the server
 * part (see `serverLoosenings`); the whole save is refused otherwise. The very first save also records the settings it replaced, so
 * the state before any change can be restored. `restore` re-saves an old bundle as a new
 * version, keeping the history linear.
 */
export class ConfigBundleStore {
  private readonly settings: UserSettings;
  private applier: ConfigApplier | undefined;

  constructor(private readonly deps: ConfigBundleStoreDeps) {
    this.settings = new UserSettings(deps.db);
    this.applier = deps.onApplied;
  }

  /** Sets (or replaces) what applies a saved bundle live; the core wires this once it can. */
  setApplier(applier: ConfigApplier | undefined): void {
    this.applier = applier;
  }

  defaults(): ConfigBundle {
    if (!this.deps.defaults) return structuredClone(builtinConfigDefaults);
    const resolved = resolveBundle(builtinConfigDefaults, this.deps.defaults());
    for (const e of resolved.errors) this.deps.log.warn(`config: default ${e}; using the built-in value`);
    return resolved.bundle;
  }

  /** The effective settings; a stored value that is no longer valid reads as its default. */
  current(): ConfigBundle {
    const stored: Record<string, JsonValue> = {};
    const all = this.settings.all();
    for (const key of [sessionPathsSettingKey, ...configSections]) {
      const value = all[key];
      if (value !== undefined) stored[key] = value;
    }
    const resolved = resolveBundle(this.defaults(), stored);
    for (const e of resolved.errors) this.deps.log.warn(`config: stored ${e}; using the default`);
    return resolved.bundle;
  }

  listVersions(limit = 200): ConfigVersion[] {
    return this.deps.db
      .all<{ id: number; created_at: string; summary: string }>('SELECT id, created_at, summary FROM config_versions ORDER BY id DESC LIMIT ?', [limit])
      .map((r) => ({ id: Number(r.id), created_at: r.created_at, summary: r.summary }));
  }

  /** The bundle a version recorded. */
  version(id: number): ConfigBundle | undefined {
    const row = this.deps.db.get<{ bundle: string }>('SELECT bundle FROM config_versions WHERE id = ?', [id]);
    if (!row) return undefined;
    return resolveBundle(this.defaults(), JSON.parse(row.bundle) as unknown).bundle;
  }

  save(input: unknown, options: SaveOptions = {}): Promise<ConfigSaveResult> {
    return this.saveFrom(options, () => ({ input, label: '' }));
  }

  restore(id: number, options: SaveOptions = {}): Promise<ConfigSaveResult> {
    return this.saveFrom(options, () => {
      const row = this.deps.db.get<{ bundle: string }>('SELECT bundle FROM config_versions WHERE id = ?', [id]);
      if (!row) throw new ApiError('not_found', `id: no config version with id ${id}`);
      return { input: JSON.parse(row.bundle) as unknown, label: `restore #${id}: ` };
    });
  }

  /** The input is read inside the lock, so a restore sees the versions another process saved. */
  private async saveFrom(options: SaveOptions, source: () => { input: unknown; label: string }): Promise<ConfigSaveResult> {
    const { db } = this.deps;
    const createdAt = (this.deps.now?.() ?? new Date()).toISOString();
    const outcome = await db.mutate(() => {
      const { input, label } = source();
      const previous = this.current();
      const { bundle, errors, ignored } = resolveBundle(previous, input);
      // Throwing inside `mutate` rolls the transaction back: nothing is saved on error.
      if (errors.length > 0) throw new ApiError('invalid_payload', errors.join('; '));
      const refused = options.overApi ? serverLoosenings(previous.server, bundle.server) : [];
      if (refused.length > 0) throw new ApiError('forbidden', refused.join('; '));
      const changes = describeChanges(previous, bundle);
      if (changes.length === 0) return { previous, bundle, ignored, changes, version: null };
      if (!db.get('SELECT 1 AS x FROM config_versions LIMIT 1')) {
        db.run('INSERT INTO config_versions (created_at, summary, bundle) VALUES (?, ?, ?)', [createdAt, 'settings before the first saved change', JSON.stringify(previous)]);
      }
      const values: Record<string, JsonValue> = {
        [sessionPathsSettingKey]: bundle.session_paths,
        server: bundle.server,
        sessions: bundle.sessions,
        search: bundle.search,
        ui: bundle.ui,
      };
      for (const [key, value] of Object.entries(values)) {
        db.run('INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)', [key, JSON.stringify(value)]);
      }
      const summary = clip(label + changes.join('; '));
      db.run('INSERT INTO config_versions (created_at, summary, bundle) VALUES (?, ?, ?)', [createdAt, summary, JSON.stringify(bundle)]);
      const id = db.lastInsertId();
      const keep = this.deps.maxVersions ?? 200;
      db.run('DELETE FROM config_versions WHERE id NOT IN (SELECT id FROM config_versions ORDER BY id DESC LIMIT ?)', [keep]);
      return { previous, bundle, ignored, changes, version: { id, created_at: createdAt, summary } };
    });
    const result: ConfigSaveResult = {
      bundle: outcome.bundle,
      version: outcome.version,
      changes: outcome.changes,
      ignored_keys: outcome.ignored,
      applied: true,
    };
    if (outcome.version === null) return result;
    this.deps.bus.publish('config-changed', { version_id: outcome.version.id });
    try {
      await this.applier?.(outcome.bundle, outcome.previous);
    } catch (err) {
      // The settings are saved either way; the caller learns that applying them failed.
      this.deps.log.error(`config: saved version ${outcome.version.id} but applying it failed: ${describeError(err)}`);
      result.applied = false;
      result.apply_error = describeError(err);
    }
    return result;
  }
}

function clip(summary: string): string {
  return summary.length > 500 ? `${summary.slice(0, 499)}…` : summary;
}
