// A small pi session store (format v3) written by hand, so the extension has something to
// list: sessions in two project folders, one in the test workspace (which the tree lists
// first and a terminal can start in), one with a branch, and one that a test deletes.
import { mkdirSync, utimesSync, writeFileSync } from 'node:fs';
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

const defaultModel = { provider: 'anthropic', id: 'claude-sonnet-4-5' };

/**
 * Builds one session: header, model change, then alternating user/assistant turns.
 * `model`, `usageScale` (token counts multiplied, for charts with visible bars) and
 * `turnGapSeconds` (time between turns, to spread a session over hours or days) are optional.
 */
function buildSession({ id, cwd, start, name, turns, branch, model = defaultModel, usageScale = 1, turnGapSeconds = 0, extraEntries, workspaceDir }) {
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
  push({ type: 'model_change', provider: model.provider, modelId: model.id });
  turns.forEach(([question, answer], turn) => {
    const asked = t0 + (seq + 1) * 1000 + turn * turnGapSeconds * 1000;
    // Entries carry their own time only when turns are spread out, so default fixtures stay as they were.
    const when = turnGapSeconds > 0 ? (ms) => ({ timestamp: new Date(ms).toISOString() }) : () => ({});
    push({ type: 'message', ...when(asked), message: { role: 'user', content: [{ type: 'text', text: question }], timestamp: asked } });
    push({
      type: 'message',
      ...when(asked + 500),
      message: {
        role: 'assistant',
        content: [{ type: 'text', text: answer }],
        api: model.provider === 'anthropic' ? 'anthropic-messages' : `${model.provider}-responses`,
        provider: model.provider,
        model: model.id,
        usage: usage(question.length * 4 * usageScale, answer.length * 2 * usageScale),
        stopReason: 'stop',
        timestamp: asked + 500,
      },
    });
  });
  // Tool calls, thinking and results after the plain turns (`extraEntries(workspaceDir)`).
  if (extraEntries) for (const entry of extraEntries(workspaceDir)) push(entry);
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
  // Sessions with other models and heavier usage, spread over days, for the dashboard's charts.
  {
    id: '0b7f3c1e-5a2d-4e8f-9c10-1a2b3c4d5e07',
    cwd: '/home/dev/data-pipeline',
    start: '2026-03-04T19:10:00.000Z',
    name: 'Speed up the CSV import',
    model: { provider: 'openai', id: 'gpt-5' },
    usageScale: 60,
    turnGapSeconds: 1500,
    turns: [
      ['The nightly CSV import takes forty minutes. Where does the time go?', 'Most of it is row-by-row inserts; batching them in transactions of 5000 rows helps most.'],
      ['Batch the inserts then.', 'Inserts are batched; a local run of the import now takes six minutes.'],
      ['Can the parsing run in parallel too?', 'Parsing now runs in a worker pool of four; the import takes under three minutes.'],
    ],
  },
  {
    id: '0b7f3c1e-5a2d-4e8f-9c10-1a2b3c4d5e08',
    cwd: '/home/dev/proj',
    start: '2026-03-06T13:05:00.000Z',
    name: 'Accessibility pass',
    model: { provider: 'google', id: 'gemini-2.5-pro' },
    usageScale: 40,
    turnGapSeconds: 900,
    turns: [
      ['Check the settings page for keyboard traps', 'The colour picker kept focus; it now releases it on Escape and Tab.'],
      ['And the contrast of the muted labels?', 'Raised the muted label colour to meet a 4.5:1 ratio in both themes.'],
    ],
  },
  {
    id: '0b7f3c1e-5a2d-4e8f-9c10-1a2b3c4d5e09',
    cwd: '/home/dev/data-pipeline',
    start: '2026-02-27T07:45:00.000Z',
    name: 'Schema migration plan',
    model: { provider: 'anthropic', id: 'claude-opus-4-1' },
    usageScale: 80,
    turnGapSeconds: 86_400,
    turns: [
      ['Plan the move of the events table to a partitioned layout', 'Partition by month, backfill in the background, then swap with a view.'],
      ['Write the backfill script', 'The backfill copies one month per transaction and can resume after a stop.'],
    ],
  },
  {
    id: '0b7f3c1e-5a2d-4e8f-9c10-1a2b3c4d5e10',
    cwd: '/home/dev/other-app',
    start: '2026-03-09T21:20:00.000Z',
    model: { provider: 'openai', id: 'gpt-5' },
    usageScale: 30,
    turns: [['Explain the flaky checkout test', 'It depends on the wall clock; it fails when run across midnight.']],
  },
  // For the session viewer: thinking, tool calls with results, an edit diff, bash output, Markdown code.
  {
    id: '0b7f3c1e-5a2d-4e8f-9c10-1a2b3c4d5e11',
    cwd: '/home/dev/proj',
    start: '2026-03-08T09:30:00.000Z',
    name: 'Viewer showcase',
    turns: [['What does the date helper do?', 'It formats a Date as YYYY-MM-DD for the report headers.']],
    extraEntries: (workspaceDir) => viewerShowcaseEntries(workspaceDir),
  },
];

/** One assistant turn of each kind the viewer draws, with the results pi would record. */
function viewerShowcaseEntries(workspaceDir) {
  const assistant = (content, stopReason = 'toolUse') => ({
    type: 'message',
    message: { role: 'assistant', content, api: 'anthropic-messages', provider: 'anthropic', model: 'claude-sonnet-4-5', usage: usage(1200, 300), stopReason },
  });
  const result = (toolCallId, toolName, text, details) => ({
    type: 'message',
    message: { role: 'toolResult', toolCallId, toolName, content: [{ type: 'text', text }], ...(details ? { details } : {}), isError: false },
  });
  const readme = path.join(workspaceDir, 'README.md');
  return [
    { type: 'message', message: { role: 'user', content: [{ type: 'text', text: 'Rename formatDate to formatIsoDate, then run the date tests.' }] } },
    assistant([
      { type: 'thinking', thinking: 'The helper lives in src/util/date.ts. Read the README for the test command first, then edit, then run the tests.' },
      { type: 'text', text: 'First the README, for the test command.' },
      { type: 'toolCall', id: 'call_read_1', name: 'read', arguments: { path: readme } },
    ]),
    result('call_read_1', 'read', '# e2e workspace\n'),
    assistant([{ type: 'toolCall', id: 'call_edit_1', name: 'edit', arguments: { path: '/home/dev/proj/src/util/date.ts', oldText: 'export function formatDate(d: Date) {', newText: 'export function formatIsoDate(d: Date) {' } }]),
    result('call_edit_1', 'edit', 'Successfully replaced text in /home/dev/proj/src/util/date.ts.', {
      diff: " 1 import { pad } from './pad';\n-2 export function formatDate(d: Date) {\n+2 export function formatIsoDate(d: Date) {\n 3   return d.toISOString().slice(0, 10);",
    }),
    assistant([{ type: 'toolCall', id: 'call_bash_1', name: 'bash', arguments: { command: 'npm test -- date' } }]),
    result('call_bash_1', 'bash', '> vitest run date\n\n ✓ test/date.test.ts (4 tests) 12ms\n\n Test Files  1 passed (1)\n      Tests  4 passed (4)'),
    assistant(
      [{ type: 'text', text: 'Renamed **formatDate** to `formatIsoDate`; all four date tests pass.\n\n```ts\nexport function formatIsoDate(d: Date) {\n  return d.toISOString().slice(0, 10);\n}\n```' }],
      'stop',
    ),
  ];
}

/**
 * Writes the fixture sessions under `<agentDir>/sessions/` and returns their paths and ids.
 * The workspace defaults to the `workspace` folder beside the agent folder (workFolder.mjs).
 */
export function writeFixtureSessions(agentDir, workspaceDir = path.join(path.dirname(agentDir), 'workspace')) {
  return fixtureSessions.map((fixture) => {
    const spec = fixture.cwd === workspacePlaceholder ? { ...fixture, cwd: workspaceDir } : fixture;
    const lines = buildSession({ ...spec, workspaceDir });
    const dir = path.join(agentDir, 'sessions', encodeCwd(spec.cwd));
    mkdirSync(dir, { recursive: true });
    const file = path.join(dir, fileNameFor(lines[0]));
    writeFileSync(file, lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
    // Real session files were last written when their last entry was; a fresh mtime would
    // make every fixture look like a session pi is writing right now.
    const last = new Date(lines[lines.length - 1].timestamp ?? lines[0].timestamp);
    if (!Number.isNaN(last.getTime())) utimesSync(file, last, last);
    return { id: spec.id, cwd: spec.cwd, name: spec.name, file };
  });
}
