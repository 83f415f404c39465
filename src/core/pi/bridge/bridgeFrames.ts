import { ApiError } from '../../../shared/api/errors';
import type { BridgeKind, ContextUsage, PiMode } from '../../../shared/model/pi';

/**
 * The frames a pi bridge sends on `/ws`: ours and the desktop app's `pi-session-bridge` speak
 * the same shape, `{type, …}` with no `command` key. Ours marks its `register` payload with
 * `bridge: ourBridgeMarker` and reports more about pi (version, mode, name).
 */
export type BridgeFrame = { type: string } & Record<string, unknown>;

/** What our own extension puts in `register.payload.bridge`. */
export const ourBridgeMarker = 'pi-session-manager';

/** pi event names and our frame types: lower snake case, short. */
const frameTypePattern = /^[a-z][a-z0-9_]{0,63}$/;

/**
 * A bridge frame is told apart from a request by its structure alone: a string `type` and no
 * `command` key. Nothing looks inside the text.
 */
export function isBridgeFrame(frame: Record<string, unknown>): frame is BridgeFrame {
  return typeof frame.type === 'string' && !('command' in frame);
}

export function checkFrameType(type: string): void {
  if (!frameTypePattern.test(type)) throw new ApiError('invalid_request', `type: not a bridge frame type: ${type.slice(0, 64)}`);
}

/** A bridge's `register`: the session it has open, and what it says about pi. */
export interface BridgeRegistration {
  kind: BridgeKind;
  sessionId: string;
  sessionPath: string;
  cwd: string | null;
  pid: number | null;
  piVersion: string | null;
  mode: PiMode | null;
  state: BridgeStateUpdate;
}

/** Any subset of what pi reports about its session at a moment (register, session_state, get_state). */
export interface BridgeStateUpdate {
  model?: string | null;
  thinkingLevel?: string | null;
  isStreaming?: boolean;
  contextUsage?: ContextUsage | null;
  leafId?: string | null;
  name?: string | null;
}

const modes: ReadonlySet<string> = new Set<PiMode>(['tui', 'rpc', 'json', 'print']);

export const asRecord = (v: unknown): Record<string, unknown> => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {});
const str = (v: unknown, max = 4096): string | null => (typeof v === 'string' && v.length > 0 && v.length <= max ? v : null);
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/** `register`'s payload (the desktop app's wraps it in `payload`; a bare frame is read too). `entries` is never read. */
export function readRegistration(frame: BridgeFrame): BridgeRegistration {
  const p = 'payload' in frame ? asRecord(frame.payload) : frame;
  const sessionId = str(p.sessionId, 200);
  if (sessionId === null) throw new ApiError('invalid_payload', 'register: payload.sessionId: expected a non-empty string');
  const sessionPath = str(p.sessionPath ?? p.sessionFile);
  if (sessionPath === null) throw new ApiError('invalid_payload', 'register: payload.sessionPath: expected a non-empty string');
  const pid = num(p.pid);
  return {
    kind: p.bridge === ourBridgeMarker ? 'ours' : 'original',
    sessionId,
    sessionPath,
    cwd: str(p.cwd),
    pid: pid !== null && Number.isInteger(pid) && pid > 0 ? pid : null,
    piVersion: str(p.piVersion, 64),
    mode: typeof p.mode === 'string' && modes.has(p.mode) ? (p.mode as PiMode) : null,
    state: readStateUpdate(p),
  };
}

/** Reads whatever state fields are present; absent ones stay undefined so they do not overwrite. */
export function readStateUpdate(raw: unknown): BridgeStateUpdate {
  const p = asRecord(raw);
  const out: BridgeStateUpdate = {};
  if ('model' in p) out.model = modelName(p.model);
  if ('thinkingLevel' in p) out.thinkingLevel = str(p.thinkingLevel, 64);
  if (typeof p.isStreaming === 'boolean') out.isStreaming = p.isStreaming;
  else if (typeof p.isIdle === 'boolean') out.isStreaming = !p.isIdle;
  if ('contextUsage' in p) out.contextUsage = readContextUsage(p.contextUsage);
  if ('leafId' in p) out.leafId = str(p.leafId, 200);
  if ('name' in p) out.name = str(p.name, 1000);
  return out;
}

/** pi names a model as an object `{provider, id}`; bridges may already send `provider/id`. */
export function modelName(value: unknown): string | null {
  if (typeof value === 'string') return str(value, 400);
  const m = asRecord(value);
  return typeof m.provider === 'string' && typeof m.id === 'string' ? `${m.provider}/${m.id}` : null;
}

function readContextUsage(value: unknown): ContextUsage | null {
  const u = asRecord(value);
  if (Object.keys(u).length === 0) return null;
  return { tokens: num(u.tokens), context_window: num(u.contextWindow ?? u.context_window), percent: num(u.percent) };
}

/** A bridge's answer to one of our requests. */
export interface BridgeResponse {
  id: string | null;
  sessionId: string | null;
  success: boolean;
  data: unknown;
  error: string | null;
}

export function readResponse(frame: BridgeFrame): BridgeResponse {
  return {
    id: typeof frame.id === 'string' || typeof frame.id === 'number' ? String(frame.id) : null,
    sessionId: str(frame.sessionId, 200),
    success: frame.success === true,
    data: frame.data,
    error: str(frame.error, 4000),
  };
}
