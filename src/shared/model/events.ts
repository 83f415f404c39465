import type { PiRoute, PiRunEvent } from './pi';
import type { SessionInfo } from './sessionInfo';

/** What changed in the session list since the last diff. */
export interface SessionsDiff {
  added: SessionInfo[];
  updated: SessionInfo[];
  /** Paths of sessions that are gone. */
  removed: string[];
}

/** Every event the core publishes, with its payload. Transports forward these as they are. */
export interface CoreEventMap {
  'session-changed': { changed_paths: string[] };
  'sessions-diff': SessionsDiff;
  /** Compat form of `sessions-diff` for the desktop app's clients. */
  'sessions-changed': { updated: SessionInfo[]; removed: string[] };
  'scan-progress': { done: number; total: number; finished: boolean };
  'tags-changed': { reason: string };
  'favorites-changed': { path: string; favorite: boolean };
  'config-changed': { version_id: number | null };
  'terminal-output': { id: string; data: string };
  'terminal-exit': { id: string; exit_code: number | null; signal?: number | null };
  /** One step of a send_pi_agent_rpc run, sent only to the client that started it. */
  'pi-rpc-event': { run_id: string; session_id: string } & PiRunEvent;
  /**
   * Broadcast to readers: one step of any run in a live session (bridged pi or our RPC child),
   * so a viewer following the session can stream the answer as pi writes it. `run_id` is null
   * for runs started inside pi itself (typed in its terminal).
   */
  'pi-live-event': { session_id: string; session_path: string; run_id: string | null; via: PiRoute } & PiRunEvent;
  /** Broadcast: these sessions started or stopped being live or streaming; ask get_pi_live_sessions. */
  'pi-live-changed': { session_ids: string[] };
}

export type CoreEventName = keyof CoreEventMap;
