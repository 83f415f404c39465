/**
 * Every product setting in one object (`get_config_bundle` / `save_config_bundle`).
 * API tokens are deliberately absent: they are managed by the token commands only and are
 * never exported, imported or versioned with the settings.
 */
export interface ConfigBundle {
  version: 1;
  /** The user's extra session folders, the same list as `get_session_paths`. */
  session_paths: string[];
  server: {
    enabled: boolean;
    port: number;
    host: string;
    require_token_on_loopback: boolean;
    allowed_origins: string[];
    allowed_hosts: string[];
  };
  sessions: {
    /**
     * Follow symlinks found in the session folders, and then only to targets inside them.
     * Off by default: a link can point at any file the user can read.
     */
    follow_symlinks: boolean;
  };
  search: {
    max_hits_per_session: number;
    /** Characters of each tool result that go into the full-text index. */
    tool_output_index_limit: number;
  };
  ui: {
    group_by: 'project' | 'date' | 'none';
    show_relative_time: boolean;
    default_export_format: 'html' | 'markdown' | 'json';
    viewer_follow_live: boolean;
  };
}

export interface ConfigVersion {
  id: number;
  created_at: string;
  summary: string;
}

export interface ConfigSaveResult {
  bundle: ConfigBundle;
  /** The version recorded by this save; null when the bundle did not change. */
  version: ConfigVersion | null;
  /** Changed fields, as in the version summary. */
  changes: string[];
  /** Keys of the input that are not settings and were ignored (e.g. `tokens`). */
  ignored_keys: string[];
  /** False when the settings were saved but applying them live failed (see `apply_error`). */
  applied: boolean;
  apply_error?: string;
}
