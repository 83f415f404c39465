import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Core, type CoreOptions } from '../../../src/core/core';
import { localUserCaller } from '../../../src/core/api/callers';
import { silentLogger } from '../../../src/core/log';

function options(root: string): CoreOptions {
  return {
    agentDir: path.join(root, 'agent'),
    stateDir: path.join(root, 'state'),
    log: silentLogger,
    platform: { moveToTrash: () => Promise.reject(new Error('no trash in this test')) },
    env: { PI_CODING_AGENT_SESSION_DIR: path.join(root, 'sessions') },
    homeDir: root,
  };
}

function tempRoot(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'psm-core-open-'));
}

test('building the core touches no database; a command dispatched before start waits for them', async (t) => {
  const root = tempRoot();
  t.after(() => fs.rmSync(root, { recursive: true, force: true }));
  const core = new Core(options(root));
  try {
    assert.equal(fs.existsSync(path.join(root, 'state')), false, 'the state folder is not even created before the core opens');
    const caller = localUserCaller('test');
    const created = await core.dispatch('create_tag', { name: 'before start' }, caller);
    assert.equal(created.success, true, JSON.stringify(created));
    assert.ok(fs.existsSync(path.join(root, 'state', 'state.db')));
    await core.start();
    const listed = await core.dispatch('list_tags', {}, caller);
    assert.deepEqual(
      (listed.data as { name: string }[]).map((tag) => tag.name),
      ['before start'],
    );
  } finally {
    await core.dispose();
  }
});

test('a core disposed before it was started leaves nothing open and writes nothing', async (t) => {
  const root = tempRoot();
  t.after(() => fs.rmSync(root, { recursive: true, force: true }));
  const core = new Core(options(root));
  await core.dispose();
  assert.equal(fs.existsSync(path.join(root, 'state', 'state.db')), false);
  await core.start();
});

test('databases that cannot be opened answer commands with an error instead of hanging', async (t) => {
  const root = tempRoot();
  t.after(() => fs.rmSync(root, { recursive: true, force: true }));
  // A file where the state folder should be: nothing can be created under it.
  fs.writeFileSync(path.join(root, 'state'), '');
  const core = new Core(options(root));
  try {
    const result = await core.dispatch('list_tags', {}, localUserCaller('test'));
    assert.equal(result.success, false);
    assert.equal(result.success ? undefined : result.code, 'unavailable');
    await assert.rejects(core.start());
  } finally {
    await core.dispose();
  }
});
