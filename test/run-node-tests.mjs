// Runs node's built-in test runner over test/<suite>/**/*.test.ts with TypeScript support.
// Node 20's runner does not expand globs or pick up .ts files by itself, hence this list.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';

const suites = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const only = process.argv.find((a) => a.startsWith('--filter='))?.slice('--filter='.length);
const root = path.dirname(new URL(import.meta.url).pathname);

function collect(dir) {
  const out = [];
  for (const name of readdirSync(dir).sort()) {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) out.push(...collect(full));
    else if (name.endsWith('.test.ts')) out.push(full);
  }
  return out;
}

const files = suites.flatMap((s) => collect(path.join(root, s))).filter((f) => !only || f.includes(only));
if (files.length === 0) {
  console.error(`no test files found for ${suites.join(', ')}`);
  process.exit(1);
}
// The real-pi tests also run pi 1.6, which needs Node 22: both come into .tools/ once.
if (suites.includes('integration')) {
  const { ensurePiTools } = await import('./setup/install-pi-tools.mjs');
  await ensurePiTools();
}
const concurrency = process.env.TEST_CONCURRENCY ?? '2';
const result = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', `--test-concurrency=${concurrency}`, '--test-reporter=spec', ...files],
  { stdio: 'inherit', env: { ...process.env, NODE_ENV: 'test' } },
);
process.exit(result.status ?? 1);
