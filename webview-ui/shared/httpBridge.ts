import type { HostBridge } from './bridge';
import { l10n } from '../../src/shared/l10n';
import type { CommandName, PayloadOf, ReplyOf } from '../../src/shared/api/commands';
import type { ApiEnvelope } from '../../src/shared/api/envelope';
import { isApiErrorCode, type ApiErrorCode } from '../../src/shared/api/errors';

export type ConnectionState = 'connected' | 'reconnecting' | 'signed-out';

export interface HttpBridgeOptions {
  /** Origin of the API; empty means the page's own origin (the usual case). */
  baseUrl?: string;
  /** Token sent as `Authorization: Bearer` and, for the event stream, as `?token=`. */
  token?: string | null;
}

/**
 * EventSource delivers named events only to listeners registered under that name, so the
 * names the API pushes are listed here. `resync` comes from the server when the events a
 * client missed are gone from its replay buffer.
 */
const streamedEvents = [
  'sessions-diff',
  'session-changed',
  'sessions-changed',
  'tags-changed',
  'favorites-changed',
  'scan-progress',
  'config-changed',
  'pi-live-event',
  'pi-live-changed',
  'resync',
] as const;

/** Delay before re-opening a stream the browser gave up on, growing while it keeps failing. */
const retryDelaysMs = [1000, 2000, 4000, 8000, 15000];

/**
 * HostBridge for a plain browser: commands go over `fetch` to `POST /api`, pushed events
 * come from `GET /api/events` (Server-Sent Events). The browser's EventSource reconnects by
 * itself and sends `Last-Event-ID`; when it gives up (a refused stream, the server gone for
 * good) the bridge checks whether the token still works and either signs out or opens a new
 * stream that asks for the events after the last one seen.
 */
export class HttpBridge implements HostBridge {
  readonly kind = 'browser' as const;
  private readonly baseUrl: string;
  private token: string | null;
  private source: EventSource | undefined;
  private lastEventId: string | undefined;
  private state: ConnectionState | 'idle' = 'idle';
  private signOutReason = '';
  private retry = 0;
  private everConnected = false;
  private retryTimer: number | undefined;
  private stopped = true;
  private readonly eventListeners = new Set<(name: string, payload: unknown) => void>();
  private readonly stateListeners = new Set<(state: ConnectionState) => void>();
  private readonly wake = () => {
    if (!this.stopped && !this.source) this.openStream();
  };

  constructor(options: HttpBridgeOptions = {}) {
    this.baseUrl = (options.baseUrl ?? '').replace(/\/+$/, '');
    this.token = options.token ?? null;
  }

  get connectionState(): ConnectionState | 'idle' {
    return this.state;
  }

  /** Why the bridge signed out (a refused token), for the sign-in screen. */
  get lastSignOutReason(): string {
    return this.signOutReason;
  }

  async call<N extends CommandName>(command: N, payload: PayloadOf<N>): Promise<ApiEnvelope<ReplyOf<N>>> {
    if (this.state === 'signed-out') return failure('unauthorized', 'signed out');
    let response: Response;
    try {
      response = await fetch(`${this.baseUrl}/api`, {
        method: 'POST',
        headers: this.headers(),
        body: JSON.stringify({ command, payload }),
        cache: 'no-store',
        credentials: 'omit',
      });
    } catch {
      return failure('unavailable', l10n.t('The server cannot be reached. Check the connection and try again.'));
    }
    const envelope = toEnvelope(await response.json().catch(() => undefined), response.status);
    if (response.status === 401) this.signOut(envelope.error ?? l10n.t('The token was refused.'));
    // The server answers this command's reply type (the shared command map).
    return envelope as ApiEnvelope<ReplyOf<N>>;
  }

  onEvent(listener: (name: string, payload: unknown) => void): () => void {
    this.eventListeners.add(listener);
    return () => void this.eventListeners.delete(listener);
  }

  onConnectionChange(listener: (state: ConnectionState) => void): () => void {
    this.stateListeners.add(listener);
    return () => void this.stateListeners.delete(listener);
  }

  /** Starts the event stream; safe to call again. */
  connect(): void {
    if (!this.stopped) return;
    this.stopped = false;
    window.addEventListener('online', this.wake);
    document.addEventListener('visibilitychange', this.wake);
    this.openStream();
  }

  dispose(): void {
    this.stopped = true;
    window.removeEventListener('online', this.wake);
    document.removeEventListener('visibilitychange', this.wake);
    window.clearTimeout(this.retryTimer);
    this.closeStream();
    this.eventListeners.clear();
    this.stateListeners.clear();
  }

  private headers(): Record<string, string> {
    const headers: Record<string, string> = { 'Content-Type': 'application/json', Accept: 'application/json' };
    if (this.token) headers.Authorization = `Bearer ${this.token}`;
    return headers;
  }

  private openStream(): void {
    window.clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    this.closeStream();
    const url = new URL(`${this.baseUrl}/api/events`, window.location.href);
    // EventSource cannot send headers: the token travels in the query, as the API allows.
    if (this.token) url.searchParams.set('token', this.token);
    // A new EventSource forgets the last id, so it is handed over explicitly.
    if (this.lastEventId !== undefined) url.searchParams.set('lastEventId', this.lastEventId);
    const source = new EventSource(url.href);
    this.source = source;
    source.onopen = () => {
      this.retry = 0;
      const reconnected = this.everConnected;
      this.everConnected = true;
      this.setState('connected');
      // Replay cannot cover everything (a restarted server starts a new event log), so
      // after any gap listeners are told to compare their state with the server's.
      if (reconnected) this.deliver('resync', { reason: 'reconnected' });
    };
    source.onerror = () => {
      if (source !== this.source) return;
      if (source.readyState === EventSource.CLOSED) {
        this.closeStream();
        void this.recover();
      } else {
        this.setState('reconnecting');
      }
    };
    for (const name of streamedEvents) {
      source.addEventListener(name, (event) => this.receive(name, event as MessageEvent<string>));
    }
  }

  private closeStream(): void {
    if (!this.source) return;
    this.source.onopen = null;
    this.source.onerror = null;
    this.source.close();
    this.source = undefined;
  }

  /** The browser gave up on the stream: find out why before trying again. */
  private async recover(): Promise<void> {
    if (this.stopped || this.state === 'signed-out') return;
    this.setState('reconnecting');
    const probe = await this.call('list_tags', {});
    // A 401 has signed out already; anything else means "try again later".
    if (this.stopped || this.connectionState === 'signed-out') return;
    // Backing off even when commands work: a stream refused for load must not spin.
    const delay = retryDelaysMs[Math.min(this.retry, retryDelaysMs.length - 1)]!;
    this.retry++;
    this.retryTimer = window.setTimeout(() => this.openStream(), probe.success && this.retry === 1 ? 0 : delay);
  }

  private receive(name: string, event: MessageEvent<string>): void {
    if (event.lastEventId) this.lastEventId = event.lastEventId;
    let payload: unknown = null;
    try {
      payload = JSON.parse(event.data) as unknown;
    } catch {
      payload = null;
    }
    this.deliver(name, payload);
  }

  /** Hands an event to the listeners as if the server had pushed it (a computed catch-up). */
  deliver(name: string, payload: unknown): void {
    for (const listener of [...this.eventListeners]) listener(name, payload);
  }

  private signOut(reason: string): void {
    if (this.state === 'signed-out') return;
    this.signOutReason = reason;
    this.stopped = true;
    window.clearTimeout(this.retryTimer);
    this.closeStream();
    this.setState('signed-out');
  }

  private setState(state: ConnectionState): void {
    if (this.state === state) return;
    this.state = state;
    for (const listener of [...this.stateListeners]) listener(state);
  }
}

function failure(code: ApiErrorCode, error: string): { success: false; data: null; error: string; code: ApiErrorCode } {
  return { success: false, data: null, error, code };
}

/** Accepts the API envelope; anything else (a proxy's error page) becomes a failure. */
function toEnvelope(body: unknown, status: number): ApiEnvelope {
  if (typeof body === 'object' && body !== null && typeof (body as { success?: unknown }).success === 'boolean') {
    const b = body as { success: boolean; data?: unknown; error?: unknown; code?: unknown };
    if (b.success) return { success: true, data: b.data ?? null, error: null };
    const code = isApiErrorCode(b.code) ? b.code : codeForStatus(status);
    return failure(code, typeof b.error === 'string' ? b.error : l10n.t('The server answered HTTP {0}.', status));
  }
  return failure(codeForStatus(status), l10n.t('The server answered HTTP {0}.', status));
}

function codeForStatus(status: number): ApiErrorCode {
  if (status === 401) return 'unauthorized';
  if (status === 403) return 'forbidden';
  if (status === 429) return 'rate_limited';
  if (status === 413) return 'too_large';
  return status >= 500 ? 'internal' : 'unavailable';
}
