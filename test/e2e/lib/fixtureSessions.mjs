// A small pi session store (format v3) written by hand, so the extension has something to
// list: sessions in two project folders, one in the test workspace (which the tree lists
// first and a terminal can start in), one with a branch, and one that a test deletes.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** pi's folder name for a cwd: leading slash dropped, separators turned into dashes. */
function encodeCwd(cwd) {
  return `--${cwd.replace(/^[/\\]/, '').replace(/[/\\:]/g, '-')}--`;
}

function fileNameFor(header) {
  return `${header.timestamp.replace(/[:.]/g, '-')}_${header.id}.jsonl`;
}

function usage(input, output) {
  const cost = { input: input * 3e-6, output: output * 15e-6, cacheRead: 0, cacheWrite: 0 };
  return { input, output, cacheRead: 0, cacheWrite: 0, totalTokens: input + output, cost: { ...cost, total: cost.input + cost.output } };
}

/** Builds one session: header, model change, then alternating user/assistant turns. */
function buildSession({ id, cwd, start, name, turns, branch }) {
  const t0 = Date.parse(start);
  const at = (seconds) => new Date(t0 + seconds * 1000).toISOString();
  const lines = [{ type: 'session', version: 3, id, timestamp: at(0), cwd }];
  let parentId = null;
  let seq = 0;
  const push = (entry) => {
    const entryId = (0x10000000 + ++seq).toString(16);
    lines.push({ ...entry, id: entryId, parentId, timestamp: entry.timestamp ?? at(seq) });
    parentId = entryId;
  };
  push({ type: 'model_change', provider: 'anthropic', modelId: 'claude-sonnet-4-5' });
  for (const [question, answer] of turns) {
    const asked = t0 + (seq + 1) * 1000;
    push({ type: 'message', message: { role: 'user', content: [{ type: 'text', text: question }], timestamp: asked } });
    push({
      type: 'message',
      message: {
        role: 'assistant',
        content: [{ type: 'text', text: answer }],
        api: 'anthropic-messages',
        provider: 'anthropic',
        model: 'claude-sonnet-4-5',
        usage: usage(question.length * 4, answer.length * 2),
        stopReason: 'stop',
        timestamp: asked + 500,
      },
    });
  }
  if (branch) {
    // A second answer path: a new user turn on the first assistant reply, as /tree in pi makes.
    parentId = lines[3].id;
    const [question, answer] = branch;
    push({ type: 'message', message: { role: 'user', content: [{ type: 'text', text: question }], timestamp: t0 + (seq + 1) * 1000 } });
    push({
      type: 'message',
      message: { role: 'assistant', content: [{ type: 'text', text: answer }], api: 'anthropic-messages', provider: 'anthropic', model: 'claude-sonnet-4-5', usage: usage(10, 10), stopReason: 'stop', timestamp: t0 + (seq + 1) * 1000 },
    });
  }
  if (name) push({ type: 'session_info', name });
  return lines;
}

/** Stands for the test workspace folder, which is only known when the sessions are written. */
const workspacePlaceholder = '<workspace>';

export const fixtureSessions = [
  {
    id: '0b7f3c1e-5a2d-4e8f-9c10-1a2b3c4d5e01',
    cwd: '/home/dev/proj',
    start: '2026-03-01T10:00:00.000Z',
    name: 'Fix the login form',
    turns: [
      ['The login form loses its state on reload. Why?', 'The form keeps its state in memory only; persist it in sessionStorage.'],
      ['Do it, please.', 'Done: the form now restores its fields from sessionStorage.'],
    ],
  },
  {
    id: '0b7f3c1e-5a2d-4e8f-9c10-1a2b3c4d5e02',
    cwd: '/home/dev/proj',
    start: '2026-03-02T14:30:00.000Z',
    turns: [['Write a unit test for parseDate', 'Added test/parseDate.test.ts with five cases.']],
  },
  {
    id: '0b7f3c1e-5a2d-4e8f-9c10-1a2b3c4d5e03',
    cwd: '/home/dev/other-app',
    start: '2026-03-03T08:15:00.000Z',
    name: 'Dependency upgrade',
    turns: [['Upgrade express to version 5', 'Upgraded; two route handlers needed async error handling.']],
  },
  {
    id: '0b7f3c1e-5a2d-4e8f-9c10-1a2b3c4d5e04',
    cwd: workspacePlaceholder,
    start: '2026-02-20T09:00:00.000Z',
    name: 'Workspace chores',
    turns: [['Tidy the README', 'The README now has a usage section.']],
  },
  {
    id: '0b7f3c1e-5a2d-4e8f-9c10-1a2b3c4d5e05',
    cwd: '/home/dev/proj',
    start: '2026-02-25T16:00:00.000Z',
    name: 'Branching refactor',
    turns: [
      ['Refactor the router into modules', 'Split into routes/users.ts and routes/items.ts.'],
      ['Now add tests', 'Added tests for both route modules.'],
    ],
    branch: ['Rather keep one file but sort the handlers', 'Kept one file and sorted the handlers by path.'],
  },
  {
    id: '0b7f3c1e-5a2d-4e8f-9c10-1a2b3c4d5e06',
    cwd: '/home/dev/other-app',
    start: '2026-02-10T11:00:00.000Z',
    name: 'Scratch session to delete',
    turns: [['Say hello', 'Hello!']],
  },
];

/**
 * Writes the fixture sessions under `<agentDir>/sessions/` and returns their paths and ids.
 * The workspace defaults to the `workspace` folder beside the agent folder (workFolder.mjs).
 */
export function writeFixtureSessions(agentDir, workspaceDir = path.join(path.dirname(agentDir), 'workspace')) {
  return fixtureSessions.map((fixture) => {
    const spec = fixture.cwd === workspacePlaceholder ? { ...fixture, cwd: workspaceDir } : fixture;
    const lines = buildSession(spec);
    const dir = path.join(agentDir, 'sessions', encodeCwd(spec.cwd));
    mkdirSync(dir, { recursive: true });
    const file = path.join(dir, fileNameFor(lines[0]));
    writeFileSync(file, lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
    return { id: spec.id, cwd: spec.cwd, name: spec.name, file };
  });
}
