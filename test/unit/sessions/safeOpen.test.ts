import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { UnsafeSessionFileError, openSessionFile, openSessionFileSync } from '../../../src/core/sessions/safeOpen';

/** Opens with both functions; the content read, or the error's message. */
async function outcomes(file: string): Promise<{ sync: string; async: string }> {
  let sync: string;
  try {
    const fd = openSessionFileSync(file);
    sync = fs.readFileSync(fd, 'utf8');
    fs.closeSync(fd);
  } catch (err) {
    assert.ok(err instanceof UnsafeSessionFileError || (err as NodeJS.ErrnoException).code === 'ENOENT', String(err));
    sync = (err as Error).message;
  }
  let asyncResult: string;
  try {
    const handle = await openSessionFile(file);
    asyncResult = await handle.readFile('utf8');
    await handle.close();
  } catch (err) {
    asyncResult = (err as Error).message;
  }
  return { sync, async: asyncResult };
}

describe('guarded opens of session files', () => {
  let root: string;
  let store: string;
  let outside: string;

  before(() => {
    // realpath: the temp folder itself may be reached through a link (macOS /var → /private/var).
    root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'psm-safeopen-')));
    store = path.join(root, 'sessions');
    outside = path.join(root, 'outside');
    fs.mkdirSync(path.join(store, 'proj'), { recursive: true });
    fs.mkdirSync(outside);
    fs.writeFileSync(path.join(store, 'proj', 'plain.jsonl'), 'inside\n');
    fs.writeFileSync(path.join(outside, 'secret.jsonl'), 'outside\n');
    fs.symlinkSync(path.join(outside, 'secret.jsonl'), path.join(store, 'proj', 'link.jsonl'));
    fs.symlinkSync(outside, path.join(store, 'linkdir'));
    fs.mkdirSync(path.join(store, 'proj', 'folder.jsonl'));
  });

  after(() => fs.rmSync(root, { recursive: true, force: true }));

  it('reads a regular file at its own path', async () => {
    assert.deepEqual(await outcomes(path.join(store, 'proj', 'plain.jsonl')), { sync: 'inside\n', async: 'inside\n' });
  });

  it('refuses a file that is a symbolic link', async () => {
    const { sync, async } = await outcomes(path.join(store, 'proj', 'link.jsonl'));
    assert.match(sync, /is a symbolic link/);
    assert.match(async, /is a symbolic link/);
  });

  it('refuses a path through a linked folder, and says so', async () => {
    const { sync, async } = await outcomes(path.join(store, 'linkdir', 'secret.jsonl'));
    assert.match(sync, /goes through a symbolic link/);
    assert.match(async, /goes through a symbolic link/);
  });

  it('refuses a path spelled with a dot segment, and a folder', async () => {
    const dotted = `${store}/proj/./plain.jsonl`;
    assert.match((await outcomes(dotted)).sync, /goes through a symbolic link/);
    assert.match((await outcomes(path.join(store, 'proj', 'folder.jsonl'))).sync, /not a regular file/);
  });

  it('reads a file moved to another name there, and the new file at the old name', async () => {
    const file = path.join(store, 'proj', 'plain.jsonl');
    const fd = openSessionFileSync(file);
    fs.renameSync(file, path.join(store, 'proj', 'moved.jsonl'));
    fs.writeFileSync(file, 'replaced\n');
    // The descriptor still reads the first file; a new guarded open gets the new one.
    assert.equal(fs.readFileSync(fd, 'utf8'), 'inside\n');
    fs.closeSync(fd);
    assert.equal((await outcomes(file)).sync, 'replaced\n');
    assert.equal((await outcomes(path.join(store, 'proj', 'moved.jsonl'))).sync, 'inside\n');
  });
});
