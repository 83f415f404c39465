/**
 * A session store for the web client tests: a few ordinary sessions in two projects and
 * one session full of hostile text, plus helpers to grow the store while a page watches.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { writeSession, type ExpectedSession } from '../../support/sessionGenerator';

/** Transcript text that would run script if anything on the page let markup through. */
export const hostileText = [
  '<script>window.__pwned = 1</script>',
  '<img src=x onerror="window.__pwned = 2">',
  '[click me](javascript:window.__pwned=3)',
  '<a href="javascript:window.__pwned=4">link</a>',
  '<svg onload="window.__pwned = 5"></svg>',
  '<iframe srcdoc="<script>parent.__pwned = 6</script>"></iframe>',
  '<div style="background:url(javascript:window.__pwned=7)">styled</div>',
  '<style>body { display: none }</style>',
].join('\n\n');

/** A word no generated text contains, for the search screen. */
export const searchWord = 'zebracorn';

export const hostileName = '<img src=x onerror="window.__pwned = 8"> hostile session';

export interface Store {
  root: string;
  sessions: ExpectedSession[];
  hostile: string;
}

const hour = 3_600_000;

export function writeStore(root: string): Store {
  const now = Date.now();
  const sessions: ExpectedSession[] = [];
  const specs = [
    { cwd: '/home/dev/alpha', seed: 11, name: 'Alpha parser work' },
    { cwd: '/home/dev/alpha', seed: 12, name: 'Alpha router cleanup' },
    { cwd: '/home/dev/alpha', seed: 13, name: undefined },
    { cwd: '/home/dev/beta', seed: 21, name: 'Beta build fix' },
    { cwd: '/home/dev/beta', seed: 22, name: `Beta cache layer ${searchWord}` },
  ];
  specs.forEach((spec, i) => {
    sessions.push(
      writeSession(root, {
        cwd: spec.cwd,
        seed: spec.seed,
        turns: 4,
        startMs: now - (i + 2) * 24 * hour,
        quirks: { tools: true, thinking: true, ...(spec.name ? { names: [spec.name] } : {}) },
      }),
    );
  });
  // In a name (found by the name match) and in a message (found by message search).
  const searchable = sessions[sessions.length - 1]!;
  appendUserMessage(searchable.path, searchable.leaf_id, 'search01', `please look at the ${searchWord} module`, now - 5 * 24 * hour);
  return { root, sessions, hostile: writeHostileSession(root, now - hour) };
}

function line(value: unknown): string {
  return `${JSON.stringify(value)}\n`;
}

/** Written by hand: the hostile strings in a name, messages, thinking, a tool call and its result. */
function writeHostileSession(root: string, startMs: number): string {
  const dir = path.join(root, '--home-dev-hostile--');
  fs.mkdirSync(dir, { recursive: true });
  const id = '7d2c9a10-0000-4000-8000-00000000beef';
  const at = (n: number) => new Date(startMs + n * 1000).toISOString();
  const file = path.join(dir, `${at(0).replace(/[:.]/g, '-')}_${id}.jsonl`);
  const entries = [
    { type: 'session', version: 3, id, timestamp: at(0), cwd: '/home/dev/hostile' },
    { type: 'message', id: 'h0000001', parentId: null, timestamp: at(1), message: { role: 'user', content: hostileText, timestamp: startMs + 1000 } },
    {
      type: 'message',
      id: 'h0000002',
      parentId: 'h0000001',
      timestamp: at(2),
      message: {
        role: 'assistant',
        content: [
          { type: 'thinking', thinking: hostileText },
          { type: 'text', text: hostileText },
          { type: 'toolCall', id: 'call-1', name: 'bash', arguments: { command: hostileText } },
          { type: 'toolCall', id: 'call-2', name: 'edit', arguments: { path: '<img src=x onerror=window.__pwned=9>.ts', oldText: hostileText, newText: hostileText } },
        ],
        provider: 'anthropic',
        model: 'claude-sonnet-4-5',
        usage: { input: 10, output: 20, cacheRead: 0, cacheWrite: 0, totalTokens: 30, cost: { input: 0, output: 0, cacheRead: 0, cacheWrite: 0, total: 0 } },
        stopReason: 'toolUse',
        timestamp: startMs + 2000,
      },
    },
    { type: 'message', id: 'h0000003', parentId: 'h0000002', timestamp: at(3), message: { role: 'toolResult', toolCallId: 'call-1', toolName: 'bash', content: [{ type: 'text', text: hostileText }], isError: false, timestamp: startMs + 3000 } },
    {
      type: 'message',
      id: 'h0000004',
      parentId: 'h0000003',
      timestamp: at(4),
      message: { role: 'toolResult', toolCallId: 'call-2', toolName: 'edit', content: [{ type: 'text', text: hostileText }], details: { diff: `-1 ${hostileText}\n+1 ${hostileText}` }, isError: false, timestamp: startMs + 4000 },
    },
    { type: 'session_info', id: 'h0000005', parentId: 'h0000004', timestamp: at(5), name: hostileName },
  ];
  fs.writeFileSync(file, entries.map(line).join(''));
  return file;
}

/** Appends a user message the way pi does: one JSON line, parented on the current leaf. */
export function appendUserMessage(file: string, parentId: string | null, id: string, text: string, now = Date.now()): void {
  fs.appendFileSync(file, line({ type: 'message', id, parentId, timestamp: new Date(now).toISOString(), message: { role: 'user', content: text, timestamp: now } }));
}
