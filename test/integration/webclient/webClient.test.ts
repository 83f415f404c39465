/**
 * The browser client end to end: `node dist/cli.js serve --require-token` over a generated
 * store, driven by headless Chromium at a phone and a desktop size. Loopback needs a token
 * here, so the page behaves as it does on a phone across the network.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { repoRoot, runCli, startCliServer, tempDir, type ServerHandle } from '../../support/cliServer';
import { writeSession } from '../../support/sessionGenerator';
import { appendUserMessage, hostileName, searchWord, writeStore, type Store } from './fixtures';

const chromiumPath = '/usr/bin/chromium';
const hasChromium = fs.existsSync(chromiumPath);
const launchArgs = [
  '--no-sandbox',
  '--headless',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];
const screenshotDir = path.join(repoRoot, '.test-output', 'webclient');
const viewports = [
  { name: 'phone', width: 390, height: 844, isMobile: true },
  { name: 'desktop', width: 1280, height: 800, isMobile: false },
] as const;
/** Live updates go file → watcher → index → event stream → page; generous on a busy machine. */
const liveTimeout = 20_000;

interface CreatedToken {
  id: number;
  token: string;
}

function createToken(home: string, stateDir: string, agentDir: string, scopes = 'read,write'): CreatedToken {
  const r = runCli(['token', 'create', 'phone', '--scopes', scopes, '--state-dir', stateDir, '--agent-dir', agentDir], { HOME: home });
  assert.equal(r.status, 0, r.stderr);
  const created = JSON.parse(r.stdout) as CreatedToken;
  assert.equal(typeof created.token, 'string');
  return created;
}

/** Collects what must never happen on the page: dialogs and CSP violations. */
async function watchPage(context: BrowserContext): Promise<{ page: Page; dialogs: string[]; cspConsole: string[] }> {
  // Init scripts come from the test harness, outside the page's CSP, and run before the page's own.
  await context.addInitScript(() => {
    const w = window as unknown as { __cspViolations: string[] };
    w.__cspViolations = [];
    document.addEventListener('securitypolicyviolation', (e) => w.__cspViolations.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  const page = await context.newPage();
  const dialogs: string[] = [];
  const cspConsole: string[] = [];
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  page.on('console', (m) => {
    if (/Content.Security.Policy/i.test(m.text())) cspConsole.push(m.text());
  });
  return { page, dialogs, cspConsole };
}

async function signIn(page: Page, url: string, token: string): Promise<void> {
  await page.goto(url);
  await page.locator('#token-input').waitFor();
  await page.fill('#token-input', token);
  await page.click('.sign-in-form button[type="submit"]');
  await page.locator('.session-row').first().waitFor();
}

async function cspViolations(page: Page): Promise<string[]> {
  return page.evaluate(() => (window as unknown as { __cspViolations?: string[] }).__cspViolations ?? []);
}

describe('web client in a browser', { skip: hasChromium ? false : `no Chromium at ${chromiumPath}` }, () => {
  let home: string;
  let stateDir: string;
  let agentDir: string;
  let store: Store;
  let token: CreatedToken;
  let readOnlyToken: CreatedToken;
  let server: ServerHandle;
  let browser: Browser;

  before(async () => {
    home = tempDir('psm-web-');
    stateDir = path.join(home, 'state');
    agentDir = path.join(home, '.pi', 'agent');
    store = writeStore(path.join(agentDir, 'sessions'));
    token = createToken(home, stateDir, agentDir);
    readOnlyToken = createToken(home, stateDir, agentDir, 'read');
    server = await startCliServer({ home, stateDir, agentDir, extraArgs: ['--require-token'] });
    browser = await chromium.launch({ executablePath: chromiumPath, args: launchArgs });
    fs.mkdirSync(screenshotDir, { recursive: true });
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
    if (home) fs.rmSync(home, { recursive: true, force: true });
  });

  it('serves an empty page with a strict CSP and cacheable hashed assets', async () => {
    const res = await fetch(server.url);
    assert.equal(res.status, 200);
    const csp = res.headers.get('content-security-policy') ?? '';
    assert.match(csp, /script-src 'self'/);
    assert.match(csp, /style-src 'self'(;|$)/);
    const html = await res.text();
    assert.doesNotMatch(html, /<script>|<script [^>]*>[^<]/, 'no inline script');
    assert.doesNotMatch(html, /style=/, 'no inline style');
    assert.doesNotMatch(html, /alpha|beta|\.jsonl/i, 'no session data in the HTML');
    const assets = [...html.matchAll(/(?:href|src)="(\/assets\/[^"]+)"/g)].map((m) => m[1]!);
    assert.ok(assets.length >= 3, `script, stylesheet and renderer styles: ${assets.join(', ')}`);
    for (const asset of assets) {
      const a = await fetch(`${server.url}${asset}`);
      assert.equal(a.status, 200, asset);
      assert.match(a.headers.get('cache-control') ?? '', /immutable/);
      await a.arrayBuffer();
    }
  });

  for (const [index, viewport] of viewports.entries()) {
    it(`${viewport.name}: sign-in, list, search, session, live updates, rename, favorite, export`, async () => {
      const context = await browser.newContext({ viewport: { width: viewport.width, height: viewport.height }, isMobile: viewport.isMobile, hasTouch: viewport.isMobile, acceptDownloads: true });
      const { page, dialogs } = await watchPage(context);
      try {
        // Sign-in: a wrong token is refused with a message, the right one is accepted.
        await page.goto(server.url);
        await page.locator('#token-input').waitFor();
        await page.screenshot({ path: path.join(screenshotDir, `${viewport.name}-sign-in.png`) });
        await page.fill('#token-input', 'not-a-real-token');
        await page.click('.sign-in-form button[type="submit"]');
        await page.locator('#sign-in-error:not([hidden])').waitFor();
        assert.match(await page.locator('#sign-in-error').innerText(), /not accepted/);
        await page.fill('#token-input', token.token);
        await page.click('.sign-in-form button[type="submit"]');
        await page.locator('.session-row').first().waitFor();
        assert.equal(await page.evaluate(() => localStorage.getItem('psm.apiToken')), token.token, 'remembered on this device');

        // The list: grouped by project, every session there.
        await page.locator('.connection[data-state="connected"]').waitFor();
        const groups = await page.locator('.session-group').evaluateAll((els) => els.map((e) => e.getAttribute('data-cwd')));
        for (const cwd of ['/home/dev/alpha', '/home/dev/beta', '/home/dev/hostile']) assert.ok(groups.includes(cwd), cwd);
        // Earlier runs of this loop add one live session each.
        assert.equal(await page.locator('.session-row').count(), store.sessions.length + 1 + index);
        if (index === 0) assert.equal(groups[0], '/home/dev/hostile', 'the project with the newest session comes first');

        // A session written while the page is open appears without a reload.
        const liveName = `Live ${viewport.name} session`;
        writeSession(store.root, { cwd: '/home/dev/gamma', seed: 40 + index, turns: 1, startMs: Date.now() - 60_000, quirks: { names: [liveName] } });
        await page.locator('.session-row', { hasText: liveName }).waitFor({ timeout: liveTimeout });
        await page.screenshot({ path: path.join(screenshotDir, `${viewport.name}-list.png`) });

        // Filters: favorites only shows the starred rows; the project filter narrows the list.
        const starred = await page.locator('.session-row .fav-mark').count();
        await page.click('.chip-toggle');
        assert.equal(await page.locator('.session-row').count(), starred);
        await page.click('.chip-toggle');
        await page.selectOption('select[aria-label="Project"]', '/home/dev/beta');
        assert.equal(await page.locator('.session-row').count(), 2);
        await page.selectOption('select[aria-label="Project"]', '');

        // Search: live results (message search, or the name match while it is not available).
        await page.click('.topnav a[data-screen="search"]');
        // Both the message search and the name match it falls back to find the word.
        await page.fill('.search-input', searchWord);
        await page.locator('.search-hit').first().waitFor();
        await page.locator('.search-hit mark').first().waitFor();
        assert.ok((await page.locator('.search-hit').count()) >= 1);
        assert.doesNotMatch(await page.locator('.search-status').innerText(), /failed|error/i);
        await page.screenshot({ path: path.join(screenshotDir, `${viewport.name}-search.png`) });

        // Open a session from the list.
        const target = store.sessions[index]!;
        await page.click('.topnav a[data-screen="list"]');
        await page.click(`.session-row[data-path="${target.path}"]`);
        await page.locator('.psm-viewer-status[data-state="ready"]').waitFor();
        assert.ok((await page.locator('.psm-conversation .psm-entry').count()) > 0);
        await page.screenshot({ path: path.join(screenshotDir, `${viewport.name}-session.png`) });

        // A message appended on disk shows up in the open session.
        const appended = `Appended live on ${viewport.name} ${Date.now()}`;
        appendUserMessage(target.path, target.leaf_id, `live000${index}`, appended);
        await page.locator('.psm-conversation', { hasText: appended }).waitFor({ timeout: liveTimeout });

        // Rename.
        const newName = `Renamed on ${viewport.name}`;
        await page.click('[data-action="rename"]');
        await page.fill('dialog input[type="text"]', newName);
        await page.click('dialog .button-primary');
        await page.locator('.session-title', { hasText: newName }).waitFor();

        // Favorite.
        await page.click('[data-action="favorite"]');
        await page.locator('[data-action="favorite"][aria-pressed="true"]').waitFor();

        // Export downloads a file.
        await page.click('[data-action="export"]');
        const downloadEvent = page.waitForEvent('download');
        await page.click('dialog button[data-value="markdown"]');
        const download = await downloadEvent;
        assert.match(download.suggestedFilename(), /\.md$/);
        const saved = path.join(home, `export-${viewport.name}.md`);
        await download.saveAs(saved);
        assert.match(fs.readFileSync(saved, 'utf8'), new RegExp(newName));

        // Back in the list, the row shows the new name and the favorite star.
        await page.click('.back-link');
        const row = page.locator(`.session-row[data-path="${target.path}"]`);
        await row.locator('.fav-mark').waitFor();
        assert.match(await row.innerText(), new RegExp(newName));
        assert.deepEqual(dialogs, []);
        assert.deepEqual(await cspViolations(page), []);
      } finally {
        await context.close();
      }
    });
  }

  it('a hostile transcript runs no script and the CSP holds', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const { page, dialogs, cspConsole } = await watchPage(context);
    try {
      await signIn(page, server.url, token.token);
      // The hostile name is a list row too.
      await page.locator('.session-row', { hasText: 'hostile session' }).waitFor();
      await page.click(`.session-row[data-path="${store.hostile}"]`);
      await page.locator('.psm-viewer-status[data-state="ready"][data-render-complete="true"]').waitFor();
      // Open every fold, so nothing stays unparsed inside a closed <details>.
      await page.evaluate(() => document.querySelectorAll('details').forEach((d) => (d.open = true)));
      await page.locator('.session-title').waitFor();
      assert.equal(await page.locator('.session-title').innerText(), hostileName, 'shown as text');
      // Give anything that could fire (image errors, link handlers) its chance.
      await page.locator('.psm-conversation a').evaluateAll((links) => links.forEach((a) => (a as HTMLAnchorElement).click()));
      await page.waitForLoadState('networkidle');
      await page.screenshot({ path: path.join(screenshotDir, 'desktop-hostile.png') });

      const pwned = await page.evaluate(() => (window as unknown as { __pwned?: unknown }).__pwned ?? null);
      assert.equal(pwned, null);
      assert.deepEqual(dialogs, []);
      assert.deepEqual(await cspViolations(page), []);
      assert.deepEqual(cspConsole, []);
      assert.equal(await page.locator('.psm-conversation script, .psm-conversation iframe, .psm-conversation svg[onload]').count(), 0);
      assert.equal(await page.locator('[onerror], [onload], [onclick]').count(), 0);
      assert.equal(await page.locator('a[href^="javascript:" i]').count(), 0);
    } finally {
      await context.close();
    }
  });

  it('delete asks for confirmation first', async () => {
    const doomed = writeSession(store.root, { cwd: '/home/dev/delta', seed: 90, turns: 1, startMs: Date.now() - 3 * 3_600_000, quirks: { names: ['Doomed session'] } });
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    try {
      await signIn(page, server.url, token.token);
      const row = page.locator(`.session-row[data-path="${doomed.path}"]`);
      await row.waitFor({ timeout: liveTimeout });
      await row.click();
      await page.locator('.psm-viewer-status[data-state="ready"]').waitFor();
      await page.click('[data-action="delete"]');
      await page.locator('dialog', { hasText: 'Doomed session' }).waitFor();
      await page.click('dialog button:not(.button-danger)');
      assert.ok(fs.existsSync(doomed.path), 'cancel keeps the file');
      await page.click('[data-action="delete"]');
      await page.click('dialog .button-danger');
      await page.locator('.screen-list:not([hidden])').waitFor();
      await row.waitFor({ state: 'detached' });
      assert.equal(fs.existsSync(doomed.path), false);
    } finally {
      await context.close();
    }
  });

  it('a read-only token is told what it cannot do', async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    const page = await context.newPage();
    try {
      await signIn(page, server.url, readOnlyToken.token);
      await page.click(`.session-row[data-path="${store.sessions[2]!.path}"]`);
      await page.locator('.psm-viewer-status[data-state="ready"]').waitFor();
      await page.click('[data-action="favorite"]');
      await page.locator('.toast[data-kind="error"]:not([hidden])').waitFor();
      assert.match(await page.locator('.toast').innerText(), /This token cannot change favorites/);
      await page.click('[data-action="rename"]');
      await page.fill('dialog input[type="text"]', 'Not allowed');
      await page.click('dialog .button-primary');
      await page.locator('.toast', { hasText: 'This token cannot rename sessions' }).waitFor();
      // Exports render whole sessions and need the write scope.
      await page.click('[data-action="export"]');
      await page.click('dialog button[data-value="json"]');
      await page.locator('.toast', { hasText: 'This token cannot export sessions' }).waitFor();
      // Reading still works.
      assert.ok((await page.locator('.psm-message').count()) > 0);
    } finally {
      await context.close();
    }
  });

  it('"Forget me" clears the stored token', async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, colorScheme: 'dark' });
    const page = await context.newPage();
    try {
      await signIn(page, server.url, token.token);
      // The system's dark preference is followed.
      assert.equal(await page.evaluate(() => getComputedStyle(document.body).backgroundColor), 'rgb(13, 17, 23)');
      await page.screenshot({ path: path.join(screenshotDir, 'phone-list-dark.png') });
      await page.click('.forget-button:visible');
      await page.locator('#token-input').waitFor();
      assert.equal(await page.evaluate(() => localStorage.getItem('psm.apiToken')), null);
      await page.reload();
      await page.locator('#token-input').waitFor();
    } finally {
      await context.close();
    }
  });

  it('shows "reconnecting" while the server is away and catches up when it is back', async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    const { page } = await watchPage(context);
    try {
      await signIn(page, server.url, token.token);
      const target = store.sessions[3]!;
      await page.click(`.session-row[data-path="${target.path}"]`);
      await page.locator('.psm-viewer-status[data-state="ready"]').waitFor();
      await page.locator('.connection[data-state="connected"]').waitFor();
      // The same port keeps the page's origin (and its stored token).
      const port = server.port;
      await server.stop();
      await page.locator('.connection[data-state="reconnecting"]').waitFor({ timeout: liveTimeout });
      await page.screenshot({ path: path.join(screenshotDir, 'phone-reconnecting.png') });
      // Written while nobody watches: no event about it can ever arrive.
      const missed = `Written while offline ${Date.now()}`;
      appendUserMessage(target.path, target.leaf_id, 'offline01', missed);
      server = await startCliServer({ home, stateDir, agentDir, port, extraArgs: ['--require-token'] });
      await page.locator('.connection[data-state="connected"]').waitFor({ timeout: liveTimeout });
      await page.locator('.psm-conversation', { hasText: missed }).waitFor({ timeout: liveTimeout });
    } finally {
      await context.close();
    }
  });

  // Last: it revokes the token the other tests use.
  it('a revoked token is bounced to sign-in with a message', async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    const { page } = await watchPage(context);
    try {
      await signIn(page, server.url, token.token);
      await page.locator('.connection[data-state="connected"]').waitFor();
      const revoked = runCli(['token', 'revoke', String(token.id), '--state-dir', stateDir, '--agent-dir', agentDir], { HOME: home });
      assert.equal(revoked.status, 0, revoked.stderr);
      // The next request with the token is refused, and the page goes back to sign-in.
      await page.click(`.session-row[data-path="${store.sessions[4]!.path}"]`);
      await page.locator('#sign-in-error:not([hidden])').waitFor({ timeout: liveTimeout });
      assert.match(await page.locator('#sign-in-error').innerText(), /signed out.*no longer accepts this token.*revoked/);
      assert.equal(await page.evaluate(() => localStorage.getItem('psm.apiToken')), null, 'a refused token is not kept');
      await page.screenshot({ path: path.join(screenshotDir, 'phone-revoked.png') });
      // A reload does not get past sign-in either.
      await page.reload();
      await page.locator('#token-input').waitFor();
    } finally {
      await context.close();
    }
  });
});
