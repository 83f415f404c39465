import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Socket } from 'node:net';
import { startCliServer, tempDir, type ServerHandle } from '../../support/cliServer';
import { TestWsClient } from '../../support/wsClient';
import { writeSession } from '../../support/sessionGenerator';

/** The TCP socket under a ws client: pausing it is how a slow phone looks to the server. */
const socketOf = (client: TestWsClient): Socket => (client.ws as unknown as { _socket: Socket })._socket;

describe('a WebSocket client reading a large reply slowly', () => {
  let server: ServerHandle;
  let sessions: string;
  let big: string;

  before(async () => {
    sessions = tempDir('psm-slow-reader-');
    // A session of about 40 MB: its raw JSONL is one reply far above the unread-push limit.
    big = writeSession(path.join(sessions, 'big'), { version: 3, seed: 5, turns: 2 }).path;
    const line = { type: 'message', id: 'bigline1', parentId: null, timestamp: new Date().toISOString(), message: { role: 'user', content: [{ type: 'text', text: 'x'.repeat(40 * 1024 * 1024) }], timestamp: Date.now() } };
    fs.appendFileSync(big, `${JSON.stringify(line)}\n`);
    writeSession(path.join(sessions, 'small'), { version: 3, seed: 6, turns: 2 });
    server = await startCliServer({ sessionDirs: [sessions] });
  });
  after(async () => {
    await server.stop();
  });

  it('is not dropped when events are pushed before it has read the reply', async () => {
    const slow = await TestWsClient.connect(`ws://127.0.0.1:${server.port}/ws`);
    const watcher = await TestWsClient.connect(`ws://127.0.0.1:${server.port}/ws`);
    try {
      await slow.request('scan_sessions', {});
      socketOf(slow).pause();
      const reply = slow.request('read_session_file', { path: big });
      // Time for the server to read the file and queue the reply behind the paused socket.
      await new Promise((r) => setTimeout(r, 1500));
      // An event pushed to both while the slow one has megabytes of its reply unread.
      const small = fs.readdirSync(path.join(sessions, 'small'), { recursive: true }).map(String).find((f) => f.endsWith('.jsonl'))!;
      const pushed = watcher.waitForEvent((e) => e.event === 'sessions-diff');
      fs.appendFileSync(path.join(sessions, 'small', small), `${JSON.stringify({ type: 'session_info', id: 'renamed1', parentId: null, timestamp: new Date().toISOString(), name: 'pushed while unread' })}\n`);
      await pushed;
      await new Promise((r) => setTimeout(r, 300));
      socketOf(slow).resume();
      const frame = (await reply) as { success: boolean; data: { content: string } | string };
      assert.equal(frame.success, true);
      const content = typeof frame.data === 'string' ? frame.data : frame.data.content;
      assert.ok(content.length > 40 * 1024 * 1024, 'the whole file came');
      if (!slow.events.some((e) => e.event === 'sessions-diff')) await slow.waitForEvent((e) => e.event === 'sessions-diff');
      assert.equal(slow.ws.readyState, slow.ws.OPEN, 'and the socket is still open');
      assert.doesNotMatch(server.stderr() + server.stdout(), /not reading/);
    } finally {
      await slow.close();
      await watcher.close();
    }
  });
});
