import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import * as pty from 'node-pty';
import { runCli, startCliServer, tempDir, type ServerHandle } from '../../support/cliServer';
import type { FakeLlm } from '../../support/fakeLlm';
import { TestWsClient, type WsEvent } from '../../support/wsClient';
import { isPi16, pisUnderTest, type PiWorld, usePiWorld, waitFor } from './harness';

/*
 * Our bridge extension inside a real pi 1.6, installed by `cli.js bridge install` into the
 * pi world's agent folder, against a real `cli.js serve`. pi runs once in RPC mode and once
 * in its terminal UI (node-pty); in both the session must be live exactly while pi runs, and
 * prompts, steers and aborts from the API must reach that very pi.
 */

type LiveRow = { session_id: string; detected_by: string; heuristic: boolean; pid: number | null; streaming: boolean | null; bridge?: Record<string, unknown> | null };

interface RunningPi {
  pid: number;
  /** What pi showed on its terminal (TUI) or printed (RPC). */
  output(): string;
  /** Types into pi's terminal (TUI only). */
  type(text: string): Promise<void>;
  quit(): Promise<void>;
}

/** A user-level extension with a command that answers without the model and leaves a mark. */
const pingExtension = `
import * as fs from 'node:fs';
import * as path from 'node:path';
export default function (pi) {
  pi.registerCommand('ping', {
    description: 'answers without the model',
    handler: async (args) => fs.appendFileSync(path.join(process.env.PI_CODING_AGENT_DIR, 'ping-mark.txt'), args + '\\n'),
  });
}
`;
const pingMark = (world: PiWorld) => path.join(world.agentDir, 'ping-mark.txt');

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function startRpcPi(world: PiWorld, file: string): RunningPi {
  const child: ChildProcess = spawn(world.pi.command.command, [...world.pi.command.args, '--mode', 'rpc', '--session', file], { cwd: world.project, env: world.env, stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (out += d));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  // Its answer shows when pi is up (and so its extensions have had their session_start).
  child.stdin!.write('{"type":"get_state"}\n');
  return {
    pid: child.pid!,
    output: () => out,
    type: () => Promise.reject(new Error('pi in RPC mode has no terminal')),
    quit: async () => {
      // Closing stdin is how an RPC client ends pi: an orderly shutdown.
      child.stdin!.end();
      await exited;
    },
  };
}

function startTerminalPi(world: PiWorld, file: string): RunningPi {
  const env = Object.fromEntries(Object.entries(world.env).filter((e): e is [string, string] => e[1] !== undefined));
  const term = pty.spawn(world.pi.command.command, [...world.pi.command.args, '--session', file], { cwd: world.project, env, name: 'xterm-256color', cols: 120, rows: 40 });
  let screen = '';
  term.onData((chunk) => (screen += chunk));
  const exited = new Promise<void>((resolve) => term.onExit(() => resolve()));
  return {
    pid: term.pid,
    output: () => screen,
    type: async (text) => {
      term.write(text);
      // pi's editor takes a paste-sized burst as text; Enter submits it once it has settled.
      await new Promise((r) => setTimeout(r, 300));
      term.write('\r');
    },
    quit: async () => {
      term.kill();
      await exited;
    },
  };
}

for (const pi of pisUnderTest().filter(isPi16)) {
  describe(`pi ${pi.version} connected over our bridge`, () => {
    let fake: FakeLlm;
    let world: PiWorld;
    let server: ServerHandle;
    let viewer: TestWsClient;
    const files: Record<string, string> = {};
    let stateDir: string;

    usePiWorld(pi, (f, w) => {
      fake = f;
      world = w;
      // A user-level extension command: pi runs it instead of a run.
      fs.mkdirSync(path.join(world.agentDir, 'extensions'), { recursive: true });
      fs.writeFileSync(path.join(world.agentDir, 'extensions', 'ping.js'), pingExtension);
    });

    before(async () => {
      // The sessions exist before the bridge is installed, so only the pis under test connect.
      files.rpc = await world.createSession('over-rpc');
      files.tui = await world.createSession('in-terminal');
      const port = await freePort();
      const home = tempDir('psm-bridge-home-');
      stateDir = path.join(home, 'state');
      const installed = runCli(['bridge', 'install', '--agent-dir', world.agentDir, '--state-dir', stateDir, '--url', `ws://127.0.0.1:${port}/ws`]);
      assert.equal(installed.status, 0, installed.stderr);
      const result = JSON.parse(installed.stdout) as { folder: string; token_created: boolean };
      assert.equal(result.folder, path.join(world.agentDir, 'extensions', 'pi-session-manager'));
      assert.ok(result.token_created);
      const config = JSON.parse(fs.readFileSync(path.join(result.folder, 'config.json'), 'utf8')) as { url: string; token: string };
      assert.equal(config.url, `ws://127.0.0.1:${port}/ws`);
      assert.equal(fs.statSync(path.join(result.folder, 'config.json')).mode & 0o777, 0o600, 'the token file is private');
      // Installing again changes nothing and keeps the token a connected pi uses.
      const again = runCli(['bridge', 'install', '--agent-dir', world.agentDir, '--state-dir', stateDir, '--url', `ws://127.0.0.1:${port}/ws`]);
      assert.equal(again.status, 0, again.stderr);
      assert.equal((JSON.parse(again.stdout) as { token_created: boolean }).token_created, false);
      assert.equal((JSON.parse(fs.readFileSync(path.join(result.folder, 'config.json'), 'utf8')) as { token: string }).token, config.token);

      server = await startCliServer({ port, home, stateDir, agentDir: world.agentDir, sessionDirs: [world.sessionsDir] });
      viewer = await TestWsClient.connect(`ws://127.0.0.1:${port}/ws`);
      const scan = await viewer.request('scan_sessions');
      assert.equal(scan.success, true, String(scan.error));
    });

    after(async () => {
      await viewer?.close();
      await server?.stop();
    });

    const live = async (): Promise<LiveRow[]> => (await viewer.request('get_pi_live_sessions')).data as LiveRow[];
    const sessionIdOf = (file: string) => (JSON.parse(fs.readFileSync(file, 'utf8').split('\n')[0]!) as { id: string }).id;
    const liveEvents = (runId: string | null, sessionId: string) =>
      viewer.events.filter((e) => e.event === 'pi-live-event').map((e) => e.payload as { run_id: string | null; session_id: string; via: string; kind: string; data: Record<string, unknown> }).filter((e) => e.session_id === sessionId && e.run_id === runId);
    const waitEvent = (what: string, match: (e: WsEvent) => boolean) => waitFor(what, () => viewer.events.find(match), 60_000);

    /** Everything both modes must do, on a pi that has `file` open. */
    async function exercise(mode: 'rpc' | 'tui', file: string, running: RunningPi): Promise<void> {
      const id = sessionIdOf(file);
      const row = await waitFor(`pi (${mode}) registered over the bridge`, async () => (await live()).find((l) => l.session_id === id && l.detected_by === 'bridge'), 60_000);
      assert.equal(row.heuristic, false);
      assert.equal(row.pid, running.pid);
      assert.equal(row.streaming, false);
      assert.equal(row.bridge?.kind, 'ours');
      assert.equal(row.bridge?.mode, mode);
      assert.equal(row.bridge?.pi_version, pi.version);
      assert.equal(row.bridge?.model, 'fakellm/fake-chat');
      assert.equal((await live()).filter((l) => l.session_id === id).length, 1, 'listed once, not again as a guess');

      // A prompt from the API, answered by this pi and streamed to every reader.
      fake.enqueue({ text: `Answered in ${mode}.` });
      const sent = await viewer.request('send_pi_agent_rpc', { session_id: id, prompt: 'over the bridge', wait: true });
      assert.equal(sent.success, true, String(sent.error));
      const result = sent.data as { run_id: string; via: string; disposition: string; final_text: string };
      assert.equal(result.via, 'bridge');
      assert.equal(result.disposition, 'started');
      assert.equal(result.final_text, `Answered in ${mode}.`);
      const deltas = liveEvents(result.run_id, id).filter((e) => e.kind === 'text_delta').map((e) => e.data.delta).join('');
      assert.equal(deltas, `Answered in ${mode}.`, 'pi-live-event carried the text deltas');
      assert.ok(viewer.events.some((e) => e.event === 'pi-rpc-event' && (e.payload as { run_id: string }).run_id === result.run_id), 'the caller got its run events');
      assert.match(JSON.stringify(fake.requests.at(-1)!.body.messages!.at(-1)), /over the bridge/);
      const entries = (await viewer.request('get_pi_agent_entries', { session_id: id })).data as { leaf_id: string; entries: Array<{ id: string }> };
      assert.equal(entries.leaf_id, entries.entries.at(-1)!.id, "the bridge's leaf is the file's last entry");

      // An extension command: pi handles it with no run, and the waiting call answers at once.
      const modelCalls = fake.requests.length;
      const asked = Date.now();
      const pinged = await viewer.request('send_pi_agent_rpc', { session_id: id, prompt: '/ping from the API', wait: true });
      assert.equal(pinged.success, true, String(pinged.error));
      const ping = pinged.data as { run_id: string; via: string; disposition: string; final_text: string };
      assert.deepEqual([ping.via, ping.disposition, ping.final_text], ['bridge', 'handled', '']);
      assert.ok(Date.now() - asked < 10_000, `answered at once, not after a timeout (${Date.now() - asked} ms)`);
      const pingEnd = liveEvents(ping.run_id, id).find((e) => e.kind === 'agent_end');
      assert.equal(pingEnd?.data.handled, true, 'the run ends as handled');
      await waitFor('pi to run the command', () => fs.existsSync(pingMark(world)) && fs.readFileSync(pingMark(world), 'utf8').includes('from the API'));
      assert.equal(fake.requests.length, modelCalls, 'the model was not asked');
      assert.equal((await live()).find((l) => l.session_id === id)?.streaming, false);
      fs.rmSync(pingMark(world));

      // Steer: a tool call keeps the run busy; the steer reaches the model's next request.
      fake.enqueue({ toolCalls: [{ name: 'bash', arguments: { command: 'sleep 1.5' } }] }, { text: 'Steered.' });
      const started = await viewer.request('send_pi_agent_rpc', { session_id: id, prompt: 'take your time' });
      const runId = (started.data as { run_id: string }).run_id;
      await waitEvent('the tool to start', (e) => e.event === 'pi-live-event' && (e.payload as { run_id: string; kind: string }).run_id === runId && (e.payload as { kind: string }).kind === 'tool_start');
      const steered = await viewer.request('steer_pi_agent', { session_id: id, prompt: 'Only look at the rsync flags.' });
      assert.equal(steered.success, true, String(steered.error));
      assert.deepEqual([(steered.data as { run_id: string }).run_id, (steered.data as { delivered_as: string }).delivered_as], [runId, 'steer']);
      const ended = await waitEvent('the steered run to end', (e) => e.event === 'pi-live-event' && (e.payload as { run_id: string }).run_id === runId && (e.payload as { kind: string }).kind === 'agent_end');
      assert.equal((ended.payload as { data: { final_text: string } }).data.final_text, 'Steered.');
      const lastRequest = JSON.stringify(fake.requests.at(-1)!.body.messages);
      assert.match(lastRequest, /Only look at the rsync flags\./, 'the steer went to the model within the same run');
      fake.assertQueueEmpty();

      // Abort stops a run under way.
      fake.enqueue({ toolCalls: [{ name: 'bash', arguments: { command: 'sleep 30' } }] });
      const long = await viewer.request('send_pi_agent_rpc', { session_id: id, prompt: 'a long job' });
      const longId = (long.data as { run_id: string }).run_id;
      await waitEvent('the long tool to start', (e) => e.event === 'pi-live-event' && (e.payload as { run_id: string }).run_id === longId && (e.payload as { kind: string }).kind === 'tool_start');
      assert.equal((await live()).find((l) => l.session_id === id)!.streaming, true, 'streaming while the run goes on');
      const aborted = await viewer.request('abort_pi_agent', { session_id: id });
      assert.deepEqual(aborted.data, { session_id: id, aborted: true, via: 'bridge' });
      const stop = await waitEvent('the aborted run to end', (e) => e.event === 'pi-live-event' && (e.payload as { run_id: string }).run_id === longId && (e.payload as { kind: string }).kind === 'agent_end');
      assert.equal((stop.payload as { data: { stop_reason: string } }).data.stop_reason, 'aborted');
      await waitFor('pi idle again', async () => (await live()).find((l) => l.session_id === id)?.streaming === false);
      fake.assertQueueEmpty();

      // Quitting pi ends the session's liveness at once.
      const changesBefore = viewer.events.filter((e) => e.event === 'pi-live-changed').length;
      await running.quit();
      await waitFor('pi-live-changed after pi quit', () => viewer.events.filter((e) => e.event === 'pi-live-changed').length > changesBefore);
      await waitFor('the session no longer live by bridge', async () => !(await live()).some((l) => l.session_id === id && l.detected_by === 'bridge'));
    }

    it('in RPC mode: registers, streams, answers a prompt, takes a steer and an abort, and stops being live on quit', async () => {
      const running = startRpcPi(world, files.rpc!);
      try {
        await exercise('rpc', files.rpc!, running);
      } finally {
        await running.quit();
      }
    });

    it("in the terminal UI: the same, and a run typed in pi's terminal streams to readers too", async () => {
      const running = startTerminalPi(world, files.tui!);
      const id = sessionIdOf(files.tui!);
      try {
        await waitFor('the terminal UI registered', async () => (await live()).find((l) => l.session_id === id && l.detected_by === 'bridge'), 60_000);
        // Typed into pi's own editor: a run we did not start, with no run id of ours.
        fake.enqueue({ text: 'Typed and answered.' });
        await waitFor('pi ready for input', () => running.output().includes('First answer.'), 60_000);
        await running.type('typed in the terminal');
        const typed = await waitEvent('the typed run to end', (e) => e.event === 'pi-live-event' && (e.payload as { session_id: string; kind: string }).session_id === id && (e.payload as { kind: string }).kind === 'agent_end');
        assert.equal((typed.payload as { run_id: string | null }).run_id, null);
        assert.equal((typed.payload as { data: { final_text: string } }).data.final_text, 'Typed and answered.');
        assert.equal(liveEvents(null, id).filter((e) => e.kind === 'text_delta').map((e) => e.data.delta).join(''), 'Typed and answered.');
        fake.assertQueueEmpty();

        await exercise('tui', files.tui!, running);
        assert.match(running.output(), /Answered in tui\./, "the API's prompt and its answer show in pi's terminal");
      } finally {
        await running.quit();
      }
    });

    it('a bridged pi registers again when the server restarts', async () => {
      const running = startRpcPi(world, files.rpc!);
      const id = sessionIdOf(files.rpc!);
      try {
        await waitFor('pi registered', async () => (await live()).find((l) => l.session_id === id && l.detected_by === 'bridge'), 60_000);
        await viewer.close();
        await server.stop();
        server = await startCliServer({ port: server.port, home: server.home, stateDir: server.stateDir, agentDir: world.agentDir, sessionDirs: [world.sessionsDir] });
        viewer = await TestWsClient.connect(`ws://127.0.0.1:${server.port}/ws`);
        await viewer.request('scan_sessions');
        const row = await waitFor('pi registered again', async () => (await live()).find((l) => l.session_id === id && l.detected_by === 'bridge'), 60_000);
        assert.equal(row.pid, running.pid);
      } finally {
        await running.quit();
      }
    });

    it('uninstall removes the extension and revokes its token; a pi started afterwards does not connect', async () => {
      const tokens = () => viewer.request('list_tokens').then((r) => (r.data as Array<{ scopes: string[] }>).filter((t) => t.scopes.includes('bridge')));
      assert.equal((await tokens()).length, 1);
      const removed = runCli(['bridge', 'uninstall', '--agent-dir', world.agentDir, '--state-dir', stateDir]);
      assert.equal(removed.status, 0, removed.stderr);
      assert.deepEqual(JSON.parse(removed.stdout), { folder: path.join(world.agentDir, 'extensions', 'pi-session-manager'), removed: true, token_revoked: true });
      assert.ok(!fs.existsSync(path.join(world.agentDir, 'extensions', 'pi-session-manager')));
      await waitFor('the server to see the revocation', async () => (await tokens()).length === 0);
      const again = runCli(['bridge', 'uninstall', '--agent-dir', world.agentDir, '--state-dir', stateDir]);
      assert.equal(again.status, 0, 'uninstalling twice is fine');
      assert.deepEqual(JSON.parse(again.stdout).removed, false);

      const running = startRpcPi(world, files.rpc!);
      try {
        // The RPC answer to get_state shows pi is up; no bridge registers for it.
        await waitFor('pi in RPC mode up', () => running.output().includes('"command":"get_state"'), 60_000);
        await new Promise((r) => setTimeout(r, 1000));
        const id = sessionIdOf(files.rpc!);
        assert.ok(!(await live()).some((l) => l.session_id === id && l.detected_by === 'bridge'));
      } finally {
        await running.quit();
      }
    });
  });
}
