import type * as vscode from 'vscode';
import type { Logger } from '../core/log';

/**
 * The core's logger on top of the output channel. During shutdown the workbench may close
 * the channel before the last lines (server stopped, state saved) are written; those lines
 * are dropped rather than turning a clean shutdown into a failed one.
 */
export function loggerFromChannel(channel: vscode.LogOutputChannel): Logger {
  const guard = (write: (m: string) => void) => (m: string) => {
    try {
      write(m);
    } catch {
      // The channel is gone; there is nowhere left to write to.
    }
  };
  return {
    trace: guard((m) => channel.trace(m)),
    debug: guard((m) => channel.debug(m)),
    info: guard((m) => channel.info(m)),
    warn: guard((m) => channel.warn(m)),
    error: guard((m) => channel.error(m)),
  };
}
