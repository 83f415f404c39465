import * as fs from 'node:fs';
import * as path from 'node:path';
import { expandHome } from '../paths';
import type { Logger } from '../log';
import { describeError } from '../log';
import type { SessionDir } from '../../shared/model/sessionDirs';
import { isInside } from './sessionPathGuard';

type Candidate = Omit<SessionDir, 'exists'>;

export interface PiSessionDirInput {
  agentDir: string;
  env: NodeJS.ProcessEnv;
  home: string;
  /** The folders pi would run in (workspace folders; the CLI's own working directory). */
  workingDirs: readonly string[];
  log?: Logger;
}

/**
 * The folders pi 1.6 writes sessions to, by its own precedence (`main.js`):
 * `PI_CODING_AGENT_SESSION_DIR` > `sessionDir` in settings > `<agent dir>/sessions`. The
 * setting is merged from the agent's settings.json and the project's `.pi/settings.json`
 * (the project wins, and pi reads it before deciding project trust). A relative value resolves
 * from the working folder, `~` is expanded. A custom folder is flat: pi puts every file of
 * every cwd straight into it, which the recursive listing covers.
 *
 * Sessions of projects that are not open are found in the folder pi uses for them: the
 * variable's, the global setting's when it is absolute, else the default folder.
 */
export function piSessionDirs(input: PiSessionDirInput): Candidate[] {
  return pickPiSessionDirs(input).filter((c) => {
    if (!isTooBroad(c.path, input.home)) return true;
    warnOnce(input.log, `sessions: not scanning ${c.path} (${c.why}): the file system root or the home folder itself cannot be a session folder`);
    return false;
  });
}

/**
 * Every `.jsonl` under a session folder becomes readable through the API, and a project's
 * settings.json is whatever the repository says, so the root and the home folder itself are
 * never scanned, whichever setting names them (as for folders the user adds).
 */
function isTooBroad(dir: string, home: string): boolean {
  const real = (p: string) => {
    try {
      return fs.realpathSync(p);
    } catch {
      return path.resolve(p);
    }
  };
  return [dir, real(dir)].some((p) => path.parse(p).root === p || p === path.resolve(home) || p === real(home));
}

const warned = new Set<string>();
function warnOnce(log: Logger | undefined, message: string): void {
  if (warned.has(message)) return;
  warned.add(message);
  log?.warn(message);
}

function pickPiSessionDirs(input: PiSessionDirInput): Candidate[] {
  const { agentDir, env, home, log } = input;
  const workingDirs = [...new Set(input.workingDirs.filter((d) => path.isAbsolute(d)).map((d) => path.resolve(d)))];
  const out: Candidate[] = [];
  const fromEnv = env.PI_CODING_AGENT_SESSION_DIR?.trim();
  if (fromEnv) {
    const expanded = expandHome(fromEnv, home);
    if (path.isAbsolute(expanded)) return [{ path: path.resolve(expanded), source: 'env', why: 'PI_CODING_AGENT_SESSION_DIR' }];
    for (const cwd of workingDirs) out.push({ path: path.resolve(cwd, expanded), source: 'env', why: `PI_CODING_AGENT_SESSION_DIR "${fromEnv}", relative to ${cwd}`, cwd });
    return out;
  }
  const globalFile = path.join(agentDir, 'settings.json');
  const global = readSessionDirSetting(globalFile, log);
  for (const cwd of workingDirs) {
    const projectFile = path.join(cwd, '.pi', 'settings.json');
    const project = readSessionDirSetting(projectFile, log);
    const setting = project ?? global;
    if (setting === undefined) continue;
    const expanded = expandHome(setting, home);
    const file = project !== undefined ? projectFile : globalFile;
    // An absolute global folder is the same for every project; it is listed once below.
    if (project === undefined && path.isAbsolute(expanded)) continue;
    out.push({
      path: path.resolve(cwd, expanded),
      source: project !== undefined ? 'project-settings' : 'pi-settings',
      why: path.isAbsolute(expanded) ? `sessionDir in ${file}` : `sessionDir "${setting}" in ${file}, relative to ${cwd}`,
      cwd,
    });
  }
  if (global !== undefined && path.isAbsolute(expandHome(global, home))) {
    out.push({ path: path.resolve(expandHome(global, home)), source: 'pi-settings', why: `sessionDir in ${globalFile}` });
  } else {
    // No global folder, or a relative one that depends on where pi runs: other projects'
    // sessions (and those written before the setting) are in the default folder.
    const why = global === undefined ? "pi's default folder" : `pi's default folder (the relative sessionDir in ${globalFile} applies only where pi runs)`;
    out.push({ path: path.join(agentDir, 'sessions'), source: 'pi-default', why });
  }
  return out;
}

/** `sessionDir` of one settings.json; a missing file or key means "not set". */
function readSessionDirSetting(file: string, log?: Logger): string | undefined {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT' && (err as NodeJS.ErrnoException).code !== 'ENOTDIR') log?.warn(`sessions: cannot read ${file}: ${describeError(err)}`);
    return undefined;
  }
  try {
    const settings: unknown = JSON.parse(text.replace(/^\uFEFF/, ''));
    const value = typeof settings === 'object' && settings !== null ? (settings as Record<string, unknown>).sessionDir : undefined;
    return typeof value === 'string' && value.trim() ? value.trim() : undefined;
  } catch (err) {
    log?.warn(`sessions: ignoring ${file}: ${describeError(err)}`);
    return undefined;
  }
}

/** pi's folders first, then the launch folders and the user's saved ones, without duplicates. */
export function resolveSessionDirs(input: PiSessionDirInput & { userDirs: readonly string[]; launchDirs: readonly string[] }): SessionDir[] {
  const candidates: Candidate[] = [
    ...piSessionDirs(input),
    ...input.launchDirs.map((d) => ({ path: path.resolve(expandHome(d, input.home)), source: 'launch' as const, why: 'given at launch: --session-dir or the editor setting' })),
    ...input.userDirs.map((d) => ({ path: path.resolve(expandHome(d, input.home)), source: 'user' as const, why: 'added in the session folders list' })),
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
