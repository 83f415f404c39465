/**
 * Test-only session loading: a v3 JSONL file read with JSON.parse per line, enough to feed
 * the renderer without depending on the real parser. Also builders for hand-made sessions.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { ParsedSession, SessionEntry, SessionHeader } from '../../../src/shared/model/entries';

export const repoRoot = path.resolve(__dirname, '../../..');

export function sharedFixture(...parts: string[]): string {
  return path.resolve(repoRoot, '../shared/fixtures', ...parts);
}

function resolveLabels(entries: SessionEntry[]): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const entry of entries) {
    if (entry.type !== 'label' || typeof entry.targetId !== 'string') continue;
    if (typeof entry.label === 'string' && entry.label) labels[entry.targetId] = entry.label;
    else delete labels[entry.targetId];
  }
  return labels;
}

/** The session in a v3 file, or null when the file is missing or not v3. */
export function readV3Session(file: string): ParsedSession | null {
  if (!fs.existsSync(file)) return null;
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  let header: SessionHeader | null = null;
  const entries: SessionEntry[] = [];
  let skippedLines = 0;
  for (const line of lines) {
    if (!line.trim()) continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      skippedLines++;
      continue;
    }
    if (!header) {
      header = value as SessionHeader;
      continue;
    }
    entries.push(value as SessionEntry);
  }
  if (!header || header.version !== 3) return null;
  return { path: file, header, entries, leafId: entries.at(-1)?.id ?? null, labels: resolveLabels(entries), skippedLines };
}

/** Every v3 session file under the pi-real fixtures, plus the synthetic one. */
export function fixtureSessionFiles(): string[] {
  const out: string[] = [];
  const synthetic = sharedFixture('pi', 'synthetic-v3-all-entry-types.jsonl');
  if (fs.existsSync(synthetic)) out.push(synthetic);
  const walk = (dir: string) => {
    if (!fs.existsSync(dir)) return;
    for (const name of fs.readdirSync(dir).sort()) {
      const full = path.join(dir, name);
      if (fs.statSync(full).isDirectory()) walk(full);
      else if (name.endsWith('.jsonl')) out.push(full);
    }
  };
  walk(sharedFixture('pi-real', 'sessions'));
  walk(sharedFixture('pi-1.6', 'sessions'));
  return out;
}

let counter = 0;

/** A session from entries written inline; ids and parents chain automatically when omitted. */
export function makeSession(
  entries: Array<Partial<SessionEntry> & { type: string }>,
  header: Partial<SessionHeader> = {},
): ParsedSession {
  let parent: string | null = null;
  const full = entries.map((e, i) => {
    const id = typeof e.id === 'string' ? e.id : `t${(++counter).toString(16).padStart(7, '0')}`;
    const entry = {
      parentId: parent,
      timestamp: new Date(Date.UTC(2026, 2, 10, 9, 0, i)).toISOString(),
      ...e,
      id,
    } as SessionEntry;
    parent = id;
    return entry;
  });
  return {
    path: '/tmp/test.jsonl',
    header: { type: 'session', version: 3, id: 'sess-0001', timestamp: '2026-03-10T09:00:00.000Z', cwd: '/home/dev/app', ...header },
    entries: full,
    leafId: full.at(-1)?.id ?? null,
    labels: resolveLabels(full),
    skippedLines: 0,
  };
}

const usage = (input: number, output: number, cacheRead: number, total: number) => ({ input, output, cacheRead, cacheWrite: 0, cost: { total } });

/** What pi 1.6 writes besides the conversation: prompt checkpoints, billed work, context edits. */
export function pi16Session(): ParsedSession {
  return makeSession([
    { type: 'model_change', id: 'p1', provider: 'acme', modelId: 'm1' },
    {
      type: 'message',
      id: 'p2',
      message: {
        role: 'system',
        content: '',
        sections: { preamble: 'You are a helper.', rules: 'Be brief.' },
        toolsAdded: [
          { name: 'read', description: 'Read file contents', parameters: { type: 'object' } },
          { name: 'write', description: 'Write a file', parameters: { type: 'object' } },
        ],
      },
    },
    { type: 'message', id: 'p3', message: { role: 'user', content: 'Show secrets.env', timestamp: 1 } },
    {
      type: 'message',
      id: 'p4',
      message: { role: 'assistant', provider: 'acme', model: 'm1', content: [{ type: 'toolCall', id: 'c1', name: 'read', arguments: { path: 'secrets.env' } }], usage: usage(10, 2, 0, 0.01), stopReason: 'toolUse' },
    },
    { type: 'usage', id: 'p5', kind: 'cache_warm', provider: 'acme', model: 'm1', usage: usage(0, 1, 3000, 0.09) },
    { type: 'message', id: 'p6', message: { role: 'toolResult', toolCallId: 'c1', toolName: 'read', content: [{ type: 'text', text: 'TOKEN=abc123' }], usage: usage(5, 5, 0, 0.002) } },
    { type: 'context_edit', id: 'p7', targetId: 'p6', replacement: { content: [{ type: 'text', text: 'TOKEN=[redacted]' }] } },
    { type: 'message', id: 'p8', message: { role: 'system', content: '', sections: { rules: 'Be very brief.', docs: null }, toolsRemoved: [{ name: 'write' }] } },
    { type: 'message', id: 'p9', message: { role: 'assistant', provider: 'acme', model: 'm1', content: [{ type: 'text', text: 'oops' }], stopReason: 'error', errorMessage: 'overloaded' } },
    { type: 'context_edit', id: 'pa', targetId: 'p9', replacement: null },
    { type: 'compaction', id: 'pb', summary: 'Read secrets.env.', firstKeptEntryId: 'pb', tokensBefore: 100, usage: usage(50, 10, 0, 0.004) },
  ]);
}
