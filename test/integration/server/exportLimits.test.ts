import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as http from 'node:http';
import { startCliServer, tempDir, type ServerHandle } from '../../support/cliServer';
import { callApi } from '../../support/httpClient';
import { writeSession } from '../../support/sessionGenerator';
import { TestWsClient } from '../../support/wsClient';

interface Exported {
  format: string;
  filename: string;
  content: string;
}

/** POST /api, keeping only the ends of the reply: a 200 MB export need not sit in the test's memory. */
function exportEnds(target: { host: string; port: number }, payload: unknown): Promise<{ status: number; bytes: number; head: string; tail: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { ...target, method: 'POST', path: '/api', agent: false, headers: { 'Content-Type': 'application/json', Host: `127.0.0.1:${target.port}` } },
      (res) => {
        let bytes = 0;
        let head = Buffer.alloc(0);
        let tail = Buffer.alloc(0);
        res.on('data', (chunk: Buffer) => {
          bytes += chunk.length;
          if (head.length < 4096) head = Buffer.concat([head, chunk.subarray(0, 4096 - head.length)]);
          tail = Buffer.concat([tail, chunk]).subarray(-4096);
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, bytes, head: head.toString('utf8'), tail: tail.toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(JSON.stringify({ command: 'export_session', payload }));
  });
}

test('exports of a 200 MB session do not stall the server', { timeout: 300_000 }, async () => {
  const sessions = tempDir('psm-big-export-');
  let server: ServerHandle | undefined;
  try {
    // About 200 MB: 2000 turns with 400 kB tool outputs.
    const big = writeSession(sessions, { seed: 7, turns: 2000, toolOutputBytes: 400_000, quirks: { tools: true } });
    const bigSize = fs.statSync(big.path).size;
    assert.ok(bigSize > 190 * 1024 * 1024, `the session is ${bigSize} bytes`);
    const medium = writeSession(sessions, { seed: 8, turns: 100, toolOutputBytes: 400_000, quirks: { tools: true } });

    server = await startCliServer({ sessionDirs: [sessions] });
    const target = { host: server.host, port: server.port };
    const listed = await callApi<{ path: string }[]>(target, 'scan_sessions');
    assert.equal(listed.envelope.success, true, String(listed.envelope.error));

    const formats = ['html', 'markdown', 'json'] as const;
    const mediumResults = await Promise.all(formats.map((format) => callApi<Exported>(target, 'export_session', { path: medium.path, format })));
    for (const [i, r] of mediumResults.entries()) {
      assert.equal(r.envelope.success, true, String(r.envelope.error));
      assert.equal(r.envelope.data.format, formats[i]);
      assert.ok(r.envelope.data.content.length > 1024 * 1024, 'the whole export came back');
    }
    assert.match(mediumResults[0]!.envelope.data.content, /^<!DOCTYPE html>/i);
    JSON.parse(mediumResults[2]!.envelope.data.content);

    // Over WebSocket the worker's bytes go out as one fragmented text message.
    const ws = await TestWsClient.connect(`ws://127.0.0.1:${server.port}/ws`);
    const viaWs = await ws.request('export_session', { path: medium.path, format: 'json' }, 'export-1');
    await ws.close();
    assert.equal(viaWs.id, 'export-1');
    assert.equal(viaWs.success, true, String(viaWs.error));
    assert.equal((viaWs.data as Exported).content, mediumResults[2]!.envelope.data.content);

    // Three exports of the 200 MB session at once, and pings all along. The window is bounded
    // (a slow machine need not wait for every export); exports that finish in it must be whole.
    const bigResults: ({ status: number; bytes: number; head: string; tail: string } | undefined)[] = [undefined, undefined, undefined];
    const bigExports = formats.map((format, i) =>
      exportEnds(target, { path: big.path, format }).then(
        (r) => (bigResults[i] = r),
        () => undefined,
      ),
    );
    const allDone = Promise.all(bigExports);
    let finished = false;
    void allDone.then(() => (finished = true));
    const windowEnds = Date.now() + 90_000;
    const slowPings: number[] = [];
    let pings = 0;
    while (!finished && Date.now() < windowEnds) {
      const started = Date.now();
      const pong = await callApi(target, 'ping');
      const took = Date.now() - started;
      assert.equal(pong.status, 200);
      pings++;
      if (took > 2_000) slowPings.push(took);
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.deepEqual(slowPings, [], `ping answered within 2 s each time (${pings} pings)`);
    assert.ok(pings >= 10, `pings kept running during the exports (${pings})`);
    for (const [i, r] of bigResults.entries()) {
      if (!r) continue;
      assert.equal(r.status, 200);
      assert.match(r.head, new RegExp(`^\\{"success":true,"error":null,"data":\\{"format":"${formats[i]}"`));
      assert.match(r.tail, /"\}\}$/);
      assert.ok(r.bytes > 150 * 1024 * 1024, `the whole ${formats[i]} export came back (${r.bytes} bytes)`);
    }

  } finally {
    await server?.stop();
    fs.rmSync(sessions, { recursive: true, force: true });
    if (server) fs.rmSync(server.home, { recursive: true, force: true });
  }
});
