import * as fs from 'node:fs';
import * as path from 'node:path';
import { createRequire } from 'node:module';

/**
 * Heap limits for the long-lived workers. V8 sizes each isolate's young generation for
 * throughput (tens of MB per thread); in the editor's shared extension host every worker's
 * nursery is resident memory, so it is kept small: a few more scavenges, far less RSS.
 */
export const workerResourceLimits = { maxYoungGenerationSizeMb: 8 };

export interface WorkerScript {
  script: string;
  eval: boolean;
}

/**
 * How to start a worker thread: `<bundleName>.js` beside the bundle in a build; from source
 * (tests under tsx) the TypeScript file, through tsx's require hook, because `--import tsx`
 * in a worker's execArgv does not reach its entry module on Node 20.
 *
 * @param bundleDir the calling module's `__dirname` (the bundle's folder once built)
 * @param bundleName the esbuild entry name (`esbuild.mjs`)
 * @param sourceFile the entry's TypeScript file, for runs from source
 */
export function workerScript(bundleDir: string, bundleName: string, sourceFile: string): WorkerScript {
  const bundled = path.join(bundleDir, `${bundleName}.js`);
  if (fs.existsSync(bundled)) return { script: bundled, eval: false };
  const tsx = createRequire(__filename).resolve('tsx/cjs/api');
  return { script: `require(${JSON.stringify(tsx)}).register();\nrequire(${JSON.stringify(sourceFile)});`, eval: true };
}
