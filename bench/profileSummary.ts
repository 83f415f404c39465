import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * Summarises V8 CPU profiles (from `npm run bench -- --cpu-prof`, one file per thread):
 * the functions with the most self time, and the share of each source file, so RESULTS.md
 * can say where the time goes. Usage: node --import tsx bench/profileSummary.ts <dir or files> [top]
 */

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export function summarise(file: string, top: number): string[] {
  const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  for (let i = 0; i < profile.samples.length; i++) self.set(profile.samples[i]!, (self.get(profile.samples[i]!) ?? 0) + (profile.timeDeltas[i] ?? 0));
  // Idle is waiting (for I/O, for messages, for the CPU on a shared machine): shares are of busy time.
  const idleIds = new Set(profile.nodes.filter((n) => n.callFrame.functionName === '(idle)').map((n) => n.id));
  for (const id of idleIds) self.delete(id);
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  const fns = new Map<string, number>();
  const files = new Map<string, number>();
  for (const [id, us] of self) {
    const f = byId.get(id)!.callFrame;
    const where = f.url ? `${path.basename(f.url)}:${f.lineNumber + 1}` : '(native)';
    fns.set(`${f.functionName || '(anonymous)'} ${where}`, (fns.get(`${f.functionName || '(anonymous)'} ${where}`) ?? 0) + us);
    const fileKey = f.url ? path.basename(f.url) : f.functionName || '(native)';
    files.set(fileKey, (files.get(fileKey) ?? 0) + us);
  }
  const pct = (us: number) => `${((100 * us) / total).toFixed(1)}%`;
  const sorted = (m: Map<string, number>) => [...m.entries()].sort((a, b) => b[1] - a[1]).slice(0, top);
  return [
    `${path.basename(file)}: ${(total / 1e6).toFixed(1)} s busy of ${((profile.endTime - profile.startTime) / 1e6).toFixed(1)} s`,
    '  by function (self time):',
    ...sorted(fns).map(([k, us]) => `    ${pct(us).padStart(6)}  ${(us / 1e6).toFixed(2)} s  ${k}`),
    '  by file:',
    ...sorted(files).map(([k, us]) => `    ${pct(us).padStart(6)}  ${(us / 1e6).toFixed(2)} s  ${k}`),
  ];
}

if (require.main === module) {
  const args = process.argv.slice(2);
  const top = Number(args.find((a) => /^\d+$/.test(a)) ?? 15);
  const targets = args.filter((a) => !/^\d+$/.test(a));
  const files = targets.flatMap((t) => (fs.statSync(t).isDirectory() ? fs.readdirSync(t).filter((f) => f.endsWith('.cpuprofile')).map((f) => path.join(t, f)) : [t]));
  for (const f of files.sort()) process.stdout.write(`${summarise(f, top).join('\n')}\n\n`);
}
