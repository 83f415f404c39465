// Builds one .vsix per platform into dist-vsix/, offline:
//   linux-x64                    node-pty compiled on this machine (build/Release/pty.node)
//   darwin-x64, darwin-arm64,    node-pty's shipped N-API prebuilds
//   win32-x64, win32-arm64         (node_modules/node-pty/prebuilds/<target>/)
//   universal                    no node-pty: remote terminals answer not_available
// Each package is staged in its own folder so that dist/ keeps the local build for development.
//   node scripts/package.mjs [--no-build] [--target linux-x64,universal,…]
import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const outDir = path.join(root, 'dist-vsix');
const stageRoot = path.join(outDir, '.stage');
const ptySrc = path.join(root, 'node_modules/node-pty');
const { version } = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));

/** What each package carries of node-pty's native side, relative to node_modules/node-pty. */
export const targets = {
  'linux-x64': { addon: 'build/Release', files: ['pty.node'] },
  'darwin-x64': { addon: 'prebuilds/darwin-x64', files: ['pty.node', 'spawn-helper'] },
  'darwin-arm64': { addon: 'prebuilds/darwin-arm64', files: ['pty.node', 'spawn-helper'] },
  'win32-x64': { addon: 'prebuilds/win32-x64', files: windowsFiles() },
  'win32-arm64': { addon: 'prebuilds/win32-arm64', files: windowsFiles() },
  universal: { addon: null, files: [] },
};

/** The Windows prebuilds without their debug symbols (.pdb, about 30 MB). */
function windowsFiles() {
  return ['pty.node', 'conpty.node', 'conpty_console_list.node', 'winpty.dll', 'winpty-agent.exe', 'conpty/conpty.dll', 'conpty/OpenConsole.exe'];
}

export function vsixName(target) {
  return `pi-session-manager-${target}.vsix`;
}

function run(command, args, cwd) {
  const result = spawnSync(command, args, { cwd, stdio: 'inherit' });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} exited ${result.status ?? result.signal}`);
}

/** The files every package shares: manifest and its translations, docs, media, catalogues and the bundles (no source maps). */
function stageCommon(stage) {
  rmSync(stage, { recursive: true, force: true });
  mkdirSync(stage, { recursive: true });
  for (const file of ['package.json', 'package.nls.json', 'package.nls.zh-cn.json', 'README.md', 'LICENSE', 'CHANGELOG.md', '.vscodeignore']) {
    cpSync(path.join(root, file), path.join(stage, file));
  }
  cpSync(path.join(root, 'media'), path.join(stage, 'media'), { recursive: true });
  cpSync(path.join(root, 'l10n'), path.join(stage, 'l10n'), { recursive: true });
  const ptyDist = `${path.sep}node_modules${path.sep}node-pty${path.sep}`;
  cpSync(path.join(root, 'dist'), path.join(stage, 'dist'), {
    recursive: true,
    // node-pty's native side is added per target below.
    filter: (src) => !src.endsWith('.map') && !(src.includes(ptyDist) && /[\\/](build|prebuilds)([\\/]|$)/.test(src.slice(src.indexOf(ptyDist)))),
  });
}

function stageAddon(stage, target) {
  const { addon, files } = targets[target];
  const ptyDst = path.join(stage, 'dist/node_modules/node-pty');
  if (addon === null) {
    rmSync(ptyDst, { recursive: true, force: true });
    return;
  }
  for (const file of files) {
    const from = path.join(ptySrc, addon, file);
    if (!existsSync(from)) throw new Error(`${target}: ${path.relative(root, from)} is missing (run npm ci, which builds node-pty)`);
    const to = path.join(ptyDst, addon, file);
    mkdirSync(path.dirname(to), { recursive: true });
    cpSync(from, to);
    // spawn-helper is executed by node-pty on macOS; the zip keeps the mode.
    if (file === 'spawn-helper') chmodSync(to, 0o755);
  }
}

export function packageTarget(target) {
  const stage = path.join(stageRoot, target);
  stageCommon(stage);
  stageAddon(stage, target);
  const out = path.join(outDir, vsixName(target));
  rmSync(out, { force: true });
  const vsce = path.join(root, 'node_modules/@vscode/vsce/vsce');
  const targetArgs = target === 'universal' ? [] : ['--target', target];
  // The README's screenshots are relative links. Without a repository vsce would refuse them (it
  // rewrites relative links to a repository's URL); left as they are, they resolve inside the
  // installed extension, which ships media/screenshots.
  run(process.execPath, [vsce, 'package', '--no-dependencies', '--allow-missing-repository', '--no-rewrite-relative-links', ...targetArgs, '-o', out], stage);
  rmSync(stage, { recursive: true, force: true });
  return out;
}

if (process.argv[1] && path.resolve(process.argv[1]) === new URL(import.meta.url).pathname) {
  const only = process.argv.find((a) => a.startsWith('--target='))?.slice('--target='.length).split(',');
  const wanted = only ?? Object.keys(targets);
  const unknown = wanted.filter((t) => !(t in targets));
  if (unknown.length > 0) throw new Error(`unknown target(s): ${unknown.join(', ')}; known: ${Object.keys(targets).join(', ')}`);
  if (!process.argv.includes('--no-build')) run(process.execPath, [path.join(root, 'esbuild.mjs'), '--production'], root);
  mkdirSync(outDir, { recursive: true });
  for (const target of wanted) {
    const out = packageTarget(target);
    console.log(`${target}: ${path.relative(root, out)} (${Math.round(statSync(out).size / 1024)} KB)`);
  }
  rmSync(stageRoot, { recursive: true, force: true });
  console.log(`packaged ${wanted.length} vsix file(s) of version ${version} into ${path.relative(root, outDir)}/`);
  // The single package of earlier builds would otherwise linger beside the per-platform ones.
  if (readdirSync(outDir).includes('pi-session-manager.vsix')) rmSync(path.join(outDir, 'pi-session-manager.vsix'));
}
