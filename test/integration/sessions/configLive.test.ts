import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as net from 'node:net';
import { startCliServer } from '../../support/cliServer';
import { callApi } from '../../support/httpClient';

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

test('a saved bundle with another port moves the server there at once', async () => {
  const server = await startCliServer();
  try {
    const port = await freePort();
    const saved = await callApi<{ applied?: boolean; version?: { id: number } }>({ host: '127.0.0.1', port: server.port }, 'save_config_bundle', {
      server: { port },
    });
    assert.equal(saved.envelope.success, true, saved.envelope.error ?? '');
    let moved = false;
    for (let i = 0; i < 100 && !moved; i++) {
      moved = await callApi({ host: '127.0.0.1', port }, 'ping').then(
        (r) => r.envelope.success,
        () => false,
      );
      if (!moved) await new Promise((r) => setTimeout(r, 50));
    }
    assert.equal(moved, true, 'the new port answers');
    await assert.rejects(callApi({ host: '127.0.0.1', port: server.port }, 'ping'), 'the old port is closed');
    const bundle = (await callApi<{ server: { port: number } }>({ host: '127.0.0.1', port }, 'get_config_bundle')).envelope.data;
    assert.equal(bundle.server.port, port);
    const bad = await callApi({ host: '127.0.0.1', port }, 'save_config_bundle', { server: { port: 'eighty' } });
    assert.equal(bad.envelope.code, 'invalid_payload');
    assert.match(bad.envelope.error ?? '', /server\.port/);
  } finally {
    await server.stop();
  }
});
