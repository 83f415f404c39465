import { Core, type PlatformServices } from '../core';
import type { Logger } from '../log';
import type { DemoStore } from './demoStore';

/**
 * A core over a demo store: its sessions folder only, its own databases, an empty agent
 * folder and no workspace, and pi processes it starts pointed at the demo folders too. So a
 * demo never reads or writes ~/.pi or the user's saved state, in the CLI and the editor alike.
 */
export function openDemoCore(store: DemoStore, log: Logger, platform: PlatformServices): Promise<Core> {
  return Core.create({
    agentDir: store.agentDir,
    stateDir: store.stateDir,
    log,
    platform,
    workspaceFolders: () => [],
    env: { ...process.env, PI_CODING_AGENT_DIR: store.agentDir, PI_CODING_AGENT_SESSION_DIR: store.sessionsDir },
    demo: { sessionsDir: store.sessionsDir },
  });
}
