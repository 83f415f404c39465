import * as os from 'node:os';
import * as path from 'node:path';
import { Core } from './core/core';
import { writeDemoStore } from './core/demo/demoStore';
import { openDemoCore } from './core/demo/demoCore';
import { describeSessionDir, sessionFolderText } from './shared/rules/sessionFolders';
import { createStreamLogger, describeError } from './core/log';
import { defaultAgentDir, defaultStateDir } from './core/paths';
import { moveToTrashHeadless } from './core/platform/nodeTrash';
import { bridgeUrlFor, installBridge, uninstallBridge } from './core/pi/bridge/bridgeInstall';
import { ServerSupervisor } from './server/serverSupervisor';
import { allScopes, isScope } from './shared/model/tokens';
import { productVersion } from './core/version';
import type { ServerSettings } from './core/userdata/configFields';

const usage = `Pi Session Manager ${productVersion}

Usage:
  node dist/cli.js serve [--host H] [--port P] [--agent-dir D] [--session-dir D]... [--state-dir D]
                         [--require-token] [--allow-origin O]... [--allow-host H]...
  node dist/cli.js serve --demo [--demo-dir D] [--host H] [--port P]
  node dist/cli.js token create <name> [--scopes read,write,terminal] [--state-dir D]
  node dist/cli.js token list [--state-dir D]
  node dist/cli.js token revoke <id> [--state-dir D]
  node dist/cli.js bridge install [--agent-dir D] [--url ws://127.0.0.1:52131/ws] [--state-dir D]
  node dist/cli.js bridge uninstall [--agent-dir D] [--state-dir D]

bridge install puts a pi extension into <agent dir>/extensions/pi-session-manager/ that
tells this server which session each pi has open and lets it prompt that pi; it gets a
token of its own with only the "bridge" scope. Restart running pis to load it.

Server flags left out come from the saved configuration (by default host 127.0.0.1,
port 52131). Defaults: agent dir $PI_CODING_AGENT_DIR or ~/.pi/agent, state dir
~/.pi/pi-session-manager.

--demo serves generated demo sessions from a folder of their own (default: a folder in the
system temp folder; --demo-dir chooses another), with their own state and a free port unless
--port is given. It never reads ~/.pi or the saved state.`;

interface ParsedArgs {
  positional: string[];
  flags: Map<string, string[]>;
  switches: Set<string>;
}

const valueFlags = new Set(['--host', '--port', '--agent-dir', '--session-dir', '--state-dir', '--scopes', '--allow-origin', '--allow-host', '--demo-dir', '--url']);
const switchFlags = new Set(['--require-token', '--help', '-h', '--verbose', '--demo']);

/** Flags that name the user's own pi folders or state, which a demo server never uses. */
const flagsNotForDemo = ['--agent-dir', '--session-dir', '--state-dir'];

function parseArgs(argv: string[]): ParsedArgs {
  const out: ParsedArgs = { positional: [], flags: new Map(), switches: new Set() };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const eq = arg.indexOf('=');
    const name = arg.startsWith('--') && eq > 0 ? arg.slice(0, eq) : arg;
    if (valueFlags.has(name)) {
      const value = eq > 0 && arg.startsWith('--') ? arg.slice(eq + 1) : argv[++i];
      if (value === undefined) throw new Error(`${name} needs a value`);
      out.flags.set(name, [...(out.flags.get(name) ?? []), value]);
    } else if (switchFlags.has(arg)) {
      out.switches.add(arg);
    } else if (arg.startsWith('-')) {
      throw new Error(`unknown option ${arg}`);
    } else {
      out.positional.push(arg);
    }
  }
  return out;
}

function flag(args: ParsedArgs, name: string): string | undefined {
  return args.flags.get(name)?.at(-1);
}

/** The demo store's folder: `--demo-dir`, else one per user in the system temp folder. */
function demoRoot(args: ParsedArgs): string {
  const given = flag(args, '--demo-dir');
  if (given !== undefined) return path.resolve(given);
  const user = typeof process.getuid === 'function' ? `-${process.getuid()}` : '';
  return path.join(os.tmpdir(), `pi-session-manager-demo${user}`);
}

async function openCore(args: ParsedArgs, log: ReturnType<typeof createStreamLogger>, startingNow = false): Promise<Core> {
  const stateDir = path.resolve(flag(args, '--state-dir') ?? defaultStateDir());
  const agentDir = path.resolve(flag(args, '--agent-dir') ?? defaultAgentDir());
  return Core.create({
    agentDir,
    stateDir,
    log,
    platform: { moveToTrash: (file) => moveToTrashHeadless(file, log) },
    extraSessionDirs: (args.flags.get('--session-dir') ?? []).map((d) => path.resolve(d)),
    workspaceFolders: () => [process.cwd()],
    startingNow,
  });
}

/**
 * The server settings the command line sets. `serve` itself asks to serve; every flag left
 * out is taken from the saved configuration bundle.
 */
function explicitServerSettings(args: ParsedArgs): Partial<ServerSettings> {
  const out: Partial<ServerSettings> = { enabled: true };
  const host = flag(args, '--host');
  if (host !== undefined) out.host = host;
  const portText = flag(args, '--port');
  if (portText !== undefined) {
    const port = Number(portText);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port: not a port number: ${portText}`);
    out.port = port;
  }
  if (args.switches.has('--require-token')) out.require_token_on_loopback = true;
  const origins = args.flags.get('--allow-origin');
  if (origins) out.allowed_origins = origins;
  const hosts = args.flags.get('--allow-host');
  if (hosts) out.allowed_hosts = hosts;
  return out;
}

async function serve(args: ParsedArgs): Promise<void> {
  const log = createStreamLogger((line) => process.stderr.write(`${line}\n`), args.switches.has('--verbose') ? 'debug' : 'info');
  const explicit = explicitServerSettings(args);
  const demo = args.switches.has('--demo');
  if (!demo && args.flags.has('--demo-dir')) throw new Error('--demo-dir needs --demo');
  const mixed = demo ? flagsNotForDemo.filter((f) => args.flags.has(f)) : [];
  if (mixed.length > 0) throw new Error(`${mixed.join(', ')} cannot be used with --demo: the demo keeps its own sessions and state`);
  // A demo next to the user's own server must not fight over its port.
  if (demo && explicit.port === undefined) explicit.port = 0;
  const store = demo ? writeDemoStore(demoRoot(args)) : undefined;
  const core = store ? await openDemoCore(store, log, { moveToTrash: (file) => moveToTrashHeadless(file, log) }) : await openCore(args, log, true);
  const supervisor = new ServerSupervisor(core, { explicit: () => explicit, log, webClientDir: path.join(__dirname, 'webview') });
  core.register(supervisor);
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info(`received ${signal}, shutting down`);
    const forced = setTimeout(() => process.exit(1), 10_000);
    forced.unref();
    core.dispose().then(
      () => process.exit(0),
      (err) => {
        log.error(`shutdown: ${describeError(err)}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
  reportMemoryOnSignal();
  const state = await supervisor.start();
  if (state.kind !== 'serving') {
    const message =
      state.kind === 'in-use'
        ? `port ${state.port} on ${state.host} is already in use (another Pi Session Manager?)`
        : state.kind === 'error'
          ? state.message
          : 'the server did not start';
    process.stderr.write(`error: ${message}\n`);
    await core.dispose().catch(() => undefined);
    process.exit(1);
  }
  process.stdout.write(`listening on ${state.url}\n`);
  if (store) {
    process.stdout.write(`${sessionFolderText.demoTitle}: ${store.sessionCount} sessions in ${store.sessionsDir} (${sessionFolderText.demoNote})\n`);
    process.stdout.write(`Demo state: ${store.stateDir}\n`);
  } else {
    process.stdout.write(`${sessionFolderText.watching}\n${core.sessionDirs().map((d) => `  ${describeSessionDir(d)}\n`).join('')}`);
  }
  // The first scan runs while the server already answers; scan_sessions waits for it.
  core.start().then(
    () => {
      if (!store && core.sessions.size === 0) process.stdout.write(`${sessionFolderText.noSessions} ${sessionFolderText.howPiFills}\n${sessionFolderText.tryDemo}\n`);
    },
    (err) => log.error(`startup failed: ${describeError(err)}`),
  );
}

/**
 * Diagnostic hook for the soak benchmark: under `node --expose-gc`, SIGUSR2 collects garbage
 * and writes `rss <bytes>` to stderr, so memory can be compared after GC from outside.
 */
function reportMemoryOnSignal(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (typeof gc !== 'function') return;
  process.on('SIGUSR2', () => {
    gc();
    process.stderr.write(`rss ${process.memoryUsage.rss()}\n`);
  });
}

async function token(args: ParsedArgs): Promise<void> {
  const log = createStreamLogger((line) => process.stderr.write(`${line}\n`), 'warn');
  const [, action, arg] = args.positional;
  const core = await openCore(args, log);
  try {
    if (action === 'create') {
      if (!arg) throw new Error('token create needs a name');
      const requested = (flag(args, '--scopes') ?? 'read').split(',').map((x) => x.trim());
      const bad = requested.filter((sc) => !isScope(sc));
      if (bad.length > 0) throw new Error(`--scopes: unknown scope ${bad.join(', ')} (use ${allScopes.join(', ')})`);
      const created = await core.tokens.create(arg, requested.filter(isScope));
      process.stdout.write(`${JSON.stringify(created, null, 2)}\n`);
      for (const warning of created.warnings) process.stderr.write(`Warning: ${warning}\n`);
      process.stderr.write('The token is shown only now; keep it somewhere safe.\n');
    } else if (action === 'list') {
      process.stdout.write(`${JSON.stringify(core.tokens.list(), null, 2)}\n`);
    } else if (action === 'revoke') {
      const id = Number(arg);
      if (!Number.isInteger(id)) throw new Error('token revoke needs a numeric id');
      if (!(await core.tokens.revoke(id))) throw new Error(`no token with id ${id}`);
      process.stdout.write(`revoked token ${id}\n`);
    } else {
      throw new Error('token needs one of: create, list, revoke');
    }
  } finally {
    await core.dispose();
  }
}

async function bridge(args: ParsedArgs): Promise<void> {
  const log = createStreamLogger((line) => process.stderr.write(`${line}\n`), 'warn');
  const [, action] = args.positional;
  if (action !== 'install' && action !== 'uninstall') throw new Error('bridge needs one of: install, uninstall');
  const agentDir = path.resolve(flag(args, '--agent-dir') ?? defaultAgentDir());
  const core = await openCore(args, log);
  try {
    if (action === 'install') {
      const server = core.config.current().server;
      const url = flag(args, '--url') ?? bridgeUrlFor(server.host, server.port);
      const done = await installBridge({ agentDir, script: path.join(__dirname, 'piSessionBridge.js'), url, tokens: core.tokens });
      process.stdout.write(`${JSON.stringify(done, null, 2)}\n`);
      process.stderr.write(`Installed the pi bridge into ${done.folder}; pis started from now on connect to ${done.url}. Restart running pis to connect them.\n`);
    } else {
      const done = await uninstallBridge({ agentDir, tokens: core.tokens });
      process.stdout.write(`${JSON.stringify(done, null, 2)}\n`);
    }
  } finally {
    await core.dispose();
  }
}

async function main(argv: string[]): Promise<void> {
  let args: ParsedArgs;
  try {
    args = parseArgs(argv);
  } catch (err) {
    process.stderr.write(`error: ${describeError(err)}\n\n${usage}\n`);
    process.exit(2);
  }
  const command = args.positional[0];
  if (args.switches.has('--help') || args.switches.has('-h') || command === undefined || command === 'help') {
    process.stdout.write(`${usage}\n`);
    return;
  }
  if (command === 'serve') return serve(args);
  if (command === 'token') return token(args);
  if (command === 'bridge') return bridge(args);
  process.stderr.write(`error: unknown command ${command}\n\n${usage}\n`);
  process.exit(2);
}

main(process.argv.slice(2)).catch((err) => {
  process.stderr.write(`error: ${describeError(err)}\n`);
  process.exit(1);
});
