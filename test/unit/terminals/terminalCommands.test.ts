import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { localUserCaller } from '../../../src/core/api/callers';
import { CommandRouter } from '../../../src/core/api/router';
import type { Caller, DispatchResult } from '../../../src/core/api/types';
import { EventBus, type PublishedEvent } from '../../../src/core/events';
import { silentLogger } from '../../../src/core/log';
import { createTerminalCommands } from '../../../src/core/terminals/terminalCommands';
import { TerminalManager, type TerminalManagerOptions } from '../../../src/core/terminals/terminalManager';

async function waitFor<T>(what: string, probe: () => T | undefined | false, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function ok(result: DispatchResult): Record<string, unknown> {
  assert.equal(result.success, true, result.success ? '' : `${result.code}: ${result.error}`);
  return result.data as Record<string, unknown>;
}

/**
 * The shells start in an empty home: the machine's own ~/.bashrc (a version manager's
 * init, say) is not part of what these tests check, and one that hangs would hang them.
 */
const shellHome = fs.mkdtempSync(path.join(os.tmpdir(), 'psm-term-home-'));
after(() => fs.rmSync(shellHome, { recursive: true, force: true }));

function setup(options: Partial<TerminalManagerOptions> = {}) {
  const bus = new EventBus();
  const router = new CommandRouter(bus, silentLogger);
  const terminals = new TerminalManager({ log: silentLogger, shell: '/bin/bash', env: { ...process.env, HOME: shellHome }, ...options });
  router.registerAll(createTerminalCommands(terminals));
  const events: PublishedEvent[] = [];
  bus.subscribe((e) => events.push(e));
  const outputOf = (callerId: string, id: string) =>
    events
      .filter((e) => e.target === callerId && e.name === 'terminal-output' && (e.payload as { id: string }).id === id)
      .map((e) => (e.payload as { data: string }).data)
      .join('');
  const exitOf = (id: string) => events.find((e) => e.name === 'terminal-exit' && (e.payload as { id: string }).id === id);
  return { bus, router, terminals, events, outputOf, exitOf };
}

describe('terminal commands', () => {
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'psm-term-'));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('runs a command and sends the output to the owner only; close ends the shell', async () => {
    const t = setup();
    const owner = localUserCaller('test');
    const created = ok(await t.router.dispatch('create_terminal', { cwd: dir, cols: 100, rows: 30 }, owner));
    const id = created.id as string;
    const pid = created.pid as number;
    ok(await t.router.dispatch('terminal_write', { id, data: 'echo "hel""lo from $PWD"\r' }, owner));
    await waitFor('echo output', () => t.outputOf(owner.id, id).includes(`hello from ${dir}`));
    assert.ok(t.events.filter((e) => e.name === 'terminal-output').every((e) => e.target === owner.id));

    ok(await t.router.dispatch('terminal_close', { id }, owner));
    assert.equal(isAlive(pid), false);
    const exit = t.exitOf(id);
    assert.ok(exit, 'terminal-exit was sent');
    assert.equal(exit.target, owner.id);
    assert.equal(t.terminals.size, 0);
    await t.terminals.dispose();
  });

  it('resizes: stty size shows the new size', async () => {
    const t = setup();
    const owner = localUserCaller('test');
    const { id } = ok(await t.router.dispatch('terminal_create', { cwd: dir }, owner)) as { id: string };
    ok(await t.router.dispatch('terminal_resize', { id, cols: 123, rows: 45 }, owner));
    ok(await t.router.dispatch('terminal_write', { id, data: 'stty size\r' }, owner));
    await waitFor('stty output', () => /\b45 123\b/.test(t.outputOf(owner.id, id)));
    await t.terminals.dispose();
  });

  it('refuses callers without the terminal scope', async () => {
    const t = setup();
    const reader: Caller = { id: 'remote-reader', transport: 'http', scopes: new Set(['read', 'write']), isLocal: false };
    const result = await t.router.dispatch('create_terminal', { cwd: dir }, reader);
    assert.equal(result.success, false);
    assert.equal(result.success ? '' : result.code, 'forbidden');
    assert.equal(t.terminals.size, 0);
  });

  it('hides terminals from other clients', async () => {
    const t = setup();
    const owner = localUserCaller('test');
    const other = localUserCaller('test');
    const { id } = ok(await t.router.dispatch('create_terminal', { cwd: dir }, owner)) as { id: string };
    const result = await t.router.dispatch('terminal_write', { id, data: 'echo hi\r' }, other);
    assert.equal(result.success ? '' : result.code, 'not_found');
    await t.terminals.dispose();
  });

  it('enforces the cap on open terminals', async () => {
    const t = setup({ maxTerminals: 2 });
    const owner = localUserCaller('test');
    ok(await t.router.dispatch('create_terminal', { cwd: dir }, owner));
    ok(await t.router.dispatch('create_terminal', { cwd: dir }, owner));
    const third = await t.router.dispatch('create_terminal', { cwd: dir }, owner);
    assert.equal(third.success, false);
    assert.equal(third.success ? '' : third.code, 'conflict');
    assert.match(third.success ? '' : third.error, /too many open terminals/);
    await t.terminals.dispose();
    assert.equal(t.terminals.size, 0);
  });

  it('kills the terminals of a client that disconnected, after the grace period', async () => {
    const t = setup({ disconnectGraceMs: 100 });
    const owner = localUserCaller('test');
    const keeper = localUserCaller('test');
    const gone = ok(await t.router.dispatch('create_terminal', { cwd: dir }, owner));
    const kept = ok(await t.router.dispatch('create_terminal', { cwd: dir }, keeper));
    t.terminals.onClientDisconnected(owner.id);
    await waitFor('terminal-exit of the orphan', () => t.exitOf(gone.id as string));
    assert.equal(isAlive(gone.pid as number), false);
    assert.equal(isAlive(kept.pid as number), true);
    await t.terminals.dispose();
    assert.equal(isAlive(kept.pid as number), false);
  });

  it('closes a terminal that idles too long', async () => {
    const t = setup({ idleTimeoutMs: 300 });
    const owner = localUserCaller('test');
    const created = ok(await t.router.dispatch('create_terminal', { cwd: dir }, owner));
    await waitFor('idle close', () => t.exitOf(created.id as string));
    assert.equal(isAlive(created.pid as number), false);
  });

  it('gives a clear error for a folder that does not exist, or a relative one', async () => {
    const t = setup();
    const owner = localUserCaller('test');
    const missing = await t.router.dispatch('create_terminal', { cwd: path.join(dir, 'nope') }, owner);
    assert.equal(missing.success ? '' : missing.code, 'not_found');
    assert.match(missing.success ? '' : missing.error, /no such folder: .*nope/);
    const relative = await t.router.dispatch('create_terminal', { cwd: 'some/where' }, owner);
    assert.equal(relative.success ? '' : relative.code, 'invalid_payload');
    assert.equal(t.terminals.size, 0);
  });
});
