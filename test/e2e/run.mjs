// `npm run test:e2e`: runs the in-host suite (test/e2e/suite/**/*.e2e.ts) inside a real VS Code
// extension host (code-server + headless Chromium), then the packaging check (vsix.mjs).
//
// Environment:
//   PSM_E2E_FILTER=text     run only in-host tests whose name contains `text`
//   PSM_E2E_FILES=a,b       run only the suite files whose name contains `a` or `b`
//   PSM_E2E_SKIP_VSIX=1     skip the packaging check
//   PSM_E2E_KEEP_WORK=1     keep the per-run work folders (under the system temp folder)
//   PSM_E2E_TIMEOUT_MS=n    overall limit (default 5 minutes)
//   PSM_E2E_ONLY=zh-cn      run only the Simplified Chinese session (suite/l10n.e2e.ts);
//                           PSM_E2E_ONLY=main only the English one (no vsix check either)
//   PSM_E2E_FILTER=a|b      several name parts
// Output: screenshots under .test-output/e2e/, logs under .test-output/e2e/logs/.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { bundleSuite } from './lib/bundleSuite.mjs';
import { HostSession, outputDir, repoRoot } from './lib/hostSession.mjs';
import { ensureCodeServer } from './install-tools.mjs';
import { checkVsix } from './vsix.mjs';

const started = Date.now();
// Two code-server sessions (English, zh-cn) and the six vsix checks, on a shared 2-core machine.
const overallTimeoutMs = Number(process.env.PSM_E2E_TIMEOUT_MS ?? 900_000);
// PSM_E2E_SUITE_TIMEOUT_MS: more time for the in-host suite on a loaded machine.
const suiteTimeoutMs = Number(process.env.PSM_E2E_SUITE_TIMEOUT_MS ?? 180_000);
const say = (line) => console.log(line);
const elapsed = () => `${((Date.now() - started) / 1000).toFixed(1)} s`;

// Whatever happens (failure, timeout, Ctrl+C), code-server and Chromium must not outlive us:
// the extension host would keep its ports and break the next run.
const live = new Set();
async function shutdown(code, why) {
  if (why) console.error(why);
  for (const session of live) await session.dispose().catch(() => undefined);
  live.clear();
  process.exit(code);
}
process.on('SIGINT', () => void shutdown(130, 'interrupted'));
process.on('SIGTERM', () => void shutdown(143, 'terminated'));
const overallTimer = setTimeout(() => {
  console.error(`e2e: overall timeout of ${overallTimeoutMs / 1000}s reached`);
  say('0 passed, 1 failed');
  void shutdown(1);
}, overallTimeoutMs);

function prepareMachine() {
  const deps = spawnSync('bash', [path.join(repoRoot, 'test/setup/ensure-system-deps.sh')], { stdio: 'inherit' });
  if (deps.status !== 0) throw new Error('test/setup/ensure-system-deps.sh failed');
  if (!existsSync(process.env.PSM_E2E_CHROMIUM ?? '/usr/bin/chromium')) throw new Error('Chromium is missing (/usr/bin/chromium)');
  if (!existsSync(path.join(repoRoot, 'dist/extension.js'))) {
    say('e2e: dist/extension.js is missing; building');
    const build = spawnSync(process.execPath, [path.join(repoRoot, 'esbuild.mjs')], { cwd: repoRoot, stdio: 'inherit' });
    if (build.status !== 0) throw new Error('build failed');
  }
}

/**
 * Display languages the suite runs in besides English: each gets its own code-server started
 * with `--locale`, and runs only the tests named `<locale>: …` (suite/l10n.e2e.ts registers
 * them when the extension host's language is that locale).
 */
const localeRuns = ['zh-cn'];

/** Runs the in-host suite against the extension under development. */
async function runInHostSuite(bin, { label = 'suite', locale, filter } = {}) {
  const { outFile, files } = await bundleSuite({
    suiteDir: path.join(repoRoot, 'test/e2e/suite'),
    outFile: path.join(repoRoot, '.test-output/e2e-suite/index.js'),
    only: process.env.PSM_E2E_FILES ?? '',
  });
  say(`e2e: in-host suite: ${files.map((f) => path.relative(repoRoot, f)).join(', ')}`);
  const session = new HostSession(label);
  live.add(session);
  let report;
  let exitCode;
  try {
    const only = filter ?? process.env.PSM_E2E_FILTER;
    await session.startServer({ bin, locale, env: only ? { PSM_E2E_FILTER: only } : {} });
    say(`e2e: code-server on ${session.baseUrl}, API port ${session.apiPort} (${elapsed()})`);
    const workbench = await session.openBrowser({
      extensionDevelopmentPath: repoRoot,
      extensionTestsPath: outFile,
      onLog: (line) => say(line.replace(/\n$/, '')),
    });
    exitCode = await Promise.race([
      workbench.exited,
      new Promise((resolve) => setTimeout(() => resolve('timeout'), suiteTimeoutMs)),
    ]);
    if (exitCode === 'timeout') say(`e2e: the in-host suite did not finish within ${suiteTimeoutMs / 1000}s`);
    const shot = await session.screenshot('workbench');
    if (shot) say(`e2e: screenshot of the workbench: ${path.relative(repoRoot, shot)}`);
    report = session.ctx.report;
  } finally {
    await session.dispose();
    live.delete(session);
  }
  for (const line of session.extensionProblems()) say(`e2e: extension log: ${line}`);
  for (const block of session.hostErrors()) say(`e2e: extension host error:\n${block}`);
  for (const file of session.extensionLogFiles()) say(`e2e: extension log file: ${path.relative(repoRoot, file)}`);
  const passed = report?.passed ?? 0;
  // A crash before the harness reported still counts as a failure.
  const failed = report ? report.failed : 1;
  if (report && exitCode !== 0 && failed === 0) return { passed, failed: 1 };
  return { passed, failed };
}

async function main() {
  // Screenshots and logs of earlier runs would be mistaken for this one's.
  rmSync(outputDir, { recursive: true, force: true });
  mkdirSync(outputDir, { recursive: true });
  prepareMachine();
  const bin = await ensureCodeServer({ say });
  say(`e2e: tools ready (${elapsed()})`);

  const only = process.env.PSM_E2E_ONLY;
  if (only && only !== 'main' && !localeRuns.includes(only)) throw new Error(`PSM_E2E_ONLY=${only}: known runs are main, ${localeRuns.join(', ')}`);
  let suite = { passed: 0, failed: 0 };
  if (!only || only === 'main') {
    suite = await runInHostSuite(bin);
    say(`e2e suite: ${suite.passed} passed, ${suite.failed} failed (${elapsed()})`);
  }
  for (const locale of localeRuns.filter((l) => !only || l === only)) {
    // The English filter names English tests; each locale run has its own.
    const run = await runInHostSuite(bin, { label: `suite-${locale}`, locale, filter: `${locale}:` });
    say(`e2e suite (${locale}): ${run.passed} passed, ${run.failed} failed (${elapsed()})`);
    suite = { passed: suite.passed + run.passed, failed: suite.failed + run.failed };
  }

  let vsix = { passed: 0, failed: 0 };
  if (process.env.PSM_E2E_SKIP_VSIX !== '1' && !only) {
    vsix = await checkVsix({ bin, say, track: (session, active) => (active ? live.add(session) : live.delete(session)) });
    say(`e2e vsix: ${vsix.passed} passed, ${vsix.failed} failed (${elapsed()})`);
  }

  const passed = suite.passed + vsix.passed;
  const failed = suite.failed + vsix.failed;
  say(`e2e finished in ${elapsed()}`);
  say(`${passed} passed, ${failed} failed`);
  return failed === 0 && passed > 0 ? 0 : 1;
}

main().then(
  (code) => {
    clearTimeout(overallTimer);
    void shutdown(code);
  },
  (err) => {
    clearTimeout(overallTimer);
    console.error(`e2e: ${err.stack ?? err.message}`);
    say('0 passed, 1 failed');
    void shutdown(1);
  },
);
