import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startCliServer, type ServerHandle } from '../../support/cliServer';
import { callApi, rawRequest } from '../../support/httpClient';
import { TestWsClient } from '../../support/wsClient';
import { TestSseClient } from '../../support/sseClient';
import { allNames, seedCommandNames, serverCommandNames } from '../../support/commandTable';
import * as fs from 'node:fs';
import { tempDir } from '../../support/cliServer';
import { writeSession } from '../../support/sessionGenerator';

describe('transports', () => {
  let server: ServerHandle;
  let target: { host: string; port: number };
  let ws: TestWsClient;

  before(async () => {
    server = await startCliServer();
    target = { host: server.host, port: server.port };
    ws = await TestWsClient.connect(`ws://127.0.0.1:${server.port}/ws`);
  });
  after(async () => {
    await ws.close();
    await server.stop();
  });

  test('GET /health answers status and version', async () => {
    const res = await rawRequest({ ...target, path: '/health', headers: { Host: `127.0.0.1:${server.port}` } });
    assert.equal(res.status, 200);
    const body = res.json<{ status: string; version: string }>();
    assert.equal(body.status, 'ok');
    assert.match(body.version, /^\d+\.\d+\.\d+/);
  });

  test('every command in the seed reference is in the router table', async (t) => {
    const seed = seedCommandNames();
    if (seed.length === 0) return t.skip('seed reference absent');
    const served = new Set(allNames(await serverCommandNames(target)));
    assert.deepEqual(seed.filter((n) => !served.has(n)), []);
  });

  test('every command and alias in the router table is routed (none is unknown_command)', async () => {
    const names = allNames(await serverCommandNames(target));
    assert.ok(names.length > 40, `only ${names.length} commands`);
    for (const name of names) {
      const { envelope } = await callApi(target, name, {});
      assert.notEqual(envelope.code, 'unknown_command', name);
      assert.equal(typeof envelope.success, 'boolean', name);
      if (!envelope.success) assert.ok(envelope.error && envelope.error.length > 0, name);
    }
  });

  test('aliases reach their command', async () => {
    for (const [alias, payload] of [
      ['list_api_keys', {}],
      ['get_all_tags', {}],
      ['get_all_favorites', {}],
      ['scan_skills', {}],
      ['full_text_search', { query: 'x' }],
    ] as const) {
      const { envelope } = await callApi(target, alias, payload);
      assert.notEqual(envelope.code, 'unknown_command', alias);
    }
  });

  test('the same command answers identically over HTTP and WS', async () => {
    for (const [command, payload] of [
      ['ping', {}],
      ['list_tokens', {}],
      ['no_such_command', {}],
      ['create_token', { name: 42 }],
      ['revoke_token', { id: 999999 }],
    ] as const) {
      const http = (await callApi(target, command, payload)).envelope;
      const overWs = await ws.request(command, payload);
      const { id: _id, command: echoed, ...rest } = overWs;
      assert.equal(echoed, command);
      assert.deepEqual(rest, http, command);
    }
  });

  test('unknown commands, wrong types and missing keys name the problem', async () => {
    const unknown = (await callApi(target, 'drop_all_tables')).envelope;
    assert.equal(unknown.code, 'unknown_command');
    assert.match(unknown.error!, /drop_all_tables/);
    const wrongType = (await callApi(target, 'create_token', { name: ['x'] })).envelope;
    assert.equal(wrongType.code, 'invalid_payload');
    assert.match(wrongType.error!, /^name: expected a string/);
    const missing = (await callApi(target, 'revoke_token', {})).envelope;
    assert.match(missing.error!, /^id: is required/);
    const camel = (await callApi(target, 'create_token', { name: 'camel', scopes: ['read'] })).envelope;
    assert.equal(camel.success, true);
  });

  test('concurrent WS requests on one socket complete with their own ids', async () => {
    const ids = Array.from({ length: 40 }, (_, i) => `req-${i}`);
    const replies = await Promise.all(ids.map((id, i) => ws.request(i % 2 ? 'ping' : 'list_tokens', {}, id)));
    replies.forEach((r, i) => {
      assert.equal(r.id, ids[i]);
      assert.equal(r.success, true);
    });
  });

  test('a slow request does not hold up a fast one on the same socket', async () => {
    const store = fs.realpathSync(tempDir('psm-slow-'));
    const big = writeSession(store, { version: 3, seed: 21, cwd: '/home/dev/slow', turns: 400, toolOutputBytes: 20_000 });
    await callApi(target, 'save_session_paths', { paths: [store] });
    const order: string[] = [];
    const slow = ws.request('export_session', { path: big.path, format: 'html' }, 'slow').then((r) => {
      order.push('slow');
      return r;
    });
    const fast = ws.request('ping', {}, 'fast').then((r) => {
      order.push('fast');
      return r;
    });
    const [slowReply, fastReply] = await Promise.all([slow, fast]);
    assert.equal(slowReply.id, 'slow');
    assert.equal(slowReply.success, true, String(slowReply.error));
    assert.equal(fastReply.id, 'fast');
    assert.deepEqual(order, ['fast', 'slow'], 'the reply to the later, faster request came first');
    await callApi(target, 'save_session_paths', { paths: [] });
  });

  test('compat frames are decided by structure, not by substring', async () => {
    assert.deepEqual(await ws.sendRaw('{"ping": true}'), { pong: true });
    const cmd = await ws.sendRaw('{"id": 7, "command": "ping"}');
    assert.deepEqual(cmd, { id: 7, command: 'ping', success: true, data: { pong: true }, error: null });
    const notPing = await ws.sendRaw('{"id": 8, "command": "create_token", "payload": {"name": "ping"}}');
    assert.equal(notPing.id, 8);
    assert.equal(notPing.command, 'create_token');
    assert.equal(notPing.success, true);
    const garbage = await ws.sendRaw('{not json');
    assert.equal(garbage.code, 'invalid_request');
    const array = await ws.sendRaw('[1,2]');
    assert.equal(array.code, 'invalid_request');
  });
});
