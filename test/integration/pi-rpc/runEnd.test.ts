import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { SendPromptResult } from '../../../src/shared/model/pi';
import { FakeLlm } from '../../support/fakeLlm';
import { createHarness, data, isPi16, pisUnderTest, PiWorld, waitFor, usePiWorld } from './harness';

/** A user-level extension with a command that answers without asking the model. */
const pingExtension = `
export default function (pi) {
  pi.registerCommand('ping', { description: 'answers without the model', handler: async () => {} });
}
`;

for (const pi of pisUnderTest()) {
  describe(`where a run ends (pi ${pi.version})`, () => {
    let fake: FakeLlm;
    let world: PiWorld;

    usePiWorld(pi, (f, w) => {
      fake = f;
      world = w;
      // Agent-level retries on, with a short back-off; the provider itself never retries.
      fs.writeFileSync(
        path.join(world.agentDir, 'settings.json'),
        JSON.stringify({ retry: { enabled: true, maxRetries: 2, baseDelayMs: 10, maxAgentDelayMs: 50, provider: { maxRetries: 0 } } }),
      );
      fs.mkdirSync(path.join(world.agentDir, 'extensions'));
      fs.writeFileSync(path.join(world.agentDir, 'extensions', 'ping.js'), pingExtension);
    });

    if (isPi16(pi)) {
      it('streams an auto-retry as part of one run that ends at agent_settled', async () => {
        const file = await world.createSession('retry');
        const h = createHarness(world);
        const session = h.catalog.add(file);
        try {
          fake.enqueue({ httpStatus: 503, body: JSON.stringify({ error: { message: 'overloaded, try again' } }) }, { text: 'Second time lucky.' });
          const waited = data<SendPromptResult>(await h.dispatch('send_pi_agent_rpc', { session_id: session.id, prompt: 'flaky', wait: true }));
          assert.equal(waited.disposition, 'started');
          assert.equal(waited.final_text, 'Second time lucky.');
          assert.equal(waited.stop_reason, 'stop');
          fake.assertQueueEmpty();

          const kinds = h.runEvents(waited.run_id).map((e) => e.kind);
          assert.equal(kinds.filter((k) => k === 'agent_end').length, 1, 'one end per run');
          assert.equal(kinds.at(-1), 'agent_end');
          assert.ok(!kinds.includes('error'), 'a failure that was retried is no error of the run');
          const attempts = h.runEvents(waited.run_id).filter((e) => e.kind === 'attempt_end');
          assert.equal(attempts.length, 2, 'the failed attempt and the good one');
          assert.deepEqual(
            attempts.map((e) => [e.data.stop_reason, e.data.will_retry]),
            [
              ['error', true],
              ['stop', false],
            ],
          );
          assert.equal(h.rpc.list()[0].streaming, false);
        } finally {
          await h.rpc.dispose();
        }
      });

      it('answers a prompt pi handles itself at once, and stays ready', async () => {
        const file = await world.createSession('handled');
        const h = createHarness(world);
        const session = h.catalog.add(file);
        try {
          const handled = data<SendPromptResult>(await h.dispatch('send_pi_agent_rpc', { session_id: session.id, prompt: '/ping', wait: true }));
          assert.equal(handled.disposition, 'handled');
          assert.equal(handled.final_text, '');
          assert.equal(h.rpc.list()[0].streaming, false, 'no run is left busy');
          const end = h.runEvents(handled.run_id).find((e) => e.kind === 'agent_end');
          assert.equal(end?.data.handled, true);

          const handledAsync = data<SendPromptResult>(await h.dispatch('send_pi_agent_rpc', { session_id: session.id, prompt: '/ping again' }));
          assert.equal(handledAsync.disposition, 'handled');
          assert.equal(h.rpc.list()[0].streaming, false);

          fake.enqueue({ text: 'Still here.' });
          const next = data<SendPromptResult>(await h.dispatch('send_pi_agent_rpc', { session_id: session.id, prompt: 'hello?', wait: true }));
          assert.equal(next.final_text, 'Still here.');
          fake.assertQueueEmpty();
        } finally {
          await h.rpc.dispose();
        }
      });
    }

    it('ends a plain run once, with its final text', async () => {
      const file = await world.createSession('plain');
      const h = createHarness(world);
      const session = h.catalog.add(file);
      try {
        fake.enqueue({ text: 'Just this.' });
        const started = data<SendPromptResult>(await h.dispatch('send_pi_agent_rpc', { session_id: session.id, prompt: 'one' }));
        assert.equal(started.disposition, 'started');
        const end = await waitFor('agent_end', () => h.runEvents(started.run_id).find((e) => e.kind === 'agent_end'));
        assert.equal(end.data.final_text, 'Just this.');
        assert.equal(end.data.handled, false);
        await waitFor('not streaming', () => h.rpc.list()[0]?.streaming === false);
        fake.assertQueueEmpty();
      } finally {
        await h.rpc.dispose();
      }
    });
  });
}
