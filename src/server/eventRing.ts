import type { PublishedEvent } from '../core/events';

export interface SerializedEvent {
  seq: number;
  name: string;
  /** The payload as JSON, serialised once for every client. */
  json: string;
}

/** The last N broadcast events, for SSE `Last-Event-ID` replay. */
export class EventRing {
  private readonly items: SerializedEvent[] = [];

  constructor(readonly capacity: number = 1000) {}

  push(event: PublishedEvent): SerializedEvent {
    const item = { seq: event.seq, name: event.name, json: JSON.stringify(event.payload) };
    this.items.push(item);
    if (this.items.length > this.capacity) this.items.shift();
    return item;
  }

  /** Events after `seq`, or undefined when some of them already left the ring. */
  since(seq: number): SerializedEvent[] | undefined {
    const first = this.items[0];
    if (first && first.seq > seq + 1) return undefined;
    return this.items.filter((e) => e.seq > seq);
  }
}
