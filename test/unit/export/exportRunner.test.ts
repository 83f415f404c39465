import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ExportRunner } from '../../../src/core/export/exportRunner';
import type { ExportReply } from '../../../src/shared/model/export';
import { EncodedJson } from '../../../src/core/util/encodedJson';
import { writeSession } from '../../support/sessionGenerator';

describe('ExportRunner', () => {
  let dir: string;
  let file: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'psm-export-runner-'));
    file = writeSession(dir, { turns: 5, quirks: { tools: true } }).path;
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('renders in a worker, as a value for the editor or as JSON bytes for the network', async () => {
    const runner = new ExportRunner();
    try {
      const plain = (await runner.run({ file, format: 'markdown', info: null })) as ExportReply;
      assert.equal(plain.format, 'markdown');
      assert.match(plain.content ?? '', /^# /m);
      const encoded = await runner.run({ file, format: 'json', info: null, encodeJson: true });
      assert.ok(encoded instanceof EncodedJson);
      const value = JSON.parse(encoded.bytes.toString('utf8')) as { format: string; filename: string; content: string };
      assert.equal(value.format, 'json');
      assert.match(value.filename, /\.json$/);
      assert.ok(Array.isArray((JSON.parse(value.content) as { entries: unknown[] }).entries));
      const target = path.join(dir, 'out.html');
      const written = (await runner.run({ file, format: 'html', info: null, targetPath: target })) as ExportReply;
      assert.equal(written.written_to, target);
      assert.equal(written.content, undefined);
      assert.match(fs.readFileSync(target, 'utf8'), /^<!DOCTYPE html>/i);
    } finally {
      await runner.dispose();
    }
  });

  it('runs a bounded number at once and refuses more than its queue holds', async () => {
    const runner = new ExportRunner({ maxRunning: 1, maxWaiting: 1 });
    try {
      const results = await Promise.allSettled([1, 2, 3].map(() => runner.run({ file, format: 'json', info: null })));
      assert.deepEqual(results.map((r) => r.status), ['fulfilled', 'fulfilled', 'rejected']);
      const refused = results[2] as PromiseRejectedResult;
      assert.equal((refused.reason as { code: string }).code, 'unavailable');
    } finally {
      await runner.dispose();
    }
  });

  it('reports a file that is not a session as an error, and a disposed runner refuses work', async () => {
    const runner = new ExportRunner();
    const bogus = path.join(dir, 'bogus.jsonl');
    fs.writeFileSync(bogus, 'not json\n');
    await assert.rejects(runner.run({ file: bogus, format: 'json', info: null }));
    await runner.dispose();
    await assert.rejects(runner.run({ file, format: 'json', info: null }), (err: { code?: string }) => err.code === 'unavailable');
  });
});
