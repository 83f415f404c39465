import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runB6 } from '../../../bench/b6Soak';

const seconds = Number(process.env.PSM_SOAK_SECONDS ?? 12);

test('soak: 100 WS + 20 SSE clients and HTTP traffic, with appends, lose nothing and do not leak', { timeout: 180_000 }, async () => {
  const r = await runB6({ seconds, wsClients: 100, sseClients: 20 });
  const summary = JSON.stringify(r);
  assert.ok(r.appends > 0, `no appends: ${summary}`);
  assert.ok(r.httpRequests > 0 && r.wsRequests > 0, `no request traffic: ${summary}`);
  assert.deepEqual(r.errorSamples, [], summary);
  assert.equal(r.errors, 0, summary);
  assert.equal(r.missing, 0, summary);
  assert.equal(r.deliveredPerClientMin, r.appends, summary);
  assert.ok(r.rssDeltaMb < 50, `RSS after GC grew by ${r.rssDeltaMb.toFixed(1)} MB: ${summary}`);
});
