import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import WebSocket from 'ws';
import { Core } from '../../../src/core/core';
import { silentLogger } from '../../../src/core/log';
import { localUserCaller } from '../../../src/core/api/callers';
import type { ServerState } from '../../../src/server/serverSupervisor';
import { createEditorServerSupervisor, explicitServerSettings, type InspectedSetting } from '../../../src/ui/editorServer';
import { SettingKey } from '../../../src/ui/ids';
import { repoRoot, startCliServer, tempDir } from '../../support/cliServer';
import { callApi, rawRequest } from '../../support/httpClient';

/**
 * One server supervisor for the CLI and the editor: saved server settings apply the same
 * way in both, explicit launch settings win, a restart keeps the port, and API callers
 * cannot loosen the server.
 */

interface Seeded {
  home: string;
  stateDir: string;
  agentDir: string;
  token: string;
}

function openCore(home: string): Promise<Core> {
  const agentDir = path.join(home, '.pi', 'agent');
  fs.mkdirSync(path.join(agentDir, 'sessions'), { recursive: true });
  return Core.create({
    agentDir,
    stateDir: path.join(home, 'state'),
    log: silentLogger,
    platform: { moveToTrash: async () => ({ trashed: false }) },
    env: {},
    homeDir: home,
  });
}

/** Saves a bundle as the editor would (a local caller) and makes a read-write token, then closes. */
async function seed(bundle: unknown): Promise<Seeded> {
  const home = tempDir('psm-sup-');
  const core = await openCore(home);
  try {
    const saved = await core.dispatch('save_config_bundle', bundle, localUserCaller('test'));
    assert.equal(saved.success, true, saved.error ?? '');
    const { token } = await core.tokens.create('supervisor test', ['read', 'write', 'admin']);
    return { home, stateDir: path.join(home, 'state'), agentDir: path.join(home, '.pi', 'agent'), token };
  } finally {
    await core.dispose();
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

/** `ping` on the loopback address with any Host header; the HTTP status tells the guards' verdict. */
async function pingAs(port: number, hostName: string, headers: Record<string, string> = {}): Promise<number> {
  const res = await rawRequest({
    host: '127.0.0.1',
    port,
    method: 'POST',
    path: '/api',
    headers: { 'Content-Type': 'application/json', Host: `${hostName}:${port}`, ...headers },
    body: JSON.stringify({ command: 'ping' }),
  });
  return res.status;
}

async function eventually(what: string, check: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 400; i++) {
    if (await check().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.fail(`gave up waiting for ${what}`);
}

const restartsIn = (stderr: string) => stderr.split('\n').filter((l) => l.includes('server: listening on')).length;

test('the CLI applies allowed_hosts from the saved bundle and stays on the port --port gives', async () => {
  const seeded = await seed({ server: { allowed_hosts: ['phone.example'], port: 40999 } });
  const port = await freePort();
  const server = await startCliServer({ home: seeded.home, port });
  try {
    assert.equal(server.port, port, '--port wins over the saved port');
    assert.equal(await pingAs(port, 'phone.example'), 200, 'the saved allowed host is let through');
    assert.equal(await pingAs(port, 'other.example'), 403);
  } finally {
    await server.stop();
  }
});

test('without --port the CLI listens on the saved port; the API cannot move it', async () => {
  const port = await freePort();
  const seeded = await seed({ server: { port } });
  const server = await startCliServer({ home: seeded.home, port: null });
  try {
    assert.equal(server.port, port);
    const moved = await callApi({ host: '127.0.0.1', port }, 'save_config_bundle', { server: { port: port + 1 } });
    assert.equal(moved.envelope.success, false);
    assert.equal(moved.envelope.code, 'forbidden');
    assert.match(moved.envelope.error ?? '', /server\.port/);
    const bundle = (await callApi<{ server: { port: number } }>({ host: '127.0.0.1', port }, 'get_config_bundle')).envelope.data;
    assert.equal(bundle.server.port, port, 'nothing was saved');
    const bad = await callApi({ host: '127.0.0.1', port }, 'save_config_bundle', { server: { port: 'eighty' } });
    assert.equal(bad.envelope.code, 'invalid_payload');
    assert.match(bad.envelope.error ?? '', /server\.port/);
  } finally {
    await server.stop();
  }
});

test('a --port 0 server keeps its port when a saved change restarts it, and restarts once for several fields', async () => {
  const seeded = await seed({
    server: { allowed_hosts: ['a.example', 'b.example'], allowed_origins: ['https://a.example'] },
  });
  const server = await startCliServer({ home: seeded.home, port: 0 });
  const target = { host: '127.0.0.1', port: server.port };
  const bearer = { Authorization: `Bearer ${seeded.token}` };
  try {
    assert.equal(await pingAs(server.port, 'b.example'), 200);
    // Three fields, each only tighter: allowed over the API, and applied with one restart.
    const saved = await callApi(target, 'save_config_bundle', {
      server: { allowed_hosts: ['a.example'], allowed_origins: [], require_token_on_loopback: true },
    });
    assert.equal(saved.envelope.success, true, saved.envelope.error ?? '');
    await eventually('the restart', async () => (await pingAs(server.port, '127.0.0.1')) === 401);
    assert.equal(await pingAs(server.port, 'a.example', bearer), 200, 'still on the same port');
    assert.equal(await pingAs(server.port, 'b.example', bearer), 403);
    assert.equal(await pingAs(server.port, '127.0.0.1', { ...bearer, Origin: 'https://a.example' }), 403);
    assert.equal(restartsIn(server.stderr()), 2, 'one start and one restart');
  } finally {
    await server.stop();
  }
});

test('API saves cannot widen host, origins or hosts, drop require_token or turn the server off', async () => {
  const seeded = await seed({ server: { allowed_origins: ['https://a.example'] } });
  const server = await startCliServer({ home: seeded.home, host: '0.0.0.0', port: 0, extraArgs: ['--require-token'] });
  const target = { host: '127.0.0.1', port: server.port };
  const bearer = { Authorization: `Bearer ${seeded.token}`, Host: `127.0.0.1:${server.port}` };
  const save = (bundle: unknown) => callApi(target, 'save_config_bundle', bundle, bearer);
  try {
    assert.equal((await callApi(target, 'ping')).status, 401, '--require-token holds on loopback');
    // The bundle itself asks for tokens first, so that dropping it is a loosening.
    assert.equal((await save({ server: { require_token_on_loopback: true } })).envelope.success, true);
    const attempts: [unknown, RegExp][] = [
      [{ server: { host: '0.0.0.0' } }, /server\.host/],
      [{ server: { allowed_origins: ['https://a.example', 'https://evil.example'] } }, /server\.allowed_origins/],
      [{ server: { allowed_hosts: ['evil.example'] } }, /server\.allowed_hosts/],
      [{ server: { require_token_on_loopback: false } }, /server\.require_token_on_loopback/],
      [{ server: { enabled: false } }, /server\.enabled/],
      [{ server: { port: 52132 } }, /server\.port/],
      [{ ui: { group_by: 'date' }, server: { allowed_hosts: ['evil.example'] } }, /server\.allowed_hosts/],
    ];
    for (const [bundle, field] of attempts) {
      const r = await save(bundle);
      assert.equal(r.envelope.success, false, JSON.stringify(bundle));
      assert.equal(r.envelope.code, 'forbidden', JSON.stringify(bundle));
      assert.match(r.envelope.error ?? '', field);
    }
    const bundle = (await callApi<{ ui: { group_by: string } }>(target, 'get_config_bundle', {}, bearer)).envelope.data;
    assert.equal(bundle.ui.group_by, 'project', 'a refused save changes nothing');
    // A tighter save restarts the server with the command line's host, port and token rule.
    assert.equal((await save({ server: { allowed_origins: [] } })).envelope.success, true);
    await eventually('the restart', async () => (await pingAs(server.port, '127.0.0.1', { ...bearer, Origin: 'https://a.example' })) === 403);
    assert.equal((await callApi(target, 'ping')).status, 401, 'loopback still needs a token');
    assert.equal((await callApi(target, 'ping', {}, bearer)).status, 200, 'same port');
    assert.match(server.stderr(), /server: listening on http:\/\/0\.0\.0\.0:/);
    assert.doesNotMatch(server.stderr(), /listening on http:\/\/127\.0\.0\.1/);
  } finally {
    await server.stop();
  }
});

test('an Origin of the vscode-webview scheme is a foreign origin on POST, SSE and the WS upgrade', async () => {
  const server = await startCliServer();
  const origin = { Origin: 'vscode-webview://1a2b3c4d' };
  try {
    assert.equal(await pingAs(server.port, '127.0.0.1', origin), 403);
    const sse = await rawRequest({ host: '127.0.0.1', port: server.port, path: '/api/events', headers: { Host: `127.0.0.1:${server.port}`, ...origin } });
    assert.equal(sse.status, 403);
    const status = await new Promise<number | undefined>((resolve) => {
      const ws = new WebSocket(`ws://127.0.0.1:${server.port}/ws`, { headers: origin });
      ws.once('open', () => {
        ws.terminate();
        resolve(101);
      });
      ws.once('unexpected-response', (_req, res) => resolve(res.statusCode));
      ws.once('error', () => resolve(undefined));
    });
    assert.equal(status, 403);
  } finally {
    await server.stop();
  }
});

test('the editor composition applies saved allowed_hosts, keeps its port, and its own settings win', async (t) => {
  const home = tempDir('psm-sup-editor-');
  const core = await openCore(home);
  const userSettings = new Map<string, InspectedSetting>([[SettingKey.serverPort, { globalValue: 0 }]]);
  const supervisor = createEditorServerSupervisor(core, {
    explicit: () => explicitServerSettings((key) => userSettings.get(key), {}),
    log: silentLogger,
    webClientDir: path.join(repoRoot, 'dist', 'webview'),
  });
  t.after(async () => {
    await supervisor.dispose();
    await core.dispose();
  });
  const states: ServerState[] = [];
  supervisor.onDidChangeState((s) => states.push(s));
  const starts = () => states.filter((s) => s.kind === 'starting').length;

  const first = await supervisor.start();
  assert.equal(first.kind, 'serving');
  const port = first.kind === 'serving' ? first.port : -1;
  assert.equal(await pingAs(port, 'phone.example'), 403);

  const saved = await core.dispatch(
    'save_config_bundle',
    { server: { allowed_hosts: ['phone.example'], allowed_origins: ['https://phone.example'], port: 40999 } },
    localUserCaller('ui'),
  );
  assert.equal(saved.success, true, saved.error ?? '');
  await eventually('the saved host', async () => (await pingAs(port, 'phone.example')) === 200);
  assert.equal(starts(), 2, 'one restart for three changed fields');
  assert.deepEqual(supervisor.state, { kind: 'serving', url: `http://127.0.0.1:${port}`, host: '127.0.0.1', port });

  // A user setting wins over the bundle; a burst of change notices restarts once.
  userSettings.set(SettingKey.allowedHosts, { globalValue: ['desk.example'] });
  supervisor.settingsChanged();
  supervisor.settingsChanged();
  supervisor.settingsChanged();
  await eventually('the editor setting', async () => (await pingAs(port, 'desk.example')) === 200);
  assert.equal(await pingAs(port, 'phone.example'), 403);
  assert.equal(starts(), 3);
  assert.equal(supervisor.state.kind, 'serving');

  await supervisor.stop();
  assert.deepEqual(supervisor.state, { kind: 'stopped' });
  await assert.rejects(pingAs(port, '127.0.0.1'), 'the port is free after stop');
});
