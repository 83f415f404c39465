// Bundles the in-host tests (test/e2e/suite/**/*.e2e.ts) into one CommonJS module whose
// `run()` the extension host calls. Test files are discovered, so a new suite is just a file.
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import * as esbuild from 'esbuild';

function collect(dir) {
  const out = [];
  for (const name of readdirSync(dir).sort()) {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) out.push(...collect(full));
    else if (name.endsWith('.e2e.ts')) out.push(full);
  }
  return out;
}

/**
 * `only`: comma-separated parts of file names (PSM_E2E_FILES, e.g. `viewer,dashboard`); only
 * the suite files whose name contains one of them are bundled, so the others never run.
 */
export async function bundleSuite({ suiteDir, outFile, only = '' }) {
  const parts = only.split(',').map((p) => p.trim()).filter(Boolean);
  const files = collect(suiteDir).filter((f) => parts.length === 0 || parts.some((p) => path.basename(f).includes(p)));
  if (files.length === 0) throw new Error(`no *.e2e.ts files under ${suiteDir}${parts.length ? ` matching ${parts.join(', ')}` : ''}`);
  const imports = files.map((f) => `import ${JSON.stringify('./' + path.relative(suiteDir, f).split(path.sep).join('/'))};`);
  const entry = [
    `import { runRegistered } from './harness';`,
    ...imports,
    // A rejected run() is how the extension host learns that the tests failed.
    `export async function run() {`,
    `  const { passed, failed } = await runRegistered(process.env.PSM_E2E_FILTER || undefined);`,
    `  if (failed > 0 || passed === 0) throw new Error(failed + ' end-to-end test(s) failed, ' + passed + ' passed');`,
    `}`,
  ].join('\n');
  await esbuild.build({
    stdin: { contents: entry, resolveDir: suiteDir, sourcefile: 'e2e-entry.ts', loader: 'ts' },
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    sourcemap: 'inline',
    external: ['vscode'],
    outfile: outFile,
    logLevel: 'warning',
  });
  return { outFile, files };
}
