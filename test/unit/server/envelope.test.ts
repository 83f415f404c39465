import assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import { sendJson } from '../../../src/server/envelope';

/** What a client reads when the server sends `body` with sendJson. */
async function roundTrip(body: unknown): Promise<{ text: string; headers: Record<string, string> }> {
  const server = http.createServer((_req, res) => sendJson(res, 200, body));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
    const headers: Record<string, string> = {};
    res.headers.forEach((value, name) => (headers[name] = value));
    return { text: await res.text(), headers };
  } finally {
    server.close();
  }
}

describe('JSON envelopes on the wire', () => {
  const rows = Array.from({ length: 1000 }, (_, i) => ({
    id: `s${i}`,
    name: i % 3 === 0 ? `会话 ${i} “quoted” \\ \n` : null,
    tags: i % 7 === 0 ? [] : ['a', 'b'],
    missing: undefined,
    nested: { cost: i / 3, emoji: '🙂' },
  }));

  it('sends a long list row by row, byte for byte what JSON.stringify gives', async () => {
    const body = { success: true, data: [...rows, undefined, null, 'text', 3], error: null };
    const { text, headers } = await roundTrip(body);
    assert.equal(text, JSON.stringify(body));
    assert.equal(headers['transfer-encoding'], 'chunked');
    assert.equal(headers['content-type'], 'application/json; charset=utf-8');
  });

  it('keeps the fields around the list in their order', async () => {
    for (const body of [{ data: rows }, { data: rows, error: null, code: 'x' }, { success: true, data: rows }]) {
      assert.equal((await roundTrip(body)).text, JSON.stringify(body));
    }
  });

  it('sends a short answer whole, with its length', async () => {
    const body = { success: true, data: rows.slice(0, 10), error: null };
    const { text, headers } = await roundTrip(body);
    assert.equal(text, JSON.stringify(body));
    assert.equal(headers['content-length'], String(Buffer.byteLength(text)));
  });
});
