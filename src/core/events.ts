import type { SessionInfo } from './sessions/sessionInfo';
import type { IDisposable } from './lifecycle';

/** Every event the core publishes, with its payload. Transports forward these as they are. */
export interface CoreEventMap {
  'session-changed': { changed_paths: string[] };
  'sessions-diff': { added: SessionInfo[]; updated: SessionInfo[]; removed: string[] };
  /** Compat form of `sessions-diff` for the desktop app's clients. */
  'sessions-changed': { updated: SessionInfo[]; removed: string[] };
  'scan-progress': { done: number; total: number; finished: boolean };
  'tags-changed': { reason: string };
  'favorites-changed': { path: string; favorite: boolean };
  'config-changed': { version_id: number | null };
  'terminal-output': { id: string; data: string };
  'terminal-exit': { id: string; exit_code: number | null; signal?: number | null };
  /** One step of a send_pi_agent_rpc run, sent only to the client that started it (see rpc/runEvents.ts for kinds). */
  'pi-rpc-event': { run_id: string; session_id: string; kind: string; data: unknown };
  /** Broadcast: these sessions started or stopped being live or streaming; ask get_pi_live_sessions. */
  'pi-live-changed': { session_ids: string[] };
}

export type CoreEventName = keyof CoreEventMap;

export interface PublishedEvent<K extends CoreEventName = CoreEventName> {
  /** Monotonic per bus; SSE uses it as the event id. */
  seq: number;
  name: K;
  payload: CoreEventMap[K];
  /** When set, only the client with this id may receive the event. */
  target?: string;
}

type AnyListener = (event: PublishedEvent) => void;

/**
 * One-way event flow from core services to transports and UI. Listeners run synchronously
 * in publish order; a listener that throws is reported and does not stop the others.
 */
export class EventBus {
  private seq = 0;
  private readonly listeners = new Set<AnyListener>();

  constructor(private readonly onListenerError: (err: unknown) => void = () => undefined) {}

  publish<K extends CoreEventName>(name: K, payload: CoreEventMap[K], options: { target?: string } = {}): PublishedEvent<K> {
    const event: PublishedEvent<K> = { seq: ++this.seq, name, payload, ...(options.target ? { target: options.target } : {}) };
    for (const listener of [...this.listeners]) {
      try {
        listener(event as PublishedEvent);
      } catch (err) {
        this.onListenerError(err);
      }
    }
    return event;
  }

  subscribe(listener: AnyListener): IDisposable {
    this.listeners.add(listener);
    return { dispose: () => void this.listeners.delete(listener) };
  }

  on<K extends CoreEventName>(name: K, listener: (payload: CoreEventMap[K], event: PublishedEvent<K>) => void): IDisposable {
    return this.subscribe((event) => {
      if (event.name === name) listener(event.payload as CoreEventMap[K], event as PublishedEvent<K>);
    });
  }

  get lastSeq(): number {
    return this.seq;
  }
}
