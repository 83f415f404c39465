import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { EventBus, type PublishedEvent } from '../../../src/core/events';
import { silentLogger } from '../../../src/core/log';
import { BridgeHub } from '../../../src/core/pi/bridge/bridgeHub';
import type { BridgeFrame } from '../../../src/core/pi/bridge/bridgeFrames';
import { ApiError } from '../../../src/shared/api/errors';

/** A session folder with two real session files, and a hub over it. */
function setup(options: { requestTimeoutMs?: number } = {}) {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'psm-bridgehub-'));
  const dir = path.join(root, '--home-dev-p--');
  fs.mkdirSync(dir);
  const write = (id: string) => {
    const file = path.join(dir, `2026-12-02T08-00-00-000Z_${id}.jsonl`);
    fs.writeFileSync(file, `${JSON.stringify({ type: 'session', version: 3, id, timestamp: '2026-12-02T08:00:00.000Z', cwd: '/home/dev/p' })}\n`);
    return file;
  };
  const a = { id: 'aaaa-1', file: write('aaaa-1') };
  const b = { id: 'bbbb-2', file: write('bbbb-2') };
  const bus = new EventBus();
  const events: PublishedEvent[] = [];
  bus.subscribe((e) => events.push(e));
  const indexed: string[] = [];
  const hub = new BridgeHub({
    bus,
    log: silentLogger,
    sessionRoots: () => [root],
    index: { findSessionByPath: () => undefined, refreshFile: async (file) => void indexed.push(file) },
    ...options,
  });
  const sent: Record<string, unknown>[] = [];
  const link = hub.connect({ send: (f) => void sent.push(f), label: 'test' });
  const frame = (f: Record<string, unknown>) => link.handle(f as BridgeFrame);
  const live = (kind?: string) => events.filter((e) => e.name === 'pi-live-event' && (kind === undefined || (e.payload as { kind: string }).kind === kind));
  // The hub's timers do not hold a process open (a server's sockets do); the test must.
  const alive = setInterval(() => undefined, 1_000);
  const cleanup = () => {
    clearInterval(alive);
    hub.dispose();
    fs.rmSync(root, { recursive: true, force: true });
  };
  return { root, hub, link, sent, frame, events, live, indexed, a, b, cleanup };
}

const ours = (id: string, file: string) => ({ type: 'register', payload: { bridge: 'pi-session-manager', sessionId: id, sessionPath: file, pid: 99, piVersion: '1.6.0', mode: 'rpc' } });
const text = (delta: string) => ({ type: 'message_update', assistantMessageEvent: { type: 'text_delta', contentIndex: 0, delta } });
const assistantEnd = (t: string, willRetry = false) => ({ type: 'agent_end', willRetry, messages: [{ role: 'assistant', content: [{ type: 'text', text: t }], stopReason: 'stop' }] });

describe('BridgeHub', () => {
  it('sends each request with an id of its own and matches answers by it, or by session id when the answer has none', async () => {
    const t = setup();
    try {
      await t.frame(ours(t.a.id, t.a.file));
      const first = t.hub.refreshState(t.a.id);
      const second = t.hub.refreshState(t.a.id);
      const requests = t.sent.filter((f) => f.type === 'get_state');
      assert.equal(requests.length, 2);
      assert.notEqual(requests[0]!.id, requests[1]!.id, 'two requests to one session never share an id');
      // Answered out of order, by id: each goes to its own request.
      await t.frame({ type: 'response', id: requests[1]!.id, success: true, data: { model: 'p/second', leafId: 'l2' } });
      assert.equal((await second)?.model, 'p/second');
      await t.frame({ type: 'response', sessionId: t.a.id, success: true, data: { model: 'p/first' } });
      assert.equal((await first)?.model, 'p/first', 'an answer without an id goes to the oldest open request of its session');
      assert.equal(t.hub.liveSessions()[0]!.bridge?.leaf_id, 'l2');
    } finally {
      t.cleanup();
    }
  });

  it('says clearly when pi does not answer in time', async () => {
    const t = setup({ requestTimeoutMs: 50 });
    try {
      await t.frame(ours(t.a.id, t.a.file));
      await assert.rejects(t.hub.abort(t.a.id), (err: unknown) => err instanceof ApiError && err.code === 'timeout' && /did not answer abort for session aaaa-1/.test(err.message));
    } finally {
      t.cleanup();
    }
  });

  it('follows a session switch on one socket and ends liveness when the socket closes', async () => {
    const t = setup();
    try {
      await t.frame(ours(t.a.id, t.a.file));
      assert.deepEqual(t.hub.liveSessions().map((l) => l.session_id), [t.a.id]);
      await t.frame(ours(t.b.id, t.b.file));
      assert.deepEqual(t.hub.liveSessions().map((l) => l.session_id), [t.b.id], 'a re-register replaces the session of the socket');
      const changed = t.events.filter((e) => e.name === 'pi-live-changed').map((e) => (e.payload as { session_ids: string[] }).session_ids[0]);
      assert.ok(changed.includes(t.a.id) && changed.includes(t.b.id));
      t.link.close();
      assert.deepEqual(t.hub.liveSessions(), []);
      assert.equal((t.events.at(-1)!.payload as { session_ids: string[] }).session_ids[0], t.b.id);
    } finally {
      t.cleanup();
    }
  });

  it("ends our pi's runs at agent_settled, with every attempt before it as attempt_end", async () => {
    const t = setup();
    try {
      await t.frame(ours(t.a.id, t.a.file));
      const sent = t.hub.deliver({ sessionId: t.a.id, prompt: 'go', deliverAs: 'prompt', callerId: 'c1', wait: true });
      const prompt = t.sent.find((f) => f.type === 'prompt')!;
      assert.equal(prompt.message, 'go');
      await t.frame({ type: 'response', id: prompt.id, success: true, data: { disposition: 'started' } });
      for (const f of [{ type: 'agent_start' }, text('fir'), assistantEnd('fir', true), text('Second'), assistantEnd('Second')]) await t.frame(f);
      assert.equal(t.live('agent_end').length, 0, 'agent_end is not the end for pi 1.6');
      assert.deepEqual(t.live('attempt_end').map((e) => (e.payload as { data: { will_retry: boolean } }).data.will_retry), [true, false]);
      await t.frame({ type: 'agent_settled', aborted: false });
      const result = await sent;
      assert.equal(result.final_text, 'Second');
      assert.equal(result.via, 'bridge');
      const toCaller = t.events.filter((e) => e.name === 'pi-rpc-event' && e.target === 'c1').map((e) => (e.payload as { kind: string }).kind);
      assert.equal(toCaller.at(0), 'run_start');
      assert.equal(toCaller.at(-1), 'agent_end');
      assert.equal(t.sent.filter((f) => f.type === 'ack').length, 1, 'our bridge gets no ack per event (only the register)');
    } finally {
      t.cleanup();
    }
  });

  it('a steer into a run typed in pi gives that run an id, and its events reach the steering client', async () => {
    const t = setup();
    try {
      await t.frame(ours(t.a.id, t.a.file));
      await t.frame({ type: 'agent_start' });
      await t.frame(text('typed'));
      assert.equal((t.live('text_delta')[0]!.payload as { run_id: string | null }).run_id, null);
      const steering = t.hub.deliver({ sessionId: t.a.id, prompt: 'focus', deliverAs: 'steer', callerId: 'c2', wait: false });
      const steer = t.sent.find((f) => f.type === 'steer')!;
      await t.frame({ type: 'response', id: steer.id, success: true, data: { disposition: 'queued' } });
      const result = await steering;
      assert.equal(result.delivered_as, 'steer');
      await t.frame(text(' more'));
      const later = t.events.filter((e) => e.name === 'pi-rpc-event' && e.target === 'c2');
      assert.equal((later[0]!.payload as { run_id: string }).run_id, result.run_id);
    } finally {
      t.cleanup();
    }
  });

  it('a prompt pi handles itself ends at once', async () => {
    const t = setup();
    try {
      await t.frame(ours(t.a.id, t.a.file));
      const sent = t.hub.deliver({ sessionId: t.a.id, prompt: '/cmd', deliverAs: 'prompt', callerId: 'c3', wait: false });
      await t.frame({ type: 'response', id: t.sent.find((f) => f.type === 'prompt')!.id, success: true, data: { disposition: 'handled' } });
      const result = await sent;
      assert.equal(result.disposition, 'handled');
      assert.equal((t.live('agent_end')[0]!.payload as { data: { handled: boolean } }).data.handled, true);
      assert.equal(t.hub.liveSessions()[0]!.streaming, false);
    } finally {
      t.cleanup();
    }
  });

  it('indexes a session file pi creates after it registered', async () => {
    const t = setup();
    try {
      const file = path.join(path.dirname(t.a.file), '2026-12-02T09-00-00-000Z_new.jsonl');
      await t.frame(ours('new', file));
      assert.deepEqual(t.indexed, [], 'nothing to index before the file exists');
      fs.writeFileSync(file, `${JSON.stringify({ type: 'session', version: 3, id: 'new', cwd: '/home/dev/p' })}\n`);
      await t.frame({ type: 'turn_end', messageEntryId: 'e1', toolResultEntryIds: [] });
      assert.deepEqual(t.indexed, [file]);
    } finally {
      t.cleanup();
    }
  });
});
