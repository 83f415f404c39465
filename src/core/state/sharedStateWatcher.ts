import * as fs from 'node:fs';
import * as path from 'node:path';
import type { SqliteFile } from './sqliteFile';
import type { IDisposable } from '../lifecycle';
import { describeError, type Logger } from '../log';

/**
 * Other processes (more editor windows, `cli.js token …`) save the same user-data file.
 * Watching its folder lets this process pick up a new or revoked token at once.
 */
export function watchSharedState(db: SqliteFile, log: Logger): IDisposable {
  const dir = path.dirname(db.file);
  const name = path.basename(db.file);
  let timer: NodeJS.Timeout | undefined;
  let watcher: fs.FSWatcher | undefined;
  try {
    watcher = fs.watch(dir, { persistent: false }, (_event, file) => {
      if (file !== null && file !== name) return;
      if (timer) clearTimeout(timer);
      timer = setTimeout(() => {
        db.reloadIfChangedOnDisk().catch((err) => log.warn(`state: reload failed: ${describeError(err)}`));
      }, 50);
    });
    watcher.on('error', (err) => log.warn(`state: watching ${dir} failed: ${describeError(err)}`));
  } catch (err) {
    log.warn(`state: cannot watch ${dir}: ${describeError(err)}`);
  }
  return {
    dispose: () => {
      if (timer) clearTimeout(timer);
      watcher?.close();
    },
  };
}
