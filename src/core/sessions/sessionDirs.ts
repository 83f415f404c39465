import * as fs from 'node:fs';
import * as path from 'node:path';
import { expandHome } from '../paths';
import type { Logger } from '../log';
import { describeError } from '../log';
import type { SessionDirSource, SessionDir } from '../../shared/model/sessionDirs';
import { isInside } from './sessionPathGuard';

/**
 * pi's own session folder, resolved the way pi resolves it: the
 * `PI_CODING_AGENT_SESSION_DIR` variable, then `sessionDir` in the agent's settings.json,
 * then `<agentDir>/sessions`.
 */
export function piSessionDir(agentDir: string, env: NodeJS.ProcessEnv, home: string, log?: Logger): { path: string; source: SessionDirSource } {
  const fromEnv = env.PI_CODING_AGENT_SESSION_DIR?.trim();
  if (fromEnv) return { path: path.resolve(expandHome(fromEnv, home)), source: 'env' };
  const settingsFile = path.join(agentDir, 'settings.json');
  try {
    const settings = JSON.parse(fs.readFileSync(settingsFile, 'utf8')) as { sessionDir?: unknown };
    if (typeof settings.sessionDir === 'string' && settings.sessionDir.trim()) {
      return { path: path.resolve(agentDir, expandHome(settings.sessionDir.trim(), home)), source: 'pi-settings' };
    }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') log?.warn(`sessions: cannot read ${settingsFile}: ${describeError(err)}`);
  }
  return { path: path.join(agentDir, 'sessions'), source: 'pi-default' };
}

/** pi's folder first, then the user's extra folders, without duplicates. */
export function resolveSessionDirs(input: {
  agentDir: string;
  env: NodeJS.ProcessEnv;
  home: string;
  userDirs: readonly string[];
  launchDirs: readonly string[];
  log?: Logger;
}): SessionDir[] {
  const pi = piSessionDir(input.agentDir, input.env, input.home, input.log);
  const candidates: { path: string; source: SessionDirSource }[] = [
    pi,
    ...input.launchDirs.map((d) => ({ path: path.resolve(expandHome(d, input.home)), source: 'launch' as const })),
    ...input.userDirs.map((d) => ({ path: path.resolve(expandHome(d, input.home)), source: 'user' as const })),
  ];
  const seen = new Set<string>();
  const out: SessionDir[] = [];
  for (const c of candidates) {
    if (seen.has(c.path)) continue;
    seen.add(c.path);
    out.push({ ...c, exists: isDirectory(c.path) });
  }
  return out;
}

function isDirectory(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/**
 * Folders that pi keeps next to sessions but that never hold session files, for users who
 * point a session folder at the agent dir itself.
 */
const nonSessionFolders = new Set(['node_modules', 'backups', 'extensions', 'skills', 'prompts', 'themes', 'tools', 'bin', 'git']);

export interface ListOptions {
  log?: Logger;
  /**
   * Real paths of every session folder. When given, symlinks whose target lies inside one of
   * them are followed (listed under the target's real path); without it, and for targets
   * anywhere else, symlinks are skipped.
   */
  followSymlinksWithin?: readonly string[];
}

export interface SessionFileListing {
  files: string[];
  /** Symlinks that were not followed. */
  skippedLinks: string[];
}

/**
 * Every `*.jsonl` below `dir`, recursively; unreadable folders are logged and skipped.
 * A symlink is never followed out of the session folders: it could point at any file.
 */
export async function listSessionFiles(dir: string, options: ListOptions = {}): Promise<SessionFileListing> {
  const { log, followSymlinksWithin } = options;
  const files: string[] = [];
  const skippedLinks: string[] = [];
  const visited = new Set<string>([dir]);
  const stack = [dir];
  while (stack.length > 0) {
    const current = stack.pop()!;
    let entries: fs.Dirent[];
    try {
      entries = await fs.promises.readdir(current, { withFileTypes: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') log?.warn(`sessions: cannot list ${current}: ${describeError(err)}`);
      continue;
    }
    for (const e of entries) {
      if (e.name.startsWith('.')) continue;
      const full = path.join(current, e.name);
      if (e.isDirectory()) {
        if (!nonSessionFolders.has(e.name)) stack.push(full);
      } else if (e.isFile() && e.name.endsWith('.jsonl')) {
        files.push(full);
      } else if (e.isSymbolicLink()) {
        const target = followSymlinksWithin ? await linkTargetWithin(full, followSymlinksWithin) : undefined;
        if (!target) {
          skippedLinks.push(full);
        } else if (target.isDirectory) {
          if (!visited.has(target.real)) {
            visited.add(target.real);
            stack.push(target.real);
          }
        } else if (target.real.endsWith('.jsonl')) {
          files.push(target.real);
        }
      }
    }
  }
  return { files, skippedLinks };
}

async function linkTargetWithin(link: string, roots: readonly string[]): Promise<{ real: string; isDirectory: boolean } | undefined> {
  try {
    const real = await fs.promises.realpath(link);
    if (!roots.some((root) => real === root || isInside(real, root))) return undefined;
    const st = await fs.promises.stat(real);
    if (st.isDirectory()) return { real, isDirectory: true };
    return st.isFile() ? { real, isDirectory: false } : undefined;
  } catch {
    return undefined;
  }
}
