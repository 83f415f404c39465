// The extension in Simplified Chinese: run.mjs starts a second code-server with
// `--locale zh-cn` and runs only the tests named "zh-cn: …", which register only there.
// The workbench's own strings stay English without a language pack; the extension's
// contributions (package.nls.zh-cn.json) and runtime text (l10n/bundle.l10n.zh-cn.json)
// must not.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { CommandId } from '../../../src/ui/ids';
import { test } from './harness';
import { browser, sendToDriver } from './driver';
import { waitUntil } from './wait';
import { expandRow, fixtureNamed, rowSelector, showSessionsView, treeRows } from './sessionTreeDom';
import { extensionApi } from './extensionApi';
import { describe, webviewFrame as frame } from './webviewDom';
import runtime from '../../../l10n/bundle.l10n.zh-cn.json';
import contributions from '../../../package.nls.zh-cn.json';

const zh = (message: keyof typeof runtime) => runtime[message];

/** Moves the pointer off the tree, whose row tooltip would otherwise cover the screenshot. */
async function pointerAway(): Promise<void> {
  await sendToDriver('hover', { selector: '[id="workbench.parts.titlebar"]' }).catch(() => undefined);
  await new Promise((resolve) => setTimeout(resolve, 500));
}

console.log(`       display language: ${vscode.env.language}`);
if (vscode.env.language.toLowerCase() === 'zh-cn') {
  test('zh-cn: the sessions view, its groups and its rows speak Chinese', async () => {
    await showSessionsView();
    // Favorites and Tags appear once there are some; one of each makes the groups show.
    const session = fixtureNamed('Branching refactor');
    const core = await extensionApi();
    const fav = await core.dispatch('list_favorites', {});
    if (!(fav.data as string[] | null)?.includes(session.file)) await core.dispatch('toggle_favorite', { path: session.file });
    await waitUntil('the favorites group', async () => (await treeRows()).some((r) => r.level === 1 && r.text.startsWith(zh('Favorites'))), 15_000);
    await expandRow('/home/dev/proj');
    const rows = (await treeRows()).map((r) => r.text);
    assert.ok(rows.some((t) => /\d+ 条消息/.test(t)), `rows count messages in Chinese: ${rows.join(' | ')}`);
    assert.ok(rows.some((t) => /(前|昨天|现在)/.test(t)), `rows give their age in Chinese: ${rows.join(' | ')}`);
    const headers = await browser.texts('[id="workbench.parts.sidebar"] .pane-header, [id="workbench.parts.sidebar"] .composite.title');
    assert.ok(headers.some((t) => t.includes(contributions['view.sessions.name'])), `the view is titled ${contributions['view.sessions.name']}: ${headers.join(' | ')}`);
    const shot = await browser.screenshot('tree');
    console.log(`       screenshot: ${shot.path}`);
  });

  test('zh-cn: a session row’s context menu lists the commands in Chinese', async () => {
    await showSessionsView();
    await expandRow('/home/dev/proj');
    await browser.click(rowSelector('Branching refactor', 2), { button: 'right' });
    const menu = '.context-view .monaco-menu';
    await browser.waitFor(`${menu} .action-item:has-text(${JSON.stringify(contributions['command.openSession.title'])})`);
    const items = (await browser.texts(`${menu} .action-label`)).map((t) => t.trim()).filter(Boolean);
    for (const key of ['command.rename.title', 'command.addTag.title', 'command.exportMarkdown.title', 'command.copyPath.title', 'command.delete.title'] as const) {
      assert.ok(items.includes(contributions[key]), `menu has ${contributions[key]}: ${items.join(' | ')}`);
    }
    const shot = await browser.screenshot('context-menu');
    console.log(`       screenshot: ${shot.path}`);
    await browser.press('Escape');
  });

  test('zh-cn: the viewer renders its header, labels and find bar in Chinese', async () => {
    const session = fixtureNamed('Branching refactor');
    await vscode.commands.executeCommand(CommandId.openSession, { path: session.file });
    await browser.waitFor(`${frame}.psm-session-header`, 30_000);
    const labels = await browser.texts(`${frame}.psm-session-header dt`);
    for (const label of [zh('Date'), zh('Directory'), zh('Messages'), zh('Tokens'), zh('Cost')]) assert.ok(labels.includes(label), `header label ${label}: ${labels.join(' | ')}`);
    const [lang] = await describe(`${frame}html`, ['lang']);
    assert.equal(lang?.attributes.lang, 'zh-cn');
    assert.ok((await browser.texts(`${frame}.psm-role-user .psm-entry-head .psm-role`)).some((t) => t.includes(zh('User'))), 'user messages are labelled 用户');
    await browser.press('Control+f');
    const [input] = await describe(`${frame}.psm-find-input`, ['placeholder', 'aria-label']);
    assert.equal(input?.attributes.placeholder, zh('Find in session'));
    await browser.type('refactor');
    await waitUntil('the match count', async () => (await browser.texts(`${frame}.psm-find-count`)).some((t) => /^第 \d+ 项，共 \d+ 项$/.test(t.trim())), 10_000);
    await pointerAway();
    const shot = await browser.screenshot('viewer');
    console.log(`       screenshot: ${shot.path}`);
    await browser.press('Escape');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('zh-cn: the dashboard titles, cards and charts are Chinese', async () => {
    await extensionApi();
    await vscode.commands.executeCommand(CommandId.openDashboard);
    const body = `${frame}body[data-page="dashboard"]`;
    await browser.waitFor(body, 20_000);
    await waitUntil('the dashboard to be ready', async () => (await describe(body, ['data-state']))[0]?.attributes['data-state'] === 'ready', 30_000);
    const titles = await browser.texts(`${frame}.panel h2`);
    for (const title of [zh('Activity'), zh('Cost by model'), zh('Top projects'), zh('Hours of the day')]) assert.ok(titles.includes(title), `panel ${title}: ${titles.join(' | ')}`);
    const cards = await browser.texts(`${frame}.card-label`);
    assert.deepEqual(cards, [zh('Sessions'), zh('Messages'), zh('Tool calls'), zh('Tokens'), zh('Cost')]);
    const ranges = await browser.texts(`${frame}.range`);
    assert.ok(ranges.includes(zh('All time')), `range buttons: ${ranges.join(' | ')}`);
    const [chart] = await describe(`${frame}canvas[data-chart="per-day"]`, ['aria-label']);
    assert.match(chart?.attributes['aria-label'] ?? '', /柱状图和折线图/);
    const tab = vscode.window.tabGroups.activeTabGroup.activeTab?.label;
    assert.equal(tab, zh('Pi Sessions Dashboard'));
    await pointerAway();
    const shot = await browser.screenshot('dashboard');
    console.log(`       screenshot: ${shot.path}`);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });
}
