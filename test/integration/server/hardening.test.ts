import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as os from 'node:os';
import { startCliServer, runCli, type ServerHandle } from '../../support/cliServer';
import { callApi } from '../../support/httpClient';
import { TestWsClient } from '../../support/wsClient';
import { TestSseClient } from '../../support/sseClient';

/** Attacks on the transports found in review, each against a real `cli.js serve`. */

function createToken(server: ServerHandle, name: string, scopes: string): string {
  const made = runCli(['token', 'create', name, '--scopes', scopes, '--state-dir', server.stateDir]);
  assert.equal(made.status, 0, made.stderr);
  return (JSON.parse(made.stdout) as { token: string }).token;
}

/** The server reads tokens made by the CLI from the shared state file, shortly after. */
async function waitUntilAccepted(server: ServerHandle, token: string): Promise<void> {
  const t = { host: server.host, port: server.port };
  for (let i = 0; i < 60; i++) {
    const res = await callApi(t, 'ping', {}, { Authorization: `Bearer ${token}` });
    if (res.status === 200) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.fail('the running server never accepted the token made by the CLI');
}

test('SSE replay from Last-Event-ID 0 holds no other client\'s terminal output', async () => {
  const server = await startCliServer();
  try {
    const shellToken = createToken(server, 'shell', 'read,terminal');
    const readToken = createToken(server, 'reader', 'read');
    await waitUntilAccepted(server, shellToken);
    await waitUntilAccepted(server, readToken);

    const owner = await TestWsClient.connect(`ws://127.0.0.1:${server.port}/ws?token=${shellToken}`);
    const created = await owner.request('create_terminal', { cwd: os.tmpdir() });
    assert.equal(created.success, true, String(created.error));
    const { id } = created.data as { id: string };
    await owner.request('terminal_write', { id, data: 'echo replay-secret-$((6*7))\r' });
    await owner.waitForEvent((e) => e.event === 'terminal-output' && String((e.payload as { data: string }).data).includes('replay-secret-42'));
    // A broadcast after the output, so the replay below has something it must contain.
    const tag = await callApi({ host: server.host, port: server.port }, 'create_tag', { name: 'replay-marker', color: null, parent_id: null });
    assert.equal(tag.envelope.success, true, String(tag.envelope.error));

    const sse = await TestSseClient.open({ host: '127.0.0.1', port: server.port, path: `/api/events?token=${readToken}`, headers: { 'Last-Event-ID': '0' } });
    assert.ok(sse instanceof TestSseClient, 'the stream opens');
    await sse.waitFor((m) => m.event === 'tags-changed');
    const leaked = sse.messages.filter((m) => m.event === 'terminal-output' || m.event === 'terminal-exit' || m.event === 'pi-rpc-event');
    assert.deepEqual(leaked, [], 'targeted events are not replayed to another client');
    assert.ok(!sse.messages.some((m) => m.data.includes('replay-secret')));
    sse.close();
    await owner.request('terminal_close', { id });
    await owner.close();
  } finally {
    await server.stop();
  }
});

