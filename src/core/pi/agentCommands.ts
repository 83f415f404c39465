import * as fs from 'node:fs';
import { ApiError } from '../../shared/api/errors';
import { s } from '../api/schema';
import { defineCommand } from '../api/types';
import type { ParsedSession } from '../../shared/model/entries';
import { resolveSessionFile } from '../sessions/sessionPathGuard';
import type { Caller } from '../api/types';
import type { Logger } from '../log';
import type { AbortResult, PiDelivery, SendPromptResult } from '../../shared/model/pi';
import type { BridgeHub } from './bridge/bridgeHub';
import type { LiveSessionFinder } from './liveSessions';
import type { PiRpcManager, SessionFinder } from './rpc/rpcManager';

export interface PiAgentCommandDeps {
  rpc: PiRpcManager;
  live: LiveSessionFinder;
  /** pis that registered their session over a bridge: prompts go to them first. */
  bridges: BridgeHub;
  log: Logger;
  sessions: SessionFinder;
  parseSessionFile(file: string): Promise<ParsedSession>;
  /** The session folders: a file found by id passes the same guard as a path. */
  sessionRoots(): string[];
}

const sessionId = s.string({ min: 1, max: 200, trim: true });
const promptText = s.string({ min: 1, max: 1024 * 1024 });
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
  /**
   * A session open in a pi of someone else's is refused: pi does not lock its files, and a
   * second writer would branch the file silently.
   */
  const refuseHeld = async (session: { id: string; path: string; cwd: string }) => {
    if (deps.rpc.list().some((c) => c.session_id === session.id)) return;
    const holder = await deps.live.findHolder(session);
    if (!holder) return;
    if (holder.kind === 'recent-growth') {
      const agoS = Math.round(holder.written_ms_ago / 1000);
      const quietMin = Math.round(deps.live.recentActivityMs / 60_000);
      throw new ApiError(
        'conflict',
        `session ${session.id} was written to ${agoS} s ago by a pi this editor does not see, which may still have it open: a second pi on one file would branch it. Prompts from here are refused until the file has been quiet for ${quietMin} min. ${connectPiHint}`,
      );
    }
    const how = holder.certain ? 'is open in pi' : 'may be open in pi, which runs in its folder';
    throw new ApiError(
      'conflict',
      `session ${session.id} ${how} (pid ${holder.pid}); close it there or drive it from that pi: a second pi on one file would branch it. ${connectPiHint}`,
    );
  };
  const logPrompt = (what: string, id: string, via: string, caller: Caller) => {
    const who = describeCaller(caller);
    if (who !== undefined) deps.log.info(`pi: ${what} to session ${id} via ${via}, sent by ${who}`);
  };
  const deliver = async (id: string, prompt: string, as: PiDelivery, wait: boolean, caller: Caller): Promise<SendPromptResult> => {
    if (deps.bridges.has(id)) {
      logPrompt(as, id, 'its bridge', caller);
      return deps.bridges.deliver({ sessionId: id, prompt, deliverAs: as, callerId: caller.id, wait });
    }
    // pi opens the file itself and follows links, so the check is made right before.
    const session = await guardedSession(id);
    await refuseHeld(session);
    logPrompt(as, session.id, 'an RPC child', caller);
    const input = { sessionId: session.id, prompt, callerId: caller.id, wait };
    return as === 'prompt' ? deps.rpc.sendPrompt(input) : deps.rpc.deliver({ ...input, deliverAs: as });
  };
  const abortRun = async (id: string, caller: Caller): Promise<AbortResult> => {
    if (deps.bridges.has(id)) {
      logPrompt('abort', id, 'its bridge', caller);
      return deps.bridges.abort(id);
    }
    const session = await guardedSession(id);
    await refuseHeld(session);
    logPrompt('abort', session.id, 'an RPC child', caller);
    return deps.rpc.abort(session.id);
  };
  return [
    defineCommand({
      name: 'get_pi_live_sessions',
      scope: 'read',
      summary: 'List pi sessions running now: bridged pis (exact), our RPC children, pi processes and recently appended files (guesses)',
      payload: s.object({}),
      run: () => deps.live.list(),
    }),
    defineCommand({
      name: 'get_pi_agent_entries',
      scope: 'read',
      summary: "A session's parsed entries, with the live run's streamed text when we drive it",
      payload: s.object({ session_id: sessionId }),
      run: async ({ session_id }) => {
        if (deps.bridges.has(session_id)) {
          // The bridge's leaf is pi's current position in the file, which may not be its last line.
          const state = await deps.bridges.refreshState(session_id);
          const live = deps.bridges.liveRun(session_id);
          const file = deps.bridges.find(session_id)?.path;
          if (!state || !live || file === undefined) throw new ApiError('not_found', `session ${session_id} is no longer bridged`);
          const parsed = await cache.get(file).catch((err: unknown) => {
            if (err instanceof ApiError && err.code === 'not_found') throw new ApiError('not_found', `pi has not written the file of session ${session_id} yet: ${file}`);
            throw err;
          });
          const leaf = state.leaf_id !== null && parsed.entries.some((e) => e.id === state.leaf_id) ? state.leaf_id : parsed.leafId;
          return { session_id, session_path: file, header: parsed.header, entries: parsed.entries, leaf_id: leaf, live };
        }
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
      summary: "Send a prompt (or a steer, a follow-up, an abort) to the session's bridged pi, else to pi in RPC mode; streams pi-rpc-event to the caller",
      payload: s.object(
        {
          session_id: sessionId,
          prompt: s.optional(promptText),
          deliver_as: s.optional(s.literal('prompt', 'steer', 'follow_up')),
          abort: s.optional(s.boolean()),
          // For clients without an event stream: answer only when the run has ended.
          wait: s.optional(s.boolean()),
        },
        { aliases: { prompt: ['message'], deliver_as: ['deliverAs'] } },
      ),
      run: async ({ session_id, prompt, deliver_as, abort, wait }, ctx) => {
        if (abort === true) {
          if (prompt !== undefined) throw new ApiError('invalid_payload', 'abort: send either a prompt or abort, not both');
          return abortRun(session_id, ctx.caller);
        }
        if (prompt === undefined) throw new ApiError('invalid_payload', 'prompt: required (or abort: true)');
        return deliver(session_id, prompt, deliver_as ?? 'prompt', wait === true, ctx.caller);
      },
    }),
    defineCommand({
      name: 'steer_pi_agent',
      scope: 'agent',
      summary: 'Steer the run under way in a live pi session (an idle pi takes it as a prompt)',
      payload: s.object({ session_id: sessionId, prompt: promptText }, { aliases: { prompt: ['message'] } }),
      run: ({ session_id, prompt }, ctx) => deliver(session_id, prompt, 'steer', false, ctx.caller),
    }),
    defineCommand({
      name: 'follow_up_pi_agent',
      scope: 'agent',
      summary: 'Queue a follow-up after the run under way in a live pi session (an idle pi takes it as a prompt)',
      payload: s.object({ session_id: sessionId, prompt: promptText }, { aliases: { prompt: ['message'] } }),
      run: ({ session_id, prompt }, ctx) => deliver(session_id, prompt, 'follow_up', false, ctx.caller),
    }),
    defineCommand({
      name: 'abort_pi_agent',
      scope: 'agent',
      summary: 'Stop the run under way in a live pi session',
      payload: s.object({ session_id: sessionId }),
      run: ({ session_id }, ctx) => abortRun(session_id, ctx.caller),
    }),
  ];
}

/** What a refused prompt says about connecting pi, so the user knows the way out. */
export const connectPiHint =
  'To drive it from here, connect pi to this editor ("Pi Sessions: Connect pi to this editor", or `node dist/cli.js bridge install` headless) and restart that pi';

/** Who sent a prompt, for the log: the editor's own calls are not logged. */
function describeCaller(caller: Caller): string | undefined {
  if (caller.transport === 'ui') return undefined;
  if (caller.tokenName !== undefined) return `token "${caller.tokenName}" (${caller.transport})`;
  return `a local ${caller.transport} client without a token`;
}
