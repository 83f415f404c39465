// The statistics dashboard in a real webview: charts drawn, filters re-querying the core,
// one panel only, and a page that never trips its Content-Security-Policy.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { CommandId, WebviewType } from '../../../src/ui/ids';
import { test } from './harness';
import { browser } from './driver';
import { waitUntil } from './wait';
import { fixtureSessions } from './sessionTreeDom';
import { extensionApi } from './extensionApi';
import { describe, webviewFrame as page } from './webviewDom';

const body = `${page}body[data-page="dashboard"]`;

async function pageAttributes(): Promise<Record<string, string | null>> {
  const [found] = await describe(body, ['data-state', 'data-renders', 'data-filter-cwd', 'data-csp-violations', 'data-last-csp-violation']);
  return found?.attributes ?? {};
}

async function waitForState(state: string, after: number): Promise<Record<string, string | null>> {
  let last: Record<string, string | null> = {};
  try {
    await waitUntil(`the dashboard to be ${state} (render > ${after})`, async () => {
      last = await pageAttributes();
      return last['data-state'] === state && Number(last['data-renders'] ?? 0) > after;
    }, 30_000);
  } catch (err) {
    // The panel is closed before the harness's own failure screenshot; take one while it shows.
    await browser.screenshot(`dashboard-not-${state}`);
    const status = await browser.texts(`${page}.status`).catch(() => []);
    throw new Error(`${err instanceof Error ? err.message : String(err)}; page ${JSON.stringify(last)}; status "${status.join(' ')}"`);
  }
  return last;
}

function dashboardTabs(): vscode.Tab[] {
  return vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter((t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.endsWith(WebviewType.dashboard));
}

async function sessionsCard(): Promise<string> {
  const [card] = await browser.texts(`${page}[data-card="sessions"] .card-value`);
  return card ?? '';
}

test('the dashboard draws its charts and follows the project and range filters', async () => {
  const api = await extensionApi();
  await vscode.commands.executeCommand(CommandId.openDashboard);
  try {
    await browser.waitFor(body, 20_000);
    const first = await waitForState('ready', 0);

    const canvases = await describe(`${page}canvas[data-chart]`, ['data-chart', 'data-rendered', 'width', 'height', 'aria-label']);
    assert.equal(canvases.length, 5, 'five Chart.js canvases');
    for (const c of canvases) {
      assert.equal(c.attributes['data-rendered'], 'true', `${c.attributes['data-chart']} was drawn`);
      assert.ok(Number(c.attributes.width) > 0 && Number(c.attributes.height) > 0, `${c.attributes['data-chart']} has a size`);
      assert.ok((c.attributes['aria-label'] ?? '').length > 10, `${c.attributes['data-chart']} has an aria-label`);
    }
    assert.ok((await browser.count(`${page}.calendar-grid .cell[data-date]`)) >= 7, 'the activity calendar has day cells');
    assert.equal(await browser.count(`${page}.hours-grid .cell`), 7 * 24, 'the weekday × hour grid is complete');
    assert.ok((await browser.count(`${page}.visually-hidden table`)) >= 7, 'every chart has a data table');

    const all = await api.dispatch('get_session_stats', { tz_offset_minutes: 0 });
    assert.equal(all.success, true, all.error ?? '');
    assert.equal(await sessionsCard(), String((all.data as { totals: { sessions: number } }).totals.sessions), 'the sessions card shows every session');
    const shot = await browser.screenshot('dashboard', { readme: 'dashboard' });
    console.log(`       screenshot: ${shot.path}`);

    // The toolkit's dropdown: open it, step to the first project and take it, as a keyboard
    // user would after tabbing to it.
    await browser.click(`${page}vscode-dropdown#project`);
    await browser.press('ArrowDown');
    await browser.press('Enter');
    const filtered = await waitForState('ready', Number(first['data-renders']));
    const cwd = filtered['data-filter-cwd'] ?? '';
    assert.ok(cwd.length > 0, 'a project is chosen');
    const expected = await api.dispatch('get_session_stats', { cwd });
    const projectSessions = String((expected.data as { totals: { sessions: number } }).totals.sessions);
    await waitUntil('the cards to show the project', async () => (await sessionsCard()) === projectSessions, 10_000);
    assert.equal((await describe(`${page}canvas[data-chart]`, ['data-rendered'])).filter((c) => c.attributes['data-rendered'] === 'true').length, 5);
    await browser.screenshot('dashboard-project');

    // The fixtures are months old, so the last 7 days of one project are empty.
    const beforeRange = Number(filtered['data-renders']);
    await browser.click(`${page}vscode-button[data-range="7"]`);
    await waitForState('empty', beforeRange);
    assert.ok((await browser.texts(`${page}.status`)).some((t) => /no sessions match/i.test(t)), 'the empty state explains itself');
    await browser.click(`${page}vscode-button[data-range="all"]`);
    await waitForState('ready', beforeRange + 1);

    // A session written into the chosen project shows up without a manual refresh.
    const sibling = fixtureSessions().find((f) => f.cwd === cwd);
    if (sibling) {
      const id = '0b7f3c1e-5a2d-4e8f-9c10-1a2b3c4d5ed1';
      const at = new Date().toISOString();
      const file = path.join(path.dirname(sibling.file), `${at.replace(/[:.]/g, '-')}_${id}.jsonl`);
      const lines = [
        { type: 'session', version: 3, id, timestamp: at, cwd },
        { type: 'message', id: 'd1', parentId: null, timestamp: at, message: { role: 'user', content: [{ type: 'text', text: 'A session for the live dashboard' }], timestamp: Date.parse(at) } },
      ];
      fs.writeFileSync(file, lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
      try {
        await waitUntil('the new session in the cards', async () => (await sessionsCard()) === String(Number(projectSessions) + 1), 20_000);
      } finally {
        fs.rmSync(file, { force: true });
      }
      await waitUntil('the removed session to leave the cards', async () => (await sessionsCard()) === projectSessions, 20_000);
    }

    // A theme switch redraws the canvases in the new theme's colours.
    const workbench = vscode.workspace.getConfiguration('workbench');
    const beforeTheme = Number((await pageAttributes())['data-renders']);
    const themeWas = workbench.inspect<string>('colorTheme')?.globalValue;
    try {
      await workbench.update('colorTheme', 'Default Dark Modern', vscode.ConfigurationTarget.Global);
      await waitForState('ready', beforeTheme);
      await waitUntil('a dark body', async () => (await describe(body, ['class']))[0]?.attributes.class?.includes('vscode-dark') === true, 10_000);
      await browser.screenshot('dashboard-dark');
    } finally {
      await workbench.update('colorTheme', themeWas, vscode.ConfigurationTarget.Global);
    }

    // Opening it again brings the same panel forward rather than a second one.
    await vscode.commands.executeCommand(CommandId.openDashboard);
    assert.equal(dashboardTabs().length, 1, 'one dashboard panel');

    const final = await pageAttributes();
    assert.equal(final['data-csp-violations'], '0', `no CSP violations (last: ${final['data-last-csp-violation'] ?? ''})`);
  } finally {
    await vscode.window.tabGroups.close(dashboardTabs());
  }
}, { timeoutMs: 120_000 });
