import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { FakeLlm } from '../../support/fakeLlm';
import { createHarness, pisUnderTest, PiWorld, usePiWorld } from './harness';

for (const pi of pisUnderTest()) {
  describe(`a prompt pi refuses (pi ${pi.version})`, () => {
    let fake: FakeLlm;
    let world: PiWorld;

    usePiWorld(pi, (f, w) => {
      fake = f;
      world = w;
    });

    it('reports the failure of the prompt response', async () => {
      const file = await world.createSession('no-model');
      // An agent dir without any model: pi accepts the prompt, then fails it.
      const emptyAgentDir = path.join(world.root, 'empty-agent');
      fs.mkdirSync(emptyAgentDir);
      const h = createHarness(world, { env: { ...world.env, PI_CODING_AGENT_DIR: emptyAgentDir } });
      const session = h.catalog.add(file);
      try {
        const waited = await h.dispatch('send_pi_agent_rpc', { session_id: session.id, prompt: 'anyone there?', wait: true });
        assert.equal(waited.success, false);
        assert.equal(waited.success ? '' : waited.code, 'unavailable');
        assert.match(waited.success ? '' : waited.error, /pi reported an error: No API key found for the selected model/);

        const refused = await h.dispatch('send_pi_agent_rpc', { session_id: session.id, prompt: 'again?' });
        assert.match(refused.success ? '' : refused.error, /pi reported an error: No API key/);
        const errors = h.events.filter((e) => e.name === 'pi-rpc-event' && (e.payload as { kind: string }).kind === 'error');
        assert.equal(errors.length, 2, 'each refused run also ends with an error event');
        assert.ok(errors.every((e) => e.target === h.caller.id));
        assert.equal(h.rpc.list()[0]?.streaming, false, 'the child stays, ready for the next prompt');
        fake.assertQueueEmpty();
      } finally {
        await h.rpc.dispose();
      }
    });
  });
}
