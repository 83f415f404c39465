import * as fs from 'node:fs';
import * as path from 'node:path';
import { machineLine } from './machine';

export interface Figure {
  id: string;
  what: string;
  value: string;
  reference: string;
  ratio: string;
  target: string;
  met: boolean | null;
}

/** Writes bench/RESULTS.md: the machine, the date, and every figure with its target. */
export function writeResults(figures: Figure[], notes: string[], mode: string): string {
  const file = path.join(__dirname, 'RESULTS.md');
  // A run of some benchmarks (--only) keeps the other rows of the previous results.
  const kept = previousRows(file).filter((row) => !figures.some((f) => row.startsWith(`| ${f.id} |`)));
  const rows = figures.map(
    (f) => `| ${f.id} | ${f.what} | ${f.value} | ${f.reference} | ${f.ratio} | ${f.target} | ${f.met === null ? '–' : f.met ? 'met' : 'missed'} |`,
  );
  const text = [
    '# Benchmark results',
    '',
    `- Date: ${new Date().toISOString()}`,
    `- Machine: ${machineLine()}`,
    `- Mode: ${mode}`,
    '',
    '| # | what | ours | reference (same run) | ratio | target | |',
    '|---|---|---|---|---|---|---|',
    ...[...rows, ...kept].sort(),
    '',
    ...notes.map((n) => `- ${n}`),
    '',
    'Re-run with `npm run bench` (full corpus) or `npm run bench -- --quick`.',
    '',
    // Written analysis (profiling notes) below the figures is kept across runs.
    ...previousSections(file),
  ].join('\n');
  fs.writeFileSync(file, text);
  return file;
}

function previousRows(file: string): string[] {
  try {
    return fs
      .readFileSync(file, 'utf8')
      .split('\n')
      .filter((line) => /^\| B\d \|/.test(line));
  } catch {
    return [];
  }
}

function previousSections(file: string): string[] {
  try {
    const text = fs.readFileSync(file, 'utf8');
    const at = text.indexOf('\n## ');
    return at < 0 ? [] : [text.slice(at + 1)];
  } catch {
    return [];
  }
}
