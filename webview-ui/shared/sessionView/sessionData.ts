import type { HostBridge } from '../bridge';
import { callData } from '../bridge';
import type { ParsedSession } from '../../../src/shared/model/entries';
import type { SessionInfo } from '../../../src/shared/model/sessionInfo';
import type { SessionsDiff } from '../../../src/shared/model/events';
import type { SessionEntriesReply, SessionTailReply } from '../../../src/shared/api/commands';

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function infoOf(value: unknown): SessionInfo | null {
  return isObject(value) && typeof value.path === 'string' ? (value as unknown as SessionInfo) : null;
}

export async function fetchSession(bridge: HostBridge, path: string): Promise<SessionEntriesReply> {
  const data = await callData(bridge, 'get_session_entries', { path });
  if (!('header' in data)) throw new Error('get_session_entries returned no session header');
  return data;
}

export async function fetchSessionTail(bridge: HostBridge, path: string, fromOffset: number): Promise<SessionTailReply> {
  const { info, entries, next_offset } = await callData(bridge, 'get_session_entries', { path, from_offset: fromOffset });
  return { info, entries, next_offset };
}

/** Push events arrive untyped from the transport; a malformed one is dropped, not rendered. */
export function parseSessionsDiff(payload: unknown): SessionsDiff | null {
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
