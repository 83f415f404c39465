/**
 * WCAG 2.1 A and AA, checked by axe-core in headless Chromium: the web client's sign-in,
 * list, search and a long session (every fold open), and an HTML export of that session,
 * each at a phone and a desktop size, in light and dark. Any violation fails the test.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { exportHtml } from '../../../src/core/export';
import { parseSessionFile } from '../../../src/core/sessions/parser';
import { runCli, startCliServer, tempDir, type ServerHandle } from '../../support/cliServer';
import { describeViolations, openEveryBlock, runAxe, writeA11yStore, type A11yStore } from './a11yFixtures';

const chromiumPath = '/usr/bin/chromium';
const hasChromium = fs.existsSync(chromiumPath);
const launchArgs = ['--no-sandbox', '--headless', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'];
const viewports = [
  { name: 'phone', width: 390, height: 844, isMobile: true },
  { name: 'desktop', width: 1280, height: 800, isMobile: false },
] as const;
const schemes = ['light', 'dark'] as const;

describe('accessibility (axe-core, WCAG 2.1 AA)', { skip: hasChromium ? false : `no Chromium at ${chromiumPath}` }, () => {
  let home: string;
  let store: A11yStore;
  let server: ServerHandle;
  let browser: Browser;
  let token: string;
  let exportFile: string;

  before(async () => {
    home = tempDir('psm-axe-');
    const stateDir = path.join(home, 'state');
    const agentDir = path.join(home, '.pi', 'agent');
    store = writeA11yStore(path.join(agentDir, 'sessions'));
    const created = runCli(['token', 'create', 'axe', '--scopes', 'read,write', '--state-dir', stateDir, '--agent-dir', agentDir], { HOME: home });
    assert.equal(created.status, 0, created.stderr);
    token = (JSON.parse(created.stdout) as { token: string }).token;
    server = await startCliServer({ home, stateDir, agentDir, extraArgs: ['--require-token'] });
    browser = await chromium.launch({ executablePath: chromiumPath, args: launchArgs });
    exportFile = path.join(home, 'export.html');
    fs.writeFileSync(exportFile, exportHtml(await parseSessionFile(store.long.path)));
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
    if (home) fs.rmSync(home, { recursive: true, force: true });
  });

  for (const viewport of viewports) {
    for (const scheme of schemes) {
      it(`${viewport.name}, ${scheme}: sign-in, list, search, a long session and its HTML export`, async () => {
        const context = await browser.newContext({ viewport: { width: viewport.width, height: viewport.height }, isMobile: viewport.isMobile, hasTouch: viewport.isMobile, colorScheme: scheme });
        const page = await context.newPage();
        const found: string[] = [];
        const audit = async (where: string) => {
          const violations = await runAxe(page);
          if (violations.length > 0) found.push(describeViolations(`${viewport.name}/${scheme}/${where}`, violations));
        };
        try {
          await page.goto(server.url);
          await page.locator('#token-input').waitFor();
          await audit('sign-in');
          await page.fill('#token-input', 'wrong');
          await page.click('.sign-in-form button[type="submit"]');
          await page.locator('#sign-in-error:not([hidden])').waitFor();
          await audit('sign-in refused');

          await page.fill('#token-input', token);
          await page.click('.sign-in-form button[type="submit"]');
          await page.locator('.session-row').first().waitFor();
          await page.locator('.connection[data-state="connected"]').waitFor();
          await audit('list');

          await page.goto(`${server.url}/#/search?q=${store.unnamedWord}`);
          await page.locator('.search-hit').first().waitFor();
          await audit('search');

          await page.goto(`${server.url}/#/session?path=${encodeURIComponent(store.long.path)}`);
          await page.locator('.psm-viewer-status[data-state="ready"][data-render-complete="true"]').waitFor();
          await openEveryBlock(page);
          await audit('session');
          // The find bar, open with matches highlighted.
          await page.keyboard.press('Control+f');
          await page.keyboard.type('compute');
          await page.locator('.psm-find-bar mark, .psm-find-match').first().waitFor();
          await page.locator('.psm-find-bar[data-matches]:not([data-matches="0"])').waitFor();
          await audit('session with find');
          // What a failed action says: the toast.
          await page.evaluate(() => {
            const toast = document.querySelector<HTMLElement>('.toast');
            if (toast) {
              toast.textContent = 'This token cannot rename sessions.';
              toast.dataset.kind = 'error';
              toast.hidden = false;
            }
          });
          await audit('error toast');

          await page.goto(pathToFileURL(exportFile).href);
          await page.click('button[data-psm-action="expand"]');
          await openEveryBlock(page);
          await audit('export');
        } finally {
          await context.close();
        }
        assert.equal(found.length, 0, `WCAG 2.1 AA violations:\n${found.join('\n')}`);
      });
    }
  }

  it('the reconnecting state is legible in both schemes', async () => {
    for (const scheme of schemes) {
      const context = await browser.newContext({ viewport: { width: 390, height: 844 }, colorScheme: scheme });
      const page: Page = await context.newPage();
      try {
        await page.goto(server.url);
        await page.fill('#token-input', token);
        await page.click('.sign-in-form button[type="submit"]');
        await page.locator('.connection[data-state="connected"]').waitFor();
        for (const state of ['reconnecting', 'connected']) {
          await page.evaluate((s) => {
            const el = document.querySelector<HTMLElement>('.connection')!;
            el.dataset.state = s;
            el.textContent = s === 'connected' ? 'Live' : 'Reconnecting…';
          }, state);
          const violations = (await runAxe(page)).filter((v) => v.id === 'color-contrast');
          assert.deepEqual(violations, [], describeViolations(`${scheme}/${state}`, violations));
        }
      } finally {
        await context.close();
      }
    }
  });
});
