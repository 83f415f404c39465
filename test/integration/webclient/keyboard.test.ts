/**
 * The web client with a keyboard only, and what a screen reader is told: focus lands on the
 * new screen's heading and back on the row it came from, a skip link, one h1 per screen,
 * named messages and output regions, no controls inside tool-call headers, long unbroken
 * text wrapping at 320 px, new messages announced, and the first-use fixes (how to get a
 * token, a failed open, unnamed search hits).
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { runCli, startCliServer, tempDir, type ServerHandle } from '../../support/cliServer';
import { openEveryBlock, writeA11yStore, type A11yStore } from './a11yFixtures';
import { appendUserMessage } from './fixtures';

const chromiumPath = '/usr/bin/chromium';
const hasChromium = fs.existsSync(chromiumPath);
const launchArgs = ['--no-sandbox', '--headless', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'];
const liveTimeout = 20_000;

/** What has focus, in a form an assertion message can show. */
async function focused(page: Page): Promise<{ tag: string; id: string; cls: string; text: string; path: string | null; href: string | null }> {
  return page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    return {
      tag: el?.tagName.toLowerCase() ?? '',
      id: el?.id ?? '',
      cls: el?.className ?? '',
      text: (el?.textContent ?? '').trim().slice(0, 120),
      path: el?.getAttribute('data-path') ?? null,
      href: el?.getAttribute('href') ?? null,
    };
  });
}

/** Visible h1 elements: one per screen. */
async function visibleH1s(page: Page): Promise<string[]> {
  return page.locator('h1').evaluateAll((els) => els.filter((e) => !e.closest('[hidden]')).map((e) => (e.textContent ?? '').trim()));
}

describe('web client by keyboard', { skip: hasChromium ? false : `no Chromium at ${chromiumPath}` }, () => {
  let home: string;
  let store: A11yStore;
  let server: ServerHandle;
  let browser: Browser;
  let token: string;

  before(async () => {
    home = tempDir('psm-keys-');
    const stateDir = path.join(home, 'state');
    const agentDir = path.join(home, '.pi', 'agent');
    store = writeA11yStore(path.join(agentDir, 'sessions'));
    const created = runCli(['token', 'create', 'keys', '--scopes', 'read,write', '--state-dir', stateDir, '--agent-dir', agentDir], { HOME: home });
    assert.equal(created.status, 0, created.stderr);
    token = (JSON.parse(created.stdout) as { token: string }).token;
    server = await startCliServer({ home, stateDir, agentDir, extraArgs: ['--require-token'] });
    browser = await chromium.launch({ executablePath: chromiumPath, args: launchArgs });
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
    if (home) fs.rmSync(home, { recursive: true, force: true });
  });

  async function signIn(page: Page): Promise<void> {
    await page.goto(server.url);
    await page.locator('#token-input').waitFor();
    await page.keyboard.type(token);
    await page.keyboard.press('Enter');
    await page.locator('.session-row').first().waitFor();
  }

  it('sign-in, open, back, search hit, find: focus follows every screen change', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    try {
      await page.goto(server.url);
      await page.locator('#token-input').waitFor();
      // First use: the page says where a token comes from, and the field is ready to type into.
      const help = await page.locator('.sign-in-form').innerText();
      assert.match(help, /Pi Sessions: Create API Token/);
      assert.match(help, /token create/);
      assert.equal((await focused(page)).id, 'token-input');
      assert.deepEqual(await visibleH1s(page), ['Pi Sessions']);

      // Sign-in → the list's heading.
      await page.keyboard.type(token);
      await page.keyboard.press('Enter');
      await page.locator('.session-row').first().waitFor();
      await page.waitForFunction(() => document.activeElement?.id === 'list-heading');
      assert.deepEqual(await visibleH1s(page), ['Sessions']);

      // The skip link is the first tab stop and leads to the screen's heading.
      // Start from the top of the page, as after a load: a focused node removed there.
      await page.evaluate(() => {
        const start = document.createElement('span');
        start.tabIndex = -1;
        document.body.prepend(start);
        start.focus();
        start.remove();
      });
      await page.keyboard.press('Tab');
      assert.equal((await focused(page)).cls, 'skip-link');
      await page.keyboard.press('Enter');
      assert.equal((await focused(page)).id, 'list-heading');

      // Open a session from its row → the session's heading, the screen's only h1.
      const row = `.session-row[data-path="${store.long.path}"]`;
      await page.focus(row);
      await page.keyboard.press('Enter');
      await page.locator('.psm-viewer-status[data-state="ready"]').waitFor();
      let now = await focused(page);
      assert.equal(now.tag, 'h1', JSON.stringify(now));
      assert.equal(now.text, 'A long session');
      assert.deepEqual(await visibleH1s(page), ['A long session']);

      // Find: Ctrl+F into the field, Escape gives focus back to where it was.
      await page.keyboard.press('Control+f');
      assert.equal((await focused(page)).cls, 'psm-find-input');
      await page.keyboard.type('compute');
      await page.keyboard.press('Escape');
      now = await focused(page);
      assert.equal(now.tag, 'h1', `after closing find: ${JSON.stringify(now)}`);

      // Back (the link before the heading) → the row the session was opened from.
      await page.keyboard.press('Shift+Tab');
      assert.match((await focused(page)).cls, /back-link/);
      await page.keyboard.press('Enter');
      await page.locator('.screen-list:not([hidden])').waitFor();
      await page.waitForFunction((p) => document.activeElement?.getAttribute('data-path') === p, store.long.path);

      // "/" → search; a hit opens its session at the heading; Back returns to the hit.
      await page.keyboard.press('/');
      await page.locator('.screen-search:not([hidden])').waitFor();
      assert.match((await focused(page)).cls, /search-input/);
      await page.keyboard.type(store.unnamedWord);
      const hit = page.locator('.search-hit').first();
      await hit.waitFor();
      const hitHref = await hit.getAttribute('href');
      await hit.focus();
      await page.keyboard.press('Enter');
      await page.locator('.psm-viewer-status[data-state="ready"]').waitFor();
      now = await focused(page);
      assert.equal(now.tag, 'h1', JSON.stringify(now));
      await page.goBack();
      await page.locator('.screen-search:not([hidden])').waitFor();
      await page.waitForFunction((href) => document.activeElement?.getAttribute('href') === href, hitHref);
    } finally {
      await context.close();
    }
  });

  it('messages are named regions, tool headers hold no controls, outputs scroll by keyboard', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    try {
      await signIn(page);
      await page.goto(`${server.url}/#/session?path=${encodeURIComponent(store.long.path)}`);
      await page.locator('.psm-viewer-status[data-state="ready"][data-render-complete="true"]').waitFor();
      await openEveryBlock(page);
      const facts = await page.evaluate(() => {
        const articles = Array.from(document.querySelectorAll('.psm-conversation article'));
        const summaries = Array.from(document.querySelectorAll('.psm-conversation summary'));
        const outputs = Array.from(document.querySelectorAll<HTMLElement>('.psm-conversation .psm-output'));
        const fileLinks = Array.from(document.querySelectorAll<HTMLElement>('.psm-conversation .file-link'));
        return {
          articles: articles.length,
          unnamed: articles.filter((a) => !a.getAttribute('aria-label')).length,
          names: articles.slice(0, 3).map((a) => a.getAttribute('aria-label')),
          nested: summaries.filter((s) => s.querySelector('a[href], button, input, select, textarea, [tabindex], [role="link"]')).map((s) => s.outerHTML.slice(0, 300)),
          outputs: outputs.length,
          badOutputs: outputs.filter((o) => o.tabIndex !== 0 || o.getAttribute('role') !== 'region' || !o.getAttribute('aria-label')).map((o) => o.outerHTML.slice(0, 200)),
          fileLinks: fileLinks.length,
          // In a browser nothing opens files, so a path is text, not a link that does nothing.
          fileLinkStops: fileLinks.filter((l) => l.hasAttribute('tabindex') || l.getAttribute('role') === 'link' || l.hasAttribute('href')).length,
        };
      });
      assert.ok(facts.articles > 20, `articles: ${facts.articles}`);
      assert.equal(facts.unnamed, 0);
      assert.match(facts.names[0] ?? '', /^(User|Assistant) message, /);
      assert.deepEqual(facts.nested, [], 'no control inside a summary');
      assert.ok(facts.outputs > 5);
      assert.deepEqual(facts.badOutputs, []);
      assert.ok(facts.fileLinks > 0);
      assert.equal(facts.fileLinkStops, 0);

      // Tab reaches an output; the arrow keys scroll it.
      const output = page.locator('.psm-conversation .psm-output').filter({ hasText: 'compute(input)' }).first();
      const handle = await output.elementHandle();
      const before = await output.evaluate((el) => el.scrollTop);
      // Chromium animates keyboard scrolling, so the offset moves over several frames; on a
      // busy machine a key can also land before the focus has. A user would press it again.
      let scrolled = false;
      for (let attempt = 0; attempt < 3 && !scrolled; attempt++) {
        await output.focus();
        await page.keyboard.press('PageDown');
        scrolled = await page
          .waitForFunction(([el, start]) => (el as HTMLElement).scrollTop > start, [handle, before] as const, { timeout: 3000 })
          .then(() => true, () => false);
      }
      const where = await output.evaluate((el) => ({
        focused: document.activeElement === el,
        active: document.activeElement?.outerHTML.slice(0, 120),
        scrollTop: el.scrollTop,
        scrollHeight: el.scrollHeight,
        clientHeight: el.clientHeight,
      }));
      assert.ok(scrolled, `the output scrolled: ${JSON.stringify(where)}`);
    } finally {
      await context.close();
    }
  });

  it('long unbroken paths, rules and code wrap at 320 px', async () => {
    const context = await browser.newContext({ viewport: { width: 320, height: 640 }, isMobile: true, hasTouch: true });
    const page = await context.newPage();
    try {
      await signIn(page);
      await page.goto(`${server.url}/#/session?path=${encodeURIComponent(store.long.path)}`);
      await page.locator('.psm-viewer-status[data-state="ready"][data-render-complete="true"]').waitFor();
      await openEveryBlock(page);
      const wide = await page.evaluate(() => {
        const scroller = document.querySelector<HTMLElement>('.psm-viewer-scroll')!;
        const limit = scroller.getBoundingClientRect().right + 1;
        const overflowing = Array.from(document.querySelectorAll<HTMLElement>('.psm-conversation *'))
          .filter((el) => el.getBoundingClientRect().right > limit && !el.closest('pre'))
          .slice(0, 5)
          .map((el) => `${el.tagName.toLowerCase()}.${el.className}`);
        return { page: document.documentElement.scrollWidth, scroller: scroller.scrollWidth - scroller.clientWidth, overflowing };
      });
      assert.ok(wide.page <= 320, `page width ${wide.page}`);
      assert.equal(wide.scroller, 0, `the viewer scrolls sideways: ${wide.overflowing.join(', ')}`);
      assert.deepEqual(wide.overflowing, []);
    } finally {
      await context.close();
    }
  });

  it('a followed session announces new messages politely', async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    const page = await context.newPage();
    try {
      await signIn(page);
      const target = store.others[1]!;
      await page.goto(`${server.url}/#/session?path=${encodeURIComponent(target.path)}`);
      await page.locator('.psm-viewer-status[data-state="ready"]').waitFor();
      const live = page.locator('.psm-viewer-live');
      assert.equal(await live.getAttribute('aria-live'), 'polite');
      appendUserMessage(target.path, target.leaf_id, 'announce1', 'A message written while the page follows');
      await page.locator('.psm-conversation', { hasText: 'A message written while the page follows' }).waitFor({ timeout: liveTimeout });
      await page.waitForFunction(() => /New user message/.test(document.querySelector('.psm-viewer-live')?.textContent ?? ''));
    } finally {
      await context.close();
    }
  });

  it('a row keeps the keyboard focus while another session changes and the list is rebuilt', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    try {
      await signIn(page);
      const row = page.locator(`.session-row[data-path="${store.long.path}"]`);
      await row.focus();
      const before = await row.elementHandle();
      const other = store.others[1]!;
      appendUserMessage(other.path, other.leaf_id, 'refocus1', 'A change elsewhere while a row has the focus');
      // The list rebuilds its rows on the change: the focused row's element is replaced.
      await page.waitForFunction((el) => !el?.isConnected, before, { timeout: liveTimeout });
      const now = await focused(page);
      assert.equal(now.path, store.long.path, `focus after the rebuild: ${JSON.stringify(now)}`);
      await page.keyboard.press('Enter');
      await page.locator('.psm-viewer-status[data-state="ready"]').waitFor();
      assert.equal((await focused(page)).text, 'A long session');
    } finally {
      await context.close();
    }
  });

  it('a session that fails to open clears the previous one, and unnamed hits read as their title', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    try {
      await signIn(page);
      await page.goto(`${server.url}/#/session?path=${encodeURIComponent(store.others[0]!.path)}`);
      await page.locator('.psm-viewer-status[data-state="ready"]').waitFor();
      assert.equal(await page.locator('.session-title').innerText(), 'Favorite candidate');
      const missing = path.join(path.dirname(store.long.path), 'gone.jsonl');
      await page.goto(`${server.url}/#/session?path=${encodeURIComponent(missing)}`);
      await page.locator('.psm-viewer-status[data-state="error"]').waitFor();
      assert.equal(await page.locator('.session-title').innerText(), 'Session not opened');
      assert.equal(await page.locator('.toolbar-actions').isVisible(), false, 'no actions for a session not shown');
      const banner = page.locator('.psm-viewer-banner');
      assert.equal(await banner.getAttribute('role'), 'alert');
      assert.match(await banner.innerText(), /Could not open this session/);
      assert.equal(await page.locator('.psm-conversation .psm-entry').count(), 0);

      // An unnamed session's hit is titled like its list row (first message), not by its file.
      await page.goto(`${server.url}/#/search?q=${store.unnamedWord}`);
      const hit = page.locator(`.search-hit[data-path="${store.unnamed.path}"]`).first();
      await hit.waitFor();
      const hitTitle = await hit.locator('.row-title').innerText();
      assert.doesNotMatch(hitTitle, /\.jsonl/);
      await page.goto(`${server.url}/#/`);
      const rowTitle = await page.locator(`.session-row[data-path="${store.unnamed.path}"] .row-title`).innerText();
      assert.ok(hitTitle.endsWith(rowTitle), `hit "${hitTitle}" vs row "${rowTitle}"`);
    } finally {
      await context.close();
    }
  });
});
