import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Logger } from '../log';

export type ResourceKind = 'skills' | 'prompts' | 'themes';

/** The override entries of one settings.json for one resource kind, and where they resolve. */
export interface ResourceOverrides {
  readonly settingsFile: string;
  /** Relative patterns resolve against this: the agent dir, or `<workspace>/.pi`. */
  readonly baseDir: string;
  readonly excludes: readonly string[];
  readonly forceIncludes: readonly string[];
  readonly forceExcludes: readonly string[];
}

/**
 * Reads the `skills` / `prompts` / `themes` array of a settings.json. Supported, as pi applies
 * them to auto-discovered files: `!glob` disables what it matches, `+path` re-enables an exact
 * path, `-path` disables an exact path. Plain entries (extra paths pi loads on top of the
 * discovered ones) are not followed here. A missing or broken file means "no overrides".
 */
export async function readResourceOverrides(settingsFile: string, baseDir: string, kind: ResourceKind, log: Logger): Promise<ResourceOverrides> {
  const entries = await readSettingsArray(settingsFile, kind, log);
  return {
    settingsFile,
    baseDir,
    excludes: entries.filter((e) => e.startsWith('!')).map((e) => e.slice(1)),
    forceIncludes: entries.filter((e) => e.startsWith('+')).map((e) => e.slice(1)),
    forceExcludes: entries.filter((e) => e.startsWith('-')).map((e) => e.slice(1)),
  };
}

/** The overrides of a settings.json pi does not read (an untrusted project's). */
export function noOverrides(settingsFile: string, baseDir: string): ResourceOverrides {
  return { settingsFile, baseDir, excludes: [], forceIncludes: [], forceExcludes: [] };
}

async function readSettingsArray(file: string, key: ResourceKind, log: Logger): Promise<string[]> {
  let text: string;
  try {
    text = await fs.promises.readFile(file, 'utf8');
  } catch {
    return [];
  }
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return [];
    const list: unknown = (parsed as Record<string, unknown>)[key];
    return Array.isArray(list) ? list.filter((e): e is string => typeof e === 'string') : [];
  } catch (err) {
    log.warn(`ignoring ${file}: ${err instanceof Error ? err.message : String(err)}`);
    return [];
  }
}

/** pi's `isEnabledByOverrides`: exclusions first, then force-includes, then force-excludes. */
export function isEnabledByOverrides(file: string, o: ResourceOverrides): boolean {
  let enabled = true;
  if (o.excludes.length > 0 && matchesAnyGlob(file, o.excludes, o.baseDir)) enabled = false;
  if (o.forceIncludes.length > 0 && matchesAnyExact(file, o.forceIncludes, o.baseDir)) enabled = true;
  if (o.forceExcludes.length > 0 && matchesAnyExact(file, o.forceExcludes, o.baseDir)) enabled = false;
  return enabled;
}

/**
 * The names a pattern is tried against: the path relative to the base dir, the file name and
 * the absolute path; for a SKILL.md also the same three for its folder (so `!my-skill` works).
 */
function candidates(file: string, baseDir: string): string[] {
  const out = [toPosix(path.relative(baseDir, file)), path.basename(file), toPosix(file)];
  if (path.basename(file) === 'SKILL.md') {
    const dir = path.dirname(file);
    out.push(toPosix(path.relative(baseDir, dir)), path.basename(dir), toPosix(dir));
  }
  return out;
}

function matchesAnyGlob(file: string, patterns: readonly string[], baseDir: string): boolean {
  const names = candidates(file, baseDir);
  return patterns.some((p) => {
    const re = globToRegExp(toPosix(p));
    return names.some((n) => re.test(n));
  });
}

function matchesAnyExact(file: string, patterns: readonly string[], baseDir: string): boolean {
  const rel = toPosix(path.relative(baseDir, file));
  const abs = toPosix(file);
  const isSkill = path.basename(file) === 'SKILL.md';
  const dirRel = toPosix(path.relative(baseDir, path.dirname(file)));
  const dirAbs = toPosix(path.dirname(file));
  return patterns.some((p) => {
    const n = toPosix(p.startsWith('./') || p.startsWith('.\\') ? p.slice(2) : p);
    return n === rel || n === abs || (isSkill && (n === dirRel || n === dirAbs));
  });
}

/** `**` any depth, `*` within one path segment, `?` one character; nothing else is special. */
export function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const ch = glob[i] as string;
    if (ch === '*' && glob[i + 1] === '*') {
      i++;
      if (glob[i + 1] === '/') {
        re += '(?:.*/)?';
        i++;
      } else re += '.*';
    } else if (ch === '*') re += '[^/]*';
    else if (ch === '?') re += '[^/]';
    else re += ch.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

function toPosix(p: string): string {
  return p.split(path.sep).join('/');
}
