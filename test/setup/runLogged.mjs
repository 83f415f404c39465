import { spawn } from 'node:child_process';

/** Runs a command to completion, its output appended to `logStream`; rejects on a non-zero exit. */
export function runLogged(cmd, args, options, logStream) {
  return new Promise((resolve, reject) => {
    logStream.write(`\n$ ${cmd} ${args.join(' ')}\n`);
    const child = spawn(cmd, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.pipe(logStream, { end: false });
    child.stderr.pipe(logStream, { end: false });
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`${cmd} ${args.join(' ')} exited with ${code}`))));
  });
}
