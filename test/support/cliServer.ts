import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export const repoRoot = path.resolve(__dirname, '../..');
export const cliPath = path.join(repoRoot, 'dist/cli.js');

export function tempDir(prefix = 'psm-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export interface ServerHandle {
  url: string;
  host: string;
  port: number;
  proc: ChildProcess;
  stateDir: string;
  agentDir: string;
  home: string;
  /** Everything the server wrote to stderr so far. */
  stderr(): string;
  /** Everything the server wrote to stdout so far. */
  stdout(): string;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export interface StartOptions {
  host?: string;
  /** `null` leaves `--port` out, so the saved configuration decides. */
  port?: number | null;
  stateDir?: string;
  agentDir?: string;
  home?: string;
  sessionDirs?: string[];
  extraArgs?: string[];
  env?: NodeJS.ProcessEnv;
  /** The server's working directory: the CLI treats it as the one open project. */
  cwd?: string;
  /** Serve the demo store in this folder (`serve --demo --demo-dir`) instead of a pi world. */
  demoDir?: string;
}

/** Starts `node dist/cli.js serve` and waits for its `listening on` line. */
export async function startCliServer(options: StartOptions = {}): Promise<ServerHandle> {
  if (!fs.existsSync(cliPath)) throw new Error(`${cliPath} is missing: run npm run build first`);
  const home = options.home ?? tempDir('psm-home-');
  const stateDir = options.stateDir ?? path.join(home, 'state');
  const agentDir = options.agentDir ?? path.join(home, '.pi', 'agent');
  fs.mkdirSync(path.join(agentDir, 'sessions'), { recursive: true });
  const args = [
    cliPath,
    'serve',
    '--host',
    options.host ?? '127.0.0.1',
    ...(options.port === null ? [] : ['--port', String(options.port ?? 0)]),
    ...(options.demoDir !== undefined
      ? ['--demo', '--demo-dir', options.demoDir]
      : ['--state-dir', stateDir, '--agent-dir', agentDir, ...(options.sessionDirs ?? []).flatMap((d) => ['--session-dir', d])]),
    ...(options.extraArgs ?? []),
  ];
  const proc = spawn(process.execPath, args, {
    ...(options.cwd ? { cwd: options.cwd } : {}),
    env: { ...process.env, HOME: home, XDG_DATA_HOME: path.join(home, '.local/share'), PI_CODING_AGENT_SESSION_DIR: '', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  let stdout = '';
  proc.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start in time:\n${stderr}`)), 20_000);
    proc.stdout!.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
      const m = /listening on (http:\/\/\S+)/.exec(stdout);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code} before listening:\n${stderr}`));
    });
  });
  const parsed = new URL(url);
  return {
    url,
    host: parsed.hostname.replace(/^\[|\]$/g, ''),
    port: Number(parsed.port),
    proc,
    stateDir,
    agentDir,
    home,
    stderr: () => stderr,
    stdout: () => stdout,
    stop: async (signal = 'SIGTERM') => {
      if (proc.exitCode !== null) return proc.exitCode;
      proc.kill(signal);
      return exited;
    },
  };
}

/** Runs a one-shot CLI command (e.g. `token create`) and returns its output. */
export function runCli(args: string[], env: NodeJS.ProcessEnv = {}): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [cliPath, ...args], { env: { ...process.env, ...env }, encoding: 'utf8', timeout: 30_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}
