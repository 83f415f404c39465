// Reading and driving the Pi Sessions tree through the workbench DOM, for the tree, action
// and search suites. The tree is a virtualised list: rows carry their depth in aria-level and
// their state in aria-expanded, and appear in display order.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { browser, sendToDriver } from './driver';
import { waitUntil } from './wait';
import { extensionId } from './extensionApi';

export const treeRowSelector = '[id="workbench.parts.sidebar"] .monaco-list-row';

export interface FixtureSession {
  id: string;
  cwd: string;
  name?: string;
  file: string;
}

export function fixtureSessions(): FixtureSession[] {
  const raw = process.env.PSM_E2E_FIXTURE_SESSIONS;
  assert.ok(raw, 'PSM_E2E_FIXTURE_SESSIONS is not set');
  return JSON.parse(raw) as FixtureSession[];
}

export function fixtureNamed(name: string): FixtureSession {
  const found = fixtureSessions().find((s) => s.name === name);
  assert.ok(found, `no fixture session named ${name}`);
  return found;
}

export interface TreeRow {
  text: string;
  level: number;
  expanded: boolean | undefined;
}

/** The visible rows, in order, with the label on the first line of their text. */
export async function treeRows(): Promise<TreeRow[]> {
  const reply = (await sendToDriver('describe', { selector: treeRowSelector, attributes: ['aria-level', 'aria-expanded'] })) as {
    items: Array<{ text: string; attributes: Record<string, string | null> }>;
  };
  return reply.items.map((i) => ({
    text: i.text.replace(/\s+/g, ' ').trim(),
    level: Number(i.attributes['aria-level'] ?? 0),
    expanded: i.attributes['aria-expanded'] === null ? undefined : i.attributes['aria-expanded'] === 'true',
  }));
}

/** The rows under the first top-level row whose text starts with `group`. */
export async function rowsUnder(group: string, rows?: TreeRow[]): Promise<TreeRow[]> {
  const all = rows ?? (await treeRows());
  const start = all.findIndex((r) => r.level === 1 && r.text.startsWith(group));
  if (start < 0) return [];
  const out: TreeRow[] = [];
  for (const row of all.slice(start + 1)) {
    if (row.level <= 1) break;
    out.push(row);
  }
  return out;
}

export function rowSelector(text: string, level?: number): string {
  const levelPart = level === undefined ? '' : `[aria-level="${level}"]`;
  return `${treeRowSelector}${levelPart}:has-text(${JSON.stringify(text)})`;
}

/** Opens the Pi Sessions side bar and waits for the tree to show at least one project. */
export async function showSessionsView(): Promise<void> {
  const ext = vscode.extensions.getExtension(extensionId);
  assert.ok(ext);
  if (!ext.isActive) await ext.activate();
  await vscode.commands.executeCommand('workbench.view.extension.piSessions');
  await waitUntil('the sessions tree to list projects', async () => (await treeRows()).some((r) => r.level === 1 && r.expanded !== undefined), 20_000);
}

/** Expands a group row (by the start of its text) unless it is already expanded. */
export async function expandRow(text: string, level = 1): Promise<void> {
  await waitUntil(`a row "${text}"`, async () => (await treeRows()).some((r) => r.level === level && r.text.startsWith(text)), 10_000);
  const state = async () => (await treeRows()).find((r) => r.level === level && r.text.startsWith(text))?.expanded;
  // A click that lands while the tree re-renders the row (right after the group appears) can
  // be lost, and a refresh racing the expansion can fold the row again. A user would click
  // again, so the helper does too, never on an expanded row, until the row stays open.
  let lastClick = 0;
  await waitUntil(
    `"${text}" to expand and stay expanded`,
    async () => {
      const now = await state();
      if (now === true) {
        await new Promise((r) => setTimeout(r, 300));
        return (await state()) === true;
      }
      if (now === false && Date.now() - lastClick > 1_500) {
        lastClick = Date.now();
        await browser.click(rowSelector(text, level));
      }
      return false;
    },
    12_000,
  );
}

/** Right-clicks a row and picks an entry of its context menu. */
export async function contextMenu(rowText: string, entry: string): Promise<void> {
  await browser.click(rowSelector(rowText), { button: 'right' });
  const item = `.context-view .monaco-menu .action-item:has-text(${JSON.stringify(entry)})`;
  await browser.waitFor(item);
  // The workbench menu acts on the focused entry; a synthetic click right after it opens is
  // ignored, while hovering (which focuses the entry) and Enter behave like a user.
  await sendToDriver('hover', { selector: item });
  await browser.press('Enter');
}

export const quickInput = {
  input: '.quick-input-widget input.input',
  rows: '.quick-input-widget .quick-input-list .monaco-list-row',
};
