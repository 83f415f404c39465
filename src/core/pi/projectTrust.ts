import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Logger } from '../log';

/**
 * pi 1.6's project trust, as a process without a prompt (print, JSON, RPC) decides it:
 * project `.pi/{settings.json, extensions, skills, prompts, themes, …}` and `.agents/skills`
 * load only when the project is trusted. The decision comes from `<agent dir>/trust.json`
 * (`{"<canonical folder>": true | false | null}`, the closest folder up the tree wins), else
 * from the global `defaultProjectTrust` setting ("ask" by default, which skips them).
 * A project without any of those resources needs no decision.
 */
export interface ProjectTrust {
  /** The canonical folder the decision is about. */
  readonly folder: string;
  readonly trusted: boolean;
  /** Where the decision came from. */
  readonly source: 'no-project-resources' | 'trust.json' | 'defaultProjectTrust';
  /** Set exactly when `trusted` is false: why, and how to trust the folder. */
  readonly reason?: string;
}

/** The `.pi` entries pi guards with project trust (`TRUST_REQUIRING_PROJECT_CONFIG_RESOURCES`). */
const protectedProjectEntries = ['settings.json', 'mcp.json', 'extensions', 'skills', 'prompts', 'themes', 'SYSTEM.md', 'APPEND_SYSTEM.md'];

export type DefaultProjectTrust = 'ask' | 'always' | 'never';

export interface TrustInput {
  folder: string;
  agentDir: string;
  homeDir: string;
  log?: Logger;
}

export async function resolveProjectTrust(input: TrustInput): Promise<ProjectTrust> {
  const folder = await canonical(input.folder);
  const trustFile = path.join(input.agentDir, 'trust.json');
  const saved = await readTrustFile(trustFile, input.log);
  const entry = saved.entries ? nearestDecision(saved.entries, folder) : undefined;
  if (!(await hasProtectedProjectResources(folder, input.homeDir))) {
    if (entry?.decision === false) return untrusted(folder, 'trust.json', `${trustFile} says "${entry.key}": false`, trustFile, input.agentDir);
    return { folder, trusted: true, source: 'no-project-resources' };
  }
  if (entry) {
    if (entry.decision) return { folder, trusted: true, source: 'trust.json' };
    return untrusted(folder, 'trust.json', `${trustFile} says "${entry.key}": false`, trustFile, input.agentDir);
  }
  const fallback = await readDefaultProjectTrust(input.agentDir);
  if (fallback === 'always') return { folder, trusted: true, source: 'defaultProjectTrust' };
  const why =
    saved.error !== undefined
      ? `${trustFile} cannot be read (${saved.error})`
      : fallback === 'never'
        ? `defaultProjectTrust is "never" in ${path.join(input.agentDir, 'settings.json')}`
        : 'no trust decision is saved for it (interactive pi asks at start; print, JSON and RPC modes skip its resources)';
  return untrusted(folder, 'defaultProjectTrust', why, trustFile, input.agentDir);
}

function untrusted(folder: string, source: ProjectTrust['source'], why: string, trustFile: string, agentDir: string): ProjectTrust {
  return {
    folder,
    trusted: false,
    source,
    reason:
      `project ${folder} is not trusted: ${why}. ` +
      `To trust it, run /trust in pi there, or set "${folder}": true in ${trustFile} ` +
      `(or "defaultProjectTrust": "always" in ${path.join(agentDir, 'settings.json')})`,
  };
}

/** pi's `hasTrustRequiringProjectResources`: protected `.pi` entries, or `.agents/skills` up the tree. */
export async function hasProtectedProjectResources(folder: string, homeDir: string): Promise<boolean> {
  const configDir = path.join(folder, '.pi');
  for (const entry of protectedProjectEntries) if (await exists(path.join(configDir, entry))) return true;
  const userAgentsSkills = path.join(await canonical(homeDir), '.agents', 'skills');
  let dir = folder;
  for (;;) {
    const agentsSkills = path.join(dir, '.agents', 'skills');
    if (agentsSkills !== userAgentsSkills && (await exists(agentsSkills))) return true;
    const parent = path.dirname(dir);
    if (parent === dir) return false;
    dir = parent;
  }
}

interface TrustFile {
  entries?: Readonly<Record<string, boolean | null>>;
  error?: string;
}

/** trust.json as pi reads it; pi refuses a malformed file, so nothing in it counts then. */
async function readTrustFile(file: string, log?: Logger): Promise<TrustFile> {
  let text: string;
  try {
    text = await fs.promises.readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { entries: {} };
    return { error: err instanceof Error ? err.message : String(err) };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (err) {
    const error = `invalid JSON: ${err instanceof Error ? err.message : String(err)}`;
    log?.warn(`project trust: ${file}: ${error}`);
    return { error };
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return { error: 'expected an object' };
  const entries: Record<string, boolean | null> = {};
  for (const [key, value] of Object.entries(parsed as Record<string, unknown>)) {
    if (value !== true && value !== false && value !== null) return { error: `value for ${JSON.stringify(key)} must be true, false or null` };
    entries[key] = value;
  }
  return { entries };
}

/** The closest saved decision for the folder or one of its parents; `null` entries decide nothing. */
function nearestDecision(entries: Readonly<Record<string, boolean | null>>, folder: string): { key: string; decision: boolean } | undefined {
  let dir = folder;
  for (;;) {
    for (const [key, decision] of Object.entries(entries)) {
      if ((decision === true || decision === false) && path.resolve(key) === dir) return { key, decision };
    }
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/** pi reads `defaultProjectTrust` from the global settings only; anything but always/never means ask. */
export async function readDefaultProjectTrust(agentDir: string): Promise<DefaultProjectTrust> {
  try {
    const parsed: unknown = JSON.parse(await fs.promises.readFile(path.join(agentDir, 'settings.json'), 'utf8'));
    const value = typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>).defaultProjectTrust : undefined;
    return value === 'always' || value === 'never' ? value : 'ask';
  } catch {
    return 'ask';
  }
}

async function canonical(p: string): Promise<string> {
  const resolved = path.resolve(p);
  return fs.promises.realpath(resolved).catch(() => resolved);
}

async function exists(p: string): Promise<boolean> {
  return fs.promises.access(p).then(
    () => true,
    () => false,
  );
}
