// Starts and stops code-server for one run. It runs in its own process group so that the
// extension host it spawns (which outlives a closed browser and keeps its ports) dies with it.
import { spawn, spawnSync } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

const startupTimeoutMs = 60_000;
// An empty gallery turns off the marketplace lookups that fail without network and
// clutter the logs (code-server otherwise queries open-vsx.org).
const offlineEnv = { EXTENSIONS_GALLERY: '{}' };

function baseArgs(work, port, locale) {
  return [
    '--auth', 'none',
    '--bind-addr', `127.0.0.1:${port}`,
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--disable-getting-started-override',
    '--extensions-dir', work.extensions,
    '--user-data-dir', work.userData,
    // The display language the workbench hands to extensions (vscode.env.language).
    ...(locale ? ['--locale', locale] : []),
  ];
}

/** Installs a .vsix into the work folder's extensions dir (offline; no marketplace needed). */
export function installVsix({ bin, work, env, vsix, logFile }) {
  const result = spawnSync(
    process.execPath,
    [bin, '--extensions-dir', work.extensions, '--user-data-dir', work.userData, '--install-extension', vsix],
    { env: { ...env, ...offlineEnv }, encoding: 'utf8', timeout: 120_000 },
  );
  const output = `${result.stdout ?? ''}${result.stderr ?? ''}`;
  if (logFile) createWriteStream(logFile, { flags: 'a' }).end(`$ --install-extension ${vsix}\n${output}\n`);
  if (result.status !== 0) throw new Error(`code-server --install-extension failed (${result.status}):\n${output}`);
  return output;
}

export function listExtensions({ bin, work, env }) {
  const result = spawnSync(
    process.execPath,
    [bin, '--extensions-dir', work.extensions, '--user-data-dir', work.userData, '--list-extensions', '--show-versions'],
    { env: { ...env, ...offlineEnv }, encoding: 'utf8', timeout: 60_000 },
  );
  return (result.stdout ?? '').split('\n').map((l) => l.trim()).filter(Boolean);
}

/**
 * Starts code-server on `port` with the work folder's workspace, waits until it answers, and
 * returns a handle whose `stop()` kills the whole process group.
 */
export async function startCodeServer({ bin, work, port, env, logFile, locale }) {
  const log = createWriteStream(logFile, { flags: 'a' });
  const child = spawn(process.execPath, [bin, ...baseArgs(work, port, locale), work.workspace], {
    env: { ...env, ...offlineEnv },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.pipe(log, { end: false });
  child.stderr.pipe(log, { end: false });
  let exited = false;
  child.on('exit', (code, signal) => {
    exited = true;
    log.write(`\n[code-server exited: code=${code} signal=${signal}]\n`);
  });

  const stop = async () => {
    if (!exited) {
      killGroup(child.pid, 'SIGTERM');
      for (let i = 0; i < 50 && !exited; i++) await sleep(100);
    }
    // The extension host may linger after the main process is gone; the group kill gets it.
    killGroup(child.pid, 'SIGKILL');
    log.end();
  };

  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + startupTimeoutMs;
  while (Date.now() < deadline) {
    if (exited) {
      await stop();
      throw new Error(`code-server exited during startup (see ${logFile})`);
    }
    try {
      const res = await fetch(`${url}/healthz`);
      if (res.ok) return { url, pid: child.pid, stop };
    } catch {
      // Not listening yet.
    }
    await sleep(200);
  }
  await stop();
  throw new Error(`code-server did not answer within ${startupTimeoutMs / 1000}s (see ${logFile})`);
}

function killGroup(pid, signal) {
  try {
    process.kill(-pid, signal);
  } catch {
    // Already gone.
  }
}
