// Packaging check: builds the six .vsix files with `npm run package`, checks that each holds
// exactly its platform's node-pty addon (vsixTargets.mjs), installs the linux-x64 one offline
// into a fresh extensions dir, then opens a workbench with no development path
// and checks from outside that the installed extension activated and serves /health.
//
// Part of `npm run test:e2e`; run alone with `node test/e2e/vsix.mjs`.
import { spawnSync } from 'node:child_process';
import { statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { installVsix, listExtensions } from './lib/codeServer.mjs';
import { HostSession, repoRoot } from './lib/hostSession.mjs';
import { ensureCodeServer } from './install-tools.mjs';
import { readZip } from './lib/zipArchive.mjs';
import { checkVsixTargets, vsixFor } from './vsixTargets.mjs';

const extensionId = 'pi-session-manager.pi-session-manager';
/** The package code-server on this machine (linux-x64) installs. */
export const vsixPath = vsixFor('linux-x64');
const maxVsixBytes = 5 * 1024 * 1024;
const requiredEntries = [
  'extension/package.json',
  'extension/package.nls.json',
  'extension/package.nls.zh-cn.json',
  'extension/l10n/bundle.l10n.zh-cn.json',
  'extension/dist/extension.js',
  'extension/dist/sql-wasm.wasm',
  'extension/dist/node_modules/node-pty/package.json',
  'extension/dist/node_modules/node-pty/lib/index.js',
  'extension/dist/node_modules/node-pty/lib/unixTerminal.js',
  'extension/dist/node_modules/node-pty/build/Release/pty.node',
  'extension/media/pi-sessions.svg',
  'extension/media/icon.png',
  // The README inside the package shows these (relative links, see scripts/package.mjs).
  'extension/media/screenshots/tree.png',
  'extension/media/screenshots/viewer.png',
  'extension/media/screenshots/dashboard.png',
  'extension/media/screenshots/web-client-phone.png',
];

function listVsix(file) {
  return readZip(file).map((e) => e.name);
}

/** Collects named checks; a failing check records its message and the run goes on. */
class Checks {
  constructor(say) {
    this.say = say;
    this.results = [];
  }
  async check(name, fn) {
    try {
      await fn();
      this.results.push({ name, ok: true });
      this.say(`  ok   ${name}`);
    } catch (err) {
      this.results.push({ name, ok: false, error: err.message });
      this.say(`  FAIL ${name}\n       ${err.message.split('\n').join('\n       ')}`);
    }
  }
  get passed() {
    return this.results.filter((r) => r.ok).length;
  }
  get failed() {
    return this.results.length - this.passed;
  }
}

async function waitForHealth(port, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer';
  while (Date.now() < deadline) {
    try {
      const res = await fetch(`http://127.0.0.1:${port}/health`);
      const body = await res.json();
      if (res.status === 200 && body.status === 'ok') return body;
      last = `${res.status} ${JSON.stringify(body)}`;
    } catch (err) {
      last = err.message;
    }
    await sleep(250);
  }
  throw new Error(`GET /health on ${port} did not answer ok within ${timeoutMs / 1000}s (last: ${last})`);
}

/** `track(session, active)` lets the caller kill the session if it has to stop early. */
export async function checkVsix({ bin, say = console.log, build = true, track = () => undefined } = {}) {
  const checks = new Checks(say);
  say('vsix: packaging and installing the extension');
  const session = new HostSession('vsix');
  track(session, true);

  if (build) {
    await checks.check('npm run package builds the vsix files', async () => {
      const result = spawnSync('npm', ['run', 'package'], { cwd: repoRoot, encoding: 'utf8', timeout: 180_000 });
      writeFileSync(path.join(session.logDir, 'package.log'), `${result.stdout}\n${result.stderr}`);
      if (result.status !== 0) throw new Error(`npm run package exited ${result.status} (see ${path.join(session.logDir, 'package.log')})`);
    });
  }

  await checkVsixTargets((name, fn) => checks.check(name, fn));

  let entries = [];
  await checks.check('the linux-x64 vsix ships only the built files, node-pty included', async () => {
    entries = listVsix(vsixPath);
    const missing = requiredEntries.filter((e) => !entries.includes(e));
    if (missing.length > 0) throw new Error(`missing from the vsix: ${missing.join(', ')}`);
    const unexpected = entries.filter(
      (e) => e.startsWith('extension/') && !/^extension\/(package(\.nls(\.[a-z-]+)?)?\.json|readme\.md|changelog\.md|license(\.txt)?|dist\/.*|media\/.*|l10n\/bundle\.l10n(\.[a-z-]+)?\.json)$/i.test(e),
    );
    if (unexpected.length > 0) throw new Error(`unexpected files in the vsix: ${unexpected.slice(0, 10).join(', ')}`);
    const maps = entries.filter((e) => e.endsWith('.map'));
    if (maps.length > 0) throw new Error(`source maps in the vsix: ${maps.join(', ')}`);
    const size = statSync(vsixPath).size;
    if (size > maxVsixBytes) throw new Error(`vsix is ${(size / 1048576).toFixed(1)} MB, more than ${maxVsixBytes / 1048576} MB`);
    say(`       ${path.relative(repoRoot, vsixPath)}: ${entries.length} files, ${(size / 1024).toFixed(0)} KB`);
  });

  try {
    await session.startServer({
      bin,
      // Installing needs the same isolated HOME/XDG folders as the server that loads it.
      prepare: async (env) => {
        await checks.check('code-server --install-extension installs the vsix offline', async () => {
          installVsix({ bin, work: session.work, env, vsix: vsixPath, logFile: path.join(session.logDir, 'install.log') });
          const installed = listExtensions({ bin, work: session.work, env });
          if (!installed.some((l) => l.startsWith(`${extensionId}@`))) {
            throw new Error(`${extensionId} not listed after install: ${installed.join(', ') || '(none)'}`);
          }
        });
      },
    });
    await session.openBrowser();
    await checks.check('the installed extension activates and serves GET /health', async () => {
      const body = await waitForHealth(session.apiPort, 90_000);
      say(`       /health: ${JSON.stringify(body)}`);
    });
    await checks.check('the Pi Sessions container opens from the activity bar', async () => {
      const page = session.ctx.page;
      await page.locator('.activitybar [aria-label^="Pi Sessions"]').first().click({ timeout: 20_000 });
      await page.locator('#workbench\\.parts\\.sidebar .composite.title', { hasText: /pi sessions/i }).waitFor({ timeout: 10_000 });
    });
    const shot = await session.screenshot('workbench');
    if (shot) say(`       screenshot: ${path.relative(repoRoot, shot)}`);
  } catch (err) {
    checks.results.push({ name: 'vsix session', ok: false, error: err.message });
    say(`  FAIL vsix session: ${err.message}`);
  } finally {
    await session.dispose();
    track(session, false);
  }
  for (const line of session.extensionProblems()) say(`       extension log: ${line}`);
  for (const block of session.hostErrors()) say(`       extension host error:\n${block}`);
  say(`vsix: ${checks.passed} passed, ${checks.failed} failed`);
  return { passed: checks.passed, failed: checks.failed, results: checks.results };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const bin = await ensureCodeServer();
  const { passed, failed } = await checkVsix({ bin });
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed === 0 && passed > 0 ? 0 : 1);
}
