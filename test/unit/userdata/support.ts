import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { EventBus, type PublishedEvent } from '../../../src/core/events';
import type { CoreEventName } from '../../../src/shared/model/events';
import { CommandRouter } from '../../../src/core/api/router';
import type { Caller, DispatchResult } from '../../../src/core/api/types';
import type { Scope } from '../../../src/shared/model/tokens';
import { silentLogger } from '../../../src/core/log';
import { SqliteFile } from '../../../src/core/state/sqliteFile';
import { userStateMigrations } from '../../../src/core/state/userStateSchema';
import type { SessionInfo } from '../../../src/shared/model/sessionInfo';
import type { SessionLookup } from '../../../src/core/userdata/sessionLookup';

export function tempDir(): string {
  // Real path, so that it matches what the session index stores (macOS /var → /private/var).
  return fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'psm-')));
}

export function openStateDb(dir: string): Promise<SqliteFile> {
  return SqliteFile.open(path.join(dir, 'state.db'), { log: silentLogger, migrations: userStateMigrations });
}

export function makeInfo(fields: Partial<SessionInfo> & { path: string }): SessionInfo {
  return {
    id: path.basename(fields.path, '.jsonl'),
    cwd: '/work/project',
    name: null,
    created: '2025-03-01T10:00:00.000Z',
    modified: '2025-03-01T11:00:00.000Z',
    message_count: 0,
    pi_message_count: 0,
    first_message: '',
    last_message: '',
    last_message_role: null,
    parent_session_path: null,
    model: null,
    models: [],
    thinking_level: null,
    version: 3,
    size_bytes: 0,
    file_mtime_ms: 0,
    entry_count: 0,
    user_message_count: 0,
    assistant_message_count: 0,
    tool_result_count: 0,
    bash_execution_count: 0,
    tool_call_count: 0,
    tokens: { input: 0, output: 0, cache_read: 0, cache_write: 0, total: 0 },
    cost: 0,
    leaf_id: null,
    has_branches: false,
    label_count: 0,
    compaction_count: 0,
    skipped_lines: 0,
    tag_ids: [],
    favorite: false,
    ...fields,
  };
}

/** A minimal in-memory session index with the lookup surface user data relies on. */
export class FakeSessions implements SessionLookup {
  private readonly byPath = new Map<string, SessionInfo>();
  decorate: (info: SessionInfo) => SessionInfo = (i) => i;
  readonly touched: string[] = [];

  /** Writes a real (one-line) file so that realpath resolution works, and indexes it. */
  add(dir: string, id: string, extra: Partial<SessionInfo> = {}): SessionInfo {
    const file = path.join(dir, `${id}.jsonl`);
    fs.writeFileSync(file, `${JSON.stringify({ type: 'session', id, cwd: '/work/project', timestamp: '2025-03-01T10:00:00.000Z' })}\n`);
    const info = makeInfo({ path: file, id, ...extra });
    this.byPath.set(file, info);
    return info;
  }

  move(from: string, to: string): void {
    const info = this.byPath.get(from);
    if (!info) throw new Error(`not indexed: ${from}`);
    fs.renameSync(from, to);
    this.byPath.delete(from);
    this.byPath.set(to, { ...info, path: to });
  }

  drop(file: string): void {
    this.byPath.delete(file);
  }

  ready(): Promise<void> {
    return Promise.resolve();
  }

  all(): SessionInfo[] {
    return [...this.byPath.values()].map((i) => this.decorate(i));
  }

  get(file: string): SessionInfo | undefined {
    const info = this.byPath.get(file);
    return info && this.decorate(info);
  }

  touch(file: string): void {
    this.touched.push(file);
  }
}

export const testCaller: Caller = { id: 'test', transport: 'test', scopes: new Set<Scope>(['read', 'write', 'admin']), isLocal: true };
export const readOnlyCaller: Caller = { id: 'reader', transport: 'test', scopes: new Set<Scope>(['read']), isLocal: false };

/** Dispatches through the real router, so schemas, aliases and scopes are exercised too. */
export class Api {
  constructor(readonly router: CommandRouter) {}

  static over(bus: EventBus, commands: Parameters<CommandRouter['registerAll']>[0]): Api {
    const router = new CommandRouter(bus, silentLogger);
    router.registerAll(commands);
    return new Api(router);
  }

  call(command: string, payload: unknown = {}, caller: Caller = testCaller): Promise<DispatchResult> {
    return this.router.dispatch(command, payload, caller);
  }

  /** Calls and returns `data`, failing the test with the error when the command failed. */
  async ok<T = unknown>(command: string, payload: unknown = {}): Promise<T> {
    const r = await this.call(command, payload);
    if (!r.success) throw new Error(`${command} failed: [${r.code}] ${r.error}`);
    return r.data as T;
  }

  /** Calls a command that must fail; returns the error envelope. */
  async fails(command: string, payload: unknown = {}): Promise<{ code: string; error: string }> {
    const r = await this.call(command, payload);
    if (r.success) throw new Error(`${command} unexpectedly succeeded: ${JSON.stringify(r.data)}`);
    return { code: r.code, error: r.error };
  }
}

export function recordEvents(bus: EventBus): PublishedEvent[] {
  const events: PublishedEvent[] = [];
  bus.subscribe((e) => events.push(e));
  return events;
}

export function eventsNamed(events: readonly PublishedEvent[], name: CoreEventName): PublishedEvent[] {
  return events.filter((e) => e.name === name);
}
