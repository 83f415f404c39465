/**
 * The recent-growth rule through the real server: `cli.js serve` on a real port, a session
 * file on disk, and real pi 1.6 as the RPC child (found on PATH, as users have it).
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startCliServer, tempDir, type ServerHandle } from '../../support/cliServer';
import { FakeLlm, writeFakeAgentDir } from '../../support/fakeLlm';
import { callApi } from '../../support/httpClient';
import { ageSessionFile } from '../../support/sessionAge';
import { writeSession, type ExpectedSession } from '../../support/sessionGenerator';
import { isPi16, pisUnderTest } from './harness';

const pi = pisUnderTest().find(isPi16)!;

describe(`a session that grew a moment ago, through the server (pi ${pi.version})`, () => {
  let home: string;
  let fake: FakeLlm;
  let server: ServerHandle;
  let session: ExpectedSession;
  let target: { host: string; port: number };

  before(async () => {
    home = tempDir('psm-growth-server-');
    fake = await FakeLlm.start();
    const agentDir = path.join(home, '.pi', 'agent');
    writeFakeAgentDir(agentDir, fake.baseUrl);
    const project = path.join(home, 'project');
    fs.mkdirSync(project);
    // The server starts `pi`: a wrapper on PATH runs the pi under test.
    const bin = path.join(home, 'bin');
    fs.mkdirSync(bin);
    const quoted = [pi.command.command, ...pi.command.args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
    fs.writeFileSync(path.join(bin, 'pi'), `#!/bin/sh\nexec ${quoted} "$@"\n`, { mode: 0o755 });
    session = writeSession(path.join(agentDir, 'sessions'), { cwd: project, seed: 5, turns: 1, startMs: Date.now() - 3_600_000 });
    server = await startCliServer({ home, agentDir, env: { PATH: `${bin}:${process.env.PATH ?? ''}`, PI_OFFLINE: '1' } });
    target = { host: server.host, port: server.port };
    assert.ok((await callApi(target, 'scan_sessions')).envelope.success);
  });

  after(async () => {
    await server?.stop();
    await fake?.close();
    if (home) fs.rmSync(home, { recursive: true, force: true });
  });

  it('refuses a file written just now with conflict and the reason, then drives it once it is old', async () => {
    const before = fs.readFileSync(session.path);
    const refused = await callApi(target, 'send_pi_agent_rpc', { session_id: session.id, prompt: 'are you free?', wait: true });
    assert.equal(refused.envelope.code, 'conflict', JSON.stringify(refused.envelope));
    assert.match(refused.envelope.error ?? '', /was written to \d+ s ago by a pi this editor does not see/);
    assert.match(refused.envelope.error ?? '', /Connect pi to this editor/);
    assert.ok(fs.readFileSync(session.path).equals(before), 'the file is untouched');
    assert.equal(fake.requests.length, 0, 'no pi was started');
    const live = await callApi<Array<{ session_id: string; detected_by: string }>>(target, 'get_pi_live_sessions');
    assert.deepEqual(live.envelope.data?.filter((l) => l.session_id === session.id).map((l) => l.detected_by), ['file-activity']);

    // Long quiet: no pi is writing it, so our own RPC child takes the prompt.
    ageSessionFile(session.path);
    fake.enqueue({ text: 'Free now.' });
    const waited = await callApi<{ final_text: string; via: string }>(target, 'send_pi_agent_rpc', { session_id: session.id, prompt: 'and now?', wait: true });
    assert.equal(waited.envelope.success, true, JSON.stringify(waited.envelope));
    assert.equal(waited.envelope.data?.final_text, 'Free now.');
    assert.equal(waited.envelope.data?.via, 'rpc');
    assert.ok(fs.readFileSync(session.path, 'utf8').includes('and now?'), 'pi wrote the prompt to the file');
    fake.assertQueueEmpty();
  });
});
