import { randomBytes } from 'node:crypto';
import type { FileMark } from './ownWrites';
import { openSessionFile } from './safeOpen';

/**
 * The only write the product ever makes to a pi session file: one appended
 * `session_info` line, exactly as pi's `appendSessionInfo` does. Existing bytes are never
 * rewritten; a file whose last line lacks its newline gets one first, so the new entry
 * starts on a line of its own.
 */
export async function appendSessionName(
  file: string,
  name: string,
  leafId: string | null,
  existingIds: ReadonlySet<string>,
): Promise<{ id: string; line: string; left: FileMark }> {
  const id = freshEntryId(existingIds);
  const entry = { type: 'session_info', id, parentId: leafId, timestamp: new Date().toISOString(), name };
  const line = `${JSON.stringify(entry)}\n`;
  const handle = await openSessionFile(file, 'append');
  try {
    const { size } = await handle.stat();
    let prefix = '';
    if (size > 0) {
      const last = Buffer.alloc(1);
      await handle.read(last, 0, 1, size - 1);
      if (last[0] !== 0x0a) prefix = '\n';
    }
    // One write in append mode: a concurrent pi append lands before or after, never inside.
    await handle.write(prefix + line);
    await handle.sync();
    // Taken on our own descriptor right after the write, so our append is not mistaken for
    // another pi's (see OwnSessionWrites).
    const after = await handle.stat();
    return { id, line, left: { size: after.size, mtimeMs: after.mtimeMs } };
  } finally {
    await handle.close();
  }
}

/** pi's entry ids: 8 hex characters, unique within the file. */
export function freshEntryId(existing: ReadonlySet<string>): string {
  for (;;) {
    const id = randomBytes(4).toString('hex');
    if (!existing.has(id)) return id;
  }
}
