import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { cliPath } from '../../support/cliServer';
import { callApi } from '../../support/httpClient';
import type { SessionInfo } from '../../../src/shared/model/sessionInfo';

/**
 * Root reads every file whatever its mode, so a `chmod 000` fault means nothing to a server
 * running as root. When the tests run as root, the server under test runs as `nobody`
 * instead, which makes unreadable files really unreadable (EACCES).
 */
export const runsAsRoot = process.getuid?.() === 0;
const nobody = 65534;

export interface FaultServer {
  host: string;
  port: number;
  stderr(): string;
  /** Whether the process is still running (a crash would end it). */
  alive(): boolean;
  stop(): Promise<void>;
}

/** Hands a folder tree to the server's user, so it can read and write there. */
export function shareWithServer(dir: string): void {
  if (!runsAsRoot) return;
  spawnSync('chown', ['-R', `${nobody}:${nobody}`, dir]);
}

interface ServerRuntime {
  cli: string;
  preload?: string;
  /** The folder holding the copy, when there is one. */
  dir?: string;
}

/**
 * What the server's user runs. As root the server runs as `nobody`, who may not be able to
 * reach the checkout at all (a clone inside a 0700 folder, as `mktemp -d` makes), so it runs
 * the same built files copied to a folder of its own: dist/ holds everything the bundle loads
 * at run time (the sql.js wasm, the search worker, node-pty, the web client).
 */
function serverRuntime(preload: string | undefined): ServerRuntime {
  if (!runsAsRoot) return { cli: cliPath, preload };
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'psm-fault-runtime-'));
  const dist = path.join(dir, 'dist');
  fs.cpSync(path.dirname(cliPath), dist, { recursive: true });
  let copiedPreload: string | undefined;
  if (preload) {
    copiedPreload = path.join(dir, path.basename(preload));
    fs.copyFileSync(preload, copiedPreload);
  }
  shareWithServer(dir);
  return { cli: path.join(dist, path.basename(cliPath)), preload: copiedPreload, dir };
}

export async function startFaultServer(options: {
  home: string;
  stateDir: string;
  sessionDir: string;
  env?: NodeJS.ProcessEnv;
  /** A script loaded into the server before the product (`--require`). */
  preload?: string;
}): Promise<FaultServer> {
  const agentDir = path.join(options.home, '.pi', 'agent');
  fs.mkdirSync(path.join(agentDir, 'sessions'), { recursive: true });
  shareWithServer(options.home);
  const runtime = serverRuntime(options.preload);
  const proc = spawn(
    process.execPath,
    [runtime.cli, 'serve', '--port', '0', '--state-dir', options.stateDir, '--agent-dir', agentDir, '--session-dir', options.sessionDir],
    {
      env: {
        ...process.env,
        HOME: options.home,
        PI_CODING_AGENT_SESSION_DIR: '',
        ...(runtime.preload ? { NODE_OPTIONS: `--require ${runtime.preload}` } : {}),
        ...options.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(runsAsRoot ? { uid: nobody, gid: nobody, cwd: runtime.dir } : {}),
    },
  );
  let stderr = '';
  proc.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  void exited.then(() => {
    if (runtime.dir) fs.rmSync(runtime.dir, { recursive: true, force: true });
  });
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${stderr}`)), 20_000);
    proc.stdout!.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      const m = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`server exited before listening:\n${stderr}`));
    });
  });
  return {
    host: '127.0.0.1',
    port,
    stderr: () => stderr,
    alive: () => proc.exitCode === null && proc.signalCode === null,
    stop: async () => {
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      proc.kill('SIGTERM');
      await exited;
    },
  };
}

export async function listSessions(server: FaultServer): Promise<SessionInfo[]> {
  const { envelope } = await callApi<SessionInfo[]>(server, 'scan_sessions');
  if (!envelope.success) throw new Error(`scan_sessions failed: ${envelope.error}`);
  return envelope.data;
}

/**
 * Polls `scan_sessions` until `check` returns nothing (it returns what is still wrong),
 * within a bounded wait; a list that never settles fails with the last difference.
 */
export async function waitForList(server: FaultServer, check: (list: SessionInfo[]) => string | undefined, waitMs = 20_000): Promise<SessionInfo[]> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    const list = await listSessions(server);
    const wrong = check(list);
    if (wrong === undefined) return list;
    if (Date.now() > deadline) throw new Error(`the session list did not settle: ${wrong}\n--- server log ---\n${server.stderr().slice(-3000)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Waits for a line matching `pattern` among the log lines written after `from` characters. */
export async function waitForLog(server: FaultServer, pattern: RegExp, from = 0, waitMs = 20_000): Promise<string> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    const line = server
      .stderr()
      .slice(from)
      .split('\n')
      .find((l) => pattern.test(l));
    if (line) return line;
    if (Date.now() > deadline) throw new Error(`no log line matching ${pattern}\n--- server log ---\n${server.stderr().slice(-3000)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
