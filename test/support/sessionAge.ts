import * as fs from 'node:fs';

/** Well past the live-session window (3 min), so nothing counts the file as being written now. */
const longAgoMs = 10 * 60_000;

/**
 * Sets a session file's times back, as if its pi had last written it long ago. A file the
 * test has just written would otherwise count as recently grown by a pi we cannot see, and
 * prompts to it are refused (`conflict`) by design; tests that mean an idle session say so here.
 */
export function ageSessionFile(file: string, agoMs = longAgoMs): void {
  const when = new Date(Date.now() - agoMs);
  fs.utimesSync(file, when, when);
}
