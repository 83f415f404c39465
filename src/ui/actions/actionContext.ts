import type * as vscode from 'vscode';
import type { ExtensionSettings } from '../settings';
import type { SessionSource } from '../tree/sessionTreeProvider';
import type { CoreClient } from './coreClient';

/** What every session action is built from. */
export interface ActionContext {
  core: CoreClient;
  sessions: SessionSource;
  log: vscode.LogOutputChannel;
  settings: () => ExtensionSettings;
  homeDir: string;
  /** Path of the session row selected in the tree, if any (keybindings act on it). */
  selectedSessionPath: () => string | undefined;
}
