import type { HostBridge } from '../bridge';
import { callData } from '../bridge';
import type { ParsedSession, SessionEntry, SessionHeader } from '../../../src/core/sessions/entries';
import type { SessionInfo } from '../../../src/core/sessions/sessionInfo';

/** `get_session_entries` without `from_offset`: the whole file. */
export interface SessionEntriesReply {
  info: SessionInfo | null;
  header: SessionHeader;
  entries: SessionEntry[];
  leaf_id: string | null;
  labels: Record<string, string>;
  next_offset: number;
  skipped_lines: number;
}

/** `get_session_entries` with `from_offset`: only what was appended since. */
export interface SessionTailReply {
  info: SessionInfo | null;
  entries: SessionEntry[];
  next_offset: number;
}

/** The `sessions-diff` event as the viewer reads it. */
export interface SessionsDiffEvent {
  added: SessionInfo[];
  updated: SessionInfo[];
  removed: string[];
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function entriesOf(value: unknown): SessionEntry[] {
  return Array.isArray(value) ? value.filter((e): e is SessionEntry => isObject(e) && typeof e.type === 'string') : [];
}

function infoOf(value: unknown): SessionInfo | null {
  return isObject(value) && typeof value.path === 'string' ? (value as unknown as SessionInfo) : null;
}

export async function fetchSession(bridge: HostBridge, path: string): Promise<SessionEntriesReply> {
  const data = await callData<unknown>(bridge, 'get_session_entries', { path });
  if (!isObject(data) || !isObject(data.header)) throw new Error('get_session_entries returned no session header');
  const labels = isObject(data.labels) ? (data.labels as Record<string, string>) : {};
  return {
    info: infoOf(data.info),
    header: data.header as SessionHeader,
    entries: entriesOf(data.entries),
    leaf_id: typeof data.leaf_id === 'string' ? data.leaf_id : null,
    labels: { ...labels },
    next_offset: typeof data.next_offset === 'number' ? data.next_offset : 0,
    skipped_lines: typeof data.skipped_lines === 'number' ? data.skipped_lines : 0,
  };
}

export async function fetchSessionTail(bridge: HostBridge, path: string, fromOffset: number): Promise<SessionTailReply> {
  const data = await callData<unknown>(bridge, 'get_session_entries', { path, from_offset: fromOffset });
  if (!isObject(data)) throw new Error('get_session_entries returned nothing');
  return {
    info: infoOf(data.info),
    entries: entriesOf(data.entries),
    next_offset: typeof data.next_offset === 'number' ? data.next_offset : fromOffset,
  };
}

export function parseSessionsDiff(payload: unknown): SessionsDiffEvent | null {
  if (!isObject(payload)) return null;
  const list = (value: unknown) => (Array.isArray(value) ? value.map(infoOf).filter((i): i is SessionInfo => i !== null) : []);
  const removed = Array.isArray(payload.removed) ? payload.removed.filter((p): p is string => typeof p === 'string') : [];
  return { added: list(payload.added), updated: list(payload.updated), removed };
}

/** The session as the shared renderer's summary and tree functions expect it. */
export function toParsedSession(path: string, reply: Pick<SessionEntriesReply, 'header' | 'entries' | 'leaf_id' | 'labels' | 'skipped_lines'>): ParsedSession {
  return {
    path,
    header: reply.header,
    entries: reply.entries,
    leafId: reply.leaf_id,
    labels: reply.labels,
    skippedLines: reply.skipped_lines,
  };
}
