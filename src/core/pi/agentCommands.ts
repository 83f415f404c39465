import * as fs from 'node:fs';
import { ApiError } from '../../shared/api/errors';
import { s } from '../api/schema';
import { defineCommand } from '../api/types';
import type { ParsedSession } from '../../shared/model/entries';
import { resolveSessionFile } from '../sessions/sessionPathGuard';
import type { LiveSessionFinder } from './liveSessions';
import type { PiRpcManager, SessionFinder } from './rpc/rpcManager';

export interface PiAgentCommandDeps {
  rpc: PiRpcManager;
  live: LiveSessionFinder;
  sessions: SessionFinder;
  parseSessionFile(file: string): Promise<ParsedSession>;
  /** The session folders: a file found by id passes the same guard as a path. */
  sessionRoots(): string[];
}

const sessionId = s.string({ min: 1, max: 200, trim: true });
const maxCachedSessions = 16;

/**
 * Parsed sessions keyed by path, reused while the file's size and mtime stay the same: a
 * client following a live session asks again after every event.
 */
class ParsedSessionCache {
  private readonly byPath = new Map<string, { size: number; mtimeMs: number; parsed: ParsedSession }>();

  constructor(private readonly parse: (file: string) => Promise<ParsedSession>) {}

  async get(file: string): Promise<ParsedSession> {
    const stat = await fs.promises.lstat(file).catch(() => undefined);
    if (!stat?.isFile()) throw new ApiError('not_found', `the session file is missing: ${file}`);
    const hit = this.byPath.get(file);
    if (hit && hit.size === stat.size && hit.mtimeMs === stat.mtimeMs) {
      // Re-inserted so the map's order stays least-recently-used first.
      this.byPath.delete(file);
      this.byPath.set(file, hit);
      return hit.parsed;
    }
    const parsed = await this.parse(file);
    this.byPath.delete(file);
    this.byPath.set(file, { size: stat.size, mtimeMs: stat.mtimeMs, parsed });
    while (this.byPath.size > maxCachedSessions) this.byPath.delete(this.byPath.keys().next().value!);
    return parsed;
  }
}

/** get_pi_live_sessions, get_pi_agent_entries and send_pi_agent_rpc. */
export function createPiAgentCommands(deps: PiAgentCommandDeps) {
  const cache = new ParsedSessionCache(deps.parseSessionFile);
  /** The indexed session, its file re-checked now: the folder may have changed since the scan. */
  const guardedSession = async (id: string) => {
    const session = deps.sessions.findSessionById(id);
    if (!session) throw new ApiError('not_found', `unknown session id: ${id}`);
    if (!(await fs.promises.lstat(session.path).catch(() => undefined))) throw new ApiError('not_found', `the session file of ${id} is missing: ${session.path}`);
    const file = await resolveSessionFile(session.path, deps.sessionRoots(), 'session_id');
    if (file !== session.path) throw new ApiError('forbidden', `session_id: the file of ${id} is reached through a symbolic link`);
    return session;
  };
  return [
    defineCommand({
      name: 'get_pi_live_sessions',
      scope: 'read',
      summary: 'List pi sessions running now: our RPC children, pi processes, recently appended files',
      payload: s.object({}),
      run: () => deps.live.list(),
    }),
    defineCommand({
      name: 'get_pi_agent_entries',
      scope: 'read',
      summary: "A session's parsed entries, with the live run's streamed text when we drive it",
      payload: s.object({ session_id: sessionId }),
      run: async ({ session_id }) => {
        const session = await guardedSession(session_id);
        const parsed = await cache.get(session.path);
        const owned = deps.rpc.list().find((c) => c.session_id === session.id);
        return {
          session_id: session.id,
          session_path: session.path,
          header: parsed.header,
          entries: parsed.entries,
          leaf_id: parsed.leafId,
          // pi writes a message only once it is complete; the run's text so far lives here.
          live: owned
            ? { pid: owned.pid, streaming: owned.streaming, run_id: owned.run_id, partial_text: deps.rpc.partialText(session.id) ?? null }
            : null,
        };
      },
    }),
    defineCommand({
      name: 'send_pi_agent_rpc',
      scope: 'agent',
      summary: 'Send a prompt to pi in RPC mode; answers a run id and streams pi-rpc-event to the caller',
      payload: s.object(
        {
          session_id: sessionId,
          prompt: s.string({ min: 1, max: 1024 * 1024 }),
          // For clients without an event stream: answer only when the run has ended.
          wait: s.optional(s.boolean()),
        },
        { aliases: { prompt: ['message'] } },
      ),
      run: async ({ session_id, prompt, wait }, ctx) => {
        // pi opens the file itself and follows links, so the check is made right before.
        const session = await guardedSession(session_id);
        // pi does not lock session files: a second pi on one file branches it silently.
        if (!deps.rpc.list().some((c) => c.session_id === session.id)) {
          const holder = await deps.live.findHolder(session);
          if (holder) {
            const how = holder.certain ? 'is open in pi' : 'may be open in pi, which runs in its folder';
            throw new ApiError(
              'conflict',
              `session ${session.id} ${how} (pid ${holder.pid}); close it there or drive it from that pi: a second pi on one file would branch it`,
            );
          }
        }
        if (prompt === undefined) throw new ApiError('invalid_payload', 'prompt: required');
        return deps.rpc.sendPrompt({ sessionId: session_id, prompt, callerId: ctx.caller.id, wait: wait === true });
      },
    }),
  ];
}
