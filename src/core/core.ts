import * as path from 'node:path';
import * as os from 'node:os';
import { Disposable, toDisposable, type IDisposable } from './lifecycle';
import { watchSharedState } from './state/sharedStateWatcher';
import { EventBus } from './events';
import { CommandRouter } from './api/router';
import { createSystemCommands } from './api/systemCommands';
import { createPiConfigCommands } from './pi/configCommands';
import { EditorPathGrants } from './pi/modelConfigPaths';
import type { Caller, DispatchResult } from './api/types';
import type { CommandName, PayloadOf, ReplyOf } from '../shared/api/commands';
import { SqliteFile } from './state/sqliteFile';
import { userStateMigrations } from './state/userStateSchema';
import { UserSettings } from './state/userSettings';
import { TokenStore } from './auth/tokenStore';
import { describeError, type Logger } from './log';
import { resolveSessionDirs } from './sessions/sessionDirs';
import type { SessionDir } from '../shared/model/sessionDirs';
import { ScanCacheClient } from './sessions/cache/scanCacheClient';
import { settledWithin } from './util/settledWithin';
import { SessionIndex, type ContentObserver } from './sessions/sessionIndex';
import { ScanPool } from './sessions/scan/scanPool';
import { parseEntriesFrom, parseSessionFile } from './sessions/parser';
import { createSessionCommands } from './sessions/sessionCommands';
import { createSessionActionCommands } from './sessions/sessionActionCommands';
import { OwnSessionWrites } from './sessions/ownWrites';
import { ExportRunner } from './export/exportRunner';
import { UserData } from './userdata/userData';
import { ConfigBundleStore, sessionPathsSettingKey } from './userdata/configBundle';
import type { ConfigBundle } from '../shared/model/config';
import { createUserDataCommands } from './userdata/userDataCommands';
import { createStatsCommands } from './stats/statsCommands';
import { PiRpcManager } from './pi/rpc/rpcManager';
import type { PiCommand } from './pi/rpc/rpcProcess';
import { LiveSessionFinder } from './pi/liveSessions';
import { createPiAgentCommands } from './pi/agentCommands';
import { BridgeHub } from './pi/bridge/bridgeHub';
import { TerminalManager } from './terminals/terminalManager';
import { createTerminalCommands } from './terminals/terminalCommands';
import { SearchService } from './search/searchService';
import { createSearchCommands } from './search/searchCommands';

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
  /** Quiet time that coalesces file events into one diff (tests may shorten it). */
  coalesceMs?: number;
  /** How to start pi for RPC (default: `pi` on the PATH). */
  piCommand?: PiCommand;
  /**
   * A demo store (see `writeDemoStore`): its sessions folder is the only one scanned, and the
   * faces mark everything as demo sessions. The caller also points `agentDir` and `stateDir`
   * into the store, so the user's pi folders and databases are never touched.
   */
  demo?: { sessionsDir: string };
  /**
   * The host starts the core as soon as it is made (the server, the editor), so the first
   * scan's reading of the scan cache begins at construction. A short-lived core (a CLI
   * command about tokens) leaves the cache unread.
   */
  startingNow?: boolean;
}

/** The longest a first scan's rows wait for the search worker to stop before they are saved anyway. */
const maxFirstRowsDeferralMs = 5 * 60_000;

/**
 * The one core: owns the state, the services and the command table. Every face of the
 * product (editor UI, HTTP, WebSocket, SSE, CLI) goes through `dispatch()`.
 */
export class Core extends Disposable {
  readonly bus: EventBus;
  readonly router: CommandRouter;
  readonly sessions: SessionIndex;
  readonly userData: UserData;
  readonly config: ConfigBundleStore;
  /** The editor grants a path its file dialog picked for one import or export of models.json. */
  readonly editorPathGrants = new EditorPathGrants();
  private readonly settings: UserSettings;
  private launchDirs: readonly string[];
  private readonly clientGoneListeners = new Set<(callerId: string) => void>();
  private readonly configListeners = new Set<(bundle: ConfigBundle, previous: ConfigBundle) => void | Promise<void>>();

  /** Live pi sessions that registered over a bridge on `/ws`. */
  readonly bridges: BridgeHub;
  readonly stateDb: SqliteFile;
  readonly tokens: TokenStore;
  private opening: Promise<void> | undefined;
  private readonly search: SearchService;
  private readonly scanPool: ScanPool;
  private readonly scanCache: ScanCacheClient;

  /**
   * Cheap enough for the editor's activation: the databases are not read here but in
   * `open()` (which `start()` runs); commands dispatched before that wait for it.
   */
  constructor(
    readonly options: CoreOptions,
    contentObserver?: ContentObserver,
  ) {
    super();
    const log = options.log;
    const stateDb = new SqliteFile(path.join(options.stateDir, 'state.db'), { log, migrations: userStateMigrations, saveDelayMs: 300 });
    this.stateDb = stateDb;
    this.register(toDisposable(() => stateDb.close()));
    // The scan cache is read whole at startup and then only when a file grows, in a worker
    // thread that stops (with sql.js's memory) 5 s after its last use. Each save exports the
    // whole file, so it is saved 10 s after changes stop, not after every batch; the first
    // scan's rows wait for search (see `start`). Disposed after the session index (reverse
    // order), so the index's last rows are saved.
    const scanCache = this.register(new ScanCacheClient({ file: path.join(options.stateDir, 'scan-cache.db'), log, saveDelayMs: 10_000, restAfterMs: 5_000 }));
    if (options.startingNow) scanCache.preload();
    this.scanCache = scanCache;
    const tokens = new TokenStore(stateDb);
    this.tokens = tokens;
    this.launchDirs = options.extraSessionDirs ?? [];
    this.bus = new EventBus((err) => log.error(`event listener failed: ${describeError(err)}`));
    this.router = new CommandRouter(this.bus, log);
    this.settings = new UserSettings(stateDb);

    let userData: UserData | undefined;
    let search: SearchService | undefined;
    // Parses on worker threads during scans and feeds what it decodes to the search worker.
    const scanPool = this.register(new ScanPool({ log, feed: () => search }));
    this.scanPool = scanPool;
    this.sessions = new SessionIndex({
      bus: this.bus,
      log,
      cache: scanCache,
      summarize: scanPool.summarize,
      // Two files per thread keep every thread busy while the main thread handles results.
      scanConcurrency: Math.max(1, scanPool.threads * 2),
      dirs: () => this.sessionDirs(),
      observer: contentObserver,
      decorate: (info) => (userData ? userData.decorate(info) : info),
      coalesceMs: options.coalesceMs,
      followSymlinks: () => this.config.current().sessions.follow_symlinks,
    });
    userData = new UserData({ db: stateDb, sessions: this.sessions, bus: this.bus });
    this.userData = userData;
    this.config = new ConfigBundleStore({
      db: stateDb,
      bus: this.bus,
      log,
      onApplied: async (bundle, previous) => {
        const foldersChanged = JSON.stringify(bundle.session_paths) !== JSON.stringify(previous.session_paths);
        if (foldersChanged || bundle.sessions.follow_symlinks !== previous.sessions.follow_symlinks) await this.sessions.rescan();
        for (const listener of this.configListeners) await listener(bundle, previous);
      },
    });

    this.router.registerAll(createSystemCommands({ tokens, commands: () => this.router.commands() }));
    this.router.registerAll(
      createSessionCommands({
        index: this.sessions,
        dirs: () => this.sessionDirs(),
        userDirs: () => this.userSessionDirs(),
        saveUserDirs: (dirs) => this.settings.setMany({ [sessionPathsSettingKey]: dirs }),
        homeDir: this.homeDir,
      }),
    );
    // Shared by every writer of session files we own and by the live-session guesses.
    const ownWrites = new OwnSessionWrites();
    const exports = this.register(new ExportRunner());
    this.router.registerAll(
      createSessionActionCommands({
        index: this.sessions,
        dirs: () => this.sessionDirs(),
        parse: (file) => parseSessionFile(file),
        parseFrom: parseEntriesFrom,
        moveToTrash: (file) => options.platform.moveToTrash(file),
        ownWrites,
        forgetUserData: async (id, file) => {
          await userData.forgetSession(id, file);
        },
        exportSessionFile: (job) => exports.run(job),
      }),
    );
    this.router.registerAll(createUserDataCommands({ userData, config: this.config }));

    const lookup = { findSessionById: (id: string) => this.sessions.byId(id), findSessionByPath: (p: string) => this.sessions.get(p) };
    const rpc = this.register(new PiRpcManager({ bus: this.bus, log, sessions: lookup, piCommand: options.piCommand, env: options.env, ownWrites }));
    const bridges = this.register(
      new BridgeHub({
        bus: this.bus,
        log,
        sessionRoots: () => this.sessionDirs().map((d) => d.path),
        index: { findSessionByPath: lookup.findSessionByPath, refreshFile: (file) => this.sessions.refreshFile(file) },
      }),
    );
    this.bridges = bridges;
    const live = new LiveSessionFinder({ rpc, bridges, ownWrites, sessions: { listSessions: () => this.sessions.all(), findSessionByPath: lookup.findSessionByPath } });
    this.router.registerAll(createPiAgentCommands({
        rpc,
        live,
        bridges,
        log,
        sessions: lookup,
        parseSessionFile: (file) => parseSessionFile(file),
        sessionRoots: () => this.sessionDirs().map((d) => d.path),
      }));
    const terminals = this.register(new TerminalManager({ log }));
    this.router.registerAll(createTerminalCommands(terminals));
    this.register(this.onClientGone((id) => terminals.onClientDisconnected(id)));
    this.router.registerAll(createStatsCommands({ sessions: this.sessions }));
    search = this.register(new SearchService({ bus: this.bus, sessions: this.sessions, indexDir: path.join(options.stateDir, 'search'), log }));
    this.search = search;
    this.router.registerAll(
      createSearchCommands({ service: search, sessions: this.sessions, defaultPerSession: () => this.config.current().search.max_hits_per_session }),
    );
    this.router.registerAll(
      createPiConfigCommands({
        agentDir: options.agentDir,
        homeDir: this.homeDir,
        workspaceFolders: () => [...(options.workspaceFolders?.() ?? [])],
        log,
        pathGrants: this.editorPathGrants,
      }),
    );
  }

  /** A core with its databases open, for faces that need them at once (the CLI, tests). */
  static async create(options: CoreOptions): Promise<Core> {
    const core = new Core(options);
    try {
      await core.open();
    } catch (err) {
      await core.dispose();
      throw err;
    }
    return core;
  }

  /** Opens the user-data database (the scan cache opens in its worker on first use); once, however often it is called. */
  open(): Promise<void> {
    this.opening ??= this.stateDb.open();
    return this.opening;
  }

  get log(): Logger {
    return this.options.log;
  }

  get homeDir(): string {
    return this.options.homeDir ?? os.homedir();
  }

  /** True when this core shows a generated demo store instead of the user's sessions. */
  get isDemo(): boolean {
    return this.options.demo !== undefined;
  }

  /** pi's folders, the launch folders (CLI flags, editor setting) and the user's saved ones; or the demo's. */
  sessionDirs(): SessionDir[] {
    const demo = this.options.demo;
    if (demo) return [{ path: demo.sessionsDir, source: 'demo', exists: true, why: 'demo sessions generated by Pi Session Manager' }];
    return resolveSessionDirs({
      agentDir: this.options.agentDir,
      env: this.options.env ?? process.env,
      home: this.homeDir,
      workingDirs: this.options.workspaceFolders?.() ?? [],
      userDirs: this.userSessionDirs(),
      launchDirs: this.launchDirs,
      log: this.log,
    });
  }

  private userSessionDirs(): string[] {
    const saved = this.settings.get<string[]>(sessionPathsSettingKey, []);
    return Array.isArray(saved) ? saved.filter((d): d is string => typeof d === 'string') : [];
  }

  /** The editor's extra folders setting changed: rescan with the new list. */
  async setLaunchSessionDirs(dirs: readonly string[]): Promise<void> {
    this.launchDirs = dirs;
    await this.open();
    await this.sessions.rescan();
  }

  /** Resolves once the databases are open and the first scan has finished. */
  async sessionsReady(): Promise<void> {
    await this.open();
    await this.sessions.ready();
  }

  /** Background work after construction: opening the databases, the first scan, watching. */
  async start(): Promise<void> {
    // The editor may close before (or while) the databases open: then there is nothing to start.
    if (this.isDisposed) return;
    await this.open();
    if (this.isDisposed) return;
    this.register(watchSharedState(this.stateDb, this.log));
    this.register(this.sessions);
    void this.sessions.ready().then(() => this.logFirstScan());
    // The first scan's rows wait until search has indexed what it found and its worker has
    // stopped (see ScanCacheClient.deferWrites), or at most a few minutes after the scan if
    // searches keep the worker up: a cold start's two largest memories then come one after
    // the other instead of together.
    this.scanCache.deferWrites(this.sessions.ready().then(() => settledWithin(this.search.resting(), maxFirstRowsDeferralMs)));
    await this.sessions.start();
  }

  /** What the first scan cost, in the log: memory held in the editor counts as much as time. */
  private async logFirstScan(): Promise<void> {
    const { sessions, full_parses, cache_hits, last_scan_ms } = this.sessions.status();
    const rssMb = (process.memoryUsage().rss / 1048576).toFixed(0);
    let heap = '';
    try {
      const memory = await this.search.memory();
      if (memory) heap = `, search worker heap ${(memory.heap_used / 1048576).toFixed(0)} MB`;
    } catch {
      // The worker is restarting or shutting down; the process figure stands alone.
    }
    const { fed, not_fed } = this.scanPool.feedStats();
    this.log.info(
      `sessions: first scan listed ${sessions} session(s) in ${last_scan_ms} ms (${full_parses} parsed, ${cache_hits} from the cache; ` +
        `${fed} fed to search, ${not_fed} left for it to read); process RSS ${rssMb} MB${heap}`,
    );
  }

  /** What the HTTP/WS/SSE server needs from the core. */
  serverDeps() {
    return {
      router: this.router,
      bus: this.bus,
      tokens: this.tokens,
      log: this.log,
      bridges: this.bridges,
      demo: this.isDemo,
      onClientGone: (callerId: string) => {
        for (const listener of this.clientGoneListeners) listener(callerId);
      },
    };
  }

  /** Services that own per-client resources (terminals) hear when a client leaves. */
  onClientGone(listener: (callerId: string) => void): IDisposable {
    this.clientGoneListeners.add(listener);
    return toDisposable(() => void this.clientGoneListeners.delete(listener));
  }

  /**
   * The faces that own what a bundle configures (the server belongs to the CLI or the
   * editor, not the core) apply a saved bundle here.
   */
  onConfigApplied(listener: (bundle: ConfigBundle, previous: ConfigBundle) => void | Promise<void>): IDisposable {
    this.configListeners.add(listener);
    return toDisposable(() => void this.configListeners.delete(listener));
  }

  dispatch<N extends CommandName>(command: N, payload: PayloadOf<N>, caller: Caller): Promise<DispatchResult<ReplyOf<N>>>;
  dispatch(command: unknown, payload: unknown, caller: Caller): Promise<DispatchResult>;
  async dispatch(command: unknown, payload: unknown, caller: Caller): Promise<DispatchResult> {
    try {
      await this.open();
    } catch (err) {
      return { success: false, data: null, error: `the state databases could not be opened: ${describeError(err)}`, code: 'unavailable' };
    }
    return this.router.dispatch(command, payload, caller);
  }
}
