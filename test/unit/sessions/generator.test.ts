import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { summarizeFile } from '../../../src/core/sessions/summary';
import { allQuirks, encodeCwd, writeCorpus, writeSession } from '../../support/sessionGenerator';

function tempDir(t: { after(fn: () => void): void }): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'psm-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

test('the generator is deterministic and writes pi\'s layout', (t) => {
  const a = tempDir(t);
  const b = tempDir(t);
  const spec = { version: 3 as const, seed: 4, turns: 5, cwd: '/home/u/my-app', quirks: allQuirks };
  const ea = writeSession(a, spec);
  const eb = writeSession(b, spec);
  assert.deepEqual(fs.readFileSync(ea.path), fs.readFileSync(eb.path));
  assert.equal(path.basename(path.dirname(ea.path)), '--home-u-my-app--');
  assert.equal(encodeCwd('C:\\work\\app'), '--C--work-app--');
  assert.match(path.basename(ea.path), /^\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}-\d{3}Z_[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}\.jsonl$/);
  assert.ok(path.basename(ea.path).endsWith(`_${ea.id}.jsonl`));
  assert.equal(path.basename(ea.path).slice(0, 24), ea.created.replace(/[:.]/g, '-'));
  assert.notDeepEqual(fs.readFileSync(writeSession(a, { ...spec, seed: 5 }).path), fs.readFileSync(ea.path));
});

test('a benchmark corpus spreads sessions over project folders and matches its expected values', async (t) => {
  const root = tempDir(t);
  let progress = 0;
  const written = writeCorpus(root, { sessions: 24, projects: 4, seed: 8, onProgress: (n) => (progress = n) });
  assert.equal(progress, 24);
  assert.equal(written.length, 24);
  const folders = fs.readdirSync(root);
  assert.ok(folders.length >= 2 && folders.length <= 4);
  assert.equal(folders.reduce((n, d) => n + fs.readdirSync(path.join(root, d)).length, 0), 24);
  for (const exp of written) {
    const { info } = await summarizeFile(exp.path);
    assert.equal(info.message_count, exp.message_count);
    assert.equal(info.modified, exp.modified);
    assert.equal(info.first_message, exp.first_message);
    assert.equal(info.name, exp.name);
    assert.equal(info.cwd, exp.cwd);
  }
});
