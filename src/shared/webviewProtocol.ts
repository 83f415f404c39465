import type { CommandName } from './api/commands';
import type { ApiEnvelope } from './api/envelope';

/**
 * Messages between a webview page and its host, declared once for both sides. The page
 * talks to the product only through `dispatch` requests (the same commands as the HTTP
 * API), so the same page code runs in a VS Code webview and in a plain browser.
 */

/** The commands an editor page may run: reading and the edits its own controls offer. */
export const pageCommandNames = [
  'scan_sessions',
  'get_session_entries',
  'read_session_file',
  'search',
  'get_session_stats',
  'list_tags',
  'list_favorites',
  'toggle_favorite',
  'rename_session',
  'assign_tag',
  'remove_tag',
  'export_session',
  'get_pi_live_sessions',
] as const satisfies readonly CommandName[];

/**
 * What the session viewer's prompt box adds: prompting, steering and aborting pi. Prompting
 * lets pi run tools, so only pages whose host opts in get these (the viewer, not the dashboard).
 * `list_commands` tells the box whether its caller holds the `agent` scope.
 */
export const agentPageCommandNames = ['list_commands', 'send_pi_agent_rpc', 'steer_pi_agent', 'follow_up_pi_agent', 'abort_pi_agent'] as const satisfies readonly CommandName[];

/** Page → host: runs one API command and answers with its envelope. */
export interface DispatchRequest {
  kind: 'request';
  id: number;
  method: 'dispatch';
  params: { command: string; payload: unknown };
}

/** Page → host: things only an editor can do (open a file, run an editor command). */
export type PageCommand =
  | { kind: 'command'; method: 'ready' }
  | { kind: 'command'; method: 'open-file'; params: { path: string; line?: number } }
  | { kind: 'command'; method: 'open-session'; params: { path: string; entry_id?: string } }
  | { kind: 'command'; method: 'persist-state'; params: { state: unknown } };

export type PageToHost = DispatchRequest | PageCommand;

/** Host → page: the answer to a request. */
export interface DispatchResponse {
  kind: 'response';
  id: number;
  result: ApiEnvelope;
}

/** Host → page: an API event (sessions-diff, …) or a host instruction. */
export type HostNotification =
  | { kind: 'event'; name: string; payload: unknown }
  | { kind: 'host'; method: 'show-session'; params: { path: string; entry_id?: string } }
  | { kind: 'host'; method: 'find'; params: Record<string, never> };

export type HostToPage = DispatchResponse | HostNotification;

/**
 * The display language a page starts with, embedded by the host as JSON in
 * `<script id="l10n">`: the locale for `Intl`, and the catalogue of the extension's
 * translations (English message → translation; empty in English).
 */
export interface PageL10n {
  locale: string;
  catalogue: Record<string, string>;
}

export const pageL10nElementId = 'l10n';

/** Reads the embedded catalogue; anything malformed means English rather than a broken page. */
export function parsePageL10n(text: string | null | undefined): PageL10n {
  const english: PageL10n = { locale: 'en', catalogue: {} };
  if (!text) return english;
  let value: unknown;
  try {
    value = JSON.parse(text) as unknown;
  } catch {
    return english;
  }
  if (typeof value !== 'object' || value === null) return english;
  const v = value as { locale?: unknown; catalogue?: unknown };
  const catalogue: Record<string, string> = {};
  if (typeof v.catalogue === 'object' && v.catalogue !== null) {
    for (const [key, text] of Object.entries(v.catalogue)) if (typeof text === 'string') catalogue[key] = text;
  }
  return { locale: typeof v.locale === 'string' && v.locale ? v.locale : 'en', catalogue };
}

export function isPageToHost(value: unknown): value is PageToHost {
  if (value === null || typeof value !== 'object') return false;
  const m = value as { kind?: unknown; method?: unknown; id?: unknown };
  if (m.kind === 'request') return m.method === 'dispatch' && typeof m.id === 'number';
  return m.kind === 'command' && typeof m.method === 'string';
}
