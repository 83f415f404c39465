import * as vscode from 'vscode';
import type { Core } from '../core/core';
import { ApiServer, BindRefusedError } from '../server/apiServer';
import { describeError } from '../core/log';
import type { ExtensionSettings } from './settings';
import type { Logger } from '../core/log';

export type ServerState =
  | { kind: 'off' }
  | { kind: 'starting' }
  | { kind: 'serving'; url: string; port: number }
  /** Another window (or program) holds the port; this one retries and takes over later. */
  | { kind: 'in-use'; port: number }
  | { kind: 'error'; message: string };

const retryMs = 5_000;

/** Owns the API server of this window: start, stop, and waiting for a busy port. */
export class ServerController implements vscode.Disposable {
  private server: ApiServer | undefined;
  private retry: NodeJS.Timeout | undefined;
  private current: ServerState = { kind: 'off' };
  private readonly changed = new vscode.EventEmitter<ServerState>();
  readonly onDidChangeState = this.changed.event;
  private generation = 0;

  constructor(
    private readonly core: Core,
    private settings: () => ExtensionSettings,
    private readonly log: Logger,
    private readonly webClientDir: string,
  ) {}

  get state(): ServerState {
    return this.current;
  }

  async start(): Promise<void> {
    await this.stop();
    const generation = ++this.generation;
    const settings = this.settings();
    if (!settings.serverEnabled) return this.setState({ kind: 'off' });
    this.setState({ kind: 'starting' });
    // Requests are authenticated against the token store, so none is served before it is open.
    try {
      await this.core.open();
    } catch (err) {
      const message = `the state databases could not be opened: ${describeError(err)}`;
      this.log.error(`server: ${message}`);
      if (generation === this.generation) this.setState({ kind: 'error', message });
      return;
    }
    if (generation !== this.generation) return;
    const server = new ApiServer(this.core.serverDeps(), {
      host: settings.host,
      port: settings.port,
      requireTokenOnLoopback: settings.requireTokenOnLoopback,
      allowedOrigins: settings.allowedOrigins,
      webClientDir: this.webClientDir,
    });
    try {
      await server.start();
    } catch (err) {
      await server.dispose();
      if (generation !== this.generation) return;
      if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') {
        this.log.info(`server: port ${settings.port} is in use; retrying every ${retryMs / 1000}s`);
        this.setState({ kind: 'in-use', port: settings.port });
        this.retry = setTimeout(() => void this.start(), retryMs);
        return;
      }
      const message = err instanceof BindRefusedError ? err.message : `could not start the API server: ${describeError(err)}`;
      this.log.error(`server: ${message}`);
      this.setState({ kind: 'error', message });
      return;
    }
    if (generation !== this.generation) {
      await server.dispose();
      return;
    }
    this.server = server;
    this.log.info(`server: listening on ${server.url}`);
    this.setState({ kind: 'serving', url: server.url!, port: server.address!.port });
  }

  async stop(): Promise<void> {
    this.generation++;
    if (this.retry) clearTimeout(this.retry);
    this.retry = undefined;
    const server = this.server;
    this.server = undefined;
    if (server) {
      await server.dispose();
      this.log.info('server: stopped');
    }
    this.setState({ kind: 'off' });
  }

  private setState(state: ServerState): void {
    this.current = state;
    this.changed.fire(state);
  }

  /** Frees the port; `deactivate()` awaits this. */
  async dispose(): Promise<void> {
    await this.stop();
    this.changed.dispose();
  }
}
