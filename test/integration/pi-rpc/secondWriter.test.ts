import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { after, before, describe, it } from 'node:test';
import * as pty from 'node-pty';
import { FakeLlm } from '../../support/fakeLlm';
import { createHarness, data, isAlive, pisUnderTest, PiWorld, waitFor, usePiWorld } from './harness';

/** pi's terminal UI on a session, in a pseudo-terminal, as a user would run it. */
async function openInTerminalPi(world: PiWorld, file: string, cwd: string): Promise<pty.IPty> {
  const env = Object.fromEntries(Object.entries(world.env).filter((e): e is [string, string] => e[1] !== undefined));
  const term = pty.spawn(world.pi.command.command, [...world.pi.command.args, '--session', file], { cwd, env, name: 'xterm-256color', cols: 120, rows: 40 });
  let screen = '';
  term.onData((chunk) => (screen += chunk));
  // The earlier answer on screen means pi has loaded the file and waits for input.
  await waitFor('pi terminal UI showing the session', () => screen.includes('First answer.'), 60_000);
  return term;
}

async function closeTerminalPi(term: pty.IPty): Promise<void> {
  const exited = new Promise<void>((resolve) => term.onExit(() => resolve()));
  term.kill();
  await exited;
}

for (const pi of pisUnderTest()) {
  describe(`never a second writer (pi ${pi.version})`, () => {
    let fake: FakeLlm;
    let world: PiWorld;

    usePiWorld(pi, (f, w) => {
      fake = f;
      world = w;
    });

    it('refuses to prompt a session open in a terminal pi, and leaves the file untouched', async () => {
      const file = await world.createSession('held');
      const term = await openInTerminalPi(world, file, world.project);
      const h = createHarness(world);
      const session = h.catalog.add(file);
      try {
        const before = fs.readFileSync(file);
        const refused = await h.dispatch('send_pi_agent_rpc', { session_id: session.id, prompt: 'may I?' });
        assert.equal(refused.success, false);
        assert.equal(refused.success ? '' : refused.code, 'conflict');
        assert.match(refused.success ? '' : refused.error, new RegExp(`open in pi.*\\(pid ${term.pid}\\).*close it there or drive it from that pi`));
        assert.match(refused.success ? '' : refused.error, /Pi Sessions: Connect pi to this editor.*node dist\/cli\.js bridge install/, 'says how to connect pi');
        assert.deepEqual(h.rpc.list(), [], 'no RPC child was started');
        assert.ok(fs.readFileSync(file).equals(before), 'the session file is byte-identical');
        assert.equal(fake.requests.length, 1, 'only the request that created the session reached the model');
        fake.assertQueueEmpty();
      } finally {
        await closeTerminalPi(term);
        await h.rpc.dispose();
      }

      // Once that pi is gone, the session is ours to drive.
      await waitFor('terminal pi gone', () => !isAlive(term.pid));
      const h2 = createHarness(world);
      const again = h2.catalog.add(file);
      try {
        fake.enqueue({ text: 'Now it is my turn.' });
        const waited = data<{ final_text: string }>(await h2.dispatch('send_pi_agent_rpc', { session_id: again.id, prompt: 'now?', wait: true }));
        assert.equal(waited.final_text, 'Now it is my turn.');
        fake.assertQueueEmpty();
      } finally {
        await h2.rpc.dispose();
      }
    });

    it('does not mistake a pi on another project for a holder', async () => {
      const file = await world.createSession('free');
      const other = await world.createSession('elsewhere');
      const otherCwd = fs.mkdtempSync(`${world.root}/other-`);
      const term = await openInTerminalPi(world, other, otherCwd);
      const h = createHarness(world);
      const session = h.catalog.add(file);
      try {
        fake.enqueue({ text: 'Free to go.' });
        const waited = data<{ final_text: string }>(await h.dispatch('send_pi_agent_rpc', { session_id: session.id, prompt: 'go', wait: true }));
        assert.equal(waited.final_text, 'Free to go.');
        fake.assertQueueEmpty();
      } finally {
        await closeTerminalPi(term);
        await h.rpc.dispose();
      }
    });
  });
}
