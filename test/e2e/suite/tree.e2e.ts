// The Pi Sessions tree in the real workbench: grouping, labels, icons and live updates.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { CommandId } from '../../../src/ui/ids';
import { test } from './harness';
import { browser } from './driver';
import { waitUntil } from './wait';
import { expandRow, fixtureNamed, fixtureSessions, quickInput, rowSelector, rowsUnder, showSessionsView, treeRows } from './sessionTreeDom';

const workspaceSession = () => fixtureNamed('Workspace chores');

test('the tree lists the fixture sessions by project, the workspace project first', async () => {
  await showSessionsView();
  const projects = (await treeRows()).filter((r) => r.level === 1 && !r.text.startsWith('Favorites') && !r.text.startsWith('Tags'));
  const workspaceCwd = workspaceSession().cwd;
  assert.ok(projects[0]?.text.includes(path.basename(workspaceCwd)), `first project is the workspace, got ${projects.map((p) => p.text).join(' | ')}`);
  for (const cwd of new Set(fixtureSessions().map((s) => s.cwd))) {
    if (cwd === workspaceCwd) continue;
    assert.ok(projects.some((p) => p.text.startsWith(cwd)), `a project row for ${cwd}`);
  }

  await expandRow('/home/dev/proj');
  const rows = (await rowsUnder('/home/dev/proj')).map((r) => r.text);
  assert.ok(rows.some((t) => t.startsWith('Branching refactor') && /\d+ msgs/.test(t)), `named session with its count, got ${rows.join(' | ')}`);
  assert.ok(rows.some((t) => t.startsWith('Write a unit test for parseDate')), 'an unnamed session shows its first message');
  const shot = await browser.screenshot('tree', { readme: 'tree' });
  console.log(`       screenshot: ${shot.path}`);
});

test('a branched session carries the branch icon', async () => {
  await showSessionsView();
  await expandRow('/home/dev/proj');
  await waitUntil('the branch icon', async () => (await browser.count(`${rowSelector('Branching refactor')} .codicon-git-branch`)) > 0, 10_000);
});

test('the filter narrows the tree to one project and clears again', async () => {
  await showSessionsView();
  void vscode.commands.executeCommand(CommandId.filter);
  await browser.waitFor(`${quickInput.rows}:has-text("By Project")`);
  await browser.type('By Project');
  await browser.press('Enter');
  await browser.waitFor(`${quickInput.rows}:has-text("/home/dev/other-app")`);
  await browser.type('other-app');
  await browser.press('Enter');
  // Favorites and Tags stay as groups; the filter narrows what they and the projects list.
  const projects = async () => (await treeRows()).filter((r) => r.level === 1 && r.text.startsWith('/')).map((r) => r.text);
  try {
    await waitUntil('only the chosen project', async () => {
      const shown = await projects();
      return shown.length === 1 && shown[0].startsWith('/home/dev/other-app');
    }, 10_000);
    assert.ok((await browser.texts('[id="workbench.parts.sidebar"] .pane-header')).some((t) => t.includes('filtered')), 'the view says it is filtered');
    await browser.screenshot('tree-filtered');
  } finally {
    await vscode.commands.executeCommand(CommandId.clearFilter);
  }
  await waitUntil('every project again', async () => (await projects()).some((t) => t.startsWith('/home/dev/proj')), 10_000);
});

test('a session written to disk appears without collapsing the open project', async () => {
  await showSessionsView();
  await expandRow('/home/dev/proj');
  const sibling = fixtureNamed('Branching refactor');
  const id = '0b7f3c1e-5a2d-4e8f-9c10-1a2b3c4d5e99';
  const at = new Date().toISOString();
  const file = path.join(path.dirname(sibling.file), `${at.replace(/[:.]/g, '-')}_${id}.jsonl`);
  const lines = [
    { type: 'session', version: 3, id, timestamp: at, cwd: sibling.cwd },
    { type: 'message', id: 'a1', parentId: null, timestamp: at, message: { role: 'user', content: [{ type: 'text', text: 'Freshly written session' }], timestamp: Date.parse(at) } },
  ];
  fs.writeFileSync(file, lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
  await waitUntil('the new session row', async () => (await rowsUnder('/home/dev/proj')).some((r) => r.text.startsWith('Freshly written session')), 20_000);
  const project = (await treeRows()).find((r) => r.level === 1 && r.text.startsWith('/home/dev/proj'));
  assert.equal(project?.expanded, true, 'the project stays expanded');
  await browser.screenshot('tree-live-update');
});
