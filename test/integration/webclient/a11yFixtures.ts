/**
 * What the accessibility tests read: a long generated session (every quirk, tool calls,
 * long outputs) with one more hand-written turn of the text that breaks layouts and
 * screen readers: code, CJK, long unbroken paths and rules of box-drawing characters,
 * file paths in tool calls, a system prompt. Plus a few short sessions, one without a name.
 */
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';
import { allQuirks, writeSession, type ExpectedSession } from '../../support/sessionGenerator';

const longPath = `/home/dev/${'very-long-directory-name-without-breaks_'.repeat(6)}final/module_with_a_long_name.generated.ts`;
const rule = '─'.repeat(160);
const code = ['```ts', 'export function add(a: number, b: number): number {', '  // adds two numbers', `  return a + b; // ${'x'.repeat(140)}`, '}', '```'].join('\n');

export interface A11yStore {
  root: string;
  long: ExpectedSession;
  /** A session without a name: its title comes from its first message. */
  unnamed: ExpectedSession;
  others: ExpectedSession[];
  /** A word only the unnamed session's messages contain. */
  unnamedWord: string;
}

function line(value: unknown): string {
  return `${JSON.stringify(value)}\n`;
}

function usage() {
  return { input: 10, output: 20, cacheRead: 0, cacheWrite: 0, totalTokens: 30, cost: { input: 0.0001, output: 0.0002, cacheRead: 0, cacheWrite: 0, total: 0.0003 } };
}

/** A turn with everything that must wrap or be reachable, appended the way pi writes it. */
function appendHardTurn(session: ExpectedSession): void {
  let parent = session.leaf_id;
  let n = 0;
  const now = Date.now() - 60_000;
  const entry = (fields: Record<string, unknown>) => {
    n++;
    const id = `hard${String(n).padStart(4, '0')}`;
    const at = now + n * 1000;
    fs.appendFileSync(session.path, line({ type: 'message', id, parentId: parent, timestamp: new Date(at).toISOString(), ...fields }));
    parent = id;
    return at;
  };
  entry({
    message: {
      role: 'system',
      sections: { identity: 'You are pi, a coding agent.', rules: `Follow the rules.\n${rule}` },
      toolsAdded: [{ name: 'read', description: 'Read a file', parameters: { type: 'object', properties: { path: { type: 'string' } } } }],
      timestamp: now,
    },
  });
  entry({ message: { role: 'user', content: `看看这个文件 ${longPath}\n\n${rule}\n\n${code}`, timestamp: now } });
  const output = Array.from({ length: 120 }, (_, i) => `${String(i + 1).padStart(4)}  ${i % 10 === 0 ? longPath : 'const value = compute(input); // 数据'}`).join('\n');
  entry({
    message: {
      role: 'assistant',
      content: [
        { type: 'thinking', thinking: `Reading ${longPath}` },
        { type: 'text', text: `I will read it.\n\n${code}` },
        { type: 'toolCall', id: 'hard-read', name: 'read', arguments: { path: longPath, offset: 10, limit: 50 } },
        { type: 'toolCall', id: 'hard-grep', name: 'grep', arguments: { pattern: 'compute', path: longPath } },
        { type: 'toolCall', id: 'hard-write', name: 'write', arguments: { path: 'src/new.ts', content: code } },
      ],
      provider: 'anthropic',
      model: 'claude-sonnet-4-5',
      usage: usage(),
      stopReason: 'toolUse',
      timestamp: now,
    },
  });
  entry({ message: { role: 'toolResult', toolCallId: 'hard-read', toolName: 'read', content: [{ type: 'text', text: output }], isError: false, timestamp: now } });
  entry({ message: { role: 'toolResult', toolCallId: 'hard-grep', toolName: 'grep', content: [{ type: 'text', text: `${longPath}:12: compute\n${rule}` }], isError: true, timestamp: now } });
  entry({ message: { role: 'toolResult', toolCallId: 'hard-write', toolName: 'write', content: [{ type: 'text', text: 'Wrote src/new.ts' }], isError: false, timestamp: now } });
  entry({ message: { role: 'assistant', content: [{ type: 'text', text: `Done. ${rule}` }], provider: 'anthropic', model: 'claude-sonnet-4-5', usage: usage(), stopReason: 'stop', timestamp: now } });
  session.leaf_id = parent;
}

export function writeA11yStore(root: string): A11yStore {
  const day = 86_400_000;
  const now = Date.now();
  const long = writeSession(root, {
    cwd: '/home/dev/long-project',
    seed: 7,
    turns: 24,
    startMs: now - day / 2,
    toolOutputBytes: 6000,
    quirks: { ...allQuirks, joinedLine: false, garbageLines: 0, blankLines: 0, duplicateAssistantLine: false, names: ['A long session'] },
  });
  appendHardTurn(long);
  const unnamedWord = 'quokkaflux';
  const unnamed = writeSession(root, { cwd: '/home/dev/short', seed: 31, turns: 2, startMs: now - 2 * day, quirks: { tools: true } });
  fs.appendFileSync(unnamed.path, line({ type: 'message', id: 'unnamed1', parentId: unnamed.leaf_id, timestamp: new Date(now - 2 * day + 600_000).toISOString(), message: { role: 'user', content: `what about the ${unnamedWord} cache?`, timestamp: now - 2 * day + 600_000 } }));
  unnamed.leaf_id = 'unnamed1';
  const others = [
    writeSession(root, { cwd: '/home/dev/short', seed: 32, turns: 2, startMs: now - 3 * day, quirks: { names: ['Favorite candidate'], thinking: true } }),
    writeSession(root, { cwd: '/home/dev/other', seed: 33, turns: 1, startMs: now - 4 * day, quirks: { names: ['Other project session'] } }),
  ];
  return { root, long, unnamed, others, unnamedWord };
}

export const axeTags = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

const axeSource = fs.readFileSync(createRequire(__filename).resolve('axe-core/axe.min.js'), 'utf8');

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string; summary: string }[];
}

/**
 * Runs axe-core in the page (evaluated through the debugging protocol, which the page's
 * CSP does not govern) over WCAG 2.1 A and AA, and returns the violations in short form.
 */
export async function runAxe(page: Page): Promise<AxeViolation[]> {
  const loaded = await page.evaluate(() => typeof (window as unknown as { axe?: unknown }).axe === 'object');
  if (!loaded) await page.evaluate(axeSource);
  return page.evaluate(async (tags) => {
    type AxeResult = { violations: { id: string; impact: string | null; help: string; nodes: { target: unknown[]; failureSummary?: string }[] }[] };
    const axe = (window as unknown as { axe: { run(ctx: unknown, options: unknown): Promise<AxeResult> } }).axe;
    const result = await axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.map((n) => ({ target: n.target.map(String).join(' '), summary: (n.failureSummary ?? '').replace(/\s+/g, ' ').slice(0, 300) })),
    }));
  }, axeTags);
}

/** Violations as a readable assertion message: rule, count and the first few nodes. */
export function describeViolations(where: string, violations: readonly AxeViolation[]): string {
  return violations
    .map((v) => `${where}: ${v.id} (${v.impact}, ${v.nodes.length}×) ${v.help}\n${v.nodes.slice(0, 4).map((n) => `    ${n.target} — ${n.summary}`).join('\n')}`)
    .join('\n');
}

/** Opens every fold: tool calls, thinking, system prompt sections, hidden messages. */
export async function openEveryBlock(page: Page): Promise<void> {
  await page.evaluate(() => document.querySelectorAll('details').forEach((d) => (d.open = true)));
}
