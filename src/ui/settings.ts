import * as vscode from 'vscode';
import { SettingKey } from './ids';

export interface ExtensionSettings {
  serverEnabled: boolean;
  port: number;
  host: string;
  requireTokenOnLoopback: boolean;
  allowedOrigins: string[];
  sessionDirectories: string[];
  agentDir: string;
  piCommand: string;
}

/**
 * Reads every setting in one place. Environment variables let the test host point the
 * extension at fixture folders and a free port without touching user settings.
 */
export function readSettings(env: NodeJS.ProcessEnv = process.env): ExtensionSettings {
  const c = vscode.workspace.getConfiguration(SettingKey.section);
  const envPort = env.PI_SESSIONS_PORT !== undefined ? Number(env.PI_SESSIONS_PORT) : undefined;
  const envDirs = env.PI_SESSIONS_EXTRA_DIRS ? env.PI_SESSIONS_EXTRA_DIRS.split(':').filter(Boolean) : [];
  return {
    serverEnabled: c.get<boolean>(SettingKey.serverEnabled, true),
    port: envPort !== undefined && Number.isInteger(envPort) ? envPort : c.get<number>(SettingKey.serverPort, 52131),
    host: c.get<string>(SettingKey.serverHost, '127.0.0.1'),
    requireTokenOnLoopback: c.get<boolean>(SettingKey.requireTokenOnLoopback, false),
    allowedOrigins: c.get<string[]>(SettingKey.allowedOrigins, []),
    sessionDirectories: [...c.get<string[]>(SettingKey.sessionDirectories, []), ...envDirs],
    agentDir: c.get<string>(SettingKey.agentDir, ''),
    piCommand: c.get<string>(SettingKey.piCommand, 'pi'),
  };
}

export function affectsServer(e: vscode.ConfigurationChangeEvent): boolean {
  return ['server'].some((k) => e.affectsConfiguration(`${SettingKey.section}.${k}`));
}
