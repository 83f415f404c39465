// Smoke tests of the extension inside a real VS Code extension host: activation, the API
// server, the dispatch path and the activity bar container.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { PiSessionsApi } from '../../../src/extension';
import { test } from './harness';
import { browser } from './driver';
import { waitUntil } from './wait';
import { extensionApi, extensionId } from './extensionApi';

async function servingPort(api: PiSessionsApi): Promise<number> {
  await waitUntil('the API server to serve', () => api.serverState().kind === 'serving', 20_000);
  const state = api.serverState();
  assert.equal(state.kind, 'serving');
  return state.kind === 'serving' ? state.port : -1;
}

test('the extension activates and exports its API', async () => {
  const api = await extensionApi();
  assert.equal(vscode.extensions.getExtension(extensionId)?.isActive, true);
  assert.equal(typeof api.dispatch, 'function');
  assert.equal(typeof api.serverState, 'function');
});

test('GET /health answers on the configured port', async () => {
  const port = await servingPort(await extensionApi());
  assert.equal(port, Number(process.env.PI_SESSIONS_PORT), 'the server uses PI_SESSIONS_PORT');
  const res = await fetch(`http://127.0.0.1:${port}/health`);
  assert.equal(res.status, 200);
  const body = (await res.json()) as { status?: string };
  assert.equal(body.status, 'ok');
});

test('dispatch("ping") answers pong', async () => {
  const result = await (await extensionApi()).dispatch('ping');
  assert.equal(result.success, true, `ping failed: ${result.error ?? ''}`);
  assert.deepEqual(result.data, { pong: true });
});

test('the Pi Sessions view container opens in the side bar', async () => {
  await extensionApi();
  await vscode.commands.executeCommand('workbench.view.extension.piSessions');
  const sidebarTitle = '#workbench\\.parts\\.sidebar .composite.title';
  await browser.waitFor(sidebarTitle);
  await waitUntil(
    'the side bar to show Pi Sessions',
    async () => (await browser.texts(sidebarTitle)).some((t) => /pi sessions/i.test(t)),
    10_000,
  );
  assert.ok((await browser.count('.activitybar [aria-label^="Pi Sessions"]')) > 0, 'activity bar has a Pi Sessions entry');
  const shot = await browser.screenshot('pi-sessions-view');
  console.log(`       screenshot: ${shot.path}`);
});
