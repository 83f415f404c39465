import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { localUserCaller } from '../../../src/core/api/callers';
import { CommandRouter } from '../../../src/core/api/router';
import { EventBus } from '../../../src/core/events';
import { silentLogger } from '../../../src/core/log';
import { createTerminalCommands } from '../../../src/core/terminals/terminalCommands';
import { type NodePtyModule, nodePtyUnavailableReason, TerminalManager } from '../../../src/core/terminals/terminalManager';

// The universal package ships without node-pty: loading it fails the way it does there, from a
// folder with no node_modules above it, through require() or through import() as the bundle does.
function requireFromNowhere(dir: string): () => Promise<NodePtyModule> {
  return async () => createRequire(path.join(dir, 'extension.js'))('node-pty') as NodePtyModule;
}

function importFromNowhere(dir: string): () => Promise<NodePtyModule> {
  const loader = path.join(dir, 'loader.mjs');
  fs.writeFileSync(loader, "export default () => import('node-pty');\n");
  return async () => ((await import(pathToFileURL(loader).href)) as { default: () => Promise<NodePtyModule> }).default();
}

describe('terminals in a package without node-pty', () => {
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'psm-nopty-'));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  for (const [how, loader] of [
    ['require', requireFromNowhere],
    ['import', importFromNowhere],
  ] as const) {
    it(`create_terminal answers not_available and says the platform has no terminal support (${how})`, async () => {
      const router = new CommandRouter(new EventBus(), silentLogger);
      const terminals = new TerminalManager({ log: silentLogger, shell: '/bin/bash', loadPty: loader(dir) });
      router.registerAll(createTerminalCommands(terminals));
      const owner = localUserCaller('test');

      const result = await router.dispatch('create_terminal', { cwd: dir }, owner);
      assert.equal(result.success, false);
      assert.equal(result.success ? '' : result.code, 'not_available');
      const message = result.success ? '' : result.error;
      assert.match(message, new RegExp(`not available on ${process.platform}-${process.arch}`));
      assert.match(message, /node-pty is not included/);
      assert.equal(terminals.size, 0);

      // The failure leaves the manager usable: a second try answers the same, and the other
      // terminal commands still answer as they would with nothing open.
      const again = await router.dispatch('create_terminal', { cwd: dir }, owner);
      assert.equal(again.success ? '' : again.code, 'not_available');
      const write = await router.dispatch('terminal_write', { id: 'nope', data: 'x' }, owner);
      assert.equal(write.success ? '' : write.code, 'not_found');
      await terminals.dispose();
    });
  }

  it('an addon that fails to load reads as a broken install, naming the cause', () => {
    const err = new Error('Failed to load native module: pty.node, checked: build/Release, build/Debug, prebuilds/linux-arm64');
    assert.equal(nodePtyUnavailableReason(err, 'linux', 'arm64'), `terminals are not available: node-pty could not load (${err.message})`);
  });

  it('another missing module is not mistaken for the package without node-pty', () => {
    const err = Object.assign(new Error("Cannot find module './lib/utils'"), { code: 'MODULE_NOT_FOUND' });
    assert.match(nodePtyUnavailableReason(err, 'linux', 'arm64'), /node-pty could not load/);
  });
});
