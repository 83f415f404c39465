import { ApiError } from './errors';
import { s } from './schema';
import { defineCommand, type CommandSpec, type Scope } from './types';

/**
 * Every command of the seed API reference, with the scope it needs. The router starts with a
 * placeholder for each, so an unfinished capability answers a clear error instead of
 * `unknown_command`; the real command replaces its placeholder when its service is built.
 */
export const seedCommandScopes: Readonly<Record<string, Scope>> = {
  scan_sessions: 'read',
  read_session_file: 'read',
  rename_session: 'write',
  delete_session: 'write',
  export_session: 'read',
  search: 'read',
  list_tags: 'read',
  create_tag: 'write',
  update_tag: 'write',
  delete_tag: 'write',
  assign_tag: 'write',
  remove_tag: 'write',
  list_favorites: 'read',
  toggle_favorite: 'write',
  get_session_paths: 'read',
  save_session_paths: 'write',
  get_all_session_dirs: 'read',
  get_config_bundle: 'read',
  save_config_bundle: 'write',
  list_config_versions: 'read',
  list_tokens: 'write',
  create_token: 'write',
  revoke_token: 'write',
  get_session_stats: 'read',
  load_model_config: 'read',
  save_model_config: 'write',
  import_model_config_from_path: 'write',
  export_model_config_to_path: 'write',
  list_model_config_backups: 'read',
  restore_model_config_backup: 'write',
  list_skills: 'read',
  list_prompts: 'read',
  list_themes: 'read',
  get_pi_live_sessions: 'read',
  get_pi_agent_entries: 'read',
  send_pi_agent_rpc: 'write',
  create_terminal: 'terminal',
  terminal_write: 'terminal',
  terminal_resize: 'terminal',
  terminal_close: 'terminal',
  ping: 'read',
};

export const seedCommandNames: readonly string[] = Object.keys(seedCommandScopes);

/** Compat command names of the desktop app's clients (api-contract.md, "Aliases"). */
export const compatAliases: Readonly<Record<string, readonly string[]>> = {
  search: ['full_text_search'],
  list_tags: ['get_all_tags'],
  remove_tag: ['remove_tag_from_session'],
  list_favorites: ['get_all_favorites'],
  list_tokens: ['list_api_keys'],
  create_token: ['create_api_key'],
  revoke_token: ['revoke_api_key'],
  list_skills: ['scan_skills'],
  list_prompts: ['scan_prompts'],
  create_terminal: ['terminal_create'],
};

export function notAvailableYet(name: string): CommandSpec<Record<string, never>> {
  return defineCommand({
    name,
    aliases: compatAliases[name] ?? [],
    scope: seedCommandScopes[name] ?? 'write',
    summary: 'Not available in this build yet',
    payload: s.object({}),
    run: () => {
      throw new ApiError('not_available', `${name} is not available yet in this version of Pi Session Manager`);
    },
  });
}
