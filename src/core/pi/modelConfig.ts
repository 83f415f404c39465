import * as fs from 'node:fs';
import * as path from 'node:path';
import { ApiError } from '../../shared/api/errors';
import type { JsonValue } from '../../shared/model/json';
import type { Logger } from '../log';
import { isAlreadyExists, writeFileAtomic } from '../util/atomicWrite';
import { parseJsonText } from './jsonText';
import { checkModelConfig, isForbiddenKey, isPlainObject } from './modelConfigValidation';
import { checkConfigPathAllowed } from './modelConfigPaths';
import type { JsonObject } from '../../shared/model/json';
import type { EndpointChange, ModelConfigLoad, ModelConfigBackup, ModelConfigWrite, ImportMode } from '../../shared/model/pi';

export { checkModelConfig } from './modelConfigValidation';

/** Import files and `content` strings above this are refused: models.json is a few KB. */
export const maxModelConfigBytes = 5 * 1024 * 1024;

/** Where a path for import or export came from. */
export interface ConfigPathAccess {
  /** The editor's file dialog picked it (a one-time grant was checked). */
  granted: boolean;
}

export interface ModelConfigStoreOptions {
  agentDir: string;
  log: Logger;
  /** Oldest backups beyond this many are deleted after each new one. */
  maxBackups?: number;
  now?: () => Date;
}

const backupNamePattern = /^models-(\d{4}-\d{2}-\d{2})T(\d{2})-(\d{2})-(\d{2})-(\d{3})Z(?:-(\d{1,6}))?\.json$/;

/**
 * `<agentDir>/models.json`: read, validated writes with a backup before every change, import,
 * export and restore. Writes are serialised so two saves never interleave their backups.
 */
export class ModelConfigStore {
  readonly file: string;
  readonly backupDir: string;
  private readonly maxBackups: number;
  private readonly now: () => Date;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly opts: ModelConfigStoreOptions) {
    this.file = path.join(opts.agentDir, 'models.json');
    this.backupDir = path.join(opts.agentDir, 'backups', 'models');
    this.maxBackups = opts.maxBackups ?? 100;
    this.now = opts.now ?? (() => new Date());
  }

  async load(): Promise<ModelConfigLoad> {
    let text: string;
    let stat: fs.Stats;
    try {
      stat = await fs.promises.stat(this.file);
      text = await fs.promises.readFile(this.file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { path: this.file, exists: false, config: null, errors: [], warnings: [] };
      throw err;
    }
    const base = { path: this.file, exists: true, size_bytes: stat.size, modified_at: stat.mtime.toISOString() };
    let parsed: unknown;
    try {
      parsed = parseJsonText(text, 'models.json');
    } catch (err) {
      return { ...base, config: null, error: err instanceof Error ? err.message : String(err), errors: [], warnings: [] };
    }
    const check = checkModelConfig(parsed);
    if (!isPlainObject(parsed)) return { ...base, config: null, error: 'models.json: expected a JSON object', ...check };
    return { ...base, config: parsed, ...check };
  }

  /** Validates, backs up the current file, then replaces it. */
  save(config: unknown): Promise<ModelConfigWrite> {
    return this.exclusive(async () => {
      const valid = assertValidModelConfig(config);
      return this.replaceFile(serialise(valid.config), valid.config, valid.warnings);
    });
  }

  async importFromPath(source: string, mode: ImportMode = 'replace', access: ConfigPathAccess = { granted: false }): Promise<ModelConfigWrite & { mode: ImportMode; source: string }> {
    const file = checkAbsolute(source, 'path');
    if (!access.granted) await checkConfigPathAllowed(file, this.opts.agentDir, 'path');
    const incoming = await readConfigFile(file, 'path', { followSymlinks: access.granted });
    return this.exclusive(async () => {
      let next: unknown = incoming;
      if (mode === 'merge') {
        // The incoming file must be sound on its own, so a merge cannot hide its errors.
        assertValidModelConfig(incoming);
        next = mergeModelConfigs(await this.currentForMerge(), incoming as JsonObject);
      }
      const valid = assertValidModelConfig(next);
      const written = await this.replaceFile(serialise(valid.config), valid.config, valid.warnings);
      return { ...written, mode, source };
    });
  }

  async exportToPath(target: string, overwrite = false, access: ConfigPathAccess = { granted: false }): Promise<{ path: string; size_bytes: number }> {
    const dest = checkAbsolute(target, 'path');
    if (path.resolve(dest) === path.resolve(this.file)) {
      throw new ApiError('conflict', 'path: this is the live models.json; use save_model_config to change it');
    }
    if (!access.granted) await checkConfigPathAllowed(dest, this.opts.agentDir, 'path');
    const parent = path.dirname(dest);
    const parentStat = await fs.promises.stat(parent).catch(() => undefined);
    if (!parentStat?.isDirectory()) throw new ApiError('not_found', `path: the folder ${parent} does not exist`);
    const existing = await fs.promises.lstat(dest).catch(() => undefined);
    if (existing?.isDirectory()) throw new ApiError('conflict', `path: ${dest} is a folder`);
    if (existing && !overwrite) throw new ApiError('conflict', `path: ${dest} already exists; pass overwrite: true to replace it`);

    const current = await this.load();
    if (!current.exists) throw new ApiError('not_found', `${this.file} does not exist`);
    if (!current.config) throw new ApiError('conflict', current.error ?? 'models.json is not a JSON object');
    const text = serialise(current.config);
    try {
      await writeFileAtomic(dest, text, { mode: 0o600, overwrite });
    } catch (err) {
      if (isAlreadyExists(err)) throw new ApiError('conflict', `path: ${dest} already exists; pass overwrite: true to replace it`);
      throw err;
    }
    return { path: dest, size_bytes: Buffer.byteLength(text) };
  }

  async listBackups(): Promise<ModelConfigBackup[]> {
    let names: string[];
    try {
      names = await fs.promises.readdir(this.backupDir);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
    const out: { info: ModelConfigBackup; counter: number }[] = [];
    for (const name of names) {
      const m = backupNamePattern.exec(name);
      if (!m) continue;
      const stat = await fs.promises.stat(path.join(this.backupDir, name)).catch(() => undefined);
      if (!stat?.isFile()) continue;
      out.push({
        info: { backup_name: name, created_at: `${m[1]}T${m[2]}:${m[3]}:${m[4]}.${m[5]}Z`, size_bytes: stat.size },
        counter: Number(m[6] ?? 0),
      });
    }
    // Sorting by name alone would put "…Z-1.json" before "…Z.json".
    out.sort((a, b) => (a.info.created_at === b.info.created_at ? b.counter - a.counter : a.info.created_at < b.info.created_at ? 1 : -1));
    return out.map((o) => o.info);
  }

  /** Backs up the current file, then puts the backup's exact bytes in its place. */
  restoreBackup(backupName: string): Promise<ModelConfigWrite & { restored_from: string }> {
    return this.exclusive(async () => {
      const source = this.backupPath(backupName);
      let text: string;
      try {
        text = await fs.promises.readFile(source, 'utf8');
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new ApiError('not_found', `backup_name: no backup named ${backupName}`);
        throw err;
      }
      const parsed = parseJsonText(text, `backup ${backupName}`);
      const valid = assertValidModelConfig(parsed, `backup ${backupName} is not a config pi accepts: `);
      const written = await this.replaceFile(text, valid.config, valid.warnings);
      return { ...written, restored_from: backupName };
    });
  }

  /** The backup's path, refusing anything that is not one of our names inside the folder. */
  backupPath(backupName: string): string {
    if (!backupNamePattern.test(backupName)) {
      throw new ApiError('invalid_payload', 'backup_name: not a backup name (expected models-<timestamp>.json, as listed by list_model_config_backups)');
    }
    const root = path.resolve(this.backupDir);
    const resolved = path.resolve(root, backupName);
    if (path.dirname(resolved) !== root) throw new ApiError('invalid_payload', 'backup_name: must name a file inside the backups folder');
    return resolved;
  }

  private async currentForMerge(): Promise<JsonObject> {
    const current = await this.load();
    if (!current.exists) return { providers: {} };
    if (!current.config) throw new ApiError('conflict', `cannot merge into the current models.json (${current.error ?? 'not an object'}); use mode "replace"`);
    return current.config;
  }

  private async replaceFile(text: string, config: JsonObject, warnings: string[]): Promise<ModelConfigWrite> {
    const previous = await this.load().catch(() => undefined);
    const changed = endpointChanges(previous?.config ?? null, config);
    await fs.promises.mkdir(this.opts.agentDir, { recursive: true });
    const backupName = await this.backupCurrent();
    // A models.json symlinked from a dotfiles repo stays a symlink: the rename goes to its target.
    const target = await fs.promises.realpath(this.file).catch(() => this.file);
    // Keep the mode of the existing file; a new one holds API keys, so only the owner reads it.
    const mode = await fs.promises.stat(target).then((s) => s.mode & 0o777, () => 0o600);
    await writeFileAtomic(target, text, { mode });
    this.opts.log.info(`models.json written${backupName ? ` (previous version in backups/models/${backupName})` : ''}`);
    for (const c of changed) {
      const who = c.model === undefined ? `provider "${c.provider}"` : `model "${c.model}" of provider "${c.provider}"`;
      const where = c.baseUrl ?? "pi's built-in endpoint";
      this.opts.log.warn(`models.json: ${c.new_provider ? 'new ' : ''}${who} now sends prompts to ${where}${c.previous ? ` (was ${c.previous})` : ''}`);
    }
    return { path: this.file, backup_name: backupName, warnings, changed_endpoints: changed };
  }

  private async backupCurrent(): Promise<string | null> {
    let bytes: Buffer;
    try {
      bytes = await fs.promises.readFile(this.file);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
    await fs.promises.mkdir(this.backupDir, { recursive: true, mode: 0o700 });
    const stamp = this.now().toISOString().replace(/[:.]/g, '-');
    // Continue after the highest counter used with this stamp, so that a name freed by pruning
    // is never reused for a newer backup (it would then sort as the oldest).
    let first = 0;
    for (const name of await fs.promises.readdir(this.backupDir)) {
      const m = backupNamePattern.exec(name);
      if (m && `${m[1]}T${m[2]}-${m[3]}-${m[4]}-${m[5]}Z` === stamp) first = Math.max(first, Number(m[6] ?? 0) + 1);
    }
    for (let counter = first; counter < first + 1000; counter++) {
      const name = counter === 0 ? `models-${stamp}.json` : `models-${stamp}-${counter}.json`;
      try {
        await writeFileAtomic(path.join(this.backupDir, name), bytes, { mode: 0o600, overwrite: false });
        await this.pruneBackups();
        return name;
      } catch (err) {
        if (!isAlreadyExists(err)) throw err;
      }
    }
    throw new ApiError('conflict', 'could not find a free backup name');
  }

  private async pruneBackups(): Promise<void> {
    const all = await this.listBackups();
    for (const old of all.slice(this.maxBackups)) {
      await fs.promises.rm(path.join(this.backupDir, old.backup_name), { force: true });
    }
  }

  private exclusive<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(work, work);
    this.queue = run.catch(() => undefined);
    return run;
  }
}

/** Throws an ApiError listing every problem, each naming its field; returns the config typed. */
export function assertValidModelConfig(value: unknown, prefix = ''): { config: JsonObject; warnings: string[] } {
  const { errors, warnings } = checkModelConfig(value);
  if (errors.length > 0 || !isPlainObject(value)) {
    const shown = errors.slice(0, 20).join('; ');
    const more = errors.length > 20 ? `; and ${errors.length - 20} more` : '';
    throw new ApiError('invalid_payload', `${prefix}${shown}${more}`);
  }
  return { config: value, warnings };
}

/**
 * Overlays `incoming` on `current`: providers are merged one by one, a provider's `models` are
 * upserted by id, nested objects (headers, compat, modelOverrides) merged key by key, anything
 * else replaced. Prototype-reaching keys are skipped, whatever the caller validated.
 */
export function mergeModelConfigs(current: JsonObject, incoming: JsonObject): JsonObject {
  const out = cloneObject(current);
  for (const [key, value] of Object.entries(incoming)) {
    if (isForbiddenKey(key)) continue;
    const existing = out[key];
    out[key] = key === 'providers' && isPlainObject(existing) && isPlainObject(value) ? mergeProviders(existing, value) : cloneValue(value);
  }
  return out;
}

function mergeProviders(current: JsonObject, incoming: JsonObject): JsonObject {
  const out = cloneObject(current);
  for (const [name, provider] of Object.entries(incoming)) {
    if (isForbiddenKey(name)) continue;
    const existing = out[name];
    out[name] = isPlainObject(existing) && isPlainObject(provider) ? mergeProvider(existing, provider) : cloneValue(provider);
  }
  return out;
}

function mergeProvider(current: JsonObject, incoming: JsonObject): JsonObject {
  const out = cloneObject(current);
  for (const [key, value] of Object.entries(incoming)) {
    if (isForbiddenKey(key)) continue;
    const existing = out[key];
    if (key === 'models' && Array.isArray(existing) && Array.isArray(value)) out[key] = upsertById(existing, value);
    else if (isPlainObject(existing) && isPlainObject(value)) out[key] = deepMerge(existing, value);
    else out[key] = cloneValue(value);
  }
  return out;
}

function upsertById(current: JsonValue[], incoming: JsonValue[]): JsonValue[] {
  const out = current.map(cloneValue);
  for (const model of incoming) {
    const id = isPlainObject(model) ? model.id : undefined;
    const at = typeof id === 'string' ? out.findIndex((m) => isPlainObject(m) && m.id === id) : -1;
    if (at >= 0) out[at] = cloneValue(model);
    else out.push(cloneValue(model));
  }
  return out;
}

function deepMerge(current: JsonObject, incoming: JsonObject): JsonObject {
  const out = cloneObject(current);
  for (const [key, value] of Object.entries(incoming)) {
    if (isForbiddenKey(key)) continue;
    const existing = out[key];
    out[key] = isPlainObject(existing) && isPlainObject(value) ? deepMerge(existing, value) : cloneValue(value);
  }
  return out;
}

function cloneObject(value: JsonObject): JsonObject {
  const out: JsonObject = {};
  for (const [key, v] of Object.entries(value)) if (!isForbiddenKey(key)) out[key] = cloneValue(v);
  return out;
}

function cloneValue(value: JsonValue): JsonValue {
  if (Array.isArray(value)) return value.map(cloneValue);
  return isPlainObject(value) ? cloneObject(value) : value;
}

function serialise(config: JsonObject): string {
  return `${JSON.stringify(config, null, 2)}\n`;
}

function checkAbsolute(p: string, field: string): string {
  if (!path.isAbsolute(p)) throw new ApiError('invalid_payload', `${field}: must be an absolute path`);
  if (p.includes('\0')) throw new ApiError('invalid_payload', `${field}: must not contain NUL characters`);
  return path.normalize(p);
}

/**
 * Reads and parses a JSON file the caller names, with the checks an import needs. Unless the
 * user picked the file, a symlink is not followed: it could lead anywhere from an allowed folder.
 */
export async function readConfigFile(file: string, field: string, options: { followSymlinks: boolean } = { followSymlinks: false }): Promise<unknown> {
  const source = checkAbsolute(file, field);
  const flags = fs.constants.O_RDONLY | (options.followSymlinks ? 0 : (fs.constants.O_NOFOLLOW ?? 0));
  let handle: fs.promises.FileHandle;
  try {
    handle = await fs.promises.open(source, flags);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new ApiError('not_found', `${field}: ${source} does not exist`);
    if (code === 'ELOOP') throw new ApiError('forbidden', `${field}: ${source} is a symbolic link; pick the file it points to in the editor`);
    if (code === 'EISDIR') throw new ApiError('invalid_payload', `${field}: ${source} is not a file`);
    throw err;
  }
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) throw new ApiError('invalid_payload', `${field}: ${source} is not a file`);
    if (stat.size > maxModelConfigBytes) {
      throw new ApiError('too_large', `${field}: the file is ${stat.size} bytes; the limit is ${maxModelConfigBytes}`);
    }
    return parseJsonText(await handle.readFile('utf8'), field);
  } finally {
    await handle.close();
  }
}

function providerEntries(config: JsonObject | null): Map<string, JsonObject> {
  const out = new Map<string, JsonObject>();
  const providers = config?.providers;
  if (!isPlainObject(providers)) return out;
  for (const [name, p] of Object.entries(providers)) if (isPlainObject(p) && !isForbiddenKey(name)) out.set(name, p);
  return out;
}

function modelUrls(provider: JsonObject | undefined): Map<string, string> {
  const out = new Map<string, string>();
  const models = provider?.models;
  if (!Array.isArray(models)) return out;
  for (const m of models) if (isPlainObject(m) && typeof m.id === 'string' && typeof m.baseUrl === 'string') out.set(m.id, m.baseUrl);
  return out;
}

const urlOf = (p: JsonObject | undefined): string | null => (typeof p?.baseUrl === 'string' ? p.baseUrl : null);

/** New providers and changed `baseUrl`s (provider or model) between two configs. */
export function endpointChanges(before: JsonObject | null, after: JsonObject): EndpointChange[] {
  const old = providerEntries(before);
  const out: EndpointChange[] = [];
  for (const [name, provider] of providerEntries(after)) {
    const prev = old.get(name);
    const url = urlOf(provider);
    // Dropping a URL returns a provider to pi's built-in endpoint: nothing new to show.
    if (!prev || (url !== null && url !== urlOf(prev))) out.push({ provider: name, baseUrl: url, previous: urlOf(prev), new_provider: !prev });
    const prevModels = modelUrls(prev);
    for (const [id, modelUrl] of modelUrls(provider)) {
      const was = prevModels.get(id) ?? null;
      if (modelUrl !== was) out.push({ provider: name, model: id, baseUrl: modelUrl, previous: was, new_provider: !prev });
    }
  }
  return out;
}
