import * as fs from 'node:fs';
import * as path from 'node:path';
import { writeSession, type SessionSpec } from './sessionGenerator';

/**
 * A demo store: generated pi sessions plus a state folder of its own, all under one folder
 * the product owns (a temp folder for the CLI, `<globalStorage>/demo` in the editor). A core
 * opened on it never reads or writes the user's pi folders or databases.
 */
export interface DemoStore {
  readonly root: string;
  /** The generated sessions, in pi's layout (one folder per project). */
  readonly sessionsDir: string;
  /** The demo's own databases (state, scan cache, search index). */
  readonly stateDir: string;
  /** An empty agent folder, so pi configuration commands see no user files. */
  readonly agentDir: string;
  readonly sessionCount: number;
}

/** Marks a folder as a demo store, so it is only ever replaced when it is one. */
const markerName = 'pi-session-manager-demo.json';

interface DemoProject {
  cwd: string;
  sessions: Array<Pick<SessionSpec, 'turns' | 'quirks'>>;
}

const day = 86_400_000;

const projects: DemoProject[] = [
  {
    cwd: '/home/demo/projects/web-shop',
    sessions: [
      { turns: 6, quirks: { tools: true, names: ['Add a /health endpoint'] } },
      { turns: 12, quirks: { tools: true, thinking: true, branches: true, labels: true, names: ['Checkout: fix rounding of totals'] } },
      { turns: 3, quirks: { tools: true } },
      { turns: 20, quirks: { tools: true, compaction: true, modelChange: true, names: ['Refactor the cart service'] } },
    ],
  },
  {
    cwd: '/home/demo/projects/cli-tool',
    sessions: [
      { turns: 4, quirks: { tools: true, bashExecution: true, names: ['Add a --shout flag'] } },
      { turns: 8, quirks: { thinking: true, tools: true } },
      { turns: 2, quirks: { customMessage: true } },
    ],
  },
  {
    cwd: '/home/demo/projects/data-pipeline',
    sessions: [
      { turns: 5, quirks: { unicode: true, tools: true, names: ['人口数据汇总 📊'] } },
      { turns: 9, quirks: { tools: true, images: true, names: ['Chart the nightly load times'] } },
      { turns: 1, quirks: {} },
    ],
  },
];

/**
 * Writes (or rewrites) the demo store under `root`. The sessions are spread over the last two
 * weeks before `now`, so ages and the dashboard look like a lived-in store. A folder that holds
 * anything but an earlier demo store is refused rather than overwritten.
 */
export function writeDemoStore(root: string, now: number = Date.now()): DemoStore {
  const store = demoStoreAt(root);
  fs.mkdirSync(root, { recursive: true });
  const marker = path.join(root, markerName);
  const entries = fs.readdirSync(root);
  if (entries.length > 0 && !entries.includes(markerName)) {
    throw new Error(`${root} is not empty and is no demo store; choose an empty or new folder for the demo`);
  }
  // Sessions are regenerated each time; the demo's own state (tags, favorites) is kept.
  fs.rmSync(store.sessionsDir, { recursive: true, force: true });
  fs.mkdirSync(store.sessionsDir, { recursive: true });
  fs.mkdirSync(store.stateDir, { recursive: true });
  fs.mkdirSync(store.agentDir, { recursive: true });
  let count = 0;
  let seed = 1;
  for (const project of projects) {
    for (const session of project.sessions) {
      const startMs = now - 14 * day + Math.floor(((seed * 7919) % 1000) / 1000 * 13 * day);
      writeSession(store.sessionsDir, { seed: seed++, version: 3, cwd: project.cwd, startMs, toolOutputBytes: 600, ...session });
      count++;
    }
  }
  fs.writeFileSync(marker, `${JSON.stringify({ demo: true, sessions: count, written: new Date(now).toISOString() }, null, 2)}\n`);
  return { ...store, sessionCount: count };
}

/** The folders of a demo store under `root`, without writing anything. */
export function demoStoreAt(root: string): Omit<DemoStore, 'sessionCount'> {
  return {
    root,
    sessionsDir: path.join(root, 'sessions'),
    stateDir: path.join(root, 'state'),
    agentDir: path.join(root, 'agent'),
  };
}
