import * as path from 'node:path';
import * as os from 'node:os';
import { Disposable, toDisposable, type IDisposable } from './lifecycle';
import { watchSharedState } from './state/sharedStateWatcher';
import { EventBus } from './events';
import { CommandRouter } from './api/router';
import { notAvailableYet, seedCommandNames } from './api/seedCommands';
import { createSystemCommands } from './api/systemCommands';
import { createPiConfigCommands } from './pi/configCommands';
import type { Caller, DispatchResult } from './api/types';
import { SqliteFile } from './state/sqliteFile';
import { userStateMigrations } from './state/userStateSchema';
import { TokenStore } from './auth/tokenStore';
import { describeError, type Logger } from './log';

/** Editor services the core cannot provide itself; the CLI passes Node implementations. */
export interface PlatformServices {
  /** Moves a file to the OS trash; `trashed: false` means it had to be deleted for good. */
  moveToTrash(file: string): Promise<{ trashed: boolean }>;
}

export interface CoreOptions {
  /** pi's agent dir (`PI_CODING_AGENT_DIR` or `~/.pi/agent`). */
  agentDir: string;
  /** Where the product keeps its databases (globalStorage in VS Code). */
  stateDir: string;
  log: Logger;
  platform: PlatformServices;
  env?: NodeJS.ProcessEnv;
  homeDir?: string;
  /** Session directories given on the command line or in editor settings. */
  extraSessionDirs?: readonly string[];
  workspaceFolders?: () => readonly string[];
}

/**
 * The one core: owns the state, the services and the command table. Every face of the
 * product (editor UI, HTTP, WebSocket, SSE, CLI) goes through `dispatch()`.
 */
export class Core extends Disposable {
  readonly bus: EventBus;
  readonly router: CommandRouter;

  private constructor(
    readonly options: CoreOptions,
    readonly stateDb: SqliteFile,
    readonly tokens: TokenStore,
  ) {
    super();
    this.bus = new EventBus((err) => options.log.error(`event listener failed: ${describeError(err)}`));
    this.router = new CommandRouter(this.bus, options.log);
    for (const name of seedCommandNames) this.router.register(notAvailableYet(name));
    this.router.registerAll(createSystemCommands({ tokens }));
    this.router.registerAll(
      createPiConfigCommands({
        agentDir: options.agentDir,
        homeDir: options.homeDir ?? os.homedir(),
        workspaceFolders: () => [...(options.workspaceFolders?.() ?? [])],
        log: options.log,
      }),
    );
  }

  static async create(options: CoreOptions): Promise<Core> {
    const stateDb = await SqliteFile.open(path.join(options.stateDir, 'state.db'), {
      log: options.log,
      migrations: userStateMigrations,
      saveDelayMs: 300,
    });
    const core = new Core(options, stateDb, new TokenStore(stateDb));
    core.register(toDisposable(() => stateDb.close()));
    return core;
  }

  get log(): Logger {
    return this.options.log;
  }

  get homeDir(): string {
    return this.options.homeDir ?? os.homedir();
  }

  /** Background work after construction: watching state shared with other processes. */
  async start(): Promise<void> {
    this.register(watchSharedState(this.stateDb, this.log));
  }

  /** What the HTTP/WS/SSE server needs from the core. */
  serverDeps() {
    return {
      router: this.router,
      bus: this.bus,
      tokens: this.tokens,
      log: this.log,
      onClientGone: (callerId: string) => {
        for (const listener of this.clientGoneListeners) listener(callerId);
      },
    };
  }

  private readonly clientGoneListeners = new Set<(callerId: string) => void>();

  /** Services that own per-client resources (terminals) hear when a client leaves. */
  onClientGone(listener: (callerId: string) => void): IDisposable {
    this.clientGoneListeners.add(listener);
    return toDisposable(() => void this.clientGoneListeners.delete(listener));
  }

  dispatch(command: unknown, payload: unknown, caller: Caller): Promise<DispatchResult> {
    return this.router.dispatch(command, payload, caller);
  }
}
