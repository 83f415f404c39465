import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as net from 'node:net';
import WebSocket from 'ws';
import { startCliServer, type ServerHandle } from '../../support/cliServer';
import { rawRequest, callApi } from '../../support/httpClient';
import { allNames, serverCommandNames } from '../../support/commandTable';
import { allScopes } from '../../../src/shared/model/tokens';
import { seededRandom as prng } from '../../../src/core/demo/sessionGenerator';

function randomValue(rand: () => number, depth = 0): unknown {
  const pick = Math.floor(rand() * 12);
  switch (pick) {
    case 0:
      return null;
    case 1:
      return rand() < 0.5;
    case 2:
      return Math.floor(rand() * 2 ** 40) * (rand() < 0.5 ? -1 : 1);
    case 3:
      return rand() * 1e308;
    case 4:
      return 'x'.repeat(Math.floor(rand() * 70_000));
    case 5:
      return '\u0000\u202e🦄 ../../etc/passwd %2e%2e%2f \ud800';
    case 6:
      return depth > 3 ? [] : Array.from({ length: Math.floor(rand() * 4) }, () => randomValue(rand, depth + 1));
    case 7:
      return depth > 3 ? {} : { __proto__: { polluted: true }, constructor: { prototype: { x: 1 } }, path: randomValue(rand, depth + 1) };
    case 8:
      return '/tmp/../../etc/passwd';
    case 9:
      return -0;
    case 10:
      return { id: randomValue(rand, depth + 1), name: randomValue(rand, depth + 1) };
    default:
      return '';
  }
}

function deepNesting(levels: number): string {
  return '{"command":"ping","payload":' + '['.repeat(levels) + ']'.repeat(levels) + '}';
}

let server: ServerHandle;
let target: { host: string; port: number };
let host: string;
let commandNames: string[] = [];

before(async () => {
  server = await startCliServer();
  target = { host: server.host, port: server.port };
  commandNames = allNames(await serverCommandNames(target));
  host = `127.0.0.1:${server.port}`;
});
after(async () => {
  await server.stop();
});

test('thousands of generated payloads over HTTP each get an envelope', async () => {
  const rand = prng(20261129);
  const commands = [...commandNames, 'unknown_cmd', '', '__proto__', 'constructor', 'x'.repeat(300)];
  for (let i = 0; i < 1500; i++) {
    const command = rand() < 0.9 ? commands[Math.floor(rand() * commands.length)] : randomValue(rand);
    if (command === 'create_terminal' || (typeof command === 'string' && command.endsWith('_pi_agent')) || command === 'send_pi_agent_rpc') continue;
    const payload = rand() < 0.8 ? randomValue(rand) : { path: randomValue(rand), name: randomValue(rand), id: randomValue(rand) };
    const res = await rawRequest({
      ...target,
      method: 'POST',
      path: '/api',
      headers: { Host: host, 'Content-Type': 'application/json' },
      body: JSON.stringify({ command, payload }),
    });
    assert.ok([200, 403, 413].includes(res.status), `case ${i}: status ${res.status}`);
    const body = res.json<{ success: boolean; error: string | null }>();
    assert.equal(typeof body.success, 'boolean', `case ${i}`);
    if (!body.success) assert.ok(body.error && body.error.length > 0 && body.error.length < 2000, `case ${i}: ${body.error}`);
  }
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
  assert.equal((await callApi(target, 'ping')).envelope.success, true);
});

test('malformed bodies: broken JSON, invalid UTF-8, deep nesting, wrong shapes', async () => {
  const bodies: (string | Buffer)[] = [
    '',
    '{',
    'null',
    '[]',
    '"ping"',
    '{"command": "ping"',
    '{"command": "ping"}}',
    Buffer.from([0x7b, 0x22, 0x63, 0xff, 0xfe, 0x22, 0x7d]),
    Buffer.from('{"command":"ping","payload":{"x":"\xc3\x28"}}', 'latin1'),
    deepNesting(5000),
    deepNesting(100_000),
    '{"command": 12}',
    '{"command": "ping", "payload": 5}',
    '{"command": "ping", "payload": "str"}',
    '\u0000\u0001',
  ];
  for (const body of bodies) {
    const res = await rawRequest({ ...target, method: 'POST', path: '/api', headers: { Host: host, 'Content-Type': 'application/json' }, body });
    assert.ok([200, 400, 413].includes(res.status), `status ${res.status} for ${String(body).slice(0, 40)}`);
    const env = res.json<{ success: boolean; error: string }>();
    if (res.status !== 200 || !env.success) assert.ok(env.error.length > 0);
  }
  assert.equal((await callApi(target, 'ping')).envelope.success, true);
});

test('truncated HTTP requests and frames do not hurt the server', async () => {
  for (const raw of [
    `POST /api HTTP/1.1\r\nHost: ${host}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"comm`,
    'GARBAGE\r\n\r\n',
    `GET /ws HTTP/1.1\r\nHost: ${host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n\r\n`,
  ]) {
    await new Promise<void>((resolve) => {
      const sock = net.connect(server.port, '127.0.0.1', () => {
        sock.write(raw);
        setTimeout(() => sock.destroy(), 50);
      });
      sock.on('error', () => undefined);
      sock.on('close', () => resolve());
    });
  }
  const ws = new WebSocket(`ws://127.0.0.1:${server.port}/ws`);
  await new Promise((r) => ws.once('open', r));
  const closed = new Promise<number>((r) => ws.once('close', (code) => r(code)));
  // A text frame that is not valid UTF-8 closes the socket with 1007, not the server.
  (ws as unknown as { _socket: net.Socket })._socket.write(Buffer.from([0x81, 0x82, 0, 0, 0, 0, 0xff, 0xfe]));
  assert.equal(await closed, 1007);
  assert.equal((await callApi(target, 'ping')).envelope.success, true);
});

test('generated WS frames each get a reply and the socket survives', async () => {
  const rand = prng(7);
  const ws = new WebSocket(`ws://127.0.0.1:${server.port}/ws`);
  await new Promise((r) => ws.once('open', r));
  let replies = 0;
  ws.on('message', () => replies++);
  const sent = 500;
  for (let i = 0; i < sent; i++) {
    const frame = rand() < 0.3 ? '{"id":' + i + ',"command":' : JSON.stringify({ id: i, command: commandNames[Math.floor(rand() * commandNames.length)], payload: randomValue(rand) });
    if (frame.includes('create_terminal') || frame.includes('_pi_agent')) {
      ws.send(JSON.stringify({ id: i, command: 'ping' }));
    } else {
      ws.send(frame);
    }
  }
  const deadline = Date.now() + 20_000;
  while (replies < sent && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  assert.equal(replies, sent);
  assert.equal(ws.readyState, WebSocket.OPEN);
  ws.close();
});

test('every command under every scope: refused without it, never an internal error with it', async () => {
  const rand = prng(4242);
  const commands = await serverCommandNames(target);
  const scopes = allScopes;
  const tokens = new Map<string, string>();
  for (const scope of scopes) {
    const { envelope } = await callApi<{ token: string }>(target, 'create_token', { name: `fuzz-${scope}`, scopes: [scope] });
    assert.ok(envelope.success, `create_token ${scope}: ${envelope.error}`);
    tokens.set(scope, envelope.data!.token);
  }
  // Commands that would start a shell or pi when allowed are sent only where they are refused.
  const spawning = new Set(['create_terminal', 'terminal_create', 'send_pi_agent_rpc', 'steer_pi_agent', 'follow_up_pi_agent']);
  let refused = 0;
  let allowed = 0;
  for (const scope of scopes) {
    const auth = { Authorization: `Bearer ${tokens.get(scope)}` };
    for (const command of commands) {
      const permitted = command.scope === scope;
      if (permitted && spawning.has(command.name)) continue;
      for (const name of [command.name, ...command.aliases]) {
        for (let i = 0; i < 3; i++) {
          const payload = i === 0 ? {} : randomValue(rand);
          const { status, envelope } = await callApi(target, name, payload, auth);
          const where = `${name} with a ${scope} token, payload ${i}`;
          assert.equal(typeof envelope.success, 'boolean', where);
          assert.notEqual(envelope.code, 'internal', `${where}: ${envelope.error}`);
          if (!permitted) {
            assert.equal(envelope.code, 'forbidden', where);
            assert.equal(status, 403, where);
            refused++;
          } else {
            allowed++;
          }
        }
      }
    }
  }
  assert.ok(refused > 100 && allowed > 50, `refused ${refused}, allowed ${allowed}`);
  assert.equal((await callApi(target, 'ping')).envelope.success, true);
});
