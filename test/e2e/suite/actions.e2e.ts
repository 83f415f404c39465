// Session actions through the real workbench: context menus, input boxes, quick picks,
// dialogs and terminals.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { CommandId, SettingKey, ViewId } from '../../../src/ui/ids';
import { test } from './harness';
import { browser } from './driver';
import { waitUntil } from './wait';
import { contextMenu, expandRow, fixtureNamed, quickInput, rowSelector, rowsUnder, showSessionsView, treeRows } from './sessionTreeDom';

test('rename through the context menu and the input box', async () => {
  await showSessionsView();
  await expandRow('/home/dev/other-app');
  await contextMenu('Dependency upgrade', 'Rename…');
  await browser.waitFor(quickInput.input);
  await browser.type('Express 5 upgrade');
  await browser.press('Enter');
  await waitUntil('the new name in the tree', async () => (await rowsUnder('/home/dev/other-app')).some((r) => r.text.startsWith('Express 5 upgrade')), 10_000);
  const file = fs.readFileSync(fixtureNamed('Dependency upgrade').file, 'utf8');
  assert.match(file, /"type":"session_info","name":"Express 5 upgrade"|"name":"Express 5 upgrade"/);
});

test('F2 on the selected row renames that session', async () => {
  await showSessionsView();
  await expandRow('/home/dev/proj');
  await browser.click(rowSelector('Branching refactor'));
  // A click also opens the viewer; focusing the view again keeps the selection.
  await vscode.commands.executeCommand(`${ViewId.sessions}.focus`);
  await browser.press('F2');
  await waitUntil('the rename box for the selected row', async () => (await browser.texts('.quick-input-widget')).some((t) => t.includes('New name for "Branching refactor"')), 10_000);
  await browser.press('Escape');
});

test('toggle favorite moves the session into Favorites', async () => {
  await showSessionsView();
  await expandRow('/home/dev/proj');
  await contextMenu('Write a unit test for parseDate', 'Toggle Favorite');
  await waitUntil('a Favorites group', async () => (await treeRows()).some((r) => r.level === 1 && r.text.startsWith('Favorites')), 10_000);
  await expandRow('Favorites');
  await waitUntil('the session under Favorites', async () => (await rowsUnder('Favorites')).some((r) => r.text.startsWith('Write a unit test for parseDate')), 10_000);
  await browser.screenshot('favorites');
});

test('add a tag created inline in the quick pick', async () => {
  await showSessionsView();
  await expandRow('/home/dev/proj');
  await contextMenu('Fix the login form', 'Add Tag…');
  await browser.waitFor(quickInput.input);
  await browser.type('urgent');
  await browser.waitFor(`${quickInput.rows}:has-text('Create tag "urgent"')`);
  await browser.press('Enter');
  await waitUntil('a Tags group', async () => (await treeRows()).some((r) => r.level === 1 && r.text.startsWith('Tags')), 10_000);
  await expandRow('Tags');
  await expandRow('urgent', 2);
  await waitUntil('the session under the tag', async () => (await rowsUnder('Tags')).some((r) => r.level === 3 && r.text.startsWith('Fix the login form')), 10_000);
  await browser.screenshot('tags');
});

test('export writes HTML, Markdown and JSON files', async () => {
  const session = fixtureNamed('Fix the login form');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'psm-export-'));
  const targets: Array<[string, string]> = [
    [CommandId.exportHtml, 'session.html'],
    [CommandId.exportMarkdown, 'session.md'],
    [CommandId.exportJson, 'session.json'],
  ];
  for (const [command, name] of targets) {
    const target = vscode.Uri.file(path.join(dir, name));
    await vscode.commands.executeCommand(command, { path: session.file }, target);
    assert.ok(fs.existsSync(target.fsPath), `${name} was written`);
    const text = fs.readFileSync(target.fsPath, 'utf8');
    assert.ok(text.includes('login form'), `${name} holds the conversation`);
  }
  JSON.parse(fs.readFileSync(path.join(dir, 'session.json'), 'utf8'));
});

test('delete asks for confirmation and removes the session', async () => {
  await showSessionsView();
  await expandRow('/home/dev/other-app');
  const session = fixtureNamed('Scratch session to delete');
  await contextMenu('Scratch session to delete', 'Delete (Move to Trash)');
  const confirm = `${quickInput.rows}:has-text("Move to Trash")`;
  await browser.waitFor(confirm);
  await browser.screenshot('delete-confirmation');
  await browser.press('Enter');
  await waitUntil('the row to go', async () => !(await rowsUnder('/home/dev/other-app')).some((r) => r.text.startsWith('Scratch session to delete')), 10_000);
  assert.equal(fs.existsSync(session.file), false, 'the file is gone from the sessions folder');
  const trash = path.join(process.env.XDG_DATA_HOME ?? path.join(os.homedir(), '.local/share'), 'Trash', 'files');
  const inTrash = fs.existsSync(trash) && fs.readdirSync(trash).some((f) => f.startsWith(path.basename(session.file, '.jsonl')));
  console.log(`       deleted file ${inTrash ? 'is in the XDG trash' : 'was removed (no trash in this host)'}`);
});

test('resume in terminal runs the pi command with the session in its folder', async () => {
  const session = fixtureNamed('Workspace chores');
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'psm-resume-'));
  const record = path.join(work, 'record.json');
  const recorder = path.join(work, 'fake-pi.js');
  // Stands in for pi: records how it was started, which is what the command must get right.
  fs.writeFileSync(recorder, `require('fs').writeFileSync(${JSON.stringify(record)}, JSON.stringify({ argv: process.argv.slice(2), cwd: process.cwd() }));\n`);
  const config = vscode.workspace.getConfiguration(SettingKey.section);
  await config.update(SettingKey.piCommand, `${JSON.stringify(process.execPath)} ${recorder}`, vscode.ConfigurationTarget.Global);
  try {
    await vscode.commands.executeCommand(CommandId.resumeInTerminal, { path: session.file });
    const terminal = vscode.window.terminals.find((t) => t.name === 'pi: Workspace chores');
    assert.ok(terminal, `a terminal named "pi: Workspace chores", got ${vscode.window.terminals.map((t) => t.name).join(', ')}`);
    const options = terminal.creationOptions as vscode.TerminalOptions;
    assert.equal(options.cwd, session.cwd, 'the terminal starts in the session folder');
    await waitUntil('the fake pi to run', () => fs.existsSync(record), 20_000);
    const ran = JSON.parse(fs.readFileSync(record, 'utf8')) as { argv: string[]; cwd: string };
    assert.deepEqual(ran.argv, ['--session', session.file]);
    assert.equal(fs.realpathSync(ran.cwd), fs.realpathSync(session.cwd));
    await browser.screenshot('resume-terminal');
    terminal.dispose();
  } finally {
    await config.update(SettingKey.piCommand, undefined, vscode.ConfigurationTarget.Global);
  }
});

test('add session folder scans the new folder', async () => {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'psm-extra-'));
  const id = '0b7f3c1e-5a2d-4e8f-9c10-1a2b3c4d5e77';
  const at = '2026-03-04T10:00:00.000Z';
  const lines = [
    { type: 'session', version: 3, id, timestamp: at, cwd: '/home/dev/extra-project' },
    { type: 'message', id: 'b1', parentId: null, timestamp: at, message: { role: 'user', content: [{ type: 'text', text: 'From an added folder' }], timestamp: Date.parse(at) } },
  ];
  fs.writeFileSync(path.join(folder, `2026-03-04T10-00-00-000Z_${id}.jsonl`), lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
  await showSessionsView();
  await vscode.commands.executeCommand(CommandId.addSessionFolder, vscode.Uri.file(folder));
  await waitUntil('the added folder\'s project', async () => (await treeRows()).some((r) => r.level === 1 && r.text.startsWith('/home/dev/extra-project')), 20_000);
});
