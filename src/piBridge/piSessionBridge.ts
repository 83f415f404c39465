/**
 * The pi extension Pi Session Manager installs into `<agent dir>/extensions/`. It tells the
 * manager's server which session this pi has open, streams the session's live events to it,
 * and takes prompts, steers, follow-ups and aborts from it. pi keeps no registry of running
 * sessions and does not lock its files, so only the running pi can say what is live.
 *
 * It has no dependencies (Node 22's global WebSocket is enough) and imports nothing from pi:
 * the few pi types it uses are declared here. Whatever goes wrong, it must never break pi, so
 * every entry point catches everything. Bundled by esbuild.mjs to dist/piSessionBridge.js;
 * `config.json` beside the installed copy holds the server URL and the bridge's own token.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

/** The parts of pi's extension API used here (pi 1.6 `ExtensionAPI`). */
interface PiApi {
  on(event: string, handler: (event: PiEvent, ctx: PiContext) => unknown): unknown;
  sendUserMessage(text: string, options?: { deliverAs?: 'steer' | 'followUp'; expandPromptTemplates?: boolean }): void;
  /** Slash commands of this session; `source: "extension"` marks the ones an extension registered. */
  getCommands?(): ReadonlyArray<{ name: string; source: string }>;
  getSessionName(): string | undefined;
  getThinkingLevel(): string;
}

/** The parts of pi's `ExtensionContext` used here. */
interface PiContext {
  mode?: string;
  cwd: string;
  sessionManager: { getSessionId(): string; getSessionFile(): string | undefined; getLeafId(): string | null };
  model?: { provider: string; id: string };
  isIdle(): boolean;
  abort(): void;
  hasPendingMessages(): boolean;
  getContextUsage(): { tokens: number | null; contextWindow: number; percent: number | null } | undefined;
}

type PiEvent = { type?: string } & Record<string, unknown>;

interface BridgeConfig {
  url: string;
  token: string | null;
}

/** Marks our register frames apart from the desktop app's bridge (same frame shapes). */
const marker = 'pi-session-manager';
const protocolVersion = 1;

/** The events the server turns into live state and run events. */
const forwardedEvents = [
  'agent_start',
  'agent_end',
  'agent_settled',
  'turn_start',
  'turn_end',
  'message_start',
  'message_update',
  'message_end',
  'tool_execution_start',
  'tool_execution_update',
  'tool_execution_end',
  'session_compact',
  'model_select',
  'thinking_level_select',
  'session_info_changed',
] as const;

const maxBackoffMs = 30_000;
/** Well under the server's 1 MiB frame limit, counted in UTF-16 units (up to 3 bytes each in UTF-8). */
const maxFrameChars = 256 * 1024;
/** What a large message or tool result keeps of its text when a frame must shrink. */
const keptTextChars = 32 * 1024;

export default function piSessionBridge(pi: PiApi): void {
  let bridge: Bridge | undefined;
  const guard = (what: string, fn: () => void) => {
    try {
      fn();
    } catch (err) {
      bridge?.note(`${what}: ${err instanceof Error ? err.message : String(err)}`);
    }
  };
  // A new session_start comes after /new, /resume, /fork and /reload with a fresh extension
  // instance; the old one got session_shutdown first. Either way, one bridge per session.
  pi.on('session_start', (_event, ctx) =>
    guard('session_start', () => {
      bridge?.close();
      const config = readConfig();
      bridge = config ? new Bridge(pi, ctx, config) : undefined;
      bridge?.open();
    }),
  );
  pi.on('session_shutdown', () =>
    guard('session_shutdown', () => {
      bridge?.close();
      bridge = undefined;
    }),
  );
  for (const name of forwardedEvents) {
    pi.on(name, (event, ctx) => guard(name, () => bridge?.forward(name, event, ctx)));
  }
}

class Bridge {
  private ws: WebSocket | undefined;
  private closed = false;
  private backoffMs = 1_000;
  private retry: ReturnType<typeof setTimeout> | undefined;
  private readonly problems: string[] = [];

  constructor(
    private readonly pi: PiApi,
    private ctx: PiContext,
    private readonly config: BridgeConfig,
  ) {}

  open(): void {
    if (this.closed || typeof WebSocket !== 'function') return;
    // Without a session file (pi --no-session) there is nothing to register.
    if (!this.ctx.sessionManager.getSessionFile()) return;
    const url = new URL(this.config.url);
    if (this.config.token) url.searchParams.set('token', this.config.token);
    const ws = new WebSocket(url);
    this.ws = ws;
    ws.onopen = () => this.safely(() => this.register());
    ws.onmessage = (message: MessageEvent) => this.safely(() => this.onFrame(message.data));
    ws.onerror = () => undefined;
    ws.onclose = () =>
      this.safely(() => {
        if (this.ws === ws) this.ws = undefined;
        this.scheduleReconnect();
      });
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.retry);
    const ws = this.ws;
    this.ws = undefined;
    try {
      ws?.close(1000, 'pi session ended');
    } catch {
      // Already closing.
    }
  }

  /** Kept in memory only: pi's terminal is not ours to print on (unless asked to, for debugging). */
  note(problem: string): void {
    if (process.env.PI_SESSION_MANAGER_BRIDGE_DEBUG) process.stderr.write(`pi-session-manager bridge: ${problem}\n`);
    this.problems.push(problem);
    if (this.problems.length > 20) this.problems.shift();
  }

  forward(name: string, event: PiEvent, ctx: PiContext): void {
    this.ctx = ctx;
    const session = this.ctx.sessionManager;
    this.send({ type: name, sessionId: session.getSessionId(), sessionPath: session.getSessionFile(), ...slim(name, event) });
  }

  private register(): void {
    this.backoffMs = 1_000;
    const session = this.ctx.sessionManager;
    this.send({
      type: 'register',
      payload: {
        bridge: marker,
        protocol: protocolVersion,
        sessionId: session.getSessionId(),
        sessionPath: session.getSessionFile(),
        cwd: this.ctx.cwd,
        pid: process.pid,
        piVersion: piVersion(),
        mode: this.ctx.mode ?? null,
        ...this.state(),
      },
    });
  }

  private state(): Record<string, unknown> {
    const model = this.ctx.model;
    const usage = this.ctx.getContextUsage();
    return {
      isStreaming: !this.ctx.isIdle(),
      hasPendingMessages: this.ctx.hasPendingMessages(),
      model: model ? `${model.provider}/${model.id}` : null,
      thinkingLevel: this.pi.getThinkingLevel(),
      contextUsage: usage ? { tokens: usage.tokens, contextWindow: usage.contextWindow, percent: usage.percent } : null,
      leafId: this.ctx.sessionManager.getLeafId(),
      name: this.pi.getSessionName() ?? null,
    };
  }

  private onFrame(data: unknown): void {
    if (typeof data !== 'string') return;
    const frame = JSON.parse(data) as Record<string, unknown>;
    if (typeof frame.type !== 'string' || typeof frame.id !== 'string') return; // acks and errors need no answer
    const id = frame.id;
    const sessionId = this.ctx.sessionManager.getSessionId();
    const reply = (success: boolean, body: { data?: unknown; error?: string }) => this.send({ type: 'response', sessionId, id, success, ...body });
    if (typeof frame.sessionId === 'string' && frame.sessionId !== sessionId) {
      return reply(false, { error: `this pi has session ${sessionId} open, not ${frame.sessionId}` });
    }
    const message = typeof frame.message === 'string' ? frame.message : undefined;
    try {
      switch (frame.type) {
        case 'prompt':
        case 'steer':
        case 'follow_up': {
          if (message === undefined || message.length === 0) return reply(false, { error: 'message: expected a non-empty string' });
          // An idle pi starts a run with any of the three; a streaming one needs deliverAs.
          if (this.ctx.isIdle()) {
            // Dispatched as if typed in pi, as pi's RPC `prompt` does: an extension command
            // runs, and templates and skills expand.
            const handled = this.runsAsCommand(message);
            this.pi.sendUserMessage(message, { expandPromptTemplates: true });
            return reply(true, { data: { disposition: handled ? 'handled' : 'started' } });
          }
          this.pi.sendUserMessage(message, { deliverAs: frame.type === 'steer' ? 'steer' : 'followUp' });
          return reply(true, { data: { disposition: 'queued' } });
        }
        case 'abort':
          this.ctx.abort();
          return reply(true, { data: {} });
        case 'get_state':
          return reply(true, { data: this.state() });
        default:
          return reply(false, { error: `unknown request type: ${frame.type}` });
      }
    } catch (err) {
      return reply(false, { error: err instanceof Error ? err.message : String(err) });
    }
  }

  /**
   * Whether pi will run `text` as an extension command, so no run follows and the server
   * must not wait for one. `pi.sendUserMessage` returns nothing, so pi never tells an
   * extension what became of its message; but a registered extension command, matched by
   * the name up to the first space, is all pi checks before running one instead of a run.
   *
   * Not detectable: an `input` handler of another extension answering `handled`. Handlers
   * run in load order and their answers stay inside pi, and a quiet spell proves nothing
   * (`ctx.isIdle()` stays true while a slow input handler works). Such a prompt is reported
   * as started and its run ends as not started after the server's start timeout.
   */
  private runsAsCommand(text: string): boolean {
    if (!text.startsWith('/') || !dispatchesCommands(piVersion())) return false;
    const space = text.indexOf(' ');
    const name = text.slice(1, space === -1 ? undefined : space);
    return (this.pi.getCommands?.() ?? []).some((c) => c.source === 'extension' && c.name === name);
  }

  private send(frame: Record<string, unknown>): void {
    const ws = this.ws;
    if (!ws || ws.readyState !== WebSocket.OPEN) return;
    let text = JSON.stringify(frame);
    // The server closes a socket whose frame (other than register) is over 1 MiB.
    if (text.length > maxFrameChars) text = JSON.stringify(shrink(frame));
    if (text.length > maxFrameChars) return this.note(`dropped a ${String(frame.type)} frame of ${text.length} characters`);
    ws.send(text);
  }

  /** The server restarts with the editor: come back when it does, more slowly each time. */
  private scheduleReconnect(): void {
    if (this.closed) return;
    clearTimeout(this.retry);
    const delay = this.backoffMs;
    this.backoffMs = Math.min(this.backoffMs * 2, maxBackoffMs);
    this.retry = setTimeout(() => this.safely(() => this.open()), delay);
    // A pi that is quitting must not wait for us.
    (this.retry as { unref?: () => void }).unref?.();
  }

  private safely(fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.note(err instanceof Error ? err.message : String(err));
    }
  }
}

/**
 * Frames stay small: the server reads the session file itself. pi's events carry the whole
 * partial message on every delta and the whole transcript at agent_end; only what the server
 * reads is sent.
 */
function slim(name: string, event: PiEvent): Record<string, unknown> {
  const rest: Record<string, unknown> = { ...event };
  delete rest.type;
  switch (name) {
    case 'message_update': {
      const update = record(event.assistantMessageEvent);
      return { assistantMessageEvent: pick(update, ['type', 'contentIndex', 'delta', 'id', 'toolName']) };
    }
    case 'message_start':
    case 'message_end': {
      const message = record(event.message);
      // pi 1.6's system message (prompt sections and tool schemas) is several KB and of no use live.
      if (message.role === 'system') return { message: { role: 'system' } };
      const kept = pick(message, ['role', 'stopReason', 'errorMessage', 'model', 'provider', 'usage', 'timestamp']);
      return { message: { ...kept, content: textOnly(message.content, Number.MAX_SAFE_INTEGER) } };
    }
    case 'agent_end': {
      const messages = Array.isArray(event.messages) ? event.messages : [];
      const lastAssistant = [...messages].reverse().find((m) => record(m).role === 'assistant');
      return { willRetry: event.willRetry, messages: lastAssistant ? [pick(record(lastAssistant), ['role', 'content', 'stopReason', 'errorMessage'])] : [] };
    }
    case 'turn_end':
      return { turnIndex: event.turnIndex, messageEntryId: event.messageEntryId, toolResultEntryIds: event.toolResultEntryIds };
    case 'session_compact':
      return { reason: event.reason, willRetry: event.willRetry, fromExtension: event.fromExtension };
    case 'model_select': {
      const model = record(event.model);
      return { model: { provider: model.provider, id: model.id }, source: event.source };
    }
    default:
      return rest;
  }
}

/** Images never travel (the server reads the file); text is cut to what a live view needs. */
function textOnly(content: unknown, limit: number): unknown {
  if (typeof content === 'string') return content.length > limit ? `${content.slice(0, limit)}…` : content;
  if (!Array.isArray(content)) return content;
  return content.map((block) => {
    const b = record(block);
    if (b.type === 'image') return { type: 'image' };
    if (typeof b.text === 'string' && b.text.length > limit) return { ...b, text: `${b.text.slice(0, limit)}…` };
    if (typeof b.thinking === 'string' && b.thinking.length > limit) return { ...b, thinking: `${b.thinking.slice(0, limit)}…` };
    return b;
  });
}

/** A frame too large to send, cut down: message and tool texts shortened, tool arguments dropped. */
function shrink(frame: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...frame };
  if ('message' in out) {
    const message = record(out.message);
    out.message = { ...message, content: textOnly(message.content, keptTextChars) };
  }
  if (Array.isArray(out.messages)) out.messages = out.messages.map((m) => ({ ...record(m), content: textOnly(record(m).content, keptTextChars) }));
  for (const key of ['result', 'partialResult']) {
    if (key in out) out[key] = { content: textOnly(record(out[key]).content, keptTextChars) };
  }
  if ('args' in out) out.args = null;
  return out;
}

function record(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function pick(from: Record<string, unknown>, keys: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of keys) if (from[key] !== undefined) out[key] = from[key];
  return out;
}

/**
 * `config.json` beside this file, written at install (or the file PI_SESSION_MANAGER_BRIDGE_CONFIG
 * names); without it the bridge stays off.
 */
function readConfig(): BridgeConfig | undefined {
  try {
    const file = process.env.PI_SESSION_MANAGER_BRIDGE_CONFIG || path.join(__dirname, 'config.json');
    const raw = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
    if (typeof raw.url !== 'string') return undefined;
    return { url: raw.url, token: typeof raw.token === 'string' && raw.token.length > 0 ? raw.token : null };
  } catch {
    return undefined;
  }
}

/**
 * Whether a pi of this version runs extension commands sent with `pi.sendUserMessage(text,
 * { expandPromptTemplates: true })`: 0.84.2 added the option; older pis give the text to the
 * model. An unknown version counts as older, so a prompt is never wrongly called handled.
 */
export function dispatchesCommands(version: string | null): boolean {
  const m = /^(\d+)\.(\d+)\.(\d+)/.exec(version ?? '');
  if (!m) return false;
  const [major, minor, patch] = [Number(m[1]), Number(m[2]), Number(m[3])];
  return major > 0 || minor > 84 || (minor === 84 && patch >= 2);
}

let cachedVersion: string | null | undefined;

/** pi's version, from the package.json of the pi that runs us (its entry script is argv[1]). */
function piVersion(): string | null {
  if (cachedVersion !== undefined) return cachedVersion;
  cachedVersion = null;
  try {
    let dir = path.dirname(fs.realpathSync(process.argv[1] ?? ''));
    for (let i = 0; i < 6; i++) {
      const file = path.join(dir, 'package.json');
      if (fs.existsSync(file)) {
        const pkg = JSON.parse(fs.readFileSync(file, 'utf8')) as { name?: unknown; version?: unknown };
        if (typeof pkg.name === 'string' && pkg.name.endsWith('pi-coding-agent') && typeof pkg.version === 'string') {
          cachedVersion = pkg.version;
          break;
        }
      }
      const parent = path.dirname(dir);
      if (parent === dir) break;
      dir = parent;
    }
  } catch {
    // Unknown is fine.
  }
  return cachedVersion;
}
