import type { IDisposable } from '../core/lifecycle';
import { describeError, type Logger } from '../core/log';
import type { ServerSettings } from '../core/userdata/configFields';
import type { ConfigBundle } from '../shared/model/config';
import { ApiServer, BindRefusedError, type ApiServerDeps } from './apiServer';

export type ServerState =
  | { kind: 'stopped' }
  | { kind: 'starting' }
  | { kind: 'serving'; url: string; host: string; port: number }
  /** Another window (or program) holds the port. */
  | { kind: 'in-use'; host: string; port: number }
  | { kind: 'error'; message: string };

/** What the supervisor needs from the core. */
export interface SupervisedCore {
  /** Opens the state (tokens, saved settings); the server is started only after it. */
  open(): Promise<void>;
  serverDeps(): ApiServerDeps;
  readonly config: { current(): ConfigBundle };
  onConfigApplied(listener: (bundle: ConfigBundle, previous: ConfigBundle) => void | Promise<void>): IDisposable;
}

export interface ServerSupervisorOptions {
  /**
   * What the launcher sets explicitly: command-line flags, or the settings the user wrote
   * in the editor. Each field set here wins over the saved configuration bundle.
   */
  explicit: () => Partial<ServerSettings>;
  log: Logger;
  /** Folder of the built web client, served at `/`. */
  webClientDir?: string;
  /** When the port is taken, try again this often; without it the state stays `in-use`. */
  retryInUseMs?: number;
  /** Quiet time that turns a burst of setting changes into one restart. */
  settleMs?: number;
}

/**
 * Owns the one API server of a process, for the CLI and the editor alike: starts it from
 * the effective server settings (explicit launch settings over the saved bundle over the
 * defaults), restarts it once per settled burst of changes and only when the effective
 * settings differ, and reports its state to listeners.
 */
export class ServerSupervisor implements IDisposable {
  private server: ApiServer | undefined;
  /** The effective settings the live server was started with (its port as asked, maybe 0). */
  private serving: ServerSettings | undefined;
  private current: ServerState = { kind: 'stopped' };
  private readonly listeners = new Set<(state: ServerState) => void>();
  private readonly configSubscription: IDisposable;
  private queue: Promise<void> = Promise.resolve();
  private settle: NodeJS.Timeout | undefined;
  private retry: NodeJS.Timeout | undefined;
  /** The user stopped the server: setting changes leave it stopped until `start()`. */
  private held = true;
  private disposed = false;

  constructor(
    private readonly core: SupervisedCore,
    private readonly options: ServerSupervisorOptions,
  ) {
    this.configSubscription = core.onConfigApplied((bundle, previous) => {
      if (JSON.stringify(bundle.server) !== JSON.stringify(previous.server)) this.settingsChanged();
    });
  }

  get state(): ServerState {
    return this.current;
  }

  /** The settings the server runs with (or would): explicit ones over the saved bundle. */
  effectiveSettings(): ServerSettings {
    const saved = this.core.config.current().server;
    const explicit = this.options.explicit();
    const out: ServerSettings = { ...saved };
    for (const key of Object.keys(explicit) as (keyof ServerSettings)[]) {
      if (explicit[key] !== undefined) (out as Record<keyof ServerSettings, unknown>)[key] = explicit[key];
    }
    return out;
  }

  onDidChangeState(listener: (state: ServerState) => void): IDisposable {
    this.listeners.add(listener);
    return { dispose: () => void this.listeners.delete(listener) };
  }

  /** Serves with the effective settings; resolves with the state that reached. */
  async start(): Promise<ServerState> {
    this.held = false;
    await this.enqueue(() => this.reconcile());
    return this.current;
  }

  /** Stops serving until `start()` is called again. */
  async stop(): Promise<void> {
    this.held = true;
    this.clearTimers();
    await this.enqueue(async () => {
      await this.closeServer();
      this.setState({ kind: 'stopped' });
    });
  }

  /** A server setting may have changed (editor settings, a saved bundle): re-check once things settle. */
  settingsChanged(): void {
    if (this.disposed || this.held) return;
    if (this.settle) clearTimeout(this.settle);
    // The save that triggered this may have come through the server itself: its reply goes
    // out before the server closes.
    this.settle = setTimeout(() => {
      this.settle = undefined;
      void this.enqueue(() => this.reconcile());
    }, this.options.settleMs ?? 100);
  }

  private enqueue(task: () => Promise<void>): Promise<void> {
    this.queue = this.queue.then(task).catch((err) => this.options.log.error(`server: ${describeError(err)}`));
    return this.queue;
  }

  private async reconcile(): Promise<void> {
    if (this.disposed || this.held) return;
    if (this.retry) clearTimeout(this.retry);
    this.retry = undefined;
    // Saved settings and the token store live in the state database: nothing is served before it is open.
    try {
      await this.core.open();
    } catch (err) {
      const message = `the state databases could not be opened: ${describeError(err)}`;
      this.options.log.error(`server: ${message}`);
      this.setState({ kind: 'error', message });
      return;
    }
    if (this.disposed || this.held) return;
    const wanted = this.effectiveSettings();
    if (!wanted.enabled) {
      const wasServing = this.server !== undefined;
      await this.closeServer();
      if (wasServing) this.options.log.info('server: stopped (server.enabled is off)');
      this.setState({ kind: 'stopped' });
      return;
    }
    if (this.server && JSON.stringify(wanted) === JSON.stringify(this.serving)) return;
    // A server asked to pick any free port keeps the one it got, so its clients keep it.
    const keepPort = wanted.port === 0 && this.serving?.port === 0 ? this.server?.address?.port : undefined;
    await this.closeServer();
    await this.listen(wanted, keepPort ?? wanted.port);
  }

  private async listen(settings: ServerSettings, port: number): Promise<void> {
    this.setState({ kind: 'starting' });
    const server = new ApiServer(this.core.serverDeps(), {
      host: settings.host,
      port,
      requireTokenOnLoopback: settings.require_token_on_loopback,
      allowedOrigins: settings.allowed_origins,
      allowedHosts: settings.allowed_hosts,
      webClientDir: this.options.webClientDir,
    });
    try {
      await server.start();
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') {
        const retryMs = this.options.retryInUseMs;
        this.options.log.info(`server: port ${port} on ${settings.host} is in use${retryMs ? `; retrying every ${retryMs / 1000}s` : ''}`);
        this.setState({ kind: 'in-use', host: settings.host, port });
        if (retryMs && !this.disposed && !this.held) {
          this.retry = setTimeout(() => void this.enqueue(() => this.reconcile()), retryMs);
        }
        return;
      }
      const message = err instanceof BindRefusedError ? err.message : `could not start the API server: ${describeError(err)}`;
      this.options.log.error(`server: ${message}`);
      this.setState({ kind: 'error', message });
      return;
    }
    this.server = server;
    this.serving = settings;
    const address = server.address!;
    this.options.log.info(`server: listening on ${server.url}`);
    this.setState({ kind: 'serving', url: server.url!, host: address.host, port: address.port });
  }

  private async closeServer(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    this.serving = undefined;
    await server?.dispose();
  }

  private clearTimers(): void {
    if (this.settle) clearTimeout(this.settle);
    if (this.retry) clearTimeout(this.retry);
    this.settle = undefined;
    this.retry = undefined;
  }

  private setState(state: ServerState): void {
    this.current = state;
    for (const listener of [...this.listeners]) {
      try {
        listener(state);
      } catch (err) {
        this.options.log.error(`server: a state listener failed: ${describeError(err)}`);
      }
    }
  }

  /** Frees the port; awaited on shutdown. */
  async dispose(): Promise<void> {
    if (this.disposed) return this.queue;
    this.disposed = true;
    this.held = true;
    this.clearTimers();
    this.configSubscription.dispose();
    await this.enqueue(() => this.closeServer());
    this.listeners.clear();
  }
}
