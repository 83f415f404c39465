import type { SessionInfo } from '../shared/model/sessionInfo';
import type { IDisposable } from './lifecycle';
import type { CoreEventMap, CoreEventName } from '../shared/model/events';

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
