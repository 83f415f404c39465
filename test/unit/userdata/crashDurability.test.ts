import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { openStateDb, tempDir } from './support';
import type { SqliteFile } from '../../../src/core/state/sqliteFile';

const iterations = Number(process.env.PSM_CRASH_ITERATIONS ?? 20);
const child = path.join(__dirname, 'crashChild.ts');

/** Runs the writer until it has acknowledged `acksWanted` changes, then SIGKILLs it at a random moment. */
function runAndKill(dir: string, start: number, acksWanted: number): Promise<number[]> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, ['--import', 'tsx', child, dir, String(start)], { stdio: ['ignore', 'pipe', 'pipe'] });
    const acked: number[] = [];
    let buffered = '';
    let stderr = '';
    let killing = false;
    const kill = () => {
      if (killing) return;
      killing = true;
      // Sometimes at once, sometimes a little later: in the middle of a save, or between saves.
      setTimeout(() => proc.kill('SIGKILL'), Math.floor(Math.random() * 15));
    };
    proc.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      buffered += chunk;
      let nl: number;
      while ((nl = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        const m = /^ack (\d+)$/.exec(line);
        if (m) acked.push(Number(m[1]));
        if (acked.length >= acksWanted) kill();
      }
    });
    proc.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    proc.on('error', reject);
    proc.on('exit', (code, signal) => {
      if (signal === 'SIGKILL') resolve(acked);
      else reject(new Error(`writer exited on its own (code ${code}): ${stderr}`));
    });
  });
}

function assertPresent(db: SqliteFile, n: number): void {
  const has = (sql: string, params: (string | number)[]) => db.get(sql, params) !== undefined;
  switch (n % 4) {
    case 0:
      assert.ok(has('SELECT 1 AS x FROM tags WHERE name = ?', [`t${n}`]), `tag t${n}`);
      break;
    case 1:
      assert.ok(
        db.all<{ bundle: string }>('SELECT bundle FROM config_versions').some((r) => (JSON.parse(r.bundle) as { server: { port: number } }).server.port === 10_000 + n),
        `config version with port ${10_000 + n}`,
      );
      break;
    case 2:
      assert.ok(has('SELECT 1 AS x FROM favorites WHERE session_id = ?', [`fav-${n}`]), `favorite fav-${n}`);
      break;
    default:
      assert.ok(has('SELECT 1 AS x FROM session_tags WHERE session_id = ?', [`tagged-${n}`]), `assignment tagged-${n}`);
  }
}

test('every acknowledged user-data change survives SIGKILL at any moment', { timeout: 180_000 }, async () => {
  const dir = tempDir();
  const acknowledged: number[] = [];
  for (let i = 0; i < iterations; i++) {
    const acks = await runAndKill(dir, i * 1000, 1 + Math.floor(Math.random() * 6));
    acknowledged.push(...acks);
    const db = await openStateDb(dir);
    try {
      for (const n of acknowledged) assertPresent(db, n);
    } finally {
      await db.close();
    }
  }
  assert.ok(acknowledged.length >= iterations);
});
