import * as os from 'node:os';
import * as path from 'node:path';
import { expandHome } from '../paths';
import { snakeToCamel } from '../api/schema';
import type { JsonValue } from '../../shared/model/json';
import type { ConfigBundle } from '../../shared/model/config';

export type ConfigSection = 'server' | 'sessions' | 'search' | 'ui';
export const configSections: readonly ConfigSection[] = ['server', 'sessions', 'search', 'ui'];

export const builtinConfigDefaults: ConfigBundle = {
  version: 1,
  session_paths: [],
  server: {
    enabled: true,
    port: 52131,
    host: '127.0.0.1',
    require_token_on_loopback: false,
    allowed_origins: [],
    allowed_hosts: [],
  },
  sessions: { follow_symlinks: false },
  search: { max_hits_per_session: 3, tool_output_index_limit: 2000 },
  ui: { group_by: 'project', show_relative_time: true, default_export_format: 'html', viewer_follow_live: true },
};

type Checked = { ok: true; value: JsonValue } | { ok: false; message: string };
type Check = (value: unknown, where: string) => Checked;

interface FieldSpec {
  section: ConfigSection | null;
  key: string;
  check: Check;
}

const ok = (value: JsonValue): Checked => ({ ok: true, value });
const bad = (message: string): Checked => ({ ok: false, message });

const bool: Check = (v) => (typeof v === 'boolean' ? ok(v) : bad('must be true or false'));

const integer =
  (min: number, max: number): Check =>
  (v) =>
    typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max ? ok(v) : bad(`must be an integer ${min}–${max}`);

const oneOf =
  (...values: string[]): Check =>
  (v) =>
    typeof v === 'string' && values.includes(v) ? ok(v) : bad(`must be one of ${values.map((x) => `"${x}"`).join(', ')}`);

const hostPattern = /^(?:[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?|[0-9A-Fa-f.]*:[0-9A-Fa-f:.]*)$/;
const originPattern = /^[a-z][a-z0-9+.-]*:\/\/[^\s/?#]+$/i;

const host: Check = (v) =>
  typeof v === 'string' && v.length <= 253 && hostPattern.test(v) ? ok(v) : bad('must be a host name or IP address (no port, no brackets)');

const list =
  (item: Check, max: number): Check =>
  (v, where) => {
    if (!Array.isArray(v)) return bad('must be an array');
    if (v.length > max) return bad(`at most ${max} items`);
    const out: JsonValue[] = [];
    for (let i = 0; i < v.length; i++) {
      const r = item(v[i], `${where}[${i}]`);
      if (!r.ok) return bad(`[${i}] ${r.message}`);
      if (!out.includes(r.value)) out.push(r.value);
    }
    return ok(out);
  };

const sessionFolder: Check = (v) => {
  if (typeof v !== 'string') return bad('must be a string');
  const p = v.trim();
  if (p === '' || p.length > 4096) return bad('must be a folder path of 1–4096 characters');
  if (p.includes('\0')) return bad('contains a NUL character');
  if (!path.isAbsolute(p) && !p.startsWith('~')) return bad('must be an absolute path');
  // Every .jsonl below a session folder becomes readable through the API.
  const resolved = path.resolve(expandHome(p));
  if (path.parse(resolved).root === resolved) return bad('the file system root cannot be a session folder');
  if (resolved === path.resolve(os.homedir())) return bad('the home folder itself cannot be a session folder');
  return ok(p);
};

const origin: Check = (v) =>
  typeof v === 'string' && v.length <= 2048 && originPattern.test(v) ? ok(v) : bad('must be an origin such as https://example.com (scheme and host, no path)');

const fields: readonly FieldSpec[] = [
  { section: null, key: 'session_paths', check: list(sessionFolder, 100) },
  { section: 'server', key: 'enabled', check: bool },
  { section: 'server', key: 'port', check: integer(0, 65535) },
  { section: 'server', key: 'host', check: host },
  { section: 'server', key: 'require_token_on_loopback', check: bool },
  { section: 'server', key: 'allowed_origins', check: list(origin, 50) },
  { section: 'server', key: 'allowed_hosts', check: list(host, 50) },
  { section: 'sessions', key: 'follow_symlinks', check: bool },
  { section: 'search', key: 'max_hits_per_session', check: integer(1, 1000) },
  { section: 'search', key: 'tool_output_index_limit', check: integer(0, 1_000_000) },
  { section: 'ui', key: 'group_by', check: oneOf('project', 'date', 'none') },
  { section: 'ui', key: 'show_relative_time', check: bool },
  { section: 'ui', key: 'default_export_format', check: oneOf('html', 'markdown', 'json') },
  { section: 'ui', key: 'viewer_follow_live', check: bool },
];

export interface ResolvedBundle {
  bundle: ConfigBundle;
  /** Each names its field, e.g. `server.port: must be an integer 0–65535`. */
  errors: string[];
  /** Keys that are not settings (a `tokens` key among them); they are ignored. */
  ignored: string[];
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function pick(source: Record<string, unknown>, key: string): unknown {
  if (Object.prototype.hasOwnProperty.call(source, key) && source[key] !== undefined) return source[key];
  const camel = snakeToCamel(key);
  return Object.prototype.hasOwnProperty.call(source, camel) ? source[camel] : undefined;
}

/**
 * Lays `input` (a whole or partial bundle, snake_case or camelCase keys) over `base` and
 * checks every field of the result. A field that fails keeps its `base` value and adds an
 * error, so callers choose whether errors are fatal (saving) or only logged (reading).
 */
export function resolveBundle(base: ConfigBundle, input: unknown): ResolvedBundle {
  const bundle = structuredClone(base);
  const errors: string[] = [];
  const ignored: string[] = [];
  if (!isRecord(input)) return { bundle, errors: ['bundle: expected an object'], ignored };
  const version = pick(input, 'version');
  if (version !== undefined && version !== 1) errors.push(`version: unsupported bundle version ${JSON.stringify(version)} (this build reads version 1)`);

  const known = new Set<string>(['version', ...configSections]);
  for (const f of fields) if (f.section === null) known.add(f.key).add(snakeToCamel(f.key));
  for (const key of Object.keys(input)) if (!known.has(key)) ignored.push(key);

  const sections = new Map<ConfigSection, Record<string, unknown>>();
  for (const name of configSections) {
    const raw = pick(input, name);
    if (raw === undefined || raw === null) continue;
    if (!isRecord(raw)) {
      errors.push(`${name}: must be an object`);
      continue;
    }
    sections.set(name, raw);
    const keys = new Set<string>();
    for (const f of fields) if (f.section === name) keys.add(f.key).add(snakeToCamel(f.key));
    for (const key of Object.keys(raw)) if (!keys.has(key)) ignored.push(`${name}.${key}`);
  }

  for (const f of fields) {
    const source = f.section === null ? input : sections.get(f.section);
    if (!source) continue;
    const raw = pick(source, f.key);
    if (raw === undefined) continue;
    const where = f.section === null ? f.key : `${f.section}.${f.key}`;
    const result = f.check(raw, where);
    if (!result.ok) {
      errors.push(result.message.startsWith('[') ? `${where}${result.message.replace(/^(\[\d+\]) /, '$1: ')}` : `${where}: ${result.message}`);
      continue;
    }
    setField(bundle, f, result.value);
  }
  return { bundle, errors, ignored };
}

function setField(bundle: ConfigBundle, f: FieldSpec, value: JsonValue): void {
  const target = (f.section === null ? bundle : bundle[f.section]) as unknown as Record<string, JsonValue>;
  target[f.key] = value;
}

function getField(bundle: ConfigBundle, f: FieldSpec): JsonValue {
  const source = (f.section === null ? bundle : bundle[f.section]) as unknown as Record<string, JsonValue>;
  return source[f.key] ?? null;
}

/** Human-readable changes between two bundles, e.g. `server.port 52131→52132; session_paths +1`. */
export function describeChanges(before: ConfigBundle, after: ConfigBundle): string[] {
  const out: string[] = [];
  for (const f of fields) {
    const a = getField(before, f);
    const b = getField(after, f);
    if (JSON.stringify(a) === JSON.stringify(b)) continue;
    const where = f.section === null ? f.key : `${f.section}.${f.key}`;
    if (Array.isArray(a) && Array.isArray(b)) {
      const added = b.filter((x) => !a.some((y) => JSON.stringify(y) === JSON.stringify(x))).length;
      const removed = a.filter((x) => !b.some((y) => JSON.stringify(y) === JSON.stringify(x))).length;
      const parts = [added > 0 ? `+${added}` : '', removed > 0 ? `-${removed}` : ''].filter(Boolean);
      out.push(`${where} ${parts.length > 0 ? parts.join(' ') : 'reordered'}`);
    } else {
      out.push(`${where} ${short(a)}→${short(b)}`);
    }
  }
  return out;
}

function short(v: JsonValue): string {
  const text = typeof v === 'string' ? v : JSON.stringify(v);
  return text.length > 40 ? `${text.slice(0, 39)}…` : text;
}

export type ServerSettings = ConfigBundle['server'];

const loopbackHost = (host: string): boolean => host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);

/**
 * The rule for API callers (HTTP, WebSocket): the server part of the bundle may only get
 * stricter. `require_token_on_loopback` may turn on, `allowed_origins` and `allowed_hosts`
 * may lose entries, `host` may move to a loopback address; `enabled` and `port` never change.
 * A caller reaching the server through the API must not be able to open it wider, move it
 * away from its clients or turn it off: that takes the editor's settings or the command line.
 * Returns one message per refused field, empty when the change is allowed.
 */
export function serverLoosenings(before: ServerSettings, after: ServerSettings): string[] {
  const out: string[] = [];
  const where = 'change it in the editor settings or on the command line';
  if (after.enabled !== before.enabled) out.push(`server.enabled: the server cannot be turned on or off over the API; ${where}`);
  if (after.port !== before.port) out.push(`server.port: the server cannot be moved to another port over the API; ${where}`);
  if (after.host !== before.host && !loopbackHost(after.host)) out.push(`server.host: over the API it may only change to a loopback address; ${where}`);
  if (before.require_token_on_loopback && !after.require_token_on_loopback) {
    out.push(`server.require_token_on_loopback: cannot be turned off over the API; ${where}`);
  }
  for (const key of ['allowed_origins', 'allowed_hosts'] as const) {
    const added = after[key].filter((x) => !before[key].includes(x));
    if (added.length > 0) out.push(`server.${key}: over the API entries may only be removed, not added (${added.map((x) => JSON.stringify(x)).join(', ')}); ${where}`);
  }
  return out;
}
