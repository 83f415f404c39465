import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startCliServer, tempDir } from '../../support/cliServer';

/** `serve` on a machine without pi sessions says which folders it watches and how pi fills them. */
test('serve with nothing to show prints the watched folders, how pi fills them and the demo', async () => {
  const home = fs.realpathSync(tempDir('psm-console-home-'));
  const extra = path.join(home, 'extra-missing');
  const server = await startCliServer({ home, sessionDirs: [extra] });
  try {
    for (let i = 0; i < 200 && !server.stdout().includes('No pi sessions yet.'); i++) await new Promise((r) => setTimeout(r, 100));
    const out = server.stdout();
    assert.match(out, /^listening on http:\/\/127\.0\.0\.1:\d+\nWatching these folders for pi sessions:\n/);
    assert.ok(out.includes(`  ${path.join(server.agentDir, 'sessions')} (pi's default folder)\n`), out);
    assert.ok(out.includes(`  ${extra} (given at launch: --session-dir or the editor setting) — not there yet; watched for when it appears\n`), out);
    assert.match(out, /No pi sessions yet\. pi fills them by itself: run `pi` in a project/);
    assert.match(out, /node dist\/cli\.js serve --demo/);
  } finally {
    await server.stop();
  }
});
