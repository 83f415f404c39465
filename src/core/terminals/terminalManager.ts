import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { IPty } from 'node-pty';
import { ApiError } from '../../shared/api/errors';
import type { CoreEventMap } from '../../shared/model/events';
import type { IDisposable } from '../lifecycle';
import { describeError, type Logger } from '../log';

/** Sends a terminal event to the client that owns the terminal (ctx.emitToCaller). */
export type TerminalEmit = <K extends 'terminal-output' | 'terminal-exit'>(name: K, payload: CoreEventMap[K]) => void;

export interface TerminalManagerOptions {
  log: Logger;
  /** The shell to run; chosen by the server, never by a client. */
  shell?: string;
  env?: NodeJS.ProcessEnv;
  /** Open terminals at most, over all clients. */
  maxTerminals?: number;
  /** Open terminals at most for one token (or the local user), over all its connections. */
  maxTerminalsPerOwner?: number;
  /** A terminal without input or output for this long is closed. */
  idleTimeoutMs?: number;
  /** How long a terminal outlives its client, so a quick reconnect of the page costs nothing visible. */
  disconnectGraceMs?: number;
  /** Time between the hangup and SIGKILL when closing. */
  killGraceMs?: number;
  /** Loads node-pty; tests stand in a package that lacks it. */
  loadPty?: () => Promise<NodePtyModule>;
}

export interface CreateTerminalInput {
  /** The connection that drives the terminal and hears its output. */
  ownerId: string;
  /** The token or user behind that connection; the per-owner cap counts these. */
  principal: string;
  cwd: string;
  cols?: number;
  rows?: number;
  emit: TerminalEmit;
}

interface Terminal {
  id: string;
  ownerId: string;
  principal: string;
  pty: IPty;
  emit: TerminalEmit;
  exited: Promise<void>;
  hasExited: boolean;
  idleTimer: NodeJS.Timeout | undefined;
}

export function defaultShell(env: NodeJS.ProcessEnv = process.env): string {
  if (process.platform === 'win32') return env.COMSPEC ?? 'cmd.exe';
  return env.SHELL && path.isAbsolute(env.SHELL) ? env.SHELL : '/bin/bash';
}

/**
 * PTYs for remote clients. Each terminal belongs to the client that opened it: only that
 * client may drive it or hear its output, and it dies when that client goes away (after a
 * grace period), when it idles too long, or when the manager is disposed.
 */
export class TerminalManager implements IDisposable {
  private readonly terminals = new Map<string, Terminal>();
  private readonly goneTimers = new Map<string, NodeJS.Timeout>();
  private opening = 0;
  private readonly openingBy = new Map<string, number>();
  private disposed = false;

  constructor(private readonly options: TerminalManagerOptions) {}

  get size(): number {
    return this.terminals.size;
  }

  async create(input: CreateTerminalInput): Promise<{ id: string; pid: number; cols: number; rows: number }> {
    if (this.disposed) throw new ApiError('unavailable', 'terminals are shutting down');
    const max = this.options.maxTerminals ?? 8;
    // Counted before the awaits below, so that concurrent requests cannot overshoot the cap.
    if (this.terminals.size + this.opening >= max) throw new ApiError('conflict', `too many open terminals (at most ${max}); close one first`);
    const perOwner = this.options.maxTerminalsPerOwner ?? 4;
    const mine = [...this.terminals.values()].filter((t) => t.principal === input.principal).length + (this.openingBy.get(input.principal) ?? 0);
    if (mine >= perOwner) throw new ApiError('conflict', `too many open terminals for this client (at most ${perOwner} per token); close one first`);
    this.opening++;
    this.openingBy.set(input.principal, (this.openingBy.get(input.principal) ?? 0) + 1);
    try {
      if (!path.isAbsolute(input.cwd)) throw new ApiError('invalid_payload', `cwd: must be an absolute path, got "${input.cwd}"`);
      const stat = await fs.promises.stat(input.cwd).catch(() => undefined);
      if (!stat?.isDirectory()) throw new ApiError('not_found', `cwd: no such folder: ${input.cwd}`);
      const nodePty = await loadNodePty(this.options.loadPty);
      const cols = input.cols ?? 80;
      const rows = input.rows ?? 24;
      const env = { ...(this.options.env ?? process.env), TERM: 'xterm-256color' };
      const pty = nodePty.spawn(this.options.shell ?? defaultShell(env), [], { name: 'xterm-256color', cwd: input.cwd, cols, rows, env });
      const terminal = this.track(pty, input);
      this.options.log.info(`terminal ${terminal.id} opened (pid ${pty.pid}) in ${input.cwd}`);
      return { id: terminal.id, pid: pty.pid, cols, rows };
    } finally {
      this.opening--;
      const left = (this.openingBy.get(input.principal) ?? 1) - 1;
      if (left > 0) this.openingBy.set(input.principal, left);
      else this.openingBy.delete(input.principal);
    }
  }

  write(ownerId: string, id: string, data: string): void {
    const terminal = this.owned(ownerId, id);
    terminal.pty.write(data);
    this.touch(terminal);
  }

  resize(ownerId: string, id: string, cols: number, rows: number): void {
    const terminal = this.owned(ownerId, id);
    terminal.pty.resize(cols, rows);
    this.touch(terminal);
  }

  async close(ownerId: string, id: string): Promise<void> {
    await this.kill(this.owned(ownerId, id));
  }

  /** Transports call this when a client's connection ends. */
  onClientDisconnected(callerId: string): void {
    if (this.goneTimers.has(callerId) || ![...this.terminals.values()].some((t) => t.ownerId === callerId)) return;
    const timer = setTimeout(() => {
      this.goneTimers.delete(callerId);
      for (const terminal of [...this.terminals.values()]) {
        if (terminal.ownerId === callerId) void this.kill(terminal);
      }
    }, this.options.disconnectGraceMs ?? 5000);
    timer.unref();
    this.goneTimers.set(callerId, timer);
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    for (const timer of this.goneTimers.values()) clearTimeout(timer);
    this.goneTimers.clear();
    await Promise.all([...this.terminals.values()].map((t) => this.kill(t)));
  }

  private track(pty: IPty, input: CreateTerminalInput): Terminal {
    let markExited!: () => void;
    const terminal: Terminal = {
      id: randomUUID(),
      ownerId: input.ownerId,
      principal: input.principal,
      pty,
      emit: input.emit,
      exited: new Promise<void>((resolve) => (markExited = resolve)),
      hasExited: false,
      idleTimer: undefined,
    };
    this.terminals.set(terminal.id, terminal);
    pty.onData((data) => {
      this.touch(terminal);
      this.safeEmit(terminal, 'terminal-output', { id: terminal.id, data });
    });
    pty.onExit(({ exitCode, signal }) => {
      terminal.hasExited = true;
      if (terminal.idleTimer) clearTimeout(terminal.idleTimer);
      this.terminals.delete(terminal.id);
      this.safeEmit(terminal, 'terminal-exit', { id: terminal.id, exit_code: exitCode, signal: signal ? signal : null });
      markExited();
    });
    this.touch(terminal);
    return terminal;
  }

  private owned(ownerId: string, id: string): Terminal {
    const terminal = this.terminals.get(id);
    // Someone else's terminal reads as absent, so ids cannot be probed.
    if (!terminal || terminal.ownerId !== ownerId) throw new ApiError('not_found', `no open terminal with id ${id}`);
    return terminal;
  }

  private touch(terminal: Terminal): void {
    if (terminal.hasExited) return;
    if (terminal.idleTimer) clearTimeout(terminal.idleTimer);
    terminal.idleTimer = setTimeout(() => {
      this.options.log.info(`terminal ${terminal.id} closed after being idle`);
      void this.kill(terminal);
    }, this.options.idleTimeoutMs ?? 30 * 60_000);
    terminal.idleTimer.unref();
  }

  private async kill(terminal: Terminal): Promise<void> {
    if (terminal.hasExited) return terminal.exited;
    try {
      terminal.pty.kill();
    } catch (err) {
      this.options.log.debug(`terminal ${terminal.id}: hangup failed: ${describeError(err)}`);
    }
    // A shell that ignores the hangup is killed for good.
    let timer: NodeJS.Timeout | undefined;
    const forced = new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        if (!terminal.hasExited) {
          try {
            process.kill(terminal.pty.pid, 'SIGKILL');
          } catch {
            // Already gone.
          }
        }
        resolve();
      }, this.options.killGraceMs ?? 2000);
    });
    await Promise.race([terminal.exited, forced]);
    await terminal.exited;
    clearTimeout(timer);
  }

  private safeEmit<K extends 'terminal-output' | 'terminal-exit'>(terminal: Terminal, name: K, payload: CoreEventMap[K]): void {
    try {
      terminal.emit(name, payload);
    } catch (err) {
      this.options.log.error(`terminal ${terminal.id}: delivering ${name} failed: ${describeError(err)}`);
    }
  }
}

export type NodePtyModule = typeof import('node-pty');
let nodePtyModule: Promise<NodePtyModule> | undefined;

function importNodePty(): Promise<NodePtyModule> {
  return import('node-pty').then((m) => ((m as { default?: NodePtyModule }).default ?? m) as NodePtyModule);
}

/** Loaded on first use: a missing native build then fails one command, not the whole core. */
function loadNodePty(load?: () => Promise<NodePtyModule>): Promise<NodePtyModule> {
  const loading = load ? load() : (nodePtyModule ??= importNodePty());
  return loading.catch((err: unknown) => {
    if (!load) nodePtyModule = undefined;
    throw new ApiError('not_available', nodePtyUnavailableReason(err));
  });
}

/**
 * Why terminals cannot open. The universal package leaves node-pty out altogether (it has no
 * addon for the platforms without a package of their own); anything else is a broken install.
 */
export function nodePtyUnavailableReason(err: unknown, platform: string = process.platform, arch: string = process.arch): string {
  const code = (err as { code?: unknown } | undefined)?.code;
  // require() says MODULE_NOT_FOUND, import() ERR_MODULE_NOT_FOUND ("Cannot find package 'node-pty'").
  if ((code === 'MODULE_NOT_FOUND' || code === 'ERR_MODULE_NOT_FOUND') && /['"]node-pty['"]/.test(describeError(err))) {
    return (
      `terminals are not available on ${platform}-${arch}: this package of the extension has no terminal support ` +
      'for this platform (node-pty is not included). Sessions, search, the viewer and the API work as usual; ' +
      'packages for linux-x64, darwin-x64, darwin-arm64, win32-x64 and win32-arm64 include terminals'
    );
  }
  return `terminals are not available: node-pty could not load (${describeError(err)})`;
}
