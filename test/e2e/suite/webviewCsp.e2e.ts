// The editor's webviews under their strict Content Security Policy: the viewer and the
// dashboard, built with the webview UI toolkit's components, used through their controls,
// not one CSP violation logged in their frames' consoles, and no WCAG 2.1 A/AA violation
// that axe-core finds in them (colour contrast aside: the user's theme decides it).
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { CommandId, WebviewType } from '../../../src/ui/ids';
import { test } from './harness';
import { browser, sendToDriver } from './driver';
import { waitUntil } from './wait';
import { fixtureNamed } from './sessionTreeDom';
import { webviewFrame as frame } from './webviewDom';


interface CspMessage {
  text: string;
  url: string;
}

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: string[];
}

async function axeViolations(selector: string): Promise<string[]> {
  const { violations } = (await sendToDriver('axe', { selector })) as { violations: AxeViolation[] };
  return violations.map((v) => `${v.id} (${v.impact}, ${v.help}):\n    ${v.nodes.join('\n    ')}`);
}

async function cspViolations(): Promise<CspMessage[]> {
  return ((await sendToDriver('cspViolations')) as { messages: CspMessage[] }).messages;
}

function ourTabs(): vscode.Tab[] {
  return vscode.window.tabGroups.all
    .flatMap((g) => g.tabs)
    .filter((t) => t.input instanceof vscode.TabInputWebview && (t.input.viewType.endsWith(WebviewType.viewer) || t.input.viewType.endsWith(WebviewType.dashboard)));
}

test('the viewer and the dashboard log no CSP violation while their toolkit controls are used', async () => {
  const before = (await cspViolations()).length;
  try {
    // The viewer: its find bar is the toolkit's text field and icon buttons.
    const session = fixtureNamed('Viewer showcase');
    await vscode.commands.executeCommand(CommandId.openSession, { path: session.file });
    await browser.waitFor(`${frame}.psm-viewer-status[data-state="ready"]`, 30_000);
    await browser.click(`${frame}.psm-viewer-scroll`);
    await browser.press('Control+f');
    await browser.waitFor(`${frame}vscode-text-field.psm-find-input`);
    await browser.type('the');
    await browser.click(`${frame}vscode-button.psm-find-next`);
    const viewerProblems = await axeViolations('.psm-viewer .psm-find-bar:not([hidden])');
    await browser.click(`${frame}vscode-button.psm-find-close`);
    assert.equal(await browser.count(`${frame}.psm-find-bar:not([hidden])`), 0, 'the find bar closed');

    // The dashboard: the toolkit's dropdown and buttons.
    await vscode.commands.executeCommand(CommandId.openDashboard);
    await browser.waitFor(`${frame}body[data-page="dashboard"][data-state="ready"]`, 30_000);
    await browser.waitFor(`${frame}vscode-dropdown#project`);
    await browser.click(`${frame}vscode-button[data-range="30"]`);
    await browser.waitFor(`${frame}vscode-button[data-range="30"][aria-pressed="true"]`);
    await browser.click(`${frame}vscode-button[data-range="all"]`);
    await browser.screenshot('webview-toolkit-dashboard');
    const dashboardProblems = await axeViolations('body[data-page="dashboard"][data-state="ready"]');
    assert.deepEqual([...viewerProblems.map((p) => `viewer: ${p}`), ...dashboardProblems.map((p) => `dashboard: ${p}`)], [], 'WCAG 2.1 AA violations in the webviews');

    // Violations are logged asynchronously; give the last ones a moment to arrive.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const found = (await cspViolations()).slice(before);
    assert.deepEqual(found, [], `CSP violations in our webviews:\n${found.map((m) => `${m.url}: ${m.text}`).join('\n')}`);
  } finally {
    await vscode.window.tabGroups.close(ourTabs());
  }
  await waitUntil('our panels to close', () => ourTabs().length === 0, 10_000);
}, { timeoutMs: 90_000 });
