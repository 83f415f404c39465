// How the pi extension we ship (src/piBridge/piSessionBridge.ts) is bundled: one file with no
// imports beyond Node's, for pi's own Node 22, readable (not minified) because users may want
// to see what runs inside their pi. esbuild.mjs builds it into dist/; the real-pi tests build
// it the same way when dist/ is stale.
import path from 'node:path';

export const piBridgeEntry = 'src/piBridge/piSessionBridge.ts';

/** esbuild options writing the bridge to `outfile`. */
export function piBridgeBuildOptions(root, outfile) {
  return {
    entryPoints: [path.join(root, piBridgeEntry)],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node22',
    // pi loads extensions through jiti, which gives a CommonJS file its __dirname (the
    // bridge reads config.json beside itself) and takes `module.exports` as the factory.
    format: 'cjs',
    footer: { js: 'module.exports = module.exports.default;' },
    sourcemap: false,
    minify: false,
    logLevel: 'info',
  };
}
