import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { localUserCaller } from '../../../src/core/api/callers';
import { CommandRouter } from '../../../src/core/api/router';
import type { DispatchResult } from '../../../src/core/api/types';
import { EventBus } from '../../../src/core/events';
import { silentLogger } from '../../../src/core/log';
import { createPiAgentCommands } from '../../../src/core/pi/agentCommands';
import { BridgeHub } from '../../../src/core/pi/bridge/bridgeHub';
import { LiveSessionFinder } from '../../../src/core/pi/liveSessions';
import { PiRpcManager, type SessionRef } from '../../../src/core/pi/rpc/rpcManager';
import { OwnSessionWrites } from '../../../src/core/sessions/ownWrites';
import { appendSessionName } from '../../../src/core/sessions/sessionWrites';
import type { ParsedSession, SessionEntry, SessionHeader } from '../../../src/shared/model/entries';
import { ageSessionFile } from '../../support/sessionAge';

/** A stand-in for pi in RPC mode that, like pi, appends the exchange to its session file. */
const appendingPi = String.raw`
const fs = require('node:fs');
const file = process.argv[process.argv.indexOf('--session') + 1];
const out = (o) => process.stdout.write(JSON.stringify(o) + '\n');
let buf = '';
let n = 0;
process.stdin.on('data', (chunk) => {
  buf += chunk;
  for (let i = buf.indexOf('\n'); i >= 0; i = buf.indexOf('\n')) {
    const cmd = JSON.parse(buf.slice(0, i));
    buf = buf.slice(i + 1);
    if (cmd.type === 'get_state') out({ id: cmd.id, type: 'response', command: 'get_state', success: true, data: { sessionFile: file, sessionId: 's', isStreaming: false } });
    if (cmd.type === 'prompt') {
      out({ id: cmd.id, type: 'response', command: 'prompt', success: true });
      out({ type: 'agent_start' });
      fs.appendFileSync(file, JSON.stringify({ type: 'message', id: 'child' + n++, parentId: null, timestamp: new Date().toISOString(), message: { role: 'user', content: cmd.message } }) + '\n');
      out({ type: 'agent_end', messages: [{ role: 'assistant', content: [{ type: 'text', text: 'ok' }], stopReason: 'stop' }] });
    }
  }
});
setInterval(() => {}, 1 << 30);
`;

async function parseJsonLines(file: string): Promise<ParsedSession> {
  const [header, ...entries] = fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  const leaf = entries.at(-1);
  return { path: file, header: header as unknown as SessionHeader, entries: entries as SessionEntry[], leafId: leaf ? String(leaf.id) : null, labels: {}, skippedLines: 0 };
}

describe('a session that recently grew without a bridge', () => {
  let dir: string;
  let script: string;
  let session: SessionRef;

  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'psm-growth-'));
    script = path.join(dir, 'fake-pi.cjs');
    fs.writeFileSync(script, appendingPi);
    const file = path.join(dir, 'session.jsonl');
    fs.writeFileSync(file, `${JSON.stringify({ type: 'session', version: 3, id: 'sess-g', timestamp: new Date().toISOString(), cwd: dir })}\n`);
    session = { id: 'sess-g', path: file, cwd: dir };
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  function wired() {
    const bus = new EventBus();
    const router = new CommandRouter(bus, silentLogger);
    const catalog = { findSessionById: (id: string) => (id === session.id ? session : undefined), findSessionByPath: () => session, listSessions: () => [session] };
    const ownWrites = new OwnSessionWrites();
    const rpc = new PiRpcManager({ bus, log: silentLogger, sessions: catalog, piCommand: { command: process.execPath, args: [script] }, env: process.env, ownWrites });
    const bridges = new BridgeHub({ bus, log: silentLogger, sessionRoots: () => [dir], index: { findSessionByPath: () => session, refreshFile: async () => session } });
    // No pi processes: only the file's own history speaks.
    const live = new LiveSessionFinder({ rpc, bridges, ownWrites, sessions: catalog, listProcesses: async () => [] });
    router.registerAll(createPiAgentCommands({ rpc, live, bridges, log: silentLogger, sessions: catalog, parseSessionFile: parseJsonLines, sessionRoots: () => [dir] }));
    const send = (prompt: string): Promise<DispatchResult> => router.dispatch('send_pi_agent_rpc', { session_id: session.id, prompt, wait: true }, localUserCaller('test'));
    return { rpc, live, ownWrites, send, dispose: () => Promise.all([rpc.dispose(), bridges.dispose()]) };
  }

  it('refuses with conflict, names the reason and says how to connect pi, and starts no pi', async () => {
    const w = wired();
    try {
      const before = fs.readFileSync(session.path);
      const refused = await w.send('may I?');
      assert.equal(refused.success, false);
      assert.equal(refused.success ? '' : refused.code, 'conflict');
      assert.match(refused.success ? '' : refused.error, /^session sess-g was written to \d+ s ago by a pi this editor does not see, which may still have it open: a second pi on one file would branch it\. Prompts from here are refused until the file has been quiet for 3 min\./);
      assert.match(refused.success ? '' : refused.error, /Pi Sessions: Connect pi to this editor.*node dist\/cli\.js bridge install/);
      assert.deepEqual(w.rpc.list(), [], 'no RPC child was started');
      assert.ok(fs.readFileSync(session.path).equals(before), 'the file is untouched');
      assert.deepEqual((await w.live.list()).map((l) => [l.session_id, l.detected_by]), [['sess-g', 'file-activity']], 'listed by the same rule');
    } finally {
      await w.dispose();
    }
  });

  it('drives a session written long ago with our child, and our own writes never refuse us', async () => {
    ageSessionFile(session.path);
    const w = wired();
    try {
      const sizeBefore = fs.statSync(session.path).size;
      const first = await w.send('one');
      assert.ok(first.success, first.success ? '' : first.error);
      assert.ok(fs.statSync(session.path).size > sizeBefore, 'our child appended to the file');
      // Our child goes away (idle stop, crash): the file grew a moment ago, but by us.
      await w.rpc.closeSession(session.id);
      assert.deepEqual(w.rpc.list(), []);
      assert.deepEqual(await w.live.findHolder(session), undefined);
      assert.deepEqual(await w.live.list(), [], 'our own growth is not listed as a guess');
      const second = await w.send('two');
      assert.ok(second.success, second.success ? '' : second.error);
      await w.rpc.closeSession(session.id);

      // A rename through the product appends too, and is ours as well.
      const ids = new Set((await parseJsonLines(session.path)).entries.map((e) => e.id));
      const appended = await appendSessionName(session.path, 'Named here', null, ids);
      w.ownWrites.record(session.path, appended.left);
      assert.deepEqual(await w.live.findHolder(session), undefined, 'a rename of ours is not another pi');

      // Then someone else appends: that is another pi's growth.
      fs.appendFileSync(session.path, `${JSON.stringify({ type: 'message', id: 'other1', parentId: null, timestamp: new Date().toISOString(), message: { role: 'user', content: 'from elsewhere' } })}\n`);
      const holder = await w.live.findHolder(session);
      assert.equal(holder?.kind, 'recent-growth');
      const refused = await w.send('three');
      assert.equal(refused.success ? '' : refused.code, 'conflict');
    } finally {
      await w.dispose();
    }
  });

  it('counts growth only within the window', async () => {
    const w = wired();
    try {
      ageSessionFile(session.path, 3 * 60_000 + 5_000);
      assert.equal(await w.live.findHolder(session), undefined);
      ageSessionFile(session.path, 3 * 60_000 - 5_000);
      assert.equal((await w.live.findHolder(session))?.kind, 'recent-growth');
    } finally {
      await w.dispose();
    }
  });
});
