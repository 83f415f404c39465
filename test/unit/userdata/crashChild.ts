/**
 * Child process of the crash-durability test: writes user data in a loop and prints
 * "ack <n>" once each change is acknowledged (its `mutate` resolved). The parent kills it
 * with SIGKILL at a random moment and checks that every acknowledged change survived.
 */
import * as path from 'node:path';
import { EventBus } from '../../../src/core/events';
import { silentLogger } from '../../../src/core/log';
import { SqliteFile } from '../../../src/core/state/sqliteFile';
import { userStateMigrations } from '../../../src/core/state/userStateSchema';
import type { SessionInfo } from '../../../src/shared/model/sessionInfo';
import { UserData } from '../../../src/core/userdata/userData';
import { ConfigBundleStore } from '../../../src/core/userdata/configBundle';
import type { SessionLookup } from '../../../src/core/userdata/sessionLookup';
import { makeInfo } from './support';

/** Any `.jsonl` path is a session whose id is its base name; nothing needs to exist on disk. */
const anySession: SessionLookup = {
  ready: () => Promise.resolve(),
  all: () => [],
  get: (file: string): SessionInfo | undefined => (file.endsWith('.jsonl') ? makeInfo({ path: file }) : undefined),
  touch: () => undefined,
};

async function main(): Promise<void> {
  const [dir, startText] = process.argv.slice(2);
  if (!dir || !startText) throw new Error('usage: crashChild <dir> <start>');
  const db = await SqliteFile.open(path.join(dir, 'state.db'), { log: silentLogger, migrations: userStateMigrations });
  const bus = new EventBus();
  const userData = new UserData({ db, sessions: anySession, bus });
  const config = new ConfigBundleStore({ db, bus, log: silentLogger });
  const anchor = (await userData.tags.list()).find((t) => t.name === 'anchor') ?? (await userData.tags.create({ name: 'anchor' }));
  process.stdout.write('ready\n');
  for (let n = Number(startText); ; n++) {
    switch (n % 4) {
      case 0:
        await userData.tags.create({ name: `t${n}` });
        break;
      case 1:
        await config.save({ server: { port: 10_000 + n } });
        break;
      case 2:
        await userData.favorites.toggle(path.join(dir, `fav-${n}.jsonl`), true);
        break;
      default:
        await userData.tags.assign(path.join(dir, `tagged-${n}.jsonl`), anchor.id);
    }
    process.stdout.write(`ack ${n}\n`);
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
