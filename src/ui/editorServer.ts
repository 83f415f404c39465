import type { Logger } from '../core/log';
import { builtinConfigDefaults, resolveBundle, type ServerSettings } from '../core/userdata/configFields';
import { ServerSupervisor, type SupervisedCore } from '../server/serverSupervisor';
import { SettingKey } from './ids';

/** One setting as `WorkspaceConfiguration.inspect()` reports it (only the user's own value counts). */
export interface InspectedSetting {
  globalValue?: unknown;
}
export type SettingInspector = (key: string) => InspectedSetting | undefined;

const serverSettingKeys: readonly [keyof ServerSettings, string][] = [
  ['enabled', SettingKey.serverEnabled],
  ['port', SettingKey.serverPort],
  ['host', SettingKey.serverHost],
  ['require_token_on_loopback', SettingKey.requireTokenOnLoopback],
  ['allowed_origins', SettingKey.allowedOrigins],
  ['allowed_hosts', SettingKey.allowedHosts],
];

/**
 * The server settings the user wrote in the editor. Only user (and remote machine) values
 * count: the settings are machine-scoped, so a folder's `.vscode/settings.json` cannot open
 * the server. A setting left at its default is absent here, so the saved bundle decides it.
 * Values are checked like bundle fields; an invalid one is reported and left out.
 */
export function explicitServerSettings(inspect: SettingInspector, env: NodeJS.ProcessEnv = process.env, onInvalid?: (message: string) => void): Partial<ServerSettings> {
  const raw: Record<string, unknown> = {};
  for (const [field, key] of serverSettingKeys) {
    const value = inspect(key)?.globalValue;
    if (value !== undefined) raw[field] = value;
  }
  // The test host points the extension at a free port without touching user settings.
  if (env.PI_SESSIONS_PORT !== undefined) raw.port = Number(env.PI_SESSIONS_PORT);
  const out: Partial<ServerSettings> = {};
  for (const [field, value] of Object.entries(raw)) {
    const checked = resolveBundle(builtinConfigDefaults, { server: { [field]: value } });
    if (checked.errors.length > 0) {
      onInvalid?.(checked.errors.join('; '));
      continue;
    }
    Object.assign(out, { [field]: checked.bundle.server[field as keyof ServerSettings] });
  }
  return out;
}

export interface EditorServerOptions {
  explicit: () => Partial<ServerSettings>;
  log: Logger;
  webClientDir: string;
}

/**
 * The editor's server: another window may hold the port and give it up later, so a busy
 * port is retried; a settings edit often changes several keys, so changes settle first.
 */
export function createEditorServerSupervisor(core: SupervisedCore, options: EditorServerOptions): ServerSupervisor {
  return new ServerSupervisor(core, { ...options, retryInUseMs: 5_000, settleMs: 200 });
}
