import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as os from 'node:os';
import WebSocket from 'ws';
import { startCliServer, runCli, type ServerHandle } from '../../support/cliServer';
import { rawRequest, callApi } from '../../support/httpClient';
import { TestWsClient } from '../../support/wsClient';
import { TestSseClient } from '../../support/sseClient';

/** Attacks on the transports found in review, each against a real `cli.js serve`. */

function createToken(server: ServerHandle, name: string, scopes: string): string {
  const made = runCli(['token', 'create', name, '--scopes', scopes, '--state-dir', server.stateDir]);
  assert.equal(made.status, 0, made.stderr);
  return (JSON.parse(made.stdout) as { token: string }).token;
}

/** The server reads tokens made by the CLI from the shared state file, shortly after. */
/**
 * Waits until the server has picked up a token the CLI made. Returns how many tries it
 * refused meanwhile: each is a failed attempt from loopback, counted by the rate limit.
 */
async function waitUntilAccepted(server: ServerHandle, token: string): Promise<number> {
  const t = { host: server.host, port: server.port };
  let refused = 0;
  for (let i = 0; i < 60; i++) {
    const res = await callApi(t, 'ping', {}, { Authorization: `Bearer ${token}` });
    if (res.status === 200) return refused;
    refused++;
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.fail('the running server never accepted the token made by the CLI');
}

function eventsRequest(server: ServerHandle, token: string, headers: Record<string, string>, localAddress?: string) {
  return rawRequest({
    host: server.host,
    port: server.port,
    path: `/api/events?token=${token}`,
    headers: { Host: `127.0.0.1:${server.port}`, ...headers },
    localAddress,
  });
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

test('a foreign page sending bad tokens cannot lock a good token out', async () => {
  const server = await startCliServer();
  try {
    const token = createToken(server, 'reader', 'read');
    await waitUntilAccepted(server, token);
    // What twelve <img src=".../api/events?token=bad"> on another site send.
    for (let i = 0; i < 12; i++) {
      const res = await eventsRequest(server, `psm_bad${i}`, { 'Sec-Fetch-Site': 'cross-site', 'Sec-Fetch-Mode': 'no-cors', 'Sec-Fetch-Dest': 'image' });
      assert.equal(res.status, 401, `attempt ${i}`);
    }
    const ping = await callApi({ host: server.host, port: server.port }, 'ping', {}, { Authorization: `Bearer ${token}` });
    assert.equal(ping.status, 200, 'the good token still works');
  } finally {
    await server.stop();
  }
});

test('rotating loopback source addresses counts as one source, and a good token still gets in', async () => {
  const server = await startCliServer();
  try {
    const token = createToken(server, 'reader', 'read');
    // Tries refused before the server saw the new token count too (all loopback is one source).
    const allowed = 10 - (await waitUntilAccepted(server, token));
    assert.ok(allowed > 0, 'the server took its new token before the rate limit filled up');
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) {
      const res = await eventsRequest(server, `psm_bad${i}`, {}, `127.0.0.${10 + i}`);
      statuses.push(res.status);
    }
    assert.deepEqual(statuses.slice(0, allowed), Array(allowed).fill(401));
    assert.deepEqual(statuses.slice(allowed), Array(12 - allowed).fill(429), 'the addresses after the tenth failure are blocked with the others');
    const again = await eventsRequest(server, 'psm_bad_again', {}, '127.0.0.99');
    assert.equal(again.status, 429);
    const good = await rawRequest({
      host: server.host,
      port: server.port,
      method: 'POST',
      path: '/api',
      headers: { Host: `127.0.0.1:${server.port}`, 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
      body: '{"command":"ping"}',
      localAddress: '127.0.0.50',
    });
    assert.equal(good.status, 200, 'a valid token is honoured while its source is blocked');
  } finally {
    await server.stop();
  }
});

function openAnonymous(url: string): Promise<{ ws?: WebSocket; status?: number }> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url);
    ws.once('open', () => resolve({ ws }));
    ws.once('unexpected-response', (_req, res) => {
      resolve({ status: res.statusCode });
      ws.terminate();
    });
    ws.once('error', () => resolve({}));
  });
}

test('200 anonymous WebSockets do not lock a token out, and are closed when they never authenticate', async () => {
  const server = await startCliServer({ extraArgs: ['--require-token'] });
  const sockets: WebSocket[] = [];
  try {
    const token = createToken(server, 'reader', 'read');
    await waitUntilAccepted(server, token);
    const url = `ws://127.0.0.1:${server.port}/ws`;
    const outcomes = await Promise.all(Array.from({ length: 200 }, () => openAnonymous(url)));
    for (const o of outcomes) if (o.ws) sockets.push(o.ws);
    const withToken = await TestWsClient.connect(`${url}?token=${token}`);
    const pong = await withToken.request('ping');
    assert.equal(pong.success, true);
    const tags = await withToken.request('list_tags');
    assert.equal(tags.success, true, String(tags.error));
    await withToken.close();
    const http = await callApi({ host: server.host, port: server.port }, 'ping', {}, { Authorization: `Bearer ${token}` });
    assert.equal(http.status, 200);
    assert.ok(sockets.length < 200, `only a few anonymous sockets are let in (${sockets.length} were)`);
    assert.ok(outcomes.filter((o) => o.status === 503).length > 0, 'the rest are refused with 503');

    // Bounded wait: the server's deadline is a few seconds.
    const first = sockets[0]!;
    const closed = await new Promise<{ code: number; reason: string } | undefined>((resolve) => {
      const timer = setTimeout(() => resolve(undefined), 15_000);
      first.once('close', (code, reason) => {
        clearTimeout(timer);
        resolve({ code, reason: reason.toString() });
      });
    });
    assert.ok(closed, 'an anonymous socket is closed when it does not authenticate');
    assert.equal(closed.code, 4408);
    assert.match(closed.reason, /authenticate/);
  } finally {
    for (const ws of sockets) ws.terminate();
    await server.stop();
  }
});
