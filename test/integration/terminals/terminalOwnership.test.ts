import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as os from 'node:os';
import { startCliServer, runCli, type ServerHandle } from '../../support/cliServer';
import { callApi } from '../../support/httpClient';
import { TestWsClient } from '../../support/wsClient';
import { processAlive } from '../../../src/core/state/processAlive';

function childPids(server: ServerHandle): number[] {
  try {
    return execFileSync('pgrep', ['-P', String(server.proc.pid)], { encoding: 'utf8' })
      .split('\n')
      .filter(Boolean)
      .map(Number);
  } catch {
    return [];
  }
}

test('HTTP cannot open terminals nobody could drive or close, and each owner has a cap', async () => {
  const server = await startCliServer();
  const target = { host: server.host, port: server.port };
  const sockets: TestWsClient[] = [];
  try {
    const before = childPids(server);
    for (let i = 0; i < 8; i++) {
      const res = await callApi(target, 'create_terminal', { cwd: os.tmpdir() });
      assert.equal(res.envelope.success, false, `HTTP call ${i} is refused`);
      assert.equal(res.envelope.code, 'invalid_request');
      assert.match(String(res.envelope.error), /WebSocket/);
    }
    assert.deepEqual(childPids(server), before, 'no shell was started');

    // The local user, over two sockets, counts as one owner.
    const first = await TestWsClient.connect(`ws://127.0.0.1:${server.port}/ws`);
    const second = await TestWsClient.connect(`ws://127.0.0.1:${server.port}/ws`);
    sockets.push(first, second);
    const pids: number[] = [];
    for (let i = 0; i < 4; i++) {
      const created = await (i % 2 === 0 ? first : second).request('create_terminal', { cwd: os.tmpdir() });
      assert.equal(created.success, true, String(created.error));
      pids.push((created.data as { pid: number }).pid);
    }
    const over = await second.request('create_terminal', { cwd: os.tmpdir() });
    assert.equal(over.success, false, 'the fifth terminal of one owner is refused');
    assert.equal(over.code, 'conflict');
    assert.match(String(over.error), /per token/);

    // Another token is another owner, with a cap of its own.
    const made = runCli(['token', 'create', 'shell', '--scopes', 'read,terminal', '--state-dir', server.stateDir]);
    assert.equal(made.status, 0, made.stderr);
    const token = (JSON.parse(made.stdout) as { token: string }).token;
    let other: TestWsClient | undefined;
    for (let i = 0; i < 60 && !other; i++) {
      other = await TestWsClient.connect(`ws://127.0.0.1:${server.port}/ws?token=${token}`).catch(() => undefined);
      if (!other) await new Promise((r) => setTimeout(r, 50));
    }
    assert.ok(other, 'the token works on the running server');
    sockets.push(other);
    const own = await other.request('create_terminal', { cwd: os.tmpdir() });
    assert.equal(own.success, true, String(own.error));
    const ownId = (own.data as { id: string }).id;
    const closed = await other.request('terminal_close', { id: ownId });
    assert.equal(closed.success, true, 'the creator can close its terminal');

    // Terminals die with the sockets that own them (after the reconnect grace period).
    await first.close();
    await second.close();
    for (let i = 0; i < 200 && pids.some(processAlive); i++) await new Promise((r) => setTimeout(r, 50));
    assert.deepEqual(pids.filter(processAlive), [], 'no shell outlives its owner');
  } finally {
    for (const ws of sockets) await ws.close();
    await server.stop();
  }
});
