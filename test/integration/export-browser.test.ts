/**
 * Loads an exported HTML page of a hostile session in headless Chromium and checks that no
 * transcript payload runs, while the page's own nonce'd style and script do.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { chromium, type Browser } from 'playwright-core';
import { exportHtml } from '../../src/core/export';
import type { ParsedSession } from '../../src/shared/model/entries';
import { ALL, hostileSession } from '../unit/render/hostile';
import { makeSession } from '../unit/render/sessionFixtures';

const chromiumPath = process.env.PSM_E2E_CHROMIUM ?? '/usr/bin/chromium';
const hasChromium = fs.existsSync(chromiumPath);

const PWN = [
  '<script>window.__pwned = 1</script>',
  '<img src=x onerror="window.__pwned = 2">',
  '[click](javascript:window.__pwned=3)',
  '<svg onload="window.__pwned = 4"></svg>',
  '<iframe srcdoc="<script>parent.__pwned = 5</script>"></iframe>',
  ALL,
].join('\n\n');

/** The hostile session plus a second branch, so the navigator and its script are exercised. */
function pageSession(): ParsedSession {
  const base = hostileSession();
  const extra = makeSession([
    { type: 'message', id: 'side0001', parentId: base.entries[3]!.id, message: { role: 'user', content: PWN } },
    { type: 'message', id: 'side0002', message: { role: 'assistant', content: [{ type: 'text', text: PWN }, { type: 'toolCall', id: 'pw', name: PWN, arguments: { path: PWN } }] } },
  ]);
  // The leaf stays on the first branch, so the side branch starts hidden.
  return { ...base, entries: [...base.entries, ...extra.entries], leafId: base.leafId };
}

describe('exported HTML in a browser', { skip: hasChromium ? false : `no Chromium at ${chromiumPath}` }, () => {
  let browser: Browser;
  let dir: string;

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'psm-'));
    browser = await chromium.launch({ executablePath: chromiumPath, args: ['--no-sandbox', '--headless', '--disable-gpu'] });
  });

  after(async () => {
    await browser?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('runs no transcript script, keeps its own working, and loads nothing remote', async () => {
    const parsed = pageSession();
    const file = path.join(dir, 'export.html');
    fs.writeFileSync(file, exportHtml(parsed));
    const page = await browser.newPage();
    const dialogs: string[] = [];
    const requests: string[] = [];
    const cspViolations: string[] = [];
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    page.on('request', (r) => {
      if (!r.url().startsWith('file:') && !r.url().startsWith('data:')) requests.push(r.url());
    });
    page.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) cspViolations.push(m.text());
    });
    await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });

    // Open every fold so nothing hostile stays unparsed inside a closed <details>.
    await page.click('button[data-psm-action="expand"]');
    assert.equal(await page.locator('details:not([open])').count(), 0, 'the page script ran');

    // Switch to the other branch and back through the navigator (the page's own script).
    const sideLeaf = 'side0002';
    await page.click(`a.psm-branch-link[data-leaf-id="${sideLeaf}"]`);
    assert.equal(await page.locator('[data-entry-id="side0001"]').isVisible(), true);
    await page.click(`a.psm-branch-link[data-leaf-id="${parsed.leafId}"]`);
    assert.equal(await page.locator('[data-entry-id="side0001"]').isVisible(), false);

    // Styles applied under the CSP: off-branch entries are hidden by the stylesheet.
    assert.equal(await page.locator('.psm-off-branch').first().isVisible(), false);

    const pwned = await page.evaluate(() => (window as unknown as { __pwned?: unknown }).__pwned ?? null);
    assert.equal(pwned, null);
    assert.deepEqual(dialogs, []);
    assert.deepEqual(requests, []);
    assert.deepEqual(cspViolations, [], 'the page needs nothing its CSP forbids');
    const scripts = await page.locator('script').count();
    assert.equal(scripts, 2, 'only the data block and the page script');
    assert.equal(await page.locator('iframe, svg, object, embed').count(), 0);
    await page.close();
  });
});
