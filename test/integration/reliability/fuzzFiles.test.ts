import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import WebSocket from 'ws';
import { startCliServer, tempDir, type ServerHandle } from '../../support/cliServer';
import { callApi, rawRequest } from '../../support/httpClient';
import { seededRandom, writeSession } from '../../support/sessionGenerator';
import { allNames, serverCommandNames } from '../../support/commandTable';
import { Core } from '../../../src/core/core';
import { silentLogger } from '../../../src/core/log';

/**
 * Every registered command, fed generated payloads over HTTP and WS, must answer with an
 * envelope and must not touch any file outside the session folders and the state dir: a
 * fake home with dotfiles and a sentinel folder elsewhere in /tmp are hashed before and after.
 */

/**
 * Commands whose valid payloads start processes (a shell, pi) or write wherever the caller
 * asks (an export to a path): they get only payloads their schema must refuse.
 */
const malformedOnly: Readonly<Record<string, readonly string[]>> = {
  create_terminal: ['cwd'],
  terminal_create: ['cwd'],
  send_pi_agent_rpc: ['prompt', 'message'],
  export_model_config_to_path: ['path'],
};

const payloadKeys = [
  'path', 'paths', 'name', 'new_name', 'newName', 'id', 'tag_id', 'session_path', 'session_id', 'query', 'cwd', 'config',
  'content', 'bundle', 'backup_name', 'limit', 'offset', 'max_bytes', 'format', 'favorite', 'color', 'parent_id', 'mode',
  'scopes', 'data', 'cols', 'rows', 'prompt', 'message', 'overwrite', 'roles', 'sort', 'providers', 'wait',
];

interface FileState {
  kind: 'file' | 'dir' | 'link' | 'other';
  size: number;
  mtimeMs: number;
  sha1: string;
}

function snapshot(roots: string[]): Map<string, FileState> {
  const out = new Map<string, FileState>();
  const stack = [...roots];
  while (stack.length) {
    const p = stack.pop()!;
    let st: fs.Stats;
    try {
      st = fs.lstatSync(p);
    } catch {
      continue;
    }
    if (st.isDirectory()) {
      out.set(p, { kind: 'dir', size: 0, mtimeMs: 0, sha1: '' });
      for (const name of fs.readdirSync(p)) stack.push(path.join(p, name));
    } else if (st.isSymbolicLink()) {
      out.set(p, { kind: 'link', size: 0, mtimeMs: st.mtimeMs, sha1: fs.readlinkSync(p) });
    } else if (st.isFile()) {
      out.set(p, { kind: 'file', size: st.size, mtimeMs: st.mtimeMs, sha1: createHash('sha1').update(fs.readFileSync(p)).digest('hex') });
    } else {
      out.set(p, { kind: 'other', size: st.size, mtimeMs: st.mtimeMs, sha1: '' });
    }
  }
  return out;
}

function changes(before: Map<string, FileState>, after: Map<string, FileState>): string[] {
  const out: string[] = [];
  for (const [p, was] of before) {
    const now = after.get(p);
    if (!now) out.push(`removed ${p}`);
    else if (JSON.stringify(now) !== JSON.stringify(was)) out.push(`changed ${p}`);
  }
  for (const p of after.keys()) if (!before.has(p)) out.push(`added ${p}`);
  return out;
}


let server: ServerHandle;
let root: string;
let sentinelDir: string;
let store: string;
let hostile: unknown[];
let commands: string[];
let allowed: string[];

before(async () => {
  root = tempDir('psm-fuzzfiles-');
  const home = path.join(root, 'home');
  store = path.join(root, 'store');
  const stateDir = path.join(root, 'state');
  const agentDir = path.join(home, '.pi', 'agent');
  fs.mkdirSync(path.join(home, '.ssh'), { recursive: true });
  fs.mkdirSync(path.join(agentDir, 'sessions'), { recursive: true });
  fs.writeFileSync(path.join(home, '.bashrc'), 'export PS1=sentinel\n');
  fs.writeFileSync(path.join(home, '.profile'), '# sentinel\n');
  fs.writeFileSync(path.join(home, '.ssh', 'authorized_keys'), 'ssh-ed25519 AAAA sentinel\n');
  fs.writeFileSync(path.join(agentDir, 'settings.json'), '{"defaultModel":"sentinel"}\n');
  const sessions = [0, 1, 2, 3].map((i) => writeSession(store, { version: 3, seed: 40 + i, cwd: `/home/dev/fuzz-${i % 2}`, turns: 2 }));
  sentinelDir = fs.mkdtempSync(path.join(os.tmpdir(), 'psm-sentinel-'));
  fs.writeFileSync(path.join(sentinelDir, 'notes.txt'), 'do not touch\n');
  fs.writeFileSync(path.join(sentinelDir, 'session.jsonl'), fs.readFileSync(sessions[0]!.path));
  fs.writeFileSync(path.join(sentinelDir, 'models.json'), '{"providers":{}}\n');
  fs.symlinkSync(path.join(sentinelDir, 'session.jsonl'), path.join(store, 'link-out.jsonl'));
  // Where the product may legitimately write: the session folders, its state, the models
  // config it manages in pi's agent dir, and the trash that delete_session moves files to.
  allowed = [store, path.join(agentDir, 'sessions'), stateDir, path.join(agentDir, 'models.json'), path.join(agentDir, 'backups'), path.join(home, '.local', 'share', 'Trash')];

  const huge = 'A'.repeat(300_000);
  hostile = [
    null,
    true,
    -1,
    0,
    2 ** 53 + 1,
    1e308,
    '',
    ' ',
    huge,
    '\u0000\u202e🦄\ud800 日本語 \u2028',
    'x'.repeat(5000),
    [],
    [null, 1, 'a'],
    {},
    JSON.parse('{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}}}'),
    '../../etc/passwd',
    `${store}/../../etc/passwd`,
    `${store}/..%2F..%2Fetc%2Fpasswd.jsonl`,
    '/etc/passwd',
    '~/.bashrc',
    path.join(home, '.bashrc'),
    path.join(sentinelDir, 'notes.txt'),
    path.join(sentinelDir, 'session.jsonl'),
    path.join(sentinelDir, 'models.json'),
    sentinelDir,
    path.join(store, 'link-out.jsonl'),
    path.join(store, 'does-not-exist.jsonl'),
    store,
    ...sessions.map((s) => s.path),
    sessions[0]!.id,
  ];
  server = await startCliServer({ home, stateDir, agentDir, sessionDirs: [store] });
  commands = allNames(await serverCommandNames({ host: server.host, port: server.port }));
});

after(async () => {
  await server?.stop();
  fs.rmSync(root, { recursive: true, force: true });
  fs.rmSync(sentinelDir, { recursive: true, force: true });
});

function pick<T>(rand: () => number, list: readonly T[]): T {
  return list[Math.floor(rand() * list.length)]!;
}

/** A payload for `command`: a non-object, an empty object, or known keys with hostile values. */
function generatePayload(command: string, rand: () => number): unknown {
  const shape = rand();
  let payload: unknown;
  if (shape < 0.15) payload = pick(rand, hostile);
  else if (shape < 0.25) payload = {};
  else {
    const obj: Record<string, unknown> = {};
    const count = 1 + Math.floor(rand() * 4);
    for (let i = 0; i < count; i++) obj[pick(rand, payloadKeys)] = pick(rand, hostile);
    // An own `__proto__` key, as JSON.parse makes it, so it really goes over the wire.
    if (rand() < 0.2) Object.defineProperty(obj, '__proto__', { value: { polluted: true }, enumerable: true, configurable: true, writable: true });
    payload = rand() < 0.1 ? JSON.parse(`{"__proto__":{"admin":true},"payload":${JSON.stringify(obj)}}`) : obj;
  }
  const guarded = malformedOnly[command];
  if (guarded && typeof payload === 'object' && payload !== null && !Array.isArray(payload)) {
    // The required string field gets a value its schema refuses (or is left out).
    const obj = payload as Record<string, unknown>;
    for (const key of guarded) {
      if (rand() < 0.5) delete obj[key];
      else obj[key] = pick(rand, [null, 42, true, [], {}, ['x']]);
    }
  }
  return payload;
}

function assertEnvelope(body: unknown, what: string): void {
  assert.ok(typeof body === 'object' && body !== null, `${what}: not an object`);
  const env = body as { success?: unknown; error?: unknown };
  assert.equal(typeof env.success, 'boolean', `${what}: no success flag`);
  assert.ok('data' in env && 'error' in env, `${what}: envelope without data/error`);
  if (env.success === false) assert.ok(typeof env.error === 'string' && env.error.length > 0 && env.error.length < 5000, `${what}: error ${String(env.error)}`);
}

/** Children of the server: a terminal or pi started by a fuzzed payload would show here. */
function childrenOf(pid: number): number[] {
  const out: number[] = [];
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) out.push(Number(name));
    } catch {
      // The process ended while we looked.
    }
  }
  return out;
}

test('generated payloads for every registered command change no file outside the session and state dirs', { timeout: 300_000 }, async (t) => {
  const watched = [root, sentinelDir];
  const before = snapshot(watched);
  const target = { host: server.host, port: server.port };
  const rand = seededRandom(20261129);
  let sent = 0;
  const accepted = new Set<string>();

  for (const command of commands) {
    for (let i = 0; i < 40; i++) {
      const payload = generatePayload(command, rand);
      const res = await rawRequest({
        ...target,
        method: 'POST',
        path: '/api',
        headers: { Host: `127.0.0.1:${server.port}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ command, payload }),
      });
      sent++;
      const what = `HTTP ${command} #${i}`;
      assert.ok([200, 400, 403, 413].includes(res.status), `${what}: status ${res.status}`);
      assertEnvelope(res.json(), what);
      if (res.json<{ success: boolean }>().success) accepted.add(command);
    }
  }

  const ws = new WebSocket(`ws://127.0.0.1:${server.port}/ws`);
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  const replies = new Map<number, unknown>();
  ws.on('message', (data) => {
    const frame = JSON.parse(data.toString()) as { id?: number; event_type?: string };
    if (frame.event_type !== 'event' && typeof frame.id === 'number') replies.set(frame.id, frame);
  });
  let nextId = 1;
  for (const command of commands) {
    // A few at a time, under the per-socket in-flight limit.
    const ids: number[] = [];
    for (let i = 0; i < 6; i++) {
      const id = nextId++;
      ids.push(id);
      ws.send(JSON.stringify({ id, command, payload: generatePayload(command, rand) }));
    }
    const deadline = Date.now() + 30_000;
    while (ids.some((id) => !replies.has(id)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    for (const id of ids) {
      assert.ok(replies.has(id), `WS ${command}: no reply to frame ${id}`);
      assertEnvelope(replies.get(id), `WS ${command} frame ${id}`);
    }
    sent += ids.length;
  }
  assert.equal(ws.readyState, WebSocket.OPEN, 'the socket survived');
  ws.close();

  assert.equal(({} as Record<string, unknown>).polluted, undefined);
  assert.equal((await callApi(target, 'ping')).envelope.success, true, 'the server still answers');
  assert.equal(server.proc.exitCode, null, 'the server is still running');
  assert.deepEqual(childrenOf(server.proc.pid!), [], 'no process was started');

  const after = snapshot(watched);
  const permitted = (change: string) => {
    const p = change.slice(change.indexOf(' ') + 1);
    // A folder made on the way to an allowed place (the trash's parents) counts as allowed.
    const ancestor = change.startsWith('added ') && after.get(p)?.kind === 'dir' && allowed.some((a) => a.startsWith(p + path.sep));
    return ancestor || allowed.some((a) => p === a || p.startsWith(a + path.sep));
  };
  const outside = changes(before, after).filter((c) => !permitted(c));
  assert.deepEqual(outside, [], 'files outside the session and state dirs changed');
  const inside = changes(before, after);
  t.diagnostic(`${commands.length} command names, ${sent} payloads, ${accepted.size} commands accepted some payload; ${inside.length} changes inside the allowed dirs`);
  t.diagnostic(`inside: ${inside.map((c) => c.replace(root, '')).join(', ')}`);
});
