import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import type { OwnedRpcChild, SessionRef } from './rpc/rpcManager';
import type { OwnWriteLedger } from '../sessions/ownWrites';
import type { LiveSession } from '../../shared/model/pi';

const execFileAsync = promisify(execFile);

export interface PiProcessInfo {
  pid: number;
  argv: string[];
  cwd: string | null;
  /** Files the process holds open, where the platform shows them (Linux /proc/<pid>/fd). */
  openFiles?: string[];
}

/** Why a session counts as open in a pi that is not ours and has no bridge. */
export type SessionHolder =
  | {
      kind: 'process';
      pid: number;
      /** False when only the process's working folder ties it to the session. */
      certain: boolean;
    }
  | {
      /** The file grew within the recent-activity window, and not by our own writers. */
      kind: 'recent-growth';
      written_ms_ago: number;
    };

export interface LiveSessionCatalog {
  listSessions(): Iterable<SessionRef>;
  findSessionByPath(file: string): SessionRef | undefined;
}

/** Sessions whose running pi registered itself over a bridge: exact, not guesses. */
export interface BridgedSessions {
  liveSessions(): LiveSession[];
  pids(): Set<number>;
}

export interface LiveSessionFinderOptions {
  rpc: { list(): OwnedRpcChild[] };
  bridges?: BridgedSessions;
  sessions: LiveSessionCatalog;
  /** Defaults to the platform's process list (Linux /proc, macOS ps + lsof, none elsewhere). */
  listProcesses?: () => Promise<PiProcessInfo[]>;
  /** A file appended within this window counts as probably live. */
  recentActivityMs?: number;
  /** What our own writers left: growth they made is not another pi's. */
  ownWrites?: OwnWriteLedger;
  now?: () => number;
}

/** How long after its last write by someone else a session file still counts as probably open. */
export const defaultRecentActivityMs = 3 * 60_000;

/**
 * Lists running pi sessions from four sources, most certain first: pis that registered over a
 * bridge, the RPC children we own, pi processes in the process list, and session files that
 * grew recently. pi keeps no registry of its own (pi-format.md §4.7), so the last two are
 * best effort, and only for pis without a bridge.
 */
export class LiveSessionFinder {
  constructor(private readonly options: LiveSessionFinderOptions) {}

  /**
   * A pi, not one of our RPC children nor bridged, that has or may have the session open. pi
   * locks nothing and 1.6 replaces its argv with its title ("pi", "pi-rpc") and keeps no
   * descriptor on the file between appends, so when neither `--session` nor an open
   * descriptor names the file, a pi working in the session's folder counts as holding it,
   * and so does recent growth of the file that we did not make (a pi on another machine or
   * in a container writes where no process list reaches): a second writer would branch the
   * file silently, a refused prompt costs a retry.
   */
  async findHolder(session: SessionRef): Promise<SessionHolder | undefined> {
    const file = path.resolve(session.path);
    const owned = new Set([...this.options.rpc.list().map((c) => c.pid), ...(this.options.bridges?.pids() ?? [])]);
    const processes = await (this.options.listProcesses ?? listPiProcesses)().catch(() => []);
    let guess: SessionHolder | undefined;
    for (const proc of processes) {
      if (owned.has(proc.pid) || proc.pid === process.pid) continue;
      if (proc.openFiles?.some((f) => path.resolve(f) === file)) return { kind: 'process', pid: proc.pid, certain: true };
      const args = piArgs(proc.argv) ?? [];
      const sessionArg = optionValue(args, '--session');
      if (sessionArg !== undefined) {
        if (path.resolve(proc.cwd ?? '/', sessionArg) === file) return { kind: 'process', pid: proc.pid, certain: true };
        continue;
      }
      if (args.includes('--no-session')) continue;
      if (proc.cwd !== null && path.resolve(proc.cwd) === path.resolve(session.cwd)) guess ??= { kind: 'process', pid: proc.pid, certain: false };
    }
    if (guess) return guess;
    const grown = await this.recentForeignGrowth(file);
    return grown ? { kind: 'recent-growth', written_ms_ago: grown.agoMs } : undefined;
  }

  /**
   * The recent-growth rule, for listing and for refusing alike: the file's last write falls
   * within the window and is not where one of our own writers left it.
   */
  private async recentForeignGrowth(file: string): Promise<{ mtimeMs: number; agoMs: number } | undefined> {
    const stat = await fs.promises.stat(file).catch(() => undefined);
    if (!stat) return undefined;
    const agoMs = (this.options.now ?? Date.now)() - stat.mtimeMs;
    if (agoMs > this.recentActivityMs) return undefined;
    return this.options.ownWrites?.leftByUs(file, stat) ? undefined : { mtimeMs: stat.mtimeMs, agoMs: Math.max(0, agoMs) };
  }

  /** The window of the recent-growth rule. */
  get recentActivityMs(): number {
    return this.options.recentActivityMs ?? defaultRecentActivityMs;
  }

  async list(): Promise<LiveSession[]> {
    const out: LiveSession[] = [];
    const seenPaths = new Set<string>();
    const add = (item: LiveSession) => {
      if (item.session_path !== null) {
        if (seenPaths.has(item.session_path)) return;
        seenPaths.add(item.session_path);
      }
      out.push(item);
    };

    for (const bridged of this.options.bridges?.liveSessions() ?? []) add(bridged);
    const owned = this.options.rpc.list();
    for (const child of owned) {
      add({
        session_id: child.session_id,
        session_path: child.session_path,
        cwd: child.cwd,
        pid: child.pid,
        detected_by: 'rpc',
        heuristic: false,
        streaming: child.streaming,
        last_activity: await mtimeIso(child.session_path),
      });
    }

    const ownedPids = new Set([...owned.map((c) => c.pid).filter((pid): pid is number => pid !== null), ...(this.options.bridges?.pids() ?? [])]);
    const sessions = [...this.options.sessions.listSessions()];
    const processes = await (this.options.listProcesses ?? listPiProcesses)().catch(() => []);
    for (const proc of processes) {
      if (ownedPids.has(proc.pid) || proc.pid === process.pid) continue;
      add(await this.fromProcess(proc, sessions));
    }

    for (const session of sessions) {
      const file = path.resolve(session.path);
      if (seenPaths.has(file)) continue;
      const stat = await this.recentForeignGrowth(file);
      if (!stat) continue;
      add({
        session_id: session.id,
        session_path: file,
        cwd: session.cwd,
        pid: null,
        detected_by: 'file-activity',
        heuristic: true,
        streaming: null,
        last_activity: new Date(stat.mtimeMs).toISOString(),
      });
    }
    return out;
  }

  private async fromProcess(proc: PiProcessInfo, sessions: SessionRef[]): Promise<LiveSession> {
    const base = { pid: proc.pid, cwd: proc.cwd, detected_by: 'process' as const, streaming: null };
    const args = piArgs(proc.argv) ?? [];
    const sessionArg = optionValue(args, '--session');
    if (sessionArg !== undefined) {
      const file = path.resolve(proc.cwd ?? '/', sessionArg);
      const known = this.options.sessions.findSessionByPath(file);
      return { ...base, session_id: known?.id ?? null, session_path: file, heuristic: false, last_activity: await mtimeIso(file) };
    }
    if (args.includes('--no-session') || proc.cwd === null) {
      return { ...base, session_id: null, session_path: null, heuristic: true, last_activity: null };
    }
    // Without --session, pi writes to a file of its cwd; the one appended last is the best guess.
    let best: { session: SessionRef; mtimeMs: number } | undefined;
    for (const session of sessions) {
      if (path.resolve(session.cwd) !== path.resolve(proc.cwd)) continue;
      const stat = await fs.promises.stat(session.path).catch(() => undefined);
      if (stat && (!best || stat.mtimeMs > best.mtimeMs)) best = { session, mtimeMs: stat.mtimeMs };
    }
    return {
      ...base,
      session_id: best?.session.id ?? null,
      session_path: best ? path.resolve(best.session.path) : null,
      heuristic: true,
      last_activity: best ? new Date(best.mtimeMs).toISOString() : null,
    };
  }
}

/** pi's process titles: it replaces argv with them, so `/proc/<pid>/cmdline` reads just this. */
const piTitles: ReadonlySet<string> = new Set(['pi', 'pi-rpc']);

/**
 * The arguments after the program when argv is a pi invocation, else undefined: `pi …`, pi's
 * process title, or a runtime running pi's entry script (`node …/pi-coding-agent/dist/cli.js`
 * up to 0.73, `…/dist/bundle/cli.js` from 1.x, `node …/bin/pi …`).
 */
export function piArgs(rawArgv: readonly string[]): string[] | undefined {
  // A title written over argv leaves the rest of the old argv area as empty strings.
  const argv = rawArgv.filter((arg, i) => i === 0 || arg !== '');
  if (argv.length === 0) return undefined;
  const isPiScript = (arg: string) => path.basename(arg) === 'pi' || /pi-coding-agent[\\/]dist[\\/](?:bundle[\\/])?cli\.js$/.test(arg);
  if (piTitles.has(path.basename(argv[0]))) return argv.slice(1);
  const runtime = path.basename(argv[0]).replace(/\.exe$/i, '');
  if (!['node', 'bun', 'nodejs'].includes(runtime)) return undefined;
  const script = argv.findIndex((arg, i) => i > 0 && !arg.startsWith('-'));
  return script > 0 && isPiScript(argv[script]) ? argv.slice(script + 1) : undefined;
}

function optionValue(args: readonly string[], name: string): string | undefined {
  for (let i = 0; i < args.length; i++) {
    if (args[i] === name && i + 1 < args.length) return args[i + 1];
    if (args[i].startsWith(`${name}=`)) return args[i].slice(name.length + 1);
  }
  return undefined;
}

async function mtimeIso(file: string): Promise<string | null> {
  const stat = await fs.promises.stat(file).catch(() => undefined);
  return stat ? new Date(stat.mtimeMs).toISOString() : null;
}

/** pi processes of this machine, as far as the platform lets us see them. */
export async function listPiProcesses(): Promise<PiProcessInfo[]> {
  if (process.platform === 'linux') return listFromProc();
  if (process.platform === 'darwin') return listFromPs();
  return [];
}

async function listFromProc(): Promise<PiProcessInfo[]> {
  const names = await fs.promises.readdir('/proc').catch(() => [] as string[]);
  const out: PiProcessInfo[] = [];
  for (const name of names) {
    if (!/^\d+$/.test(name)) continue;
    // Processes come and go, and other users' are unreadable: skip whatever fails.
    const raw = await fs.promises.readFile(`/proc/${name}/cmdline`).catch(() => undefined);
    if (!raw || raw.length === 0 || !raw.includes('pi')) continue;
    const argv = raw.toString('utf8').split('\0');
    if (argv[argv.length - 1] === '') argv.pop();
    if (!piArgs(argv)) continue;
    const cwd = await fs.promises.readlink(`/proc/${name}/cwd`).catch(() => null);
    out.push({ pid: Number(name), argv, cwd, openFiles: await openFilesOf(name) });
  }
  return out;
}

async function openFilesOf(pid: string): Promise<string[]> {
  const fds = await fs.promises.readdir(`/proc/${pid}/fd`).catch(() => [] as string[]);
  const targets = await Promise.all(fds.map((fd) => fs.promises.readlink(`/proc/${pid}/fd/${fd}`).catch(() => '')));
  return targets.filter((t) => t.startsWith('/') && t.endsWith('.jsonl'));
}

async function listFromPs(): Promise<PiProcessInfo[]> {
  const { stdout } = await execFileAsync('ps', ['-axo', 'pid=,command='], { timeout: 5000, maxBuffer: 8 * 1024 * 1024 });
  const out: PiProcessInfo[] = [];
  for (const line of stdout.split('\n')) {
    const match = /^\s*(\d+)\s+(.*)$/.exec(line);
    if (!match) continue;
    // ps joins argv with spaces, so arguments holding spaces cannot be told apart here.
    const argv = match[2].split(/\s+/).filter(Boolean);
    if (!piArgs(argv)) continue;
    const pid = Number(match[1]);
    out.push({ pid, argv, cwd: await darwinCwd(pid) });
  }
  return out;
}

async function darwinCwd(pid: number): Promise<string | null> {
  try {
    const { stdout } = await execFileAsync('lsof', ['-a', '-d', 'cwd', '-p', String(pid), '-Fn'], { timeout: 5000 });
    const line = stdout.split('\n').find((l) => l.startsWith('n'));
    return line ? line.slice(1) : null;
  } catch {
    return null;
  }
}
