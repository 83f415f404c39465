import * as os from 'node:os';
import * as path from 'node:path';

/** Expands `~` and `~/…` the way pi does for `PI_CODING_AGENT_DIR`. */
export function expandHome(p: string, home: string = os.homedir()): string {
  if (p === '~') return home;
  if (p.startsWith('~/') || p.startsWith('~\\')) return path.join(home, p.slice(2));
  return p;
}

/** pi's agent dir: `PI_CODING_AGENT_DIR`, else `~/.pi/agent`. */
export function defaultAgentDir(env: NodeJS.ProcessEnv = process.env, home: string = os.homedir()): string {
  const fromEnv = env.PI_CODING_AGENT_DIR?.trim();
  return fromEnv ? path.resolve(expandHome(fromEnv, home)) : path.join(home, '.pi', 'agent');
}

/** Where the headless server keeps its databases. */
export function defaultStateDir(home: string = os.homedir()): string {
  return path.join(home, '.pi', 'pi-session-manager');
}
