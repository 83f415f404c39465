// A throw-away folder per run that holds everything code-server, VS Code and Chromium would
// otherwise write into the real home folder or /tmp, plus the fixture pi agent folder.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { writeFixtureSessions } from './fixtureSessions.mjs';

/**
 * Creates the folder tree. It lives under the system temp folder rather than the repo because
 * VS Code puts IPC sockets under XDG_RUNTIME_DIR/TMPDIR, and socket paths must stay short.
 */
export function createWorkFolder(label) {
  const root = mkdtempSync(path.join(os.tmpdir(), `psm-e2e-${label}-`));
  const dirs = {
    root,
    home: path.join(root, 'home'),
    tmp: path.join(root, 'tmp'),
    xdgConfig: path.join(root, 'xdg', 'config'),
    xdgData: path.join(root, 'xdg', 'data'),
    xdgCache: path.join(root, 'xdg', 'cache'),
    xdgState: path.join(root, 'xdg', 'state'),
    xdgRuntime: path.join(root, 'xdg', 'run'),
    userData: path.join(root, 'user-data'),
    extensions: path.join(root, 'extensions'),
    browserProfile: path.join(root, 'browser'),
    workspace: path.join(root, 'workspace'),
    agent: path.join(root, 'agent'),
  };
  for (const dir of Object.values(dirs)) mkdirSync(dir, { recursive: true });
  // Chromium and VS Code refuse a runtime folder that others can read.
  chmodSync(dirs.xdgRuntime, 0o700);

  // Keeps the workbench free of welcome pages, port-forward toasts and trust prompts, so
  // screenshots show the extension and nothing else.
  mkdirSync(path.join(dirs.userData, 'User'), { recursive: true });
  writeFileSync(
    path.join(dirs.userData, 'User', 'settings.json'),
    JSON.stringify(
      {
        'workbench.startupEditor': 'none',
        'workbench.tips.enabled': false,
        'workbench.welcomePage.walkthroughs.openOnInstall': false,
        'remote.autoForwardPorts': false,
        'security.workspace.trust.enabled': false,
        'telemetry.telemetryLevel': 'off',
        'extensions.autoCheckUpdates': false,
        'extensions.autoUpdate': false,
        'update.mode': 'none',
      },
      null,
      2,
    ),
  );
  writeFileSync(path.join(dirs.workspace, 'README.md'), '# e2e workspace\n');
  const sessions = writeFixtureSessions(dirs.agent);
  return { ...dirs, sessions };
}

/** Environment that confines every child process to the work folder. */
export function isolatedEnv(work, extra = {}) {
  return {
    ...process.env,
    HOME: work.home,
    TMPDIR: work.tmp,
    XDG_CONFIG_HOME: work.xdgConfig,
    XDG_DATA_HOME: work.xdgData,
    XDG_CACHE_HOME: work.xdgCache,
    XDG_STATE_HOME: work.xdgState,
    XDG_RUNTIME_DIR: work.xdgRuntime,
    PI_CODING_AGENT_DIR: work.agent,
    ...extra,
  };
}

export function removeWorkFolder(work) {
  rmSync(work.root, { recursive: true, force: true, maxRetries: 3 });
}

/** Asks the OS for a port that is free right now. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}
