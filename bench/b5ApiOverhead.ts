import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { median, runToEnd, startHeadlessServer, startListening } from './processes';

export interface B5Result {
  oursRps: number;
  bareRps: number;
  ratio: number;
  rounds: number;
  seconds: number;
}

const repoRoot = path.resolve(__dirname, '..');

/**
 * B5: `ping` over POST /api under load from a second process (autocannon), against a bare
 * node:http server answering the same JSON, alternated in the same run.
 */
export async function runB5(options: { seconds: number; rounds: number; connections?: number }): Promise<B5Result> {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'psm-b5-'));
  const ours = await startHeadlessServer({ stateDir: path.join(work, 'state') });
  const bare = await startListening(process.execPath, [path.join(__dirname, 'bareServer.mjs')]);
  const body = JSON.stringify({ command: 'ping', payload: {} });
  const load = async (url: string) => {
    const out = await runToEnd(process.execPath, [
      path.join(repoRoot, 'node_modules/autocannon/autocannon.js'),
      '--json',
      '-c',
      String(options.connections ?? 20),
      '-d',
      String(options.seconds),
      '-m',
      'POST',
      '-H',
      'Content-Type=application/json',
      '-b',
      body,
      `${url}/api`,
    ]);
    const result = JSON.parse(out) as { requests: { average: number }; non2xx: number; errors: number };
    if (result.non2xx > 0 || result.errors > 0) throw new Error(`B5: ${result.non2xx} non-2xx and ${result.errors} errors from ${url}`);
    return result.requests.average;
  };
  const oursRuns: number[] = [];
  const bareRuns: number[] = [];
  try {
    await load(ours.url);
    await load(bare.url);
    for (let i = 0; i < options.rounds; i++) {
      oursRuns.push(await load(ours.url));
      bareRuns.push(await load(bare.url));
    }
  } finally {
    await ours.stop();
    await bare.stop();
    fs.rmSync(work, { recursive: true, force: true });
  }
  const oursRps = median(oursRuns);
  const bareRps = median(bareRuns);
  return { oursRps, bareRps, ratio: oursRps / bareRps, rounds: options.rounds, seconds: options.seconds };
}
