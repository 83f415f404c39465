/**
 * Where a scanned folder comes from. pi's own rules, first match wins per working folder:
 * `env` (PI_CODING_AGENT_SESSION_DIR), `project-settings` (`sessionDir` in a project's
 * `.pi/settings.json`), `pi-settings` (`sessionDir` in the agent's settings.json), `pi-default`
 * (`<agent dir>/sessions`). Then the product's: `launch` (CLI flag, editor setting), `user`
 * (saved over the API) and `demo` (the generated demo store, shown instead of everything else).
 */
export type SessionDirSource = 'env' | 'project-settings' | 'pi-settings' | 'pi-default' | 'user' | 'launch' | 'demo';

export interface SessionDir {
  path: string;
  source: SessionDirSource;
  exists: boolean;
  /** How the folder was found, in words (which variable or file, resolved from where). */
  why?: string;
  /** The working folder a project or relative `sessionDir` was resolved from. */
  cwd?: string;
}
