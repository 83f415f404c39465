import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as os from 'node:os';
import { startCliServer } from '../../support/cliServer';
import { TestWsClient, type WsEvent } from '../../support/wsClient';
import { processAlive } from '../../../src/core/state/processAlive';

function outputOf(ws: TestWsClient, id: string): string {
  return ws.events
    .filter((e: WsEvent) => e.event === 'terminal-output' && (e.payload as { id: string }).id === id)
    .map((e) => (e.payload as { data: string }).data)
    .join('');
}

async function waitForOutput(ws: TestWsClient, id: string, pattern: RegExp): Promise<string> {
  for (let i = 0; i < 200; i++) {
    const text = outputOf(ws, id);
    if (pattern.test(text)) return text;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`terminal output never matched ${pattern}: ${JSON.stringify(outputOf(ws, id).slice(-300))}`);
}

test('a PTY over WS: echo, resize, close; output goes to its owner only', async () => {
  const server = await startCliServer();
  try {
    const owner = await TestWsClient.connect(`ws://127.0.0.1:${server.port}/ws`);
    const other = await TestWsClient.connect(`ws://127.0.0.1:${server.port}/ws`);
    const created = await owner.request('create_terminal', { cwd: os.tmpdir(), cols: 100, rows: 30 });
    assert.equal(created.success, true, String(created.error));
    const { id, pid } = created.data as { id: string; pid: number };
    assert.ok(processAlive(pid));
    await owner.request('terminal_write', { id, data: 'echo hello-from-$((40+2))\r' });
    await waitForOutput(owner, id, /hello-from-42/);
    await owner.request('terminal_resize', { id, cols: 123, rows: 45 });
    await owner.request('terminal_write', { id, data: 'stty size\r' });
    await waitForOutput(owner, id, /45 123/);
    const foreign = await other.request('terminal_write', { id, data: 'echo nope\r' });
    assert.equal(foreign.success, false);
    assert.equal(outputOf(other, id), '', 'another client sees none of the output');
    const closed = await owner.request('terminal_close', { id });
    assert.equal(closed.success, true);
    await owner.waitForEvent((e) => e.event === 'terminal-exit' && (e.payload as { id: string }).id === id);
    for (let i = 0; i < 100 && processAlive(pid); i++) await new Promise((r) => setTimeout(r, 50));
    assert.equal(processAlive(pid), false, 'the shell is gone');
    await owner.close();
    await other.close();
  } finally {
    await server.stop();
  }
});

test('row 16: stopping the server ends its terminals, sockets and streams and frees the port', async () => {
  const server = await startCliServer();
  const ws = await TestWsClient.connect(`ws://127.0.0.1:${server.port}/ws`);
  const created = await ws.request('create_terminal', { cwd: os.tmpdir() });
  const { pid } = created.data as { pid: number };
  assert.ok(processAlive(pid));
  const code = await server.stop('SIGTERM');
  assert.equal(code, 0);
  for (let i = 0; i < 100 && processAlive(pid); i++) await new Promise((r) => setTimeout(r, 50));
  assert.equal(processAlive(pid), false, 'the PTY died with the server');
  const again = await startCliServer({ port: server.port });
  assert.equal(again.port, server.port, 'the port binds again');
  await again.stop();
});
