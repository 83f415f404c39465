import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Core, type CoreOptions } from '../src/core/core';
import { createStreamLogger } from '../src/core/log';
import { writeCorpus } from '../test/support/sessionGenerator';
import { median } from './processes';

/**
 * What the editor waits for before `activate` returns, as far as the core is concerned:
 * building the core (activation) and, separately, opening its databases (which the core's
 * start does after activation). Each sample runs in a fresh process, so sql.js is loaded
 * cold every time, as it is in a new extension host. The scan cache is filled beforehand
 * from a generated store, so opening it costs what it costs for a user with that many
 * sessions.
 *
 *   node --import tsx bench/activation.ts [--sessions=2000] [--runs=15]
 */

const work = path.join(__dirname, '.work', 'activation');

function optionsFor(dir: string): CoreOptions {
  return {
    agentDir: path.join(dir, 'agent'),
    stateDir: path.join(dir, 'state'),
    log: createStreamLogger(() => undefined, 'error'),
    platform: { moveToTrash: () => Promise.reject(new Error('not in the benchmark')) },
    env: { PI_CODING_AGENT_SESSION_DIR: path.join(dir, 'sessions') },
    homeDir: dir,
  };
}

async function child(dir: string): Promise<void> {
  const t0 = performance.now();
  const core = new Core(optionsFor(dir));
  const constructed = performance.now();
  await core.open();
  const opened = performance.now();
  process.stdout.write(`${JSON.stringify({ activationMs: constructed - t0, openMs: opened - constructed })}\n`);
  await core.dispose();
}

async function prepare(dir: string, sessions: number): Promise<void> {
  const marker = path.join(dir, `.ready-${sessions}`);
  if (fs.existsSync(marker)) return;
  fs.rmSync(dir, { recursive: true, force: true });
  writeCorpus(path.join(dir, 'sessions'), { sessions, projects: 20, seed: 7 });
  const core = new Core(optionsFor(dir));
  await core.start();
  await core.dispose();
  fs.writeFileSync(marker, '');
}

async function main(): Promise<void> {
  const arg = (name: string, fallback: number) => Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? fallback);
  const dir = path.join(work, 'store');
  if (process.argv.includes('--child')) return child(dir);
  const sessions = arg('sessions', 2000);
  await prepare(dir, sessions);
  const cacheBytes = fs.statSync(path.join(dir, 'state', 'scan-cache.db')).size;
  const samples: { activationMs: number; openMs: number }[] = [];
  for (let i = 0; i < arg('runs', 15); i++) {
    const run = spawnSync(process.execPath, ['--import', 'tsx', __filename, '--child'], { encoding: 'utf8' });
    if (run.status !== 0) throw new Error(`sample ${i} failed: ${run.stderr}`);
    samples.push(JSON.parse(run.stdout.trim().split('\n').at(-1)!));
  }
  const ms = (v: number) => `${v.toFixed(1)} ms`;
  process.stdout.write(
    `${sessions} sessions, scan cache ${(cacheBytes / 1048576).toFixed(1)} MB, ${samples.length} fresh processes\n` +
      `  activation (core built, before activate returns): median ${ms(median(samples.map((s) => s.activationMs)))}\n` +
      `  opening the databases (in start, after activation): median ${ms(median(samples.map((s) => s.openMs)))}\n`,
  );
}

void main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
