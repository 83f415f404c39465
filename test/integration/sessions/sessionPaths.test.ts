import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startCliServer, tempDir, type ServerHandle } from '../../support/cliServer';
import { callApi } from '../../support/httpClient';

describe('save_session_paths accepts only real, specific folders', () => {
  let server: ServerHandle;
  let target: { host: string; port: number };
  let home: string;

  before(async () => {
    home = fs.realpathSync(tempDir('psm-paths-home-'));
    server = await startCliServer({ home });
    target = { host: server.host, port: server.port };
  });
  after(async () => {
    await server.stop();
  });

  test('the root, the home folder, missing folders and files are refused with a clear error', async () => {
    const file = path.join(home, 'notes.txt');
    fs.writeFileSync(file, 'x');
    const rootLink = path.join(home, 'root-link');
    fs.symlinkSync('/', rootLink);
    const cases: [string, RegExp][] = [
      ['/', /file system root/],
      [rootLink, /file system root/],
      [home, /home folder itself/],
      ['~', /home folder itself/],
      [`${home}/`, /home folder itself/],
      [path.join(home, 'missing'), /is not an existing folder/],
      [file, /is not an existing folder/],
    ];
    for (const [p, why] of cases) {
      const res = await callApi(target, 'save_session_paths', { paths: [p] });
      assert.equal(res.envelope.success, false, p);
      assert.equal(res.envelope.code, 'invalid_payload', p);
      assert.match(res.envelope.error!, /^paths\[0\]: /);
      assert.match(res.envelope.error!, why, p);
    }
    assert.deepEqual((await callApi<string[]>(target, 'get_session_paths')).envelope.data, []);
    const bundle = await callApi(target, 'save_config_bundle', { bundle: { session_paths: ['/'] } });
    assert.equal(bundle.envelope.success, false);
    assert.match(bundle.envelope.error!, /session_paths\[0\]: the file system root/);

    const good = path.join(home, 'sessions-extra');
    fs.mkdirSync(good);
    const ok = await callApi(target, 'save_session_paths', { paths: [good] });
    assert.equal(ok.envelope.success, true, ok.envelope.error ?? '');
  });
});
