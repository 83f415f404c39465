// Builds the extension host bundle, the headless CLI, and the browser bundles for the
// webviews and the web client. `--watch` rebuilds on change; `--production` minifies.
import * as esbuild from 'esbuild';
import { cpSync, mkdirSync, existsSync, rmSync, readdirSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { piBridgeBuildOptions } from './scripts/piBridgeBuild.mjs';

const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');
const root = path.dirname(new URL(import.meta.url).pathname);
const dist = path.join(root, 'dist');

/** Files the bundles load at run time rather than through `require`. */
function copyRuntimeFiles() {
  mkdirSync(dist, { recursive: true });
  cpSync(path.join(root, 'node_modules/sql.js/dist/sql-wasm.wasm'), path.join(dist, 'sql-wasm.wasm'));
  // node-pty is native: ship only what it loads (package.json, lib/, the compiled addon) and its
  // licence. scripts/package.mjs swaps in the addon of each target platform.
  const ptySrc = path.join(root, 'node_modules/node-pty');
  const ptyDst = path.join(dist, 'node_modules/node-pty');
  rmSync(ptyDst, { recursive: true, force: true });
  mkdirSync(path.join(ptyDst, 'build/Release'), { recursive: true });
  cpSync(path.join(ptySrc, 'package.json'), path.join(ptyDst, 'package.json'));
  cpSync(path.join(ptySrc, 'LICENSE'), path.join(ptyDst, 'LICENSE'));
  cpSync(path.join(ptySrc, 'lib'), path.join(ptyDst, 'lib'), {
    recursive: true,
    filter: (src) => !/\.test\.js$|\.map$/.test(src) && !src.includes(`${path.sep}lib${path.sep}shared${path.sep}conpty`),
  });
  const addon = path.join(ptySrc, 'build/Release/pty.node');
  if (existsSync(addon)) cpSync(addon, path.join(ptyDst, 'build/Release/pty.node'));
}

const packageVersion = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')).version;

/**
 * `trash` (headless delete) reaches /proc parsers through `require(`./parsers/${name}`)`.
 * esbuild bundles such a template require as a glob of `./parsers/*.js` files, keyed with
 * their extension, so the lookup needs the `.js` to find them.
 */
const procfsParsersPlugin = {
  name: 'procfs-parsers',
  setup(build) {
    build.onLoad({ filter: /@stroncium[\\/]procfs[\\/]lib[\\/]parsers\.js$/ }, (args) => ({
      contents: readFileSync(args.path, 'utf8').replace('require(`./parsers/${name}`)', 'require(`./parsers/${name}.js`)'),
      loader: 'js',
    }));
  },
};

const nodeOptions = {
  plugins: [procfsParsersPlugin],
  define: { __PRODUCT_VERSION__: JSON.stringify(packageVersion) },
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: !production,
  minify: production,
  external: ['vscode', 'node-pty'],
  logLevel: 'info',
  // sql.js probes for `fs`/`path` itself; keep its browser fallbacks out of the bundle.
  mainFields: ['module', 'main'],
};

const browserOptions = {
  bundle: true,
  platform: 'browser',
  target: ['chrome114'],
  format: 'iife',
  sourcemap: !production,
  minify: production,
  logLevel: 'info',
  loader: { '.css': 'css', '.ttf': 'file', '.woff2': 'file' },
};

const nodeEntries = {
  extension: 'src/extension.ts',
  cli: 'src/cli.ts',
  // The full-text index runs in a worker thread; SearchService loads it from beside the bundle.
  searchWorker: 'src/core/search/worker/searchWorker.ts',
  // Session files are parsed on worker threads during scans; ScanPool loads it from beside the bundle.
  scanWorker: 'src/core/sessions/scan/scanWorker.ts',
  // The scan cache's sql.js database lives in a worker thread; ScanCacheClient loads it from beside the bundle.
  scanCacheWorker: 'src/core/sessions/cache/scanCacheWorker.ts',
  // Exports render in a worker thread per export; ExportRunner loads it from beside the bundle.
  exportWorker: 'src/core/export/exportWorker.ts',
};

const browserEntries = existsSync(path.join(root, 'webview-ui'))
  ? readdirSync(path.join(root, 'webview-ui'), { withFileTypes: true })
      .filter((d) => d.isDirectory() && existsSync(path.join(root, 'webview-ui', d.name, 'main.ts')))
      .map((d) => d.name)
  : [];

/** Gives web-client assets content hashes so the server can cache them forever. */
function writeAssetManifest() {
  const webDir = path.join(dist, 'webview');
  if (!existsSync(webDir)) return;
  const manifest = {};
  for (const file of readdirSync(webDir)) {
    if (!/\.(js|css)$/.test(file)) continue;
    const hash = createHash('sha256').update(readFileSync(path.join(webDir, file))).digest('hex').slice(0, 12);
    manifest[file] = hash;
  }
  writeFileSync(path.join(webDir, 'manifest.json'), JSON.stringify(manifest, null, 2));
}

const manifestPlugin = {
  name: 'asset-manifest',
  setup(build) {
    build.onEnd((result) => {
      if (result.errors.length === 0) writeAssetManifest();
    });
  },
};

const contexts = [
  await esbuild.context({
    ...nodeOptions,
    entryPoints: Object.fromEntries(Object.entries(nodeEntries).map(([k, v]) => [k, path.join(root, v)])),
    outdir: dist,
  }),
];
// The pi extension that bridges a running pi to the server; installed into pi's agent folder.
contexts.push(await esbuild.context(piBridgeBuildOptions(root, path.join(dist, 'piSessionBridge.js'))));
if (browserEntries.length > 0) {
  contexts.push(
    await esbuild.context({
      ...browserOptions,
      entryPoints: Object.fromEntries(browserEntries.map((n) => [n, path.join(root, 'webview-ui', n, 'main.ts')])),
      outdir: path.join(dist, 'webview'),
      plugins: [manifestPlugin],
    }),
  );
}

copyRuntimeFiles();
if (watch) {
  await Promise.all(contexts.map((c) => c.watch()));
} else {
  await Promise.all(contexts.map((c) => c.rebuild()));
  await Promise.all(contexts.map((c) => c.dispose()));
}
