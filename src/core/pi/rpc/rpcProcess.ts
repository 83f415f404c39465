import { spawn, type ChildProcess } from 'node:child_process';
import { ApiError } from '../../../shared/api/errors';
import type { IDisposable } from '../../lifecycle';
import { describeError, type Logger } from '../../log';
import { JsonlFramer } from './jsonlFraming';
import { blockingUiMethods, classifyRpcLine, readRpcState, type RpcEvent, type RpcResponse, type RpcState } from './rpcProtocol';

/** How to start pi: `pi` on PATH by default, or e.g. node plus the package's `dist/cli.js`. */
export interface PiCommand {
  command: string;
  args: string[];
}

export const defaultPiCommand: PiCommand = { command: 'pi', args: [] };

export interface RpcProcessOptions {
  piCommand: PiCommand;
  /** Absolute path of the session file (`--session`). */
  sessionPath: string;
  cwd: string;
  env: NodeJS.ProcessEnv;
  log: Logger;
  /** Spawn to `get_state` answer takes about 1 s; slow machines need far more. */
  handshakeTimeoutMs?: number;
  requestTimeoutMs?: number;
  /** Time between SIGTERM and SIGKILL. */
  stopGraceMs?: number;
}

type ExitInfo = { code: number | null; signal: NodeJS.Signals | null };

interface Pending {
  resolve(response: RpcResponse): void;
  reject(err: Error): void;
  timer: NodeJS.Timeout;
}

const stderrTailBytes = 4096;

/**
 * One `pi --mode rpc` child: frames its stdout, matches responses to requests by id, hands
 * events (and responses nobody waits for, such as a prompt's late failure) to listeners, and
 * answers blocking extension dialogs with "cancelled" so a run can never hang on them.
 */
export class PiRpcProcess {
  private readonly child: ChildProcess;
  private readonly framer = new JsonlFramer();
  private readonly pending = new Map<string, Pending>();
  private readonly eventListeners = new Set<(event: RpcEvent) => void>();
  private readonly responseListeners = new Set<(response: RpcResponse) => void>();
  private readonly exitListeners = new Set<(exit: ExitInfo) => void>();
  private nextId = 1;
  private stderrTail = '';
  private spawnError: Error | undefined;
  private exitInfo: ExitInfo | undefined;
  readonly exited: Promise<ExitInfo>;

  private constructor(private readonly options: RpcProcessOptions) {
    const { piCommand, sessionPath, cwd, env } = options;
    this.child = spawn(piCommand.command, [...piCommand.args, '--mode', 'rpc', '--session', sessionPath], {
      cwd,
      env,
      stdio: ['pipe', 'pipe', 'pipe'],
      windowsHide: true,
    });
    this.exited = new Promise((resolve) => {
      this.child.once('error', (err) => {
        this.spawnError = err;
        // A child that never started emits no 'exit'.
        if (this.child.pid === undefined) this.handleExit({ code: null, signal: null }, resolve);
      });
      this.child.once('exit', (code, signal) => this.handleExit({ code, signal }, resolve));
    });
    this.child.stdout!.on('data', (chunk: Buffer) => {
      for (const line of this.framer.push(chunk)) this.onLine(line);
    });
    this.child.stderr!.on('data', (chunk: Buffer) => {
      this.stderrTail = (this.stderrTail + chunk.toString('utf8')).slice(-stderrTailBytes);
    });
    // Writes after the child died fail with EPIPE; the exit handling reports that.
    this.child.stdin!.on('error', () => undefined);
  }

  /** Spawns pi and waits for the `get_state` handshake (pi prints no ready line). */
  static async start(options: RpcProcessOptions): Promise<{ process: PiRpcProcess; state: RpcState }> {
    const proc = new PiRpcProcess(options);
    try {
      const response = await proc.request({ type: 'get_state' }, options.handshakeTimeoutMs ?? 30_000);
      if (!response.success) throw new ApiError('unavailable', `pi refused get_state: ${response.error ?? 'no reason given'}`);
      return { process: proc, state: readRpcState(response.data) };
    } catch (err) {
      await proc.stop();
      throw err;
    }
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get hasExited(): boolean {
    return this.exitInfo !== undefined;
  }

  /** Sends a command and resolves with the first response carrying its id. */
  request(command: { type: string; [key: string]: unknown }, timeoutMs = this.options.requestTimeoutMs ?? 30_000): Promise<RpcResponse> {
    if (this.exitInfo) return Promise.reject(this.exitError());
    const id = `psm-${this.nextId++}`;
    return new Promise<RpcResponse>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new ApiError('timeout', `pi did not answer ${command.type} within ${Math.round(timeoutMs / 1000)} s`));
      }, timeoutMs);
      this.pending.set(id, { resolve, reject, timer });
      this.write({ ...command, id });
    });
  }

  /** Agent events, in stdout order. */
  onEvent(listener: (event: RpcEvent) => void): IDisposable {
    this.eventListeners.add(listener);
    return { dispose: () => void this.eventListeners.delete(listener) };
  }

  /** Responses no request is waiting for: pi reports a failed prompt as a second response. */
  onUnmatchedResponse(listener: (response: RpcResponse) => void): IDisposable {
    this.responseListeners.add(listener);
    return { dispose: () => void this.responseListeners.delete(listener) };
  }

  onExit(listener: (exit: ExitInfo) => void): IDisposable {
    this.exitListeners.add(listener);
    return { dispose: () => void this.exitListeners.delete(listener) };
  }

  /** SIGTERM, then SIGKILL after the grace period; resolves once the child is gone. */
  async stop(): Promise<void> {
    if (this.exitInfo || this.child.pid === undefined) return;
    this.child.kill('SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    const killed = new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        if (!this.exitInfo) this.child.kill('SIGKILL');
        resolve();
      }, this.options.stopGraceMs ?? 3000);
    });
    await Promise.race([this.exited, killed]);
    await this.exited;
    clearTimeout(timer);
  }

  private write(message: object): void {
    if (this.exitInfo || !this.child.stdin?.writable) return;
    this.child.stdin.write(`${JSON.stringify(message)}\n`);
  }

  private onLine(line: string): void {
    if (line.length === 0) return;
    const parsed = classifyRpcLine(line);
    switch (parsed.kind) {
      case 'response': {
        const waiting = parsed.response.id === undefined ? undefined : this.pending.get(parsed.response.id);
        if (waiting) {
          this.pending.delete(parsed.response.id!);
          clearTimeout(waiting.timer);
          waiting.resolve(parsed.response);
        } else {
          for (const listener of [...this.responseListeners]) listener(parsed.response);
        }
        return;
      }
      case 'ui-request':
        if (blockingUiMethods.has(parsed.request.method)) {
          this.write({ type: 'extension_ui_response', id: parsed.request.id, cancelled: true });
        }
        return;
      case 'event':
        for (const listener of [...this.eventListeners]) listener(parsed.event);
        return;
      case 'junk':
        this.options.log.debug(`pi rpc (${this.options.sessionPath}) printed a non-JSON line: ${parsed.text.slice(0, 200)}`);
    }
  }

  private handleExit(exit: ExitInfo, resolve: (exit: ExitInfo) => void): void {
    if (this.exitInfo) return;
    for (const line of this.framer.end()) this.onLine(line);
    this.exitInfo = exit;
    const err = this.exitError();
    for (const waiting of this.pending.values()) {
      clearTimeout(waiting.timer);
      waiting.reject(err);
    }
    this.pending.clear();
    resolve(exit);
    for (const listener of [...this.exitListeners]) {
      try {
        listener(exit);
      } catch (listenerErr) {
        this.options.log.error(`pi rpc exit listener failed: ${describeError(listenerErr)}`);
      }
    }
  }

  private exitError(): ApiError {
    const err = this.spawnError as NodeJS.ErrnoException | undefined;
    if (err?.code === 'ENOENT') {
      return new ApiError('not_available', `pi is not installed or not found: could not run "${this.options.piCommand.command}"`);
    }
    if (err) return new ApiError('unavailable', `could not start pi: ${describeError(err)}`);
    const how = this.exitInfo?.signal ? `signal ${this.exitInfo.signal}` : `code ${this.exitInfo?.code ?? '?'}`;
    // Node prints a crash as a stack trace; the line naming the error is the one worth showing.
    const lines = this.stderrTail.split('\n').map((l) => l.trim()).filter(Boolean);
    const summary = (lines.find((l) => /error/i.test(l)) ?? lines.slice(-3).join(' | ')).slice(0, 500);
    return new ApiError('unavailable', `pi exited (${how})${summary ? `: ${summary}` : ''}`);
  }

  /** Why the child is gone, for callers that learn of it through `onExit`. */
  describeExit(): ApiError {
    return this.exitError();
  }
}
