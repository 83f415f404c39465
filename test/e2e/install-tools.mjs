// Installs code-server (which bundles a VS Code build whose extension host runs on the
// system Node 20) into the ignored `.tools/` folder, on demand. It is kept out of the
// project's dependencies because it is ~300 MB and only the end-to-end suite needs it.
//
// Run directly (`node test/e2e/install-tools.mjs`) or import `ensureCodeServer()`.
import { createWriteStream, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync, copyFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runLogged } from '../setup/runLogged.mjs';

export const codeServerVersion = '4.100.3';
// The ripgrep build that code-server's bundled @vscode/ripgrep asks for; its postinstall
// takes this archive from a cache folder before trying the network.
const ripgrepCacheDir = 'vscode-ripgrep-cache-1.15.11';
const ripgrepArchive = 'ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const toolsDir = path.join(repoRoot, '.tools', 'code-server');
export const codeServerBin = path.join(toolsDir, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
const markerFile = path.join(toolsDir, `.installed-${codeServerVersion}`);

export function codeServerInstalled() {
  const pkgFile = path.join(toolsDir, 'node_modules', 'code-server', 'package.json');
  if (!existsSync(markerFile) || !existsSync(pkgFile) || !existsSync(codeServerBin)) return false;
  return JSON.parse(readFileSync(pkgFile, 'utf8')).version === codeServerVersion;
}

function findOnPath(name) {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const candidate = path.join(dir, name);
    if (dir && existsSync(candidate)) return candidate;
  }
  return undefined;
}

/** Seeds @vscode/ripgrep's download cache with Debian's `rg`, since downloads are impossible here. */
async function seedRipgrep(tmpDir, logStream) {
  const rg = findOnPath('rg');
  if (!rg) throw new Error('ripgrep (rg) is not installed; run test/setup/ensure-system-deps.sh');
  const cache = path.join(tmpDir, ripgrepCacheDir);
  const archive = path.join(cache, ripgrepArchive);
  if (existsSync(archive)) return;
  const staging = path.join(tmpDir, 'rg-staging');
  mkdirSync(staging, { recursive: true });
  mkdirSync(cache, { recursive: true });
  copyFileSync(rg, path.join(staging, 'rg'));
  await runLogged('tar', ['czf', archive, '-C', staging, 'rg'], {}, logStream);
}

/**
 * Installs code-server unless the right version is already there. Returns the path of its
 * entry script (run it with `node`). Progress goes to `logFile`.
 */
export async function ensureCodeServer({ logFile, say = console.log } = {}) {
  if (codeServerInstalled()) return codeServerBin;
  const log = logFile ?? path.join(repoRoot, '.test-output', 'install-tools.log');
  mkdirSync(path.dirname(log), { recursive: true });
  const logStream = createWriteStream(log, { flags: 'a' });
  say(`installing code-server@${codeServerVersion} into ${path.relative(repoRoot, toolsDir)} (log: ${path.relative(repoRoot, log)})`);
  const started = Date.now();

  // A half-finished earlier install must not be mistaken for a good one.
  rmSync(toolsDir, { recursive: true, force: true });
  mkdirSync(toolsDir, { recursive: true });
  const tmpDir = path.join(toolsDir, '.tmp');
  mkdirSync(tmpDir, { recursive: true });
  await seedRipgrep(tmpDir, logStream);

  // npm 11 skips dependency install scripts unless allowed. code-server's own postinstall
  // runs further `npm install`s inside its bundled VS Code (native modules such as
  // kerberos, spdlog, node-pty, ripgrep), whose package.json files we do not control, so
  // the permission is passed through the environment where those nested runs see it too.
  writeFileSync(
    path.join(toolsDir, 'package.json'),
    JSON.stringify({ name: 'pi-session-manager-e2e-tools', private: true, description: 'code-server for the end-to-end suite' }, null, 2),
  );
  const env = {
    ...process.env,
    TMPDIR: tmpDir,
    npm_config_unsafe_perm: 'true',
    npm_config_yes: 'true',
    npm_config_dangerously_allow_all_scripts: 'true',
    npm_config_audit: 'false',
    npm_config_fund: 'false',
    npm_config_update_notifier: 'false',
  };
  try {
    await runLogged('npm', ['install', '--no-save', '--no-package-lock', `code-server@${codeServerVersion}`], { cwd: toolsDir, env }, logStream);
  } catch (err) {
    logStream.end();
    throw new Error(`code-server install failed (see ${log}): ${err.message}`);
  }
  if (!existsSync(codeServerBin)) throw new Error(`code-server installed but ${codeServerBin} is missing (see ${log})`);
  writeFileSync(markerFile, new Date().toISOString() + '\n');
  rmSync(tmpDir, { recursive: true, force: true });
  logStream.end();
  say(`code-server installed in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return codeServerBin;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  ensureCodeServer().then(
    (bin) => console.log(`code-server ready: ${bin}`),
    (err) => {
      console.error(err.message);
      process.exit(1);
    },
  );
}
