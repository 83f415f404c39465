import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Core } from '../../../src/core/core';
import { silentLogger } from '../../../src/core/log';
import { ApiServer } from '../../../src/server/apiServer';

test('constructing an ApiServer starts nothing; start() subscribes and dispose() lets go', async (t) => {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'psm-apiserver-'));
  const core = await Core.create({
    agentDir: path.join(home, 'agent'),
    stateDir: path.join(home, 'state'),
    log: silentLogger,
    platform: { moveToTrash: async () => ({ trashed: false }) },
    env: {},
    homeDir: home,
  });
  t.after(() => core.dispose());
  let subscriptions = 0;
  const subscribe = core.bus.subscribe.bind(core.bus);
  core.bus.subscribe = (listener) => {
    subscriptions++;
    const inner = subscribe(listener);
    return { dispose: () => (subscriptions--, inner.dispose()) };
  };
  let timers = 0;
  const realSetInterval = globalThis.setInterval;
  globalThis.setInterval = ((...args: Parameters<typeof setInterval>) => {
    timers++;
    return realSetInterval(...args);
  }) as typeof setInterval;
  let server: ApiServer;
  try {
    server = new ApiServer(core.serverDeps(), { host: '127.0.0.1', port: 0 });
    assert.equal(timers, 0, 'no timer before start()');
  } finally {
    globalThis.setInterval = realSetInterval;
  }
  assert.equal(subscriptions, 0, 'no bus subscription before start()');
  assert.ok(server.address === undefined);
  assert.deepEqual(server.connectionCounts, { ws: 0, sse: 0 });

  const bound = await server.start();
  assert.equal(subscriptions, 1);
  assert.deepEqual(server.address, bound);
  await server.dispose();
  assert.equal(subscriptions, 0);
  assert.ok(server.address === undefined);
  await assert.rejects(server.start(), /disposed/);
});
