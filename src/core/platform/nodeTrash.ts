import * as fs from 'node:fs';
import type { Logger } from '../log';
import { describeError } from '../log';

/**
 * Headless delete: the freedesktop.org trash (via the `trash` package, which writes the
 * `.trashinfo` so desktop file managers can restore the file). Only when no trash can be
 * used at all is the file unlinked, and the caller is told so.
 */
export async function moveToTrashHeadless(file: string, log: Logger): Promise<{ trashed: boolean }> {
  try {
    const { default: trash } = await import('trash');
    await trash([file], { glob: false });
    if (!fs.existsSync(file)) return { trashed: true };
    throw new Error('the file is still in place after moving it to the trash');
  } catch (err) {
    log.warn(`trash unavailable for ${file} (${describeError(err)}); deleting it permanently`);
    await fs.promises.unlink(file);
    return { trashed: false };
  }
}
