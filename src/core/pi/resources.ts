import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Logger } from '../log';
import { frontmatterString, parseFrontmatter } from './frontmatter';
import { isEnabledByOverrides, noOverrides, readResourceOverrides, type ResourceKind, type ResourceOverrides } from './resourceSettings';
import { checkTheme } from './themeCheck';
import { resolveProjectTrust, type ProjectTrust } from './projectTrust';
import type { ResourceItem } from '../../shared/model/pi';

export interface ResourceDeps {
  agentDir: string;
  homeDir: string;
  workspaceFolders: () => string[];
  log: Logger;
}

/** One folder pi searches, with the settings that decide what in it is enabled. */
interface Root {
  dir: string;
  scope: 'user' | 'project';
  source: 'user' | 'project' | 'agents';
  workspace?: string;
  overrides: ResourceOverrides;
  /** A project location's trust: pi loads nothing from an untrusted project. */
  trust?: ProjectTrust;
  /** `.agents/skills` folders hold only SKILL.md skills; loose .md files there are not skills. */
  looseFiles: boolean;
}

interface Parsed {
  name: string;
  description: string;
  valid: boolean;
  reason?: string;
  warnings?: string[];
}

const maxDepth = 16;
const maxFilesPerRoot = 5000;
const maxFileBytes = 1024 * 1024;

export async function listSkills(deps: ResourceDeps): Promise<ResourceItem[]> {
  const roots = await skillRoots(deps);
  const found: ResourceItem[] = [];
  for (const root of roots) {
    const files = await collectSkillFiles(root.dir, root.looseFiles);
    for (const file of files) found.push(toItem(root, file, await readSkill(file)));
  }
  return resolveCollisions(found);
}

export async function listPrompts(deps: ResourceDeps): Promise<ResourceItem[]> {
  const found: ResourceItem[] = [];
  for (const root of await flatRoots(deps, 'prompts')) {
    for (const file of await listFlat(root.dir, '.md')) found.push(toItem(root, file, await readPrompt(file)));
  }
  return resolveCollisions(found);
}

export async function listThemes(deps: ResourceDeps): Promise<ResourceItem[]> {
  // Built-in names win in pi's theme lookup, so they come first and shadow same-named files.
  const found: ResourceItem[] = ['dark', 'light'].map((name) => ({
    name,
    description: `pi's built-in ${name} theme`,
    path: null,
    scope: 'builtin',
    source: 'builtin',
    enabled: true,
    valid: true,
    active: true,
  }));
  for (const root of await flatRoots(deps, 'themes')) {
    for (const file of await listFlat(root.dir, '.json')) found.push(toItem(root, file, await readTheme(file)));
  }
  return resolveCollisions(found);
}

/** pi's order: every project location first, then the user's; the first claim on a name wins. */
async function skillRoots(deps: ResourceDeps): Promise<Root[]> {
  const userAgents = path.resolve(deps.homeDir, '.agents', 'skills');
  const roots: Root[] = [];
  for (const ws of workspaces(deps)) {
    const trust = await resolveProjectTrust({ folder: ws, agentDir: deps.agentDir, homeDir: deps.homeDir, log: deps.log });
    const overrides = await projectOverrides(ws, 'skills', trust, deps.log);
    roots.push({ dir: path.join(ws, '.pi', 'skills'), scope: 'project', source: 'project', workspace: ws, overrides, trust, looseFiles: true });
    for (const dir of await ancestorAgentsSkillDirs(ws)) {
      if (dir === userAgents) continue;
      roots.push({ dir, scope: 'project', source: 'agents', workspace: ws, overrides, trust, looseFiles: false });
    }
  }
  const user = await userOverrides(deps, 'skills');
  roots.push({ dir: path.join(deps.agentDir, 'skills'), scope: 'user', source: 'user', overrides: user, looseFiles: true });
  roots.push({ dir: userAgents, scope: 'user', source: 'agents', overrides: user, looseFiles: false });
  return roots;
}

async function flatRoots(deps: ResourceDeps, kind: 'prompts' | 'themes'): Promise<Root[]> {
  const roots: Root[] = [];
  for (const ws of workspaces(deps)) {
    const trust = await resolveProjectTrust({ folder: ws, agentDir: deps.agentDir, homeDir: deps.homeDir, log: deps.log });
    const overrides = await projectOverrides(ws, kind, trust, deps.log);
    roots.push({ dir: path.join(ws, '.pi', kind), scope: 'project', source: 'project', workspace: ws, overrides, trust, looseFiles: true });
  }
  roots.push({ dir: path.join(deps.agentDir, kind), scope: 'user', source: 'user', overrides: await userOverrides(deps, kind), looseFiles: true });
  return roots;
}

function workspaces(deps: ResourceDeps): string[] {
  return [...new Set(deps.workspaceFolders().filter((w) => path.isAbsolute(w)).map((w) => path.resolve(w)))];
}

function userOverrides(deps: ResourceDeps, kind: ResourceKind): Promise<ResourceOverrides> {
  return readResourceOverrides(path.join(deps.agentDir, 'settings.json'), deps.agentDir, kind, deps.log);
}

/** An untrusted project's settings.json is not read by pi, so its overrides do not count either. */
function projectOverrides(ws: string, kind: ResourceKind, trust: ProjectTrust, log: Logger): Promise<ResourceOverrides> {
  const base = path.join(ws, '.pi');
  const settingsFile = path.join(base, 'settings.json');
  if (!trust.trusted) return Promise.resolve(noOverrides(settingsFile, base));
  return readResourceOverrides(settingsFile, base, kind, log);
}

/** `.agents/skills` in the folder and each ancestor, up to the git root (or `/` without git). */
async function ancestorAgentsSkillDirs(start: string): Promise<string[]> {
  const gitRoot = await findGitRoot(start);
  const out: string[] = [];
  let dir = start;
  for (;;) {
    out.push(path.join(dir, '.agents', 'skills'));
    if (gitRoot !== undefined && dir === gitRoot) break;
    const parent = path.dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return out;
}

async function findGitRoot(start: string): Promise<string | undefined> {
  let dir = start;
  for (;;) {
    if (await exists(path.join(dir, '.git'))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/**
 * pi's skill layout: a folder holding SKILL.md is one skill and is not searched further; loose
 * `*.md` files count only directly in the root; dot-folders and node_modules are skipped.
 */
async function collectSkillFiles(root: string, looseFiles: boolean): Promise<string[]> {
  const out: string[] = [];
  const visited = new Set<string>();
  const walk = async (dir: string, depth: number): Promise<void> => {
    if (depth > maxDepth || out.length >= maxFilesPerRoot) return;
    // Symlinked folders are followed as pi does, but each real folder only once.
    const real = await fs.promises.realpath(dir).catch(() => undefined);
    if (real === undefined || visited.has(real)) return;
    visited.add(real);
    const entries = await readDirSorted(dir);
    for (const entry of entries) {
      if (entry.name === 'SKILL.md' && (await kindOf(path.join(dir, entry.name), entry)) === 'file') {
        out.push(path.join(dir, entry.name));
        return;
      }
    }
    for (const entry of entries) {
      if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
      const full = path.join(dir, entry.name);
      const kind = await kindOf(full, entry);
      if (kind === 'file' && looseFiles && depth === 0 && entry.name.endsWith('.md')) out.push(full);
      else if (kind === 'dir') await walk(full, depth + 1);
    }
  };
  await walk(root, 0);
  return out;
}

/** Non-recursive `*<ext>` files of a folder, as pi lists prompts and themes. */
async function listFlat(dir: string, ext: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readDirSorted(dir)) {
    if (entry.name.startsWith('.') || !entry.name.endsWith(ext)) continue;
    const full = path.join(dir, entry.name);
    if ((await kindOf(full, entry)) === 'file') out.push(full);
    if (out.length >= maxFilesPerRoot) break;
  }
  return out;
}

async function readSkill(file: string): Promise<Parsed> {
  const parentName = path.basename(path.dirname(file));
  const text = await readText(file);
  if (typeof text !== 'string') return { name: parentName, description: '', valid: false, reason: text.error };
  let data: Readonly<Record<string, unknown>>;
  try {
    data = parseFrontmatter(text).data;
  } catch (err) {
    return { name: parentName, description: '', valid: false, reason: `frontmatter: ${firstLine(err)}` };
  }
  const warnings: string[] = [];
  const rawName = data.name;
  if (rawName !== undefined && typeof rawName !== 'string') warnings.push('name must be a string; the folder name is used');
  const name = frontmatterString(data, 'name') || parentName;
  warnings.push(...skillNameProblems(name, parentName));
  const description = data.description;
  if (description !== undefined && typeof description !== 'string') {
    return { name, description: '', valid: false, reason: 'description must be a string', warnings };
  }
  if (description === undefined || description.trim() === '') return { name, description: '', valid: false, reason: 'description is required', warnings };
  if (description.length > 1024) warnings.push(`description exceeds 1024 characters (${description.length})`);
  return { name, description, valid: true, warnings };
}

/** pi's skill name rules; breaking them only earns a warning there, so it does here too. */
export function skillNameProblems(name: string, parentName: string): string[] {
  const out: string[] = [];
  if (name !== parentName) out.push(`name "${name}" does not match parent directory "${parentName}"`);
  if (name.length > 64) out.push(`name exceeds 64 characters (${name.length})`);
  if (!/^[a-z0-9-]+$/.test(name)) out.push('name contains invalid characters (must be lowercase a-z, 0-9, hyphens only)');
  if (name.startsWith('-') || name.endsWith('-')) out.push('name must not start or end with a hyphen');
  if (name.includes('--')) out.push('name must not contain consecutive hyphens');
  return out;
}

async function readPrompt(file: string): Promise<Parsed> {
  const name = path.basename(file, '.md');
  const text = await readText(file);
  if (typeof text !== 'string') return { name, description: '', valid: false, reason: text.error };
  try {
    const { data, body } = parseFrontmatter(text);
    return { name, description: frontmatterString(data, 'description') || promptFallbackDescription(body), valid: true };
  } catch (err) {
    return { name, description: '', valid: false, reason: `frontmatter: ${firstLine(err)}` };
  }
}

/** pi shows the first non-empty body line, cut to 60 characters plus "...". */
export function promptFallbackDescription(body: string): string {
  const line = body.split('\n').find((l) => l.trim());
  if (!line) return '';
  return line.length > 60 ? `${line.slice(0, 60)}...` : line;
}

async function readTheme(file: string): Promise<Parsed> {
  const fileName = path.basename(file, '.json');
  const text = await readText(file);
  if (typeof text !== 'string') return { name: fileName, description: '', valid: false, reason: text.error };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    return { name: fileName, description: '', valid: false, reason: `invalid JSON: ${firstLine(err).split(', "')[0]}` };
  }
  const result = checkTheme(json);
  const name = result.name ?? fileName;
  return result.problems.length === 0
    ? { name, description: '', valid: true }
    : { name, description: '', valid: false, reason: result.problems.join('; ') };
}

function toItem(root: Root, file: string, parsed: Parsed): ResourceItem {
  const enabled = isEnabledByOverrides(file, root.overrides);
  const item: ResourceItem = {
    name: parsed.name,
    description: parsed.description,
    path: file,
    scope: root.scope,
    source: root.source,
    enabled,
    valid: parsed.valid,
    active: parsed.valid && enabled && root.trust?.trusted !== false,
  };
  if (root.workspace !== undefined) item.workspace = root.workspace;
  if (parsed.warnings && parsed.warnings.length > 0) item.warnings = parsed.warnings;
  // pi does not even load an untrusted project's files, so that comes before any other reason.
  if (root.trust?.trusted === false) item.reason = root.trust.reason;
  else if (!parsed.valid) item.reason = parsed.reason ?? 'invalid';
  else if (!enabled) item.reason = `disabled by ${root.overrides.settingsFile}`;
  return item;
}

/**
 * First claim on a name wins, as in pi; only active items claim a name. The same real file
 * reached twice (a symlink, or an ancestor shared by two workspaces) is listed once.
 */
async function resolveCollisions(items: ResourceItem[]): Promise<ResourceItem[]> {
  const owners = new Map<string, string>();
  const seenFiles = new Set<string>();
  const out: ResourceItem[] = [];
  for (const item of items) {
    if (item.path !== null) {
      const real = await fs.promises.realpath(item.path).catch(() => item.path as string);
      if (seenFiles.has(real)) continue;
      seenFiles.add(real);
    }
    if (item.active) {
      const owner = owners.get(item.name);
      if (owner === undefined) owners.set(item.name, item.path ?? `built-in ${item.name}`);
      else {
        item.active = false;
        item.shadowed_by = owner;
        item.reason = `shadowed by ${owner}`;
      }
    }
    out.push(item);
  }
  return out;
}

async function readDirSorted(dir: string): Promise<fs.Dirent[]> {
  try {
    const entries = await fs.promises.readdir(dir, { withFileTypes: true });
    return entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  } catch {
    return [];
  }
}

/** Follows symlinks the way pi does; a broken link counts as nothing. */
async function kindOf(full: string, entry: fs.Dirent): Promise<'file' | 'dir' | 'other'> {
  if (entry.isSymbolicLink()) {
    const stat = await fs.promises.stat(full).catch(() => undefined);
    if (!stat) return 'other';
    return stat.isFile() ? 'file' : stat.isDirectory() ? 'dir' : 'other';
  }
  return entry.isFile() ? 'file' : entry.isDirectory() ? 'dir' : 'other';
}

async function readText(file: string): Promise<string | { error: string }> {
  try {
    const stat = await fs.promises.stat(file);
    if (stat.size > maxFileBytes) return { error: `file is larger than ${maxFileBytes} bytes` };
    return await fs.promises.readFile(file, 'utf8');
  } catch (err) {
    return { error: `cannot read: ${firstLine(err)}` };
  }
}

async function exists(p: string): Promise<boolean> {
  return fs.promises.access(p).then(
    () => true,
    () => false,
  );
}

function firstLine(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return message.split('\n')[0] ?? message;
}
