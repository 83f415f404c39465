import * as fs from 'node:fs';
import * as path from 'node:path';
import { writeCorpus, writeSession } from '../test/support/sessionGenerator';

export interface CorpusSize {
  sessions: number;
  projects: number;
  /** Bytes of the one huge session (benchmarks.md asks for one over 100 MB). */
  hugeSessionBytes: number;
  /** Bytes of the single longest line (benchmarks.md: over 3 MB). */
  longLineBytes: number;
}

export const fullCorpus: CorpusSize = { sessions: 5000, projects: 40, hugeSessionBytes: 110 * 1024 * 1024, longLineBytes: 3.5 * 1024 * 1024 };
export const quickCorpus: CorpusSize = { sessions: 600, projects: 12, hugeSessionBytes: 12 * 1024 * 1024, longLineBytes: 3.5 * 1024 * 1024 };

function folderBytes(dir: string): { files: number; bytes: number } {
  let files = 0;
  let bytes = 0;
  const stack = [dir];
  while (stack.length) {
    const d = stack.pop()!;
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const full = path.join(d, e.name);
      if (e.isDirectory()) stack.push(full);
      else {
        files++;
        bytes += fs.statSync(full).size;
      }
    }
  }
  return { files, bytes };
}

/**
 * A deterministic pi store for the benchmarks: thousands of v3 sessions over tens of
 * projects (a few v1), tool output as the bulk of the bytes, CJK and emoji, one huge session
 * and one multi-megabyte line. Reused when a corpus of the same size is already on disk.
 */
export function ensureCorpus(root: string, size: CorpusSize, log: (line: string) => void): { dir: string; files: number; bytes: number } {
  const dir = path.join(root, `corpus-${size.sessions}`);
  const marker = path.join(dir, '.complete');
  if (fs.existsSync(marker)) return { dir, ...folderBytes(dir) };
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  log(`writing a corpus of ${size.sessions} sessions to ${dir}…`);
  writeCorpus(dir, {
    sessions: size.sessions,
    projects: size.projects,
    seed: 424242,
    // Tool output is the bulk of a real store's bytes; this mix lands near 1 GB at 5,000.
    toolOutputBytes: (rng) => 400 + Math.floor(rng() * rng() * 12_000),
    onProgress: (n) => {
      if (n % 1000 === 0) log(`  ${n} sessions written`);
    },
  });
  for (let i = 0; i < 6; i++) {
    writeSession(dir, { version: 1, seed: 9000 + i, cwd: `/home/dev/legacy-${i % 2}`, turns: 20, quirks: { tools: true, compaction: true } });
  }
  writeSession(dir, { version: 3, seed: 777, cwd: '/home/dev/monorepo', turns: 6, quirks: { tools: true, hugeToolResultBytes: size.longLineBytes, unicode: true } });
  // One bash result every four turns (the generator's rhythm), 60 KB each.
  const turns = Math.max(50, Math.round(size.hugeSessionBytes / 16_000));
  writeSession(dir, { version: 3, seed: 778, cwd: '/home/dev/monorepo', turns, toolOutputBytes: 60_000, quirks: { tools: true, thinking: true, unicode: true } });
  fs.writeFileSync(marker, new Date().toISOString());
  const measured = folderBytes(dir);
  log(`corpus ready: ${measured.files - 1} files, ${(measured.bytes / 1048576).toFixed(0)} MB`);
  return { dir, ...measured };
}
