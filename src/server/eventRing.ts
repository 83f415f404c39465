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
  /** Seq of the newest event that left the ring; a replay from before it has a gap. */
  private evictedThrough = 0;

  constructor(readonly capacity: number = 1000) {}

  /**
   * Serialises an event for live delivery and keeps it for replay. Events meant for one
   * client (terminal output, RPC streams) are never kept: a replay cannot know who owned
   * them, and whoever asks for one later is not that client.
   */
  push(event: PublishedEvent): SerializedEvent {
    const item = { seq: event.seq, name: event.name, json: JSON.stringify(event.payload) };
    if (event.target !== undefined) return item;
    this.items.push(item);
    if (this.items.length > this.capacity) this.evictedThrough = this.items.shift()!.seq;
    return item;
  }

  /** Broadcast events after `seq`, or undefined when some of them already left the ring. */
  since(seq: number): SerializedEvent[] | undefined {
    if (seq < this.evictedThrough) return undefined;
    return this.items.filter((e) => e.seq > seq);
  }
}
