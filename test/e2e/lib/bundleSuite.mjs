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

export async function bundleSuite({ suiteDir, outFile }) {
  const files = collect(suiteDir);
  if (files.length === 0) throw new Error(`no *.e2e.ts files under ${suiteDir}`);
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
