import * as fs from 'node:fs';
import { processAlive } from './processAlive';

const lockStaleMs = 10_000;
const lockWaitMs = 15_000;

/**
 * Takes a cross-process lock: a file created exclusively that holds our pid. A lock left by
 * a process that is gone, or older than any save could take, is broken. Resolves with the
 * function that releases it.
 */
export async function acquireFileLock(lockFile: string): Promise<() => void> {
  const deadline = Date.now() + lockWaitMs;
  for (let attempt = 0; ; attempt++) {
    try {
      const fd = fs.openSync(lockFile, 'wx', 0o600);
      try {
        fs.writeSync(fd, String(process.pid));
      } catch (err) {
        // A lock we cannot even write our pid into (disk full) must not stay behind.
        fs.closeSync(fd);
        fs.rmSync(lockFile, { force: true });
        throw err;
      }
      fs.closeSync(fd);
      return () => fs.rmSync(lockFile, { force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      if (isStaleLock(lockFile)) {
        fs.rmSync(lockFile, { force: true });
        continue;
      }
      if (Date.now() > deadline) throw new Error(`state: ${lockFile} is held by another process`);
      await new Promise((r) => setTimeout(r, Math.min(50, 5 + attempt * 5)));
    }
  }
}

function isStaleLock(lockFile: string): boolean {
  try {
    const st = fs.statSync(lockFile);
    const pid = Number(fs.readFileSync(lockFile, 'utf8'));
    if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && !processAlive(pid)) return true;
    return Date.now() - st.mtimeMs > lockStaleMs;
  } catch {
    return false;
  }
}
