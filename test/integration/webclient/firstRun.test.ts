/**
 * The web client on a first run and on the demo store, in headless Chromium against a real
 * `node dist/cli.js serve`: an empty store says which folders are watched and how pi fills
 * them; a demo store says "Demo sessions" in the top bar.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { chromium, type Browser } from 'playwright-core';
import { startCliServer, tempDir, type ServerHandle } from '../../support/cliServer';

const chromiumPath = '/usr/bin/chromium';
const hasChromium = fs.existsSync(chromiumPath);
const launchArgs = ['--no-sandbox', '--headless', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-dev-shm-usage'];

describe('web client: first run and demo', { skip: hasChromium ? false : 'chromium is not installed' }, () => {
  let browser: Browser;
  const servers: ServerHandle[] = [];

  before(async () => {
    browser = await chromium.launch({ executablePath: chromiumPath, args: launchArgs });
  });
  after(async () => {
    await browser?.close();
    for (const s of servers) await s.stop();
  });

  it('an empty store lists the watched folder, says how pi fills it and points to the demo', async () => {
    const home = fs.realpathSync(tempDir('psm-firstrun-home-'));
    const server = await startCliServer({ home });
    servers.push(server);
    const page = await browser.newPage();
    await page.goto(server.url);
    const firstRun = page.locator('.first-run');
    await firstRun.waitFor({ state: 'visible', timeout: 20_000 });
    const text = await firstRun.innerText();
    assert.ok(text.includes(path.join(server.agentDir, 'sessions')), text);
    assert.match(text, /pi's default folder/);
    assert.match(text, /run `pi` in a project/);
    assert.match(text, /serve --demo/);
    assert.equal(await page.locator('.screen-list .list-summary').innerText(), 'No pi sessions yet.');
    assert.equal(await page.locator('.demo-badge').isVisible(), false);
    await page.close();
  });

  it('the demo store shows its sessions under a "Demo sessions" badge', async () => {
    const home = fs.realpathSync(tempDir('psm-firstrun-demo-'));
    const server = await startCliServer({ home, demoDir: path.join(home, 'demo') });
    servers.push(server);
    const page = await browser.newPage();
    await page.goto(server.url);
    await page.locator('.session-row').first().waitFor({ timeout: 20_000 });
    const badge = page.locator('.demo-badge');
    await badge.waitFor({ state: 'visible' });
    assert.equal(await badge.innerText(), 'Demo sessions');
    assert.equal(await page.locator('.session-row').count(), 10);
    assert.equal(await page.locator('.first-run').isVisible(), false);
    await page.close();
  });
});
