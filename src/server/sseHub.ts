import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Caller } from '../core/api/types';
import type { PublishedEvent } from '../core/events';
import type { EventRing, SerializedEvent } from './eventRing';
import { ConnectionCap } from './guards/connectionCap';
import { sendError } from './envelope';
import type { IDisposable } from '../core/lifecycle';

interface SseClient {
  caller: Caller;
  res: ServerResponse;
  release: () => void;
}

const heartbeatMs = 15_000;
/** A client that cannot take this much unsent data is dropped rather than buffered. */
const maxBufferedBytes = 4 * 1024 * 1024;

/** Server-Sent Events at `/api/events`: every event with an id, replay, heartbeat. */
export class SseHub implements IDisposable {
  private readonly clients = new Set<SseClient>();
  private readonly cap: ConnectionCap;
  private readonly heartbeat: NodeJS.Timeout;

  constructor(
    private readonly ring: EventRing,
    maxClients: number,
  ) {
    this.cap = new ConnectionCap(maxClients);
    this.heartbeat = setInterval(() => this.writeAll(': heartbeat\n\n'), heartbeatMs);
    this.heartbeat.unref();
  }

  get size(): number {
    return this.clients.size;
  }

  open(req: IncomingMessage, res: ServerResponse, caller: Caller): void {
    const release = this.cap.tryAcquire();
    if (!release) {
      sendError(res, 503, 'unavailable', 'too many event streams are open');
      return;
    }
    res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
      'X-Content-Type-Options': 'nosniff',
    });
    res.socket?.setNoDelay(true);
    const client: SseClient = { caller, res, release };
    this.clients.add(client);
    const close = () => {
      if (!this.clients.delete(client)) return;
      release();
    };
    req.on('close', close);
    res.on('close', close);
    res.on('error', close);

    res.write('retry: 3000\n\n');
    const lastId = lastEventId(req);
    // Same rule as live delivery: a stream without the read scope hears no broadcasts.
    if (lastId !== undefined && caller.scopes.has('read')) {
      const missed = this.ring.since(lastId);
      if (missed === undefined) {
        // Some events are gone: tell the client to reload its list instead of trusting a gap.
        res.write(`event: resync\ndata: {"reason":"events were missed"}\n\n`);
      } else {
        for (const e of missed) res.write(format(e));
      }
    }
  }

  deliver(event: PublishedEvent, serialized: SerializedEvent): void {
    const frame = format(serialized);
    for (const client of this.clients) {
      if (event.target !== undefined && event.target !== client.caller.id) continue;
      if (!client.caller.scopes.has('read')) continue;
      this.write(client, frame);
    }
  }

  /** Ends the streams of callers that are no longer allowed (their token was revoked). */
  dropCallers(isRevoked: (caller: Caller) => boolean): void {
    for (const client of [...this.clients]) {
      if (!isRevoked(client.caller)) continue;
      client.res.end();
      client.res.socket?.destroy();
    }
  }

  private writeAll(frame: string): void {
    for (const client of this.clients) this.write(client, frame);
  }

  private write(client: SseClient, frame: string): void {
    const socket = client.res.socket;
    if (socket && socket.writableLength > maxBufferedBytes) {
      client.res.destroy();
      return;
    }
    client.res.write(frame);
  }

  dispose(): void {
    clearInterval(this.heartbeat);
    for (const client of [...this.clients]) {
      client.res.end();
      client.res.socket?.destroy();
      client.release();
    }
    this.clients.clear();
  }
}

function format(e: SerializedEvent): string {
  return `id: ${e.seq}\nevent: ${e.name}\ndata: ${e.json}\n\n`;
}

function lastEventId(req: IncomingMessage): number | undefined {
  const header = req.headers['last-event-id'];
  const fromQuery = new URL(req.url ?? '/', 'http://localhost').searchParams.get('lastEventId');
  const raw = typeof header === 'string' ? header : fromQuery;
  if (raw === null || raw === undefined || !/^\d{1,15}$/.test(raw.trim())) return undefined;
  return Number(raw.trim());
}
