// Opens the code-server workbench in headless Chromium and serves the small HTTP endpoint
// through which tests inside the extension host ask for browser-side steps (see driverActions).
import { createServer } from 'node:http';
import { createWriteStream } from 'node:fs';
import { chromium } from 'playwright-core';
import { driverActions } from './driverActions.mjs';

const chromiumPath = process.env.PSM_E2E_CHROMIUM ?? '/usr/bin/chromium';
// Flags that let Chromium run as root without a sandbox, a GPU or any network access.
const chromiumArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

// The workbench forwards its own log through the same callback as the tests' output; these
// routine lines stay in browser.log only, so the console shows the tests.
const workbenchChatter = [
  /^Resolving connection token/,
  /^Resolved connection token/,
  /^Creating a socket/,
  /^Updating additional builtin extensions cache/,
  /^\[Service Worker\]/,
  /^ChatSessionStore:/,
  /^Ignoring fetching additional builtin extensions/,
];

/** Serves POST / with `{action, ...args}`; steps run one at a time against the current page. */
export function startDriverServer(ctx) {
  let queue = Promise.resolve();
  const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const reply = (status, body) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      let args;
      try {
        args = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
      } catch {
        return reply(400, { ok: false, error: 'body is not JSON' });
      }
      const action = driverActions[args.action];
      if (req.method !== 'POST' || !action) return reply(400, { ok: false, error: `unknown action ${String(args.action)}` });
      queue = queue.then(async () => {
        if (!ctx.page) return reply(503, { ok: false, error: 'no page yet' });
        try {
          reply(200, { ok: true, result: await action(ctx.page, args, ctx) });
        } catch (err) {
          // Playwright colours its call logs; the extension host prints plain text.
          const message = (err instanceof Error ? err.message : String(err)).replace(/\x1b\[[0-9;]*m/g, '');
          reply(200, { ok: false, error: message });
        }
      });
    });
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      resolve({ url: `http://127.0.0.1:${server.address().port}/`, close: () => new Promise((r) => server.close(() => r())) });
    });
  });
}

/**
 * Launches Chromium, hooks the automation callbacks the workbench calls when it runs an
 * extension's tests, and navigates to `url`. `onLog(line)` receives the extension host's
 * test output; the returned `exited` promise resolves with the tests' exit code.
 */
export async function openWorkbench({ url, profileDir, env, logFile, onLog }) {
  const browserLog = createWriteStream(logFile, { flags: 'a' });
  const context = await chromium.launchPersistentContext(profileDir, {
    executablePath: chromiumPath,
    headless: true,
    args: chromiumArgs,
    env,
    viewport: { width: 1400, height: 900 },
  });
  const page = context.pages()[0] ?? (await context.newPage());
  let resolveExit;
  const exited = new Promise((resolve) => (resolveExit = resolve));
  await page.exposeFunction('codeAutomationLog', (type, args) => {
    const line = (Array.isArray(args) ? args : [args]).map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' ');
    browserLog.write(`[ext-host ${type}] ${line}\n`);
    if (!workbenchChatter.some((re) => re.test(line))) onLog?.(line, type);
  });
  await page.exposeFunction('codeAutomationExit', (code) => resolveExit(Number(code)));
  // The browser reports a Content Security Policy violation in the console of the frame that
  // caused it, webviews included; tests read them with the `cspViolations` driver action.
  const cspMessages = [];
  page.on('console', (msg) => {
    browserLog.write(`[console ${msg.type()}] ${msg.text()}\n`);
    if (/Content.Security.Policy|CSP violation/i.test(msg.text())) cspMessages.push({ text: msg.text(), url: msg.location().url ?? '' });
  });
  page.on('pageerror', (err) => browserLog.write(`[pageerror] ${err.message}\n`));
  // The first load compiles the workbench's scripts; on a busy machine that outlasts Playwright's 30 s default.
  await page.goto(url, { waitUntil: 'domcontentloaded', timeout: 120_000 });
  return {
    page,
    cspMessages,
    exited,
    close: async () => {
      await context.close().catch(() => undefined);
      browserLog.end();
    },
  };
}

/** URL that opens `folder` and, when given, runs an extension under development and its tests. */
export function workbenchUrl(base, { folder, extensionDevelopmentPath, extensionTestsPath }) {
  const remote = (p) => `vscode-remote://${new URL(base).host}${p}`;
  const payload = [];
  if (extensionDevelopmentPath) payload.push(['extensionDevelopmentPath', remote(extensionDevelopmentPath)]);
  if (extensionTestsPath) payload.push(['extensionTestsPath', remote(extensionTestsPath)]);
  const params = new URLSearchParams({ folder });
  if (payload.length > 0) params.set('payload', JSON.stringify(payload));
  return `${base}/?${params.toString()}`;
}
