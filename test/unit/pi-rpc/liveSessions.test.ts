import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { LiveSessionFinder, piArgs, type PiProcessInfo, type SessionHolder } from '../../../src/core/pi/liveSessions';
import type { LiveSession } from '../../../src/shared/model/pi';
import type { OwnedRpcChild, SessionRef } from '../../../src/core/pi/rpc/rpcManager';

describe('piArgs', () => {
  it('recognises pi invocations and nothing else', () => {
    assert.deepEqual(piArgs(['pi', '--session', '/a.jsonl']), ['--session', '/a.jsonl']);
    assert.deepEqual(piArgs(['/usr/local/bin/pi']), []);
    assert.deepEqual(piArgs(['node', '/usr/lib/node_modules/@mariozechner/pi-coding-agent/dist/cli.js', '-c']), ['-c']);
    assert.deepEqual(piArgs(['/usr/bin/node', '--no-warnings', '/home/u/.npm/bin/pi', '--mode', 'rpc']), ['--mode', 'rpc']);
    assert.equal(piArgs(['node', 'server.js', 'pi']), undefined);
    assert.equal(piArgs(['python3', 'pi']), undefined);
    assert.equal(piArgs(['pip', 'install']), undefined);
    assert.equal(piArgs([]), undefined);
  });

  it('recognises pi 1.6: its bundle entry and the titles it writes over argv', () => {
    const bundle = '/usr/lib/node_modules/@earendil-works/pi-coding-agent/dist/bundle/cli.js';
    assert.deepEqual(piArgs(['/opt/node22/bin/node', bundle, '--session', '/s.jsonl']), ['--session', '/s.jsonl']);
    assert.deepEqual(piArgs(['pi', '', '', '']), [], 'the rest of the old argv area reads as empty strings');
    assert.deepEqual(piArgs(['pi-rpc', '', '']), []);
    assert.equal(piArgs(['pi-hole', '']), undefined);
  });
});

describe('LiveSessionFinder.findHolder', () => {
  const session: SessionRef = { id: 's1', path: '/home/u/.pi/agent/sessions/--p--/s1.jsonl', cwd: '/home/u/p' };
  const finder = (processes: PiProcessInfo[], ownedPids: number[] = []) =>
    new LiveSessionFinder({
      rpc: { list: () => ownedPids.map((pid) => ({ pid }) as OwnedRpcChild) },
      sessions: { listSessions: () => [session], findSessionByPath: () => session },
      listProcesses: async () => processes,
    });
  const cases: Array<{ name: string; processes: PiProcessInfo[]; owned?: number[]; holder: SessionHolder | undefined }> = [
    { name: 'no pi at all', processes: [], holder: undefined },
    { name: '--session names the file', processes: [{ pid: 7, argv: ['pi', '--session', session.path], cwd: '/elsewhere' }], holder: { kind: 'process', pid: 7, certain: true } },
    { name: 'a relative --session', processes: [{ pid: 7, argv: ['pi', '--session', 's1.jsonl'], cwd: path.dirname(session.path) }], holder: { kind: 'process', pid: 7, certain: true } },
    { name: 'an open descriptor on the file', processes: [{ pid: 8, argv: ['pi'], cwd: '/elsewhere', openFiles: [session.path] }], holder: { kind: 'process', pid: 8, certain: true } },
    { name: 'a titled pi in the session folder', processes: [{ pid: 9, argv: ['pi', '', ''], cwd: session.cwd }], holder: { kind: 'process', pid: 9, certain: false } },
    { name: 'a titled pi elsewhere', processes: [{ pid: 9, argv: ['pi'], cwd: '/other' }], holder: undefined },
    { name: 'a pi on another file in the folder', processes: [{ pid: 10, argv: ['pi', '--session', '/x/other.jsonl'], cwd: session.cwd }], holder: undefined },
    { name: 'a pi without a session in the folder', processes: [{ pid: 11, argv: ['pi', '--no-session'], cwd: session.cwd }], holder: undefined },
    { name: 'our own RPC child', processes: [{ pid: 12, argv: ['pi-rpc'], cwd: session.cwd }], owned: [12], holder: undefined },
    {
      name: 'a certain holder beats a guess',
      processes: [
        { pid: 13, argv: ['pi'], cwd: session.cwd },
        { pid: 14, argv: ['pi', '--session', session.path], cwd: '/' },
      ],
      holder: { kind: 'process', pid: 14, certain: true },
    },
  ];
  for (const c of cases) {
    it(c.name, async () => assert.deepEqual(await finder(c.processes, c.owned).findHolder(session), c.holder));
  }
});

/** Real processes that look like pi, found through the platform's process list. */
if (process.platform === 'linux' || process.platform === 'darwin') {
  describe('LiveSessionFinder', () => {
    let dir: string;
    const children: ChildProcess[] = [];
    const sessions = new Map<string, SessionRef>();
    const hourAgo = new Date(Date.now() - 3600_000);

    const addSession = (id: string, cwd: string, mtime: Date): SessionRef => {
      const file = path.join(dir, 'sessions', `${id}.jsonl`);
      fs.writeFileSync(file, `${JSON.stringify({ type: 'session', version: 3, id, timestamp: mtime.toISOString(), cwd })}\n`);
      fs.utimesSync(file, mtime, mtime);
      const ref = { id, path: file, cwd };
      sessions.set(id, ref);
      return ref;
    };
    const catalog = {
      listSessions: () => sessions.values(),
      findSessionByPath: (file: string) => [...sessions.values()].find((s) => s.path === file),
    };
    const startFakePi = (cwd: string, args: string[]) => {
      const script = path.join(dir, 'node_modules/@mariozechner/pi-coding-agent/dist/cli.js');
      const child = spawn(process.execPath, [script, ...args], { cwd, stdio: 'ignore' });
      children.push(child);
      return child.pid!;
    };
    async function listUntil(finder: LiveSessionFinder, done: (items: LiveSession[]) => boolean): Promise<LiveSession[]> {
      const deadline = Date.now() + 15_000;
      for (;;) {
        const items = await finder.list();
        if (done(items)) return items;
        if (Date.now() > deadline) throw new Error(`live sessions never matched: ${JSON.stringify(items)}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    }

    before(() => {
      dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'psm-live-')));
      fs.mkdirSync(path.join(dir, 'sessions'));
      fs.mkdirSync(path.join(dir, 'node_modules/@mariozechner/pi-coding-agent/dist'), { recursive: true });
      fs.writeFileSync(path.join(dir, 'node_modules/@mariozechner/pi-coding-agent/dist/cli.js'), 'setInterval(() => {}, 1 << 30);\n');
      for (const p of ['a', 'b', 'c']) fs.mkdirSync(path.join(dir, p));
    });
    after(() => {
      for (const child of children) child.kill('SIGKILL');
      fs.rmSync(dir, { recursive: true, force: true });
    });

    it('finds pi processes by --session or by cwd, and recently appended files', async () => {
      const a = addSession('sess-a', path.join(dir, 'a'), hourAgo);
      addSession('sess-b-old', path.join(dir, 'b'), new Date(Date.now() - 7200_000));
      const bNewest = addSession('sess-b-new', path.join(dir, 'b'), hourAgo);
      const recent = addSession('sess-c', path.join(dir, 'c'), new Date());
      const stale = addSession('sess-d', path.join(dir, 'c'), hourAgo);

      // A relative --session resolves against the process's cwd.
      const pidA = startFakePi(path.join(dir, 'a'), ['--session', path.relative(path.join(dir, 'a'), a.path)]);
      const pidB = startFakePi(path.join(dir, 'b'), ['--mode', 'rpc']);
      const finder = new LiveSessionFinder({ rpc: { list: () => [] }, sessions: catalog, recentActivityMs: 60_000 });
      const items = await listUntil(finder, (list) => list.some((l) => l.pid === pidA) && list.some((l) => l.pid === pidB));

      const byA = items.find((l) => l.pid === pidA)!;
      assert.deepEqual(
        { id: byA.session_id, path: byA.session_path, by: byA.detected_by, heuristic: byA.heuristic, cwd: byA.cwd, streaming: byA.streaming },
        { id: 'sess-a', path: a.path, by: 'process', heuristic: false, cwd: path.join(dir, 'a'), streaming: null },
      );
      const byB = items.find((l) => l.pid === pidB)!;
      assert.equal(byB.session_id, bNewest.id, 'the most recently appended file of that cwd');
      assert.equal(byB.heuristic, true);

      const byFile = items.filter((l) => l.detected_by === 'file-activity');
      assert.deepEqual(byFile.map((l) => l.session_id), [recent.id]);
      assert.equal(byFile[0].heuristic, true);
      assert.equal(byFile[0].pid, null);
      assert.ok(!items.some((l) => l.session_id === stale.id));
    });

    it('lists our own RPC children once, as exact', async () => {
      const a = sessions.get('sess-a')!;
      const pidA = startFakePi(path.join(dir, 'a'), ['--session', a.path]);
      const owned: OwnedRpcChild = { session_id: a.id, session_path: a.path, cwd: a.cwd, pid: pidA, streaming: true, run_id: 'r1', started_at: new Date().toISOString() };
      const finder = new LiveSessionFinder({ rpc: { list: () => [owned] }, sessions: catalog, recentActivityMs: 60_000 });
      const items = await finder.list();
      const forA = items.filter((l) => l.session_path === a.path);
      assert.equal(forA.length, 1);
      assert.equal(forA[0].detected_by, 'rpc');
      assert.equal(forA[0].streaming, true);
      assert.equal(forA[0].heuristic, false);
      assert.ok(!items.some((l) => l.pid === pidA && l.detected_by !== 'rpc'));
    });
  });
}

describe('LiveSessionFinder with bridged pis', () => {
  const session: SessionRef = { id: 's1', path: '/home/u/.pi/agent/sessions/--p--/s1.jsonl', cwd: '/home/u/p' };
  const bridged: LiveSession = {
    session_id: 's1',
    session_path: session.path,
    cwd: session.cwd,
    pid: 21,
    detected_by: 'bridge',
    heuristic: false,
    streaming: true,
    last_activity: null,
    bridge: { kind: 'ours', pi_version: '1.6.0', mode: 'tui', model: null, thinking_level: null, context_usage: null, leaf_id: null, name: null, connected_at: '2026-12-02T08:00:00.000Z' },
  };
  const finder = new LiveSessionFinder({
    rpc: { list: () => [] },
    bridges: { liveSessions: () => [bridged], pids: () => new Set([21]) },
    sessions: { listSessions: () => [session], findSessionByPath: () => session },
    // The bridged pi also shows in the process list, working in the session's folder.
    listProcesses: async () => [{ pid: 21, argv: ['pi', '', ''], cwd: session.cwd }],
  });

  it('lists a bridged session once, exact, and never again as a guess', async () => {
    assert.deepEqual(await finder.list(), [bridged]);
  });

  it('does not count a bridged pi as a holder without a bridge', async () => {
    assert.equal(await finder.findHolder(session), undefined);
  });
});
