import * as vscode from 'vscode';
import { SettingKey } from './ids';
import { explicitServerSettings } from './editorServer';
import type { ServerSettings } from '../core/userdata/configFields';

/** The editor's settings besides the server's (see `editorServerSettings`). */
export interface ExtensionSettings {
  sessionDirectories: string[];
  agentDir: string;
  piCommand: string;
}

/**
 * An environment variable lets the test host point the extension at fixture folders
 * without touching user settings.
 */
export function readSettings(env: NodeJS.ProcessEnv = process.env): ExtensionSettings {
  const c = vscode.workspace.getConfiguration(SettingKey.section);
  const envDirs = env.PI_SESSIONS_EXTRA_DIRS ? env.PI_SESSIONS_EXTRA_DIRS.split(':').filter(Boolean) : [];
  return {
    sessionDirectories: [...c.get<string[]>(SettingKey.sessionDirectories, []), ...envDirs],
    agentDir: c.get<string>(SettingKey.agentDir, ''),
    piCommand: c.get<string>(SettingKey.piCommand, 'pi'),
  };
}

export function affectsServer(e: vscode.ConfigurationChangeEvent): boolean {
  return ['server'].some((k) => e.affectsConfiguration(`${SettingKey.section}.${k}`));
}

/** The server settings the user set in the editor; they win over the saved bundle. */
export function editorServerSettings(onInvalid: (message: string) => void, env: NodeJS.ProcessEnv = process.env): Partial<ServerSettings> {
  const c = vscode.workspace.getConfiguration(SettingKey.section);
  return explicitServerSettings((key) => c.inspect(key), env, onInvalid);
}
