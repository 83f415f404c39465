import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

/** Whether ripgrep can be run here. */
export function hasRipgrep(): boolean {
  const probe = spawnSync('rg', ['--version'], { encoding: 'utf8' });
  return probe.status === 0;
}

/**
 * Files under `dir` containing `word` (fixed string, any case): `rg -F -i -l` when ripgrep
 * is installed, otherwise the same question answered in Node, so the comparison always runs.
 */
export function filesContaining(word: string, dir: string): string[] {
  if (hasRipgrep()) {
    const result = spawnSync('rg', ['-F', '-i', '-l', '--no-ignore', '--hidden', '--', word, dir], { encoding: 'utf8' });
    // Exit status 1 means "no match", anything above is a real failure.
    if (result.status !== null && result.status > 1) throw new Error(`rg failed: ${result.stderr}`);
    return result.stdout
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => path.resolve(line))
      .sort();
  }
  const needle = word.toLowerCase();
  return filesBelow(dir)
    .filter((file) => fs.readFileSync(file, 'utf8').toLowerCase().includes(needle))
    .sort();
}

/** Every file below `dir`, as rg walks it. */
function filesBelow(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    return e.isDirectory() ? filesBelow(full) : e.isFile() ? [full] : [];
  });
}
