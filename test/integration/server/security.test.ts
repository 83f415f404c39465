import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as net from 'node:net';
import WebSocket from 'ws';
import initSqlJs from 'sql.js';
import { startCliServer, runCli, tempDir, type ServerHandle } from '../../support/cliServer';
import { rawRequest, callApi } from '../../support/httpClient';
import { TestWsClient } from '../../support/wsClient';
import { TestSseClient } from '../../support/sseClient';

/** Rows of the attack table in security.md, against a real `cli.js serve` on a real port. */

function nonLoopbackAddress(): string | undefined {
  for (const list of Object.values(os.networkInterfaces())) {
    for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  }
  return undefined;
}

function wsUpgradeStatus(url: string, headers: Record<string, string>): Promise<{ status?: number; opened: boolean }> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, { headers });
    ws.once('open', () => {
      ws.terminate();
      resolve({ opened: true });
    });
    ws.once('unexpected-response', (_req, res) => resolve({ status: res.statusCode, opened: false }));
    ws.once('error', () => resolve({ opened: false }));
  });
}

describe('security table against a loopback server', () => {
  let server: ServerHandle;
  let target: { host: string; port: number };
  let hostHeader: string;

  before(async () => {
    server = await startCliServer({ extraArgs: ['--verbose'] });
    target = { host: server.host, port: server.port };
    hostHeader = `127.0.0.1:${server.port}`;
  });
  after(async () => {
    await server.stop();
  });

  test('row 1: loopback without token or Origin is the local user', async () => {
    const { status, envelope } = await callApi(target, 'ping');
    assert.equal(status, 200);
    assert.deepEqual(envelope, { success: true, data: { pong: true }, error: null });
  });

  test('row 3: a foreign Host is refused before routing, on HTTP, SSE and WS', async () => {
    for (const p of ['/health', '/api/events', '/nowhere']) {
      const res = await rawRequest({ ...target, path: p, headers: { Host: `evil.example:${server.port}` } });
      assert.equal(res.status, 403, p);
      assert.equal(res.json<{ code: string }>().code, 'forbidden');
    }
    const post = await rawRequest({
      ...target,
      method: 'POST',
      path: '/api',
      headers: { Host: `evil.example:${server.port}`, 'Content-Type': 'application/json' },
      body: '{"command":"ping"}',
    });
    assert.equal(post.status, 403);
    const ws = await wsUpgradeStatus(`ws://127.0.0.1:${server.port}/ws`, { Host: `evil.example:${server.port}` });
    assert.equal(ws.status, 403);
  });

  test('row 4: rebinding-style hosts are refused', async () => {
    for (const host of [`127.0.0.1.nip.io:${server.port}`, `[::ffff:7f00:1]:${server.port}`, '127.0.0.1', `localhost:${server.port + 1}`]) {
      const res = await rawRequest({ ...target, path: '/health', headers: { Host: host } });
      assert.equal(res.status, 403, host);
    }
    for (const host of [`127.0.0.1:${server.port}`, `localhost:${server.port}`, `LOCALHOST:${server.port}`]) {
      const res = await rawRequest({ ...target, path: '/health', headers: { Host: host } });
      assert.equal(res.status, 200, host);
    }
  });

  test('row 5: a foreign Origin is refused on POST, SSE and the WS upgrade, even with a valid token', async () => {
    const created = await callApi<{ token: string }>(target, 'create_token', { name: 'origin-test', scopes: ['read'] });
    const token = created.envelope.data.token;
    const evil = { Host: hostHeader, Origin: 'https://evil.example' };
    const post = await rawRequest({
      ...target,
      method: 'POST',
      path: '/api',
      headers: { ...evil, 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
      body: '{"command":"scan_sessions"}',
    });
    assert.equal(post.status, 403);
    assert.equal(post.headers['access-control-allow-origin'], undefined);
    const sse = await TestSseClient.open({ ...target, path: `/api/events?token=${token}`, headers: evil });
    assert.ok(!(sse instanceof TestSseClient));
    assert.equal(sse.status, 403);
    let connected = false;
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/ws?token=${token}`, { headers: evil });
    const status = await new Promise<number | undefined>((resolve) => {
      ws.once('open', () => {
        connected = true;
        resolve(undefined);
      });
      ws.once('unexpected-response', (_req, res) => resolve(res.statusCode));
      ws.once('error', () => resolve(undefined));
    });
    assert.equal(status, 403);
    assert.equal(connected, false);
  });

  test('an allowed Origin is reflected with Vary, never a wildcard', async () => {
    const origin = `http://127.0.0.1:${server.port}`;
    const res = await rawRequest({ ...target, path: '/health', headers: { Host: hostHeader, Origin: origin } });
    assert.equal(res.status, 200);
    assert.equal(res.headers['access-control-allow-origin'], origin);
    assert.match(String(res.headers.vary), /Origin/);
  });

  test('row 6: an IP origin on the WS upgrade is refused', async () => {
    const ws = await wsUpgradeStatus(`ws://127.0.0.1:${server.port}/ws`, { Origin: 'http://192.168.1.5:8080' });
    assert.equal(ws.status, 403);
    assert.equal(ws.opened, false);
  });

  test('row 7: text/plain with a JSON body is 415 and changes nothing', async () => {
    const before = (await callApi<unknown[]>(target, 'list_tokens')).envelope.data.length;
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
      const res = await rawRequest({
        ...target,
        method: 'POST',
        path: '/api',
        headers: { Host: hostHeader, 'Content-Type': type },
        body: JSON.stringify({ command: 'create_token', payload: { name: 'csrf' } }),
      });
      assert.equal(res.status, 415, type);
      assert.equal(res.json<{ code: string }>().code, 'unsupported_media_type');
    }
    const missing = await rawRequest({ ...target, method: 'POST', path: '/api', headers: { Host: hostHeader }, body: '{"command":"ping"}' });
    assert.equal(missing.status, 415);
    const after = (await callApi<unknown[]>(target, 'list_tokens')).envelope.data.length;
    assert.equal(after, before);
  });

  test('row 11: a 2 MiB body is 413; an oversized WS frame closes with 1009', async () => {
    const big = JSON.stringify({ command: 'ping', payload: { pad: 'x'.repeat(2 * 1024 * 1024) } });
    const res = await rawRequest({ ...target, method: 'POST', path: '/api', headers: { Host: hostHeader, 'Content-Type': 'application/json' }, body: big });
    assert.equal(res.status, 413);
    assert.equal(res.json<{ code: string }>().code, 'too_large');
    const client = await TestWsClient.connect(`ws://127.0.0.1:${server.port}/ws`);
    const code = await new Promise<number>((resolve) => {
      client.ws.once('close', (c) => resolve(c));
      client.ws.send(big);
    });
    assert.equal(code, 1009);
  });

  test('row 13: the token store holds only hashes, starts empty, and revokes by id only', async () => {
    const fresh = await startCliServer();
    try {
      const t = { host: fresh.host, port: fresh.port };
      assert.deepEqual((await callApi(t, 'list_tokens')).envelope.data, []);
      const created = await callApi<{ id: number; token: string }>(t, 'create_token', { name: 'hash-check', scopes: ['read', 'write'] });
      const token = created.envelope.data.token;
      assert.match(token, /^psm_[A-Za-z0-9_-]{43}$/);
      const listed = await callApi<Record<string, unknown>[]>(t, 'list_tokens');
      assert.equal(JSON.stringify(listed.envelope.data).includes(token), false);
      const byValue = await callApi(t, 'revoke_token', { token });
      assert.equal(byValue.envelope.success, false);
      assert.equal(byValue.envelope.code, 'invalid_payload');
      const dbFile = path.join(fresh.stateDir, 'state.db');
      const deadline = Date.now() + 5000;
      while (!fs.existsSync(dbFile) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      const bytes = fs.readFileSync(dbFile);
      assert.equal(bytes.includes(Buffer.from(token)), false, 'the raw token must not be in the database file');
      const SQL = await initSqlJs();
      const db = new SQL.Database(bytes);
      const cols = db.exec('SELECT * FROM tokens')[0]!;
      assert.ok(cols.columns.includes('token_hash'));
      assert.equal(JSON.stringify(cols.values).includes(token), false);
      db.close();
      const revoked = await callApi(t, 'revoke_token', { id: created.envelope.data.id });
      assert.equal(revoked.envelope.success, true);
    } finally {
      await fresh.stop();
    }
  });

  test('row 15: a second server on the same port reports it and exits cleanly', async () => {
    const second = runCli(['serve', '--port', String(server.port), '--state-dir', tempDir(), '--agent-dir', tempDir()]);
    assert.equal(second.status, 1);
    assert.match(second.stderr, /already in use/);
    assert.doesNotMatch(second.stderr, /at .*\.js:\d+/, 'no stack trace');
    const still = await callApi(target, 'ping');
    assert.equal(still.envelope.success, true);
  });

  test('row 18: logs never contain a token value', async () => {
    const created = await callApi<{ token: string }>(target, 'create_token', { name: 'log-check' });
    const token = created.envelope.data.token;
    await rawRequest({ ...target, path: `/api/events?token=${token}x`, headers: { Host: hostHeader } });
    const ok = await callApi(target, 'ping', {}, { Authorization: `Bearer ${token}` });
    assert.equal(ok.status, 200);
    assert.equal(server.stderr().includes(token), false);
    assert.equal(server.stderr().includes(token.slice(4, 20)), false);
  });

  test('unknown routes and wrong methods still answer an envelope', async () => {
    const notFound = await rawRequest({ ...target, path: '/nope', headers: { Host: hostHeader } });
    assert.equal(notFound.status, 404);
    assert.equal(notFound.json<{ success: boolean }>().success, false);
    const wrongMethod = await rawRequest({ ...target, path: '/api', headers: { Host: hostHeader } });
    assert.equal(wrongMethod.status, 405);
    assert.equal(wrongMethod.json<{ code: string }>().code, 'invalid_request');
    const health = await rawRequest({ ...target, path: '/health', headers: { Host: hostHeader } });
    assert.equal(health.headers['x-powered-by'], undefined);
  });
});

describe('tokens required', () => {
  test('row 8: wrong tokens are rate limited with 429', async () => {
    const own = await startCliServer();
    try {
      const t = { host: own.host, port: own.port };
      let last = 0;
      for (let i = 0; i < 12; i++) {
        const res = await rawRequest({
          ...t,
          method: 'POST',
          path: '/api',
          headers: { Host: `127.0.0.1:${own.port}`, 'Content-Type': 'application/json', Authorization: `Bearer psm_wrong${i}` },
          body: '{"command":"ping"}',
        });
        last = res.status;
        if (i < 10) assert.equal(res.status, 401, `attempt ${i}`);
      }
      assert.equal(last, 429);
      const ws = await wsUpgradeStatus(`ws://127.0.0.1:${own.port}/ws?token=psm_wrong`, {});
      assert.equal(ws.status, 429);
    } finally {
      await own.stop();
    }
  });

  test('row 17: a read-only token cannot open a terminal or delete a session', async () => {
    const server = await startCliServer({ extraArgs: ['--require-token'] });
    try {
      const t = { host: server.host, port: server.port };
      const anonymous = await callApi(t, 'ping');
      assert.equal(anonymous.status, 401);
      const made = runCli(['token', 'create', 'reader', '--scopes', 'read', '--state-dir', server.stateDir]);
      assert.equal(made.status, 0, made.stderr);
      const token = (JSON.parse(made.stdout) as { token: string }).token;
      const auth = { Authorization: `Bearer ${token}` };
      let ping = await callApi(t, 'ping', {}, auth);
      for (let i = 0; i < 40 && ping.status !== 200; i++) {
        await new Promise((r) => setTimeout(r, 50));
        ping = await callApi(t, 'ping', {}, auth);
      }
      assert.equal(ping.status, 200, 'a token made by the CLI works on the running server');
      for (const [command, payload] of [
        ['create_terminal', { cwd: os.tmpdir() }],
        ['delete_session', { path: '/tmp/x.jsonl' }],
        ['create_token', { name: 'escalate', scopes: ['terminal'] }],
      ] as const) {
        const res = await callApi(t, command, payload, auth);
        assert.equal(res.status, 403, command);
        assert.equal(res.envelope.code, 'forbidden');
      }
      const ws = await TestWsClient.connect(`ws://127.0.0.1:${server.port}/ws`);
      const before = await ws.request('ping');
      assert.equal(before.success, true, 'ping is allowed before auth');
      const denied = await ws.request('list_tags');
      assert.equal(denied.code, 'unauthorized');
      const authed = await ws.request('auth', { token });
      assert.equal(authed.success, true);
      const terminal = await ws.request('create_terminal', { cwd: os.tmpdir() });
      assert.equal(terminal.code, 'forbidden');
      const compatWrong = await ws.sendRaw(JSON.stringify({ auth: 'psm_nope' }));
      assert.deepEqual(compatWrong, { error: 'Unauthorized' });
      const compatOk = await ws.sendRaw(JSON.stringify({ auth: token }));
      assert.deepEqual(compatOk, { auth: 'ok' });
      await ws.close();
    } finally {
      await server.stop();
    }
  });

  test('revoking a token ends the streams it opened', async () => {
    const server = await startCliServer({ extraArgs: ['--require-token'] });
    try {
      const made = runCli(['token', 'create', 'streamer', '--scopes', 'read', '--state-dir', server.stateDir]);
      const { id, token } = JSON.parse(made.stdout) as { id: number; token: string };
      let sse = await TestSseClient.open({ host: '127.0.0.1', port: server.port, path: `/api/events?token=${token}` });
      for (let i = 0; i < 40 && !(sse instanceof TestSseClient); i++) {
        await new Promise((r) => setTimeout(r, 50));
        sse = await TestSseClient.open({ host: '127.0.0.1', port: server.port, path: `/api/events?token=${token}` });
      }
      assert.ok(sse instanceof TestSseClient);
      const ws = await TestWsClient.connect(`ws://127.0.0.1:${server.port}/ws?token=${token}`);
      const wsClosed = new Promise<number>((resolve) => ws.ws.once('close', (code) => resolve(code)));
      const sseEnded = new Promise<void>((resolve) => sse.res.once('close', () => resolve()));
      const revoked = runCli(['token', 'revoke', String(id), '--state-dir', server.stateDir]);
      assert.equal(revoked.status, 0, revoked.stderr);
      assert.equal(await wsClosed, 4401);
      await sseEnded;
    } finally {
      await server.stop();
    }
  });

  test('row 14: binding beyond loopback without any token is refused', () => {
    const r = runCli(['serve', '--host', '0.0.0.0', '--port', '0', '--state-dir', tempDir(), '--agent-dir', tempDir()]);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /refusing to listen on 0\.0\.0\.0/);
    assert.match(r.stderr, /token/);
  });

  test('row 2: a non-loopback peer without a token gets 401', async (t) => {
    const address = nonLoopbackAddress();
    if (!address) {
      t.skip('this machine has no non-loopback IPv4 address');
      return;
    }
    const stateDir = tempDir();
    const made = runCli(['token', 'create', 'lan', '--scopes', 'read', '--state-dir', stateDir]);
    assert.equal(made.status, 0, made.stderr);
    const token = (JSON.parse(made.stdout) as { token: string }).token;
    const server = await startCliServer({ host: address, stateDir });
    try {
      const t2 = { host: address, port: server.port };
      const headers = { Host: `${address}:${server.port}` };
      const noToken = await callApi(t2, 'ping', {}, headers);
      assert.equal(noToken.status, 401);
      assert.equal(noToken.envelope.code, 'unauthorized');
      const withToken = await callApi(t2, 'ping', {}, { ...headers, Authorization: `Bearer ${token}` });
      assert.equal(withToken.status, 200);
      const sse = await TestSseClient.open({ ...t2, path: `/api/events?token=${encodeURIComponent(token)}`, headers });
      assert.ok(sse instanceof TestSseClient, 'a ?token= query authenticates the event stream');
      sse.close();
      const sseNoToken = await TestSseClient.open({ ...t2, headers });
      assert.ok(!(sseNoToken instanceof TestSseClient));
      assert.equal(sseNoToken.status, 401);
    } finally {
      await server.stop();
    }
  });
});

describe('ports', () => {
  test('the port is free again after SIGTERM', async () => {
    const server = await startCliServer();
    const port = server.port;
    const ws = await TestWsClient.connect(`ws://127.0.0.1:${port}/ws`);
    const sse = await TestSseClient.open({ host: '127.0.0.1', port });
    assert.ok(sse instanceof TestSseClient);
    const code = await server.stop('SIGTERM');
    assert.equal(code, 0);
    await new Promise<void>((resolve, reject) => {
      const probe = net.createServer();
      probe.once('error', reject);
      probe.listen(port, '127.0.0.1', () => probe.close(() => resolve()));
    });
    assert.notEqual(ws.ws.readyState, WebSocket.OPEN);
  });
});
