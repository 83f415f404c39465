import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { LiveSession } from '../../../src/shared/model/pi';
import { FakeLlm } from '../../support/fakeLlm';
import { createHarness, pisUnderTest, data, isAlive, PiWorld, waitFor, usePiWorld } from './harness';

for (const pi of pisUnderTest()) {
  describe(`send_pi_agent_rpc with the real pi CLI (pi ${pi.version})`, () => {
    let fake: FakeLlm;
    let world: PiWorld;

    usePiWorld(pi, (f, w) => {
      fake = f;
      world = w;
    });

    it('streams text, tools and the final answer to the caller, reusing one child, until closed', async () => {
      const file = await world.createSession('stream');
      fake.assertQueueEmpty();
      const h = createHarness(world);
      const session = h.catalog.add(file);
      try {
        fake.enqueue({ text: 'Hello from the fake model, streamed in pieces.' });
        const started = data<{ run_id: string; session_id: string }>(await h.dispatch('send_pi_agent_rpc', { session_id: session.id, prompt: 'say hello' }));
        assert.equal(started.session_id, session.id);
        assert.match(started.run_id, /^[0-9a-f-]{36}$/);

        const end = await waitFor('agent_end', () => h.runEvents(started.run_id).find((e) => e.kind === 'agent_end'));
        const events = h.runEvents(started.run_id);
        assert.ok(events.every((e) => e.target === h.caller.id), 'run events go to the caller only');
        assert.equal(events[0].kind, 'run_start');
        const deltas = events.filter((e) => e.kind === 'text_delta');
        assert.ok(deltas.length > 1, 'several text deltas');
        assert.equal(deltas.map((e) => e.data.delta).join(''), 'Hello from the fake model, streamed in pieces.');
        assert.equal(end.data.final_text, 'Hello from the fake model, streamed in pieces.');
        assert.equal(end.data.stop_reason, 'stop');
        assert.match(JSON.stringify(fake.requests.at(-1)?.body.messages?.at(-1)?.content), /say hello/);
        fake.assertQueueEmpty();
        assert.ok(h.events.some((e) => e.name === 'pi-live-changed' && e.target === undefined), 'live change is broadcast');

        const live = data<LiveSession[]>(await h.dispatch('get_pi_live_sessions', {}));
        const mine = live.filter((l) => l.session_path === path.resolve(file));
        assert.equal(mine.length, 1, 'listed once, not again as a process or by file activity');
        assert.equal(mine[0].detected_by, 'rpc');
        assert.equal(mine[0].heuristic, false);
        assert.equal(mine[0].streaming, false);
        assert.equal(mine[0].cwd, world.project);
        const pid = mine[0].pid!;
        assert.ok(isAlive(pid));

        // A tool call: pi runs `ls` in the session's cwd and sends the result back to the model.
        fake.enqueue({ toolCalls: [{ name: 'bash', arguments: { command: 'ls' } }] }, { text: 'I see server.js.' });
        const toolRun = data<{ run_id: string }>(await h.dispatch('send_pi_agent_rpc', { sessionId: session.id, prompt: 'list files' }));
        await waitFor('tool run end', () => h.runEvents(toolRun.run_id).find((e) => e.kind === 'agent_end'));
        const toolEvents = h.runEvents(toolRun.run_id);
        const toolStart = toolEvents.find((e) => e.kind === 'tool_start');
        const toolEnd = toolEvents.find((e) => e.kind === 'tool_end');
        assert.equal(toolStart?.data.tool_name, 'bash');
        assert.deepEqual(toolStart?.data.args, { command: 'ls' });
        assert.equal(toolEnd?.data.is_error, false);
        assert.match(String(toolEnd?.data.output), /server\.js/);
        assert.equal(toolEvents.find((e) => e.kind === 'agent_end')?.data.final_text, 'I see server.js.');
        const toolResult = fake.requests.at(-1)?.body.messages?.find((m) => m.role === 'tool');
        assert.match(JSON.stringify(toolResult?.content), /server\.js/);
        fake.assertQueueEmpty();

        // wait: true answers with the final text, for clients without an event stream.
        fake.enqueue({ reasoning: 'Thinking it over.', text: 'Done waiting.' });
        const waited = data<{ run_id: string; final_text: string }>(await h.dispatch('send_pi_agent_rpc', { session_id: session.id, prompt: 'and now?', wait: true }));
        assert.equal(waited.final_text, 'Done waiting.');
        fake.assertQueueEmpty();
        assert.equal(h.rpc.list()[0].pid, pid, 'the same child served every prompt');

        const entries = data<{ entries: Array<{ type: string; message?: { role: string } }>; live: { pid: number } | null }>(
          await h.dispatch('get_pi_agent_entries', { session_id: session.id }),
        );
        // pi 1.6 also stores its system prompt as a message of role system.
        const roles = entries.entries.filter((e) => e.type === 'message' && e.message?.role !== 'system').map((e) => e.message?.role);
        assert.deepEqual(roles, ['user', 'assistant', 'user', 'assistant', 'user', 'assistant', 'toolResult', 'assistant', 'user', 'assistant']);
        assert.equal(entries.live?.pid, pid);

        assert.equal(await h.rpc.closeSession(session.id), true);
        assert.equal(isAlive(pid), false);
        const after = data<LiveSession[]>(await h.dispatch('get_pi_live_sessions', {}));
        assert.equal(
          after.filter((l) => l.session_path === path.resolve(file) && l.detected_by !== 'file-activity').length,
          0,
          'only the file-activity heuristic may still name a closed session',
        );
      } finally {
        await h.rpc.dispose();
      }
    });

    it('stops an idle child and says so to every client', async () => {
      const file = await world.createSession('idle');
      const h = createHarness(world, { idleTimeoutMs: 300 });
      const session = h.catalog.add(file);
      try {
        fake.enqueue({ text: 'short' });
        await h.dispatch('send_pi_agent_rpc', { session_id: session.id, prompt: 'hi', wait: true });
        const pid = h.rpc.list()[0]?.pid;
        assert.ok(pid);
        await waitFor('idle stop', () => h.rpc.list().length === 0);
        await waitFor('process gone', () => !isAlive(pid));
        const rpcLive = data<LiveSession[]>(await h.dispatch('get_pi_live_sessions', {})).filter((l) => l.detected_by === 'rpc');
        assert.deepEqual(rpcLive, []);
        const changes = h.events.filter((e) => e.name === 'pi-live-changed');
        assert.ok(changes.length >= 2 && changes.every((e) => e.target === undefined));
        fake.assertQueueEmpty();
      } finally {
        await h.rpc.dispose();
      }
    });

    it('reports an error of the model call (HTTP 500, retries off)', async () => {
      const file = await world.createSession('failing');
      const h = createHarness(world);
      const session = h.catalog.add(file);
      try {
        fake.enqueue({ httpStatus: 500 });
        const waited = await h.dispatch('send_pi_agent_rpc', { session_id: session.id, prompt: 'break', wait: true });
        assert.equal(waited.success, false);
        assert.equal(waited.success ? '' : waited.code, 'unavailable');
        assert.match(waited.success ? '' : waited.error, /pi reported an error: .*500/);
        fake.assertQueueEmpty();

        fake.enqueue({ httpStatus: 500 });
        const started = data<{ run_id: string }>(await h.dispatch('send_pi_agent_rpc', { session_id: session.id, prompt: 'break again' }));
        const end = await waitFor('agent_end', () => h.runEvents(started.run_id).find((e) => e.kind === 'agent_end'));
        assert.equal(end.data.stop_reason, 'error');
        const error = h.runEvents(started.run_id).find((e) => e.kind === 'error');
        assert.match(String(error?.data.message), /500/);
        fake.assertQueueEmpty();
      } finally {
        await h.rpc.dispose();
      }
    });

    it('gives clear errors for unknown ids, missing files and a missing pi', async () => {
      const file = await world.createSession('gone');
      const h = createHarness(world);
      const session = h.catalog.add(file);
      const unknown = await h.dispatch('send_pi_agent_rpc', { session_id: '01a2252e-0000-7000-8000-000000000000', prompt: 'x' });
      assert.equal(unknown.success ? '' : unknown.code, 'not_found');
      assert.match(unknown.success ? '' : unknown.error, /unknown session id/);

      fs.renameSync(file, `${file}.moved`);
      const missing = await h.dispatch('send_pi_agent_rpc', { session_id: session.id, prompt: 'x' });
      assert.equal(missing.success ? '' : missing.code, 'not_found');
      assert.match(missing.success ? '' : missing.error, /session file .* is missing/);
      fs.renameSync(`${file}.moved`, file);

      const noPi = createHarness(world, { piCommand: { command: path.join(world.root, 'no-such-pi'), args: [] } });
      noPi.catalog.add(file);
      const notInstalled = await noPi.dispatch('send_pi_agent_rpc', { session_id: session.id, prompt: 'x' });
      assert.equal(notInstalled.success ? '' : notInstalled.code, 'not_available');
      assert.match(notInstalled.success ? '' : notInstalled.error, /pi is not installed/);
      assert.deepEqual(noPi.rpc.list(), []);

      const brokenPi = createHarness(world, { piCommand: { command: process.execPath, args: [path.join(world.root, 'missing-cli.js')] } });
      brokenPi.catalog.add(file);
      const crashed = await brokenPi.dispatch('send_pi_agent_rpc', { session_id: session.id, prompt: 'x' });
      assert.equal(crashed.success ? '' : crashed.code, 'unavailable');
      assert.match(crashed.success ? '' : crashed.error, /pi exited \(code 1\).*Cannot find module/);
      fake.assertQueueEmpty();
    });
  });
}
