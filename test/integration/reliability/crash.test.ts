import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startCliServer, tempDir, type ServerHandle } from '../../support/cliServer';
import { callApi, type Envelope } from '../../support/httpClient';
import { writeSession } from '../../support/sessionGenerator';
import type { SessionInfo } from '../../../src/shared/model/sessionInfo';

/**
 * security.md defence 13 / row 19, end to end: the real headless server takes user-data
 * writes over HTTP and is SIGKILLed at a random moment, over and over. After every restart
 * each acknowledged change must be there, an unacknowledged one may or may not be, and pi's
 * session files may only have grown by complete `session_info` lines.
 */

const iterations = Number(process.env.PSM_CRASH_ITERATIONS ?? 50);
const writerLoops = 3;
const sessionCount = 6;

type Target = { host: string; port: number };

/** A value that was acknowledged, plus those sent after it whose fate the kill left open. */
class Expected<T> {
  private pending: T[] = [];
  constructor(private settled: T) {}
  sent(value: T): void {
    this.pending.push(value);
  }
  acked(value: T): void {
    this.settled = value;
    this.pending = [];
  }
  allowed(): T[] {
    return [this.settled, ...this.pending];
  }
  /** After a restart the observed value becomes the new starting point. */
  observed(value: T): void {
    this.settled = value;
    this.pending = [];
  }
}

interface SessionModel {
  file: string;
  id: string;
  favorite: Expected<boolean>;
  name: Expected<string | null>;
  /** Bytes as last verified; the file may only grow past them. */
  bytes: Buffer;
  /** Names sent since the last verification, in order, and which of them were acknowledged. */
  namesSent: string[];
  namesAcked: string[];
}

interface Model {
  sessions: SessionModel[];
  tagsSent: Set<string>;
  tagsAcked: Set<string>;
  limit: Expected<number>;
  /** Acknowledged config versions and the search limit each recorded. */
  versions: { id: number; limit: number }[];
  failedReplies: string[];
  /** Acknowledged writes per command, to show the kills really landed among writes. */
  ackCounts: Record<string, number>;
}

async function mustCall<T>(target: Target, command: string, payload: unknown = {}): Promise<T> {
  const { envelope } = await callApi<T>(target, command, payload);
  assert.equal(envelope.success, true, `${command}: ${envelope.error}`);
  return envelope.data;
}

/** One writer: sequential requests, so the order it sends is the order they apply. */
async function writer(target: Target, model: Model, loop: number, iteration: number, stop: { killed: boolean }): Promise<void> {
  const mine = model.sessions.filter((_, i) => i % writerLoops === loop);
  for (let n = 0; !stop.killed; n++) {
    // Each iteration starts at another kind, so every kind of write is sent first in some
    // iterations and is acknowledged even when a kill comes early.
    const kind = (n + loop + iteration) % (loop === 0 ? 4 : 3);
    const session = mine[n % mine.length]!;
    const label = `${iteration}-${loop}-${n}`;
    let command: string;
    let payload: Record<string, unknown>;
    let onAck: (data: unknown) => void;
    if (kind === 0) {
      const name = `tag-${label}`;
      model.tagsSent.add(name);
      command = 'create_tag';
      payload = { name };
      onAck = () => model.tagsAcked.add(name);
    } else if (kind === 1) {
      const next = !session.favorite.allowed().at(-1);
      session.favorite.sent(next);
      command = 'toggle_favorite';
      payload = { path: session.file, favorite: next };
      onAck = () => session.favorite.acked(next);
    } else if (kind === 2) {
      const name = `name ${label}`;
      session.name.sent(name);
      session.namesSent.push(name);
      command = 'rename_session';
      payload = { path: session.file, name };
      onAck = () => {
        session.name.acked(name);
        session.namesAcked.push(name);
      };
    } else {
      const limit = 10_000 + iteration * 100 + (n % 100);
      model.limit.sent(limit);
      command = 'save_config_bundle';
      payload = { search: { tool_output_index_limit: limit } };
      onAck = (data) => {
        model.limit.acked(limit);
        const version = (data as { version: { id: number } | null }).version;
        if (version) model.versions.push({ id: version.id, limit });
      };
    }
    let envelope: Envelope;
    try {
      envelope = (await callApi(target, command, payload)).envelope;
    } catch {
      // The connection died with the server: this write is neither acknowledged nor refused.
      return;
    }
    if (envelope.success) {
      onAck(envelope.data);
      model.ackCounts[command] = (model.ackCounts[command] ?? 0) + 1;
    }
    else model.failedReplies.push(`${command}: ${envelope.error}`);
  }
}

async function verify(server: ServerHandle, model: Model, round: number): Promise<void> {
  const target = { host: server.host, port: server.port };
  const where = `after kill ${round}`;
  assert.doesNotMatch(server.stderr(), /state\.db\S* is not a readable database/, `${where}: a torn state file`);

  const tags = await mustCall<{ name: string }[]>(target, 'list_tags');
  const tagNames = new Set(tags.map((t) => t.name));
  for (const name of model.tagsAcked) assert.ok(tagNames.has(name), `${where}: acknowledged tag ${name} is missing`);
  for (const name of tagNames) assert.ok(model.tagsSent.has(name), `${where}: a tag nobody created: ${name}`);

  const list = await mustCall<SessionInfo[]>(target, 'scan_sessions');
  assert.equal(list.length, model.sessions.length, `${where}: session count`);
  for (const s of model.sessions) {
    const info = list.find((i) => i.path === s.file);
    assert.ok(info, `${where}: ${s.file} is not listed`);
    assert.ok(s.favorite.allowed().includes(info.favorite === true), `${where}: favorite of ${path.basename(s.file)} is ${info.favorite}, allowed ${s.favorite.allowed().join('/')}`);
    s.favorite.observed(info.favorite === true);
    assert.ok(s.name.allowed().includes(info.name), `${where}: name of ${path.basename(s.file)} is ${info.name}, allowed ${s.name.allowed().join(' | ')}`);
    s.name.observed(info.name);
    verifyFileGrowth(s, where);
  }

  const versions = await mustCall<{ id: number }[]>(target, 'list_config_versions', { limit: 1000 });
  const ids = new Set(versions.map((v) => v.id));
  // The store keeps the newest 200 versions; older acknowledged ones may be pruned legitimately.
  const oldestKept = Math.min(...ids);
  for (const v of model.versions) {
    if (v.id < oldestKept) continue;
    assert.ok(ids.has(v.id), `${where}: acknowledged config version ${v.id} is missing`);
  }
  for (const v of model.versions.slice(-3)) {
    const recorded = await mustCall<{ bundle: { search: { tool_output_index_limit: number } } }>(target, 'get_config_version', { id: v.id });
    assert.equal(recorded.bundle.search.tool_output_index_limit, v.limit, `${where}: config version ${v.id}`);
  }
  const bundle = await mustCall<{ search: { tool_output_index_limit: number } }>(target, 'get_config_bundle');
  const limit = bundle.search.tool_output_index_limit;
  assert.ok(model.limit.allowed().includes(limit), `${where}: config limit ${limit}, allowed ${model.limit.allowed().join('/')}`);
  model.limit.observed(limit);
}

/** The file is its old bytes plus whole `session_info` lines for names we sent, nothing else. */
function verifyFileGrowth(s: SessionModel, where: string): void {
  const now = fs.readFileSync(s.file);
  const label = `${where}: ${path.basename(s.file)}`;
  assert.ok(now.length >= s.bytes.length, `${label} shrank`);
  assert.ok(now.subarray(0, s.bytes.length).equals(s.bytes), `${label}: existing bytes were changed`);
  const grown = now.subarray(s.bytes.length).toString('utf8');
  if (grown.length > 0) assert.ok(grown.endsWith('\n'), `${label}: a partial line was left behind: ${JSON.stringify(grown.slice(-80))}`);
  const appended = grown.split('\n').filter((l) => l.length > 0);
  const names: string[] = [];
  for (const line of appended) {
    const entry = JSON.parse(line) as { type: string; name: string; id: string };
    assert.equal(entry.type, 'session_info', `${label}: appended a non-session_info line`);
    assert.match(entry.id, /^[0-9a-f]{8}$/);
    assert.ok(s.namesSent.includes(entry.name), `${label}: appended a name nobody sent: ${entry.name}`);
    names.push(entry.name);
  }
  // Every acknowledged rename is in the file, in the order it was sent.
  const ackedInFile = names.filter((n) => s.namesAcked.includes(n));
  assert.deepEqual(ackedInFile, s.namesAcked, `${label}: acknowledged renames`);
  s.bytes = now;
  s.namesSent = [];
  s.namesAcked = [];
}

test('SIGKILL of the headless server during writes keeps every acknowledged change', { timeout: 600_000 }, async (t) => {
  const home = tempDir('psm-crash-home-');
  const store = fs.realpathSync(tempDir('psm-crash-store-'));
  const stateDir = path.join(home, 'state');
  const model: Model = { sessions: [], tagsSent: new Set(), tagsAcked: new Set(), limit: new Expected(2000), versions: [], failedReplies: [], ackCounts: {} };
  for (let i = 0; i < sessionCount; i++) {
    const exp = writeSession(store, { version: 3, seed: 900 + i, cwd: `/home/dev/crash-${i % 2}`, turns: 2 });
    model.sessions.push({ file: exp.path, id: exp.id, favorite: new Expected(false), name: new Expected(exp.name), bytes: fs.readFileSync(exp.path), namesSent: [], namesAcked: [] });
  }
  try {
    for (let round = 0; round <= iterations; round++) {
      const server = await startCliServer({ home, stateDir, sessionDirs: [store] });
      const target = { host: server.host, port: server.port };
      try {
        if (round > 0) await verify(server, model, round);
        if (round === iterations) break;
        const stop = { killed: false };
        const loops = Array.from({ length: writerLoops }, (_, loop) => writer(target, model, loop, round, stop));
        // A random instant: before the first write lands, mid-save, or between saves.
        await new Promise((r) => setTimeout(r, Math.floor(Math.random() * 300)));
        stop.killed = true;
        await server.stop('SIGKILL');
        await Promise.all(loops);
      } finally {
        await server.stop('SIGKILL');
      }
    }
  } finally {
    fs.rmSync(home, { recursive: true, force: true });
    fs.rmSync(store, { recursive: true, force: true });
  }
  t.diagnostic(`${iterations} kills; acknowledged writes: ${JSON.stringify(model.ackCounts)}`);
  assert.deepEqual(model.failedReplies, []);
  // The kills must have landed while writes were being acknowledged, or nothing was tested.
  assert.ok(Object.keys(model.ackCounts).length === 4, `not every kind of write was acknowledged: ${JSON.stringify(model.ackCounts)}`);
});
