// Checks the six packages of `npm run package`: each platform's vsix holds exactly node-pty's
// addon for that platform (checked by file name and by the machine in each binary's header),
// declares that platform, and the universal one holds no node-pty at all. The universal one is
// then unpacked and its headless server started, to see terminals refused with the reason while
// the rest answers.
//
// Part of vsix.mjs (and so of `npm run test:e2e`); needs no code-server, so it also runs alone:
//   node test/e2e/vsixTargets.mjs            # packages first
//   node test/e2e/vsixTargets.mjs --no-build # checks what dist-vsix/ holds
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { binaryTarget, readZip } from './lib/zipArchive.mjs';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const vsixDir = path.join(repoRoot, 'dist-vsix');
export const vsixFor = (target) => path.join(vsixDir, `pi-session-manager-${target}.vsix`);

const pty = 'extension/dist/node_modules/node-pty';
const windowsAddon = ['pty.node', 'conpty.node', 'conpty_console_list.node', 'winpty.dll', 'winpty-agent.exe', 'conpty/conpty.dll', 'conpty/OpenConsole.exe'];

/** The native files each package must hold, exactly; the executable ones must keep their x bit. */
export const expectedAddons = {
  'linux-x64': { files: [`${pty}/build/Release/pty.node`], executable: [] },
  'darwin-x64': { files: ['pty.node', 'spawn-helper'].map((f) => `${pty}/prebuilds/darwin-x64/${f}`), executable: [`${pty}/prebuilds/darwin-x64/spawn-helper`] },
  'darwin-arm64': { files: ['pty.node', 'spawn-helper'].map((f) => `${pty}/prebuilds/darwin-arm64/${f}`), executable: [`${pty}/prebuilds/darwin-arm64/spawn-helper`] },
  'win32-x64': { files: windowsAddon.map((f) => `${pty}/prebuilds/win32-x64/${f}`), executable: [] },
  'win32-arm64': { files: windowsAddon.map((f) => `${pty}/prebuilds/win32-arm64/${f}`), executable: [] },
  universal: { files: [], executable: [] },
};

const sharedEntries = [
  'extension/package.json',
  'extension/LICENSE.txt',
  'extension/changelog.md',
  'extension/readme.md',
  'extension/dist/extension.js',
  'extension/dist/sql-wasm.wasm',
  'extension/media/icon.png',
];
const nodePtyRuntime = [`${pty}/package.json`, `${pty}/lib/index.js`, `${pty}/lib/utils.js`];
const isNative = (name) => /\.(node|dll|exe|pdb|dylib|so)$/i.test(name) || name.endsWith('/spawn-helper');

/** Problems found in one target's package; empty when it is right. */
export function vsixTargetProblems(target) {
  const file = vsixFor(target);
  if (!existsSync(file)) return [`${path.relative(repoRoot, file)} was not built`];
  const problems = [];
  const entries = readZip(file);
  const names = new Set(entries.map((e) => e.name));
  const expected = expectedAddons[target];

  const missing = [...sharedEntries, ...(target === 'universal' ? [] : nodePtyRuntime), ...expected.files].filter((n) => !names.has(n));
  if (missing.length > 0) problems.push(`missing: ${missing.join(', ')}`);
  const extra = entries.map((e) => e.name).filter((n) => isNative(n) && !expected.files.includes(n));
  if (extra.length > 0) problems.push(`native files of another target or debug symbols: ${extra.join(', ')}`);
  if (target === 'universal' && entries.some((e) => e.name.startsWith(`${pty}/`))) problems.push('node-pty is in the universal package');

  for (const entry of entries.filter((e) => expected.files.includes(e.name))) {
    const built = binaryTarget(entry.read());
    if (built !== target) problems.push(`${entry.name} is built for ${built}, not ${target}`);
    if (expected.executable.includes(entry.name) && (entry.mode & 0o111) === 0) problems.push(`${entry.name} lost its executable bit (mode ${entry.mode.toString(8)})`);
  }

  const manifest = entries.find((e) => e.name === 'extension.vsixmanifest')?.read().toString('utf8') ?? '';
  const declared = manifest.match(/<Identity\b[^>]*\bTargetPlatform="([^"]+)"/)?.[1] ?? 'universal';
  if (declared !== target) problems.push(`extension.vsixmanifest declares ${declared}, not ${target}`);
  return problems;
}

/** Sends one command over the API's WebSocket (terminals belong to a connection) and returns the reply. */
function askOverWebSocket(port, command, payload) {
  const WebSocket = createRequire(import.meta.url)('ws');
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/ws`);
    const timer = setTimeout(() => {
      ws.terminate();
      reject(new Error(`${command}: no reply within 10s`));
    }, 10_000);
    ws.on('open', () => ws.send(JSON.stringify({ id: '1', command, payload })));
    ws.on('message', (data) => {
      const reply = JSON.parse(String(data));
      if (reply.id !== '1') return;
      clearTimeout(timer);
      ws.close();
      resolve(reply);
    });
    ws.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
  });
}

/** Unpacks the universal vsix, serves its headless CLI, and asks it for a terminal and the sessions. */
export async function universalTerminalsProblems() {
  const work = mkdtempSync(path.join(os.tmpdir(), 'psm-universal-'));
  let server;
  try {
    for (const entry of readZip(vsixFor('universal'))) {
      if (!entry.name.startsWith('extension/') || entry.name.endsWith('/')) continue;
      const to = path.join(work, entry.name);
      mkdirSync(path.dirname(to), { recursive: true });
      writeFileSync(to, entry.read());
    }
    mkdirSync(path.join(work, 'agent/sessions'), { recursive: true });
    const cli = path.join(work, 'extension/dist/cli.js');
    const args = [cli, 'serve', '--port', '0', '--agent-dir', path.join(work, 'agent'), '--state-dir', path.join(work, 'state')];
    server = spawn(process.execPath, args, { cwd: work, env: { ...process.env, HOME: work }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const port = await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the universal CLI did not listen within 20s:\n${output}`)), 20_000);
      const onData = (chunk) => {
        output += chunk;
        const match = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(output);
        if (match) {
          clearTimeout(timer);
          resolve(Number(match[1]));
        }
      };
      server.stdout.on('data', onData);
      server.stderr.on('data', onData);
      server.on('exit', (code) => reject(new Error(`the universal CLI exited ${code}:\n${output}`)));
    });
    const problems = [];
    const terminal = await askOverWebSocket(port, 'create_terminal', { cwd: work });
    if (terminal.success || terminal.code !== 'not_available' || !/node-pty is not included/.test(terminal.error ?? '')) {
      problems.push(`create_terminal should answer not_available saying node-pty is not included; got ${JSON.stringify(terminal)}`);
    }
    const scan = await askOverWebSocket(port, 'scan_sessions', {});
    if (!scan.success) problems.push(`scan_sessions failed in the universal package: ${JSON.stringify(scan)}`);
    return problems;
  } finally {
    server?.kill();
    rmSync(work, { recursive: true, force: true });
  }
}

/** Runs every target's check through `check(name, fn)` (the Checks of vsix.mjs, or a plain one). */
export async function checkVsixTargets(check) {
  for (const target of Object.keys(expectedAddons)) {
    await check(`the ${target} vsix holds ${expectedAddons[target].files.length ? `only node-pty's ${target} addon` : 'no node-pty'}`, async () => {
      const problems = vsixTargetProblems(target);
      if (problems.length > 0) throw new Error(problems.join('\n'));
    });
  }
  await check('the universal vsix serves sessions and answers terminals with not_available', async () => {
    const problems = await universalTerminalsProblems();
    if (problems.length > 0) throw new Error(problems.join('\n'));
  });
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  if (!process.argv.includes('--no-build')) {
    const result = spawnSync('npm', ['run', 'package'], { cwd: repoRoot, stdio: ['ignore', 'ignore', 'inherit'] });
    if (result.status !== 0) {
      console.error(`npm run package exited ${result.status}`);
      process.exit(1);
    }
  }
  let passed = 0;
  let failed = 0;
  await checkVsixTargets(async (name, fn) => {
    try {
      await fn();
      passed++;
      console.log(`  ok   ${name}`);
    } catch (err) {
      failed++;
      console.log(`  FAIL ${name}\n       ${err.message.split('\n').join('\n       ')}`);
    }
  });
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed === 0 ? 0 : 1);
}
