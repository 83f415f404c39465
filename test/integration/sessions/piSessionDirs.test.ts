import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startCliServer, tempDir, type ServerHandle } from '../../support/cliServer';
import { callApi } from '../../support/httpClient';
import { FakeLlm } from '../../support/fakeLlm';
import { PiWorld, pisUnderTest, type PiUnderTest } from '../pi-rpc/harness';
import type { SessionInfo } from '../../../src/shared/model/sessionInfo';
import type { SessionDir } from '../../../src/shared/model/sessionDirs';

/**
 * The real pi 1.6 picks a session folder (project `.pi/settings.json` `sessionDir`, relative to
 * the project; `PI_CODING_AGENT_SESSION_DIR`), writes a session there, and the real server
 * started in that project finds it by the same rules.
 */

function installedPi16(): PiUnderTest | undefined {
  try {
    return pisUnderTest().find((p) => !p.version.startsWith('0.'));
  } catch {
    return undefined;
  }
}

const pi16 = installedPi16();

/** `pi -p hello` in `cwd`, with pi choosing the session file itself. */
function runPiPrint(world: PiWorld, cwd: string, env: NodeJS.ProcessEnv = {}): Promise<void> {
  world.fake.enqueue({ text: 'Hello back.' });
  return new Promise((resolve, reject) => {
    const child = execFile(world.pi.command.command, [...world.pi.command.args, '-p', 'hello'], { cwd, env: { ...world.env, ...env }, timeout: 60_000 }, (err, _out, stderr) =>
      err ? reject(new Error(`pi -p failed: ${stderr}`)) : resolve(),
    );
    child.stdin?.end();
  });
}

const jsonlIn = (dir: string) => (fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith('.jsonl')).map((f) => path.join(dir, f)) : []);

describe('session folders follow pi 1.6 (real pi, real server)', { skip: pi16 ? false : 'pi 1.6 is not installed under .tools' }, () => {
  let fake: FakeLlm;
  let world: PiWorld;
  let server: ServerHandle | undefined;

  before(async () => {
    fake = await FakeLlm.start();
    world = new PiWorld(fake, pi16!);
  });
  after(async () => {
    await server?.stop();
    world.cleanup();
    await fake.close();
  });

  test('a relative sessionDir in the project settings: pi writes flat into the project, the server lists it with the reason', async () => {
    fs.mkdirSync(path.join(world.project, '.pi'), { recursive: true });
    fs.writeFileSync(path.join(world.project, '.pi', 'settings.json'), JSON.stringify({ sessionDir: '.pi/sessions' }));
    // No trust decision: pi reads sessionDir before trust, so this untrusted project still moves the folder.
    await runPiPrint(world, world.project);
    const folder = path.join(world.project, '.pi', 'sessions');
    const written = jsonlIn(folder);
    assert.equal(written.length, 1, 'pi wrote one file straight into the folder (no per-cwd subfolder)');
    assert.equal(jsonlIn(path.join(world.agentDir, 'sessions')).length, 0, 'nothing in the default folder');

    server = await startCliServer({ home: fs.realpathSync(tempDir('psm-dirs-home-')), agentDir: world.agentDir, cwd: world.project });
    const target = { host: server.host, port: server.port };
    const dirs = (await callApi<SessionDir[]>(target, 'get_all_session_dirs', { detailed: true })).envelope.data;
    const projectDir = dirs.find((d) => d.source === 'project-settings');
    assert.ok(projectDir, JSON.stringify(dirs));
    assert.equal(projectDir.path, fs.realpathSync(folder));
    assert.equal(projectDir.exists, true);
    assert.equal(projectDir.cwd, fs.realpathSync(world.project));
    assert.match(projectDir.why ?? '', /sessionDir "\.pi\/sessions" in .*project\/\.pi\/settings\.json, relative to /);
    assert.ok(dirs.some((d) => d.source === 'pi-default'), 'other projects still come from the default folder');

    const sessions = (await callApi<SessionInfo[]>(target, 'scan_sessions', {})).envelope.data;
    assert.deepEqual(sessions.map((s) => s.path), [fs.realpathSync(written[0]!)]);
    assert.equal(sessions[0]!.first_message, 'hello');
    await server.stop();
    server = undefined;
  });

  test('PI_CODING_AGENT_SESSION_DIR beats the project setting for pi and for the server alike', async () => {
    const envDir = path.join(world.root, 'from-env');
    await runPiPrint(world, world.project, { PI_CODING_AGENT_SESSION_DIR: envDir });
    const written = jsonlIn(envDir);
    assert.equal(written.length, 1);

    server = await startCliServer({ home: fs.realpathSync(tempDir('psm-dirs-home-')), agentDir: world.agentDir, cwd: world.project, env: { PI_CODING_AGENT_SESSION_DIR: envDir } });
    const target = { host: server.host, port: server.port };
    const dirs = (await callApi<SessionDir[]>(target, 'get_all_session_dirs', { detailed: true })).envelope.data;
    assert.deepEqual(dirs.map((d) => [d.source, d.path]), [['env', envDir]]);
    const sessions = (await callApi<SessionInfo[]>(target, 'scan_sessions', {})).envelope.data;
    assert.deepEqual(sessions.map((s) => s.path), [fs.realpathSync(written[0]!)]);
  });
});
