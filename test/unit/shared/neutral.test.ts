import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';

/*
 * src/shared runs in Node (core, exports, CLI) and in pages alike. Its own type-check has no
 * DOM library, but a dependency's type reference can pull DOM types back in, so browser
 * globals and imports of other project parts are refused here as text.
 */

const sharedDir = path.resolve(__dirname, '../../../src/shared');

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    return e.isDirectory() ? sources(full) : e.name.endsWith('.ts') ? [full] : [];
  });
}

test('the shared part names no browser global', () => {
  const hits = sources(sharedDir).flatMap((file) =>
    fs
      .readFileSync(file, 'utf8')
      .split('\n')
      .map((line, i) => ({ line, at: `${path.relative(sharedDir, file)}:${i + 1}` }))
      // Whole words: a field such as `context_window` is no browser global.
      .filter(({ line }) => /\b(document|window)\b/.test(line))
      .map(({ at }) => at),
  );
  assert.deepEqual(hits, []);
});

test('the shared part imports nothing else of the project', () => {
  const outside = sources(sharedDir).flatMap((file) =>
    [...fs.readFileSync(file, 'utf8').matchAll(/from '(\.[^']+)'/g)]
      .map((m) => path.resolve(path.dirname(file), m[1]!))
      .filter((target) => !target.startsWith(sharedDir + path.sep))
      .map((target) => `${path.relative(sharedDir, file)} → ${target}`),
  );
  assert.deepEqual(outside, []);
});
