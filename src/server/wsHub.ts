import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, WebSocket, type RawData } from 'ws';
import type { Caller } from '../core/api/types';
import type { PublishedEvent } from '../core/events';
import type { CommandRouter } from '../core/api/router';
import type { IDisposable } from '../core/lifecycle';
import type { Logger } from '../core/log';
import type { BridgeHub, BridgeLink } from '../core/pi/bridge/bridgeHub';
import { isBridgeFrame, type BridgeFrame } from '../core/pi/bridge/bridgeFrames';
import type { Authenticator } from './auth/authenticator';
import { ConnectionCap } from './guards/connectionCap';
import { rateLimitKey } from './auth/peer';
import { encodeEnvelope } from './envelope';
import type { SerializedEvent } from './eventRing';

export const maxWsFrameBytes = 1024 * 1024;
/**
 * The desktop app's bridge sends the whole session in its `register` frame. Only a socket
 * that may bridge (and is not a browser page) gets this limit, and only a `register` may use it.
 */
export const maxBridgeRegisterBytes = 64 * 1024 * 1024;
const heartbeatMs = 30_000;
/** Pushed bytes a client may leave unread before it is dropped as not reading. */
const maxBufferedBytes = 4 * 1024 * 1024;
/** Replies a client may leave unread (it asked for them, but may not hoard them). */
const maxQueuedReplyBytes = 256 * 1024 * 1024;
const maxInFlightPerSocket = 64;
/** Sockets that have not authenticated yet get their own small pool and a deadline. */
const maxAnonymousSockets = 32;
/** So one remote host cannot take the whole anonymous pool from the others. */
const maxAnonymousPerSource = 4;
export const wsAuthDeadlineMs = 5_000;
/** Close code for a socket that did not authenticate in time (private range, 4000–4999). */
export const wsCloseAuthTimeout = 4408;

interface Connection {
  ws: WebSocket;
  caller: Caller | undefined;
  peer: string;
  alive: boolean;
  inFlight: number;
  /** Frees the slot this socket holds: in the anonymous pool until it authenticates. */
  release: () => void;
  authDeadline: NodeJS.Timeout | undefined;
  /**
   * Bytes of replies queued and not yet written out: a client reading a large reply (a list
   * of thousands of sessions to a phone) is not a client that stopped reading.
   */
  replyBytes: number;
  /** Set once the socket sent a bridge frame: the pi session it speaks for. */
  bridge: BridgeLink | undefined;
  /** Bridge frames are handled one after another: a register must finish before its events. */
  bridgeQueue: Promise<void>;
  /** Accepted with the large frame limit (a bridge-capable caller without a browser Origin). */
  largeFrames: boolean;
}

type Frame = Record<string, unknown>;

/**
 * WebSocket at `/ws`: requests matched by `id` and run concurrently, pushed events in the
 * compat envelope, socket auth, and a heartbeat that ends dead peers.
 */
export class WsHub implements IDisposable {
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: maxWsFrameBytes, clientTracking: false });
  /** `ws` fixes a socket's frame limit when it is accepted, so bridges get a server of their own. */
  private readonly bridgeWss = new WebSocketServer({ noServer: true, maxPayload: maxBridgeRegisterBytes, clientTracking: false });
  private readonly connections = new Set<Connection>();
  private readonly cap: ConnectionCap;
  private readonly anonymousCap = new ConnectionCap(maxAnonymousSockets);
  private readonly anonymousBySource = new Map<string, number>();
  private readonly heartbeat: NodeJS.Timeout;

  constructor(
    private readonly router: CommandRouter,
    private readonly auth: Authenticator,
    private readonly log: Logger,
    maxClients: number,
    private readonly onClientGone: (callerId: string) => void,
    private readonly bridges?: Pick<BridgeHub, 'connect'>,
  ) {
    this.cap = new ConnectionCap(maxClients);
    this.heartbeat = setInterval(() => this.checkLiveness(), heartbeatMs);
    this.heartbeat.unref();
  }

  get size(): number {
    return this.connections.size;
  }

  /** Completes an upgrade that already passed the Host/Origin guards. */
  accept(req: IncomingMessage, socket: Duplex, head: Buffer, caller: Caller | undefined): void {
    // Anonymous sockets cost nothing to open, so they must not be able to use up the
    // slots of clients that hold a token.
    const release = caller ? this.cap.tryAcquire() : this.acquireAnonymous(rateLimitKey(req.socket.remoteAddress ?? 'unknown'));
    if (!release) {
      socket.end('HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    // Decided at the upgrade: a socket that authenticates later by message keeps the small limit.
    const largeFrames = this.bridges !== undefined && caller !== undefined && caller.scopes.has('bridge') && req.headers.origin === undefined;
    (largeFrames ? this.bridgeWss : this.wss).handleUpgrade(req, socket, head, (ws) => {
      const conn: Connection = {
        ws,
        caller,
        peer: req.socket.remoteAddress ?? 'unknown',
        alive: true,
        inFlight: 0,
        replyBytes: 0,
        release,
        authDeadline: undefined,
        bridge: undefined,
        bridgeQueue: Promise.resolve(),
        largeFrames,
      };
      if (!caller) {
        conn.authDeadline = setTimeout(() => ws.close(wsCloseAuthTimeout, `authenticate within ${wsAuthDeadlineMs / 1000} s`), wsAuthDeadlineMs);
        conn.authDeadline.unref();
      }
      this.connections.add(conn);
      ws.on('pong', () => {
        conn.alive = true;
      });
      ws.on('message', (data, isBinary) => this.onMessage(conn, data, isBinary));
      ws.on('error', (err) => this.log.debug(`ws: ${err.message}`));
      ws.on('close', () => {
        this.connections.delete(conn);
        clearTimeout(conn.authDeadline);
        conn.release();
        conn.bridge?.close();
        if (conn.caller) this.onClientGone(conn.caller.id);
      });
    });
  }

  deliver(event: PublishedEvent, serialized: SerializedEvent): void {
    let frame: string | undefined;
    for (const conn of this.connections) {
      const caller = conn.caller;
      if (!caller) continue;
      if (event.target !== undefined ? event.target !== caller.id : !caller.scopes.has('read')) continue;
      frame ??= `{"event_type":"event","event":${JSON.stringify(serialized.name)},"payload":${serialized.json}}`;
      this.send(conn, frame);
    }
  }

  private onMessage(conn: Connection, data: RawData, isBinary: boolean): void {
    if (isBinary) {
      this.sendJson(conn, { success: false, data: null, error: 'binary frames are not supported; send JSON text', code: 'invalid_request' });
      return;
    }
    const size = rawLength(data);
    let frame: unknown;
    try {
      frame = JSON.parse(rawToString(data));
    } catch (err) {
      this.sendJson(conn, { success: false, data: null, error: `malformed JSON: ${(err as Error).message}`, code: 'invalid_request' });
      return;
    }
    if (frame === null || typeof frame !== 'object' || Array.isArray(frame)) {
      this.sendJson(conn, { success: false, data: null, error: 'a request must be a JSON object {id?, command, payload?}', code: 'invalid_request' });
      return;
    }
    if (size > maxWsFrameBytes && !(isBridgeFrame(frame as Frame) && (frame as Frame).type === 'register')) {
      // Only a bridge's register may be large; anything else over the usual limit ends the socket as ws would.
      conn.ws.close(1009, `frames over ${maxWsFrameBytes} bytes are allowed only for a bridge's register`);
      return;
    }
    void this.handleFrame(conn, frame as Frame);
  }

  private async handleFrame(conn: Connection, frame: Frame): Promise<void> {
    // Compat frames are told apart by structure: no `command` key, and the marker key only.
    if (!('command' in frame)) {
      if ('auth' in frame) return this.handleCompatAuth(conn, frame.auth);
      if (frame.ping === true) return this.sendJson(conn, { pong: true });
      if (isBridgeFrame(frame)) return this.handleBridgeFrame(conn, frame);
    }
    const id = validId(frame.id) ? frame.id : undefined;
    const command = frame.command;
    const reply = (body: Frame) => this.sendJson(conn, { ...(id !== undefined ? { id } : {}), command: typeof command === 'string' ? command : null, ...body });

    if (command === 'auth') {
      const payload = frame.payload as Frame | undefined;
      const token = payload && typeof payload === 'object' ? payload.token : undefined;
      if (typeof token !== 'string') return reply({ success: false, data: null, error: 'payload.token: expected a string', code: 'invalid_payload' });
      const outcome = this.auth.authenticateToken(token, conn.peer, 'ws');
      if (outcome.kind === 'ok') {
        if (!this.promote(conn, outcome.caller)) {
          reply({ success: false, data: null, error: 'too many clients are connected', code: 'unavailable' });
          return conn.ws.close(1013, 'too many clients are connected');
        }
        return reply({ success: true, data: { authenticated: true, scopes: [...outcome.caller.scopes] }, error: null });
      }
      const limited = outcome.kind === 'rate_limited';
      return reply({ success: false, data: null, error: limited ? 'too many failed attempts; try again later' : 'invalid or revoked token', code: limited ? 'rate_limited' : 'unauthorized' });
    }
    if (!conn.caller) {
      if (command === 'ping') return reply({ success: true, data: { pong: true }, error: null });
      return reply({ success: false, data: null, error: 'unauthorized: send {"command":"auth","payload":{"token":"…"}} first', code: 'unauthorized' });
    }
    if (conn.inFlight >= maxInFlightPerSocket) {
      return reply({ success: false, data: null, error: `too many requests in flight on this socket (max ${maxInFlightPerSocket})`, code: 'rate_limited' });
    }
    conn.inFlight++;
    try {
      const result = await this.router.dispatch(command, frame.payload, conn.caller);
      reply({ ...result });
    } finally {
      conn.inFlight--;
    }
  }

  /** A frame of a pi bridge (ours or the desktop app's): only for callers with the `bridge` scope. */
  private handleBridgeFrame(conn: Connection, frame: BridgeFrame): void {
    const refuse = (error: string, code: string) => this.sendJson(conn, { type: 'error', of: frame.type.slice(0, 64), success: false, data: null, error, code });
    const caller = conn.caller;
    if (!this.bridges) return refuse('this server takes no pi bridges', 'not_available');
    if (!caller) return refuse('unauthorized: connect with ?token=… or send {"auth":"…"} first', 'unauthorized');
    if (!caller.scopes.has('bridge')) return refuse('bridge frames need the "bridge" scope', 'forbidden');
    if (frame.type === 'register' && frame.payload !== null && typeof frame.payload === 'object' && !Array.isArray(frame.payload)) {
      // The desktop app sends the whole session here; the server reads the file instead.
      delete (frame.payload as Record<string, unknown>).entries;
    }
    const link = (conn.bridge ??= this.bridges.connect({
      send: (body) => this.sendJson(conn, body),
      label: caller.tokenName !== undefined ? `token "${caller.tokenName}"` : `a local client (${conn.peer})`,
    }));
    conn.bridgeQueue = conn.bridgeQueue.then(() => link.handle(frame)).catch((err: unknown) => this.log.warn(`ws: bridge frame failed: ${(err as Error).message}`));
  }

  private handleCompatAuth(conn: Connection, token: unknown): void {
    if (typeof token !== 'string') return this.sendJson(conn, { error: 'Unauthorized' });
    const outcome = this.auth.authenticateToken(token, conn.peer, 'ws');
    if (outcome.kind === 'ok') {
      if (!this.promote(conn, outcome.caller)) {
        this.sendJson(conn, { error: 'Too many clients' });
        return conn.ws.close(1013, 'too many clients are connected');
      }
      return this.sendJson(conn, { auth: 'ok' });
    }
    this.sendJson(conn, { error: outcome.kind === 'rate_limited' ? 'Too many attempts' : 'Unauthorized' });
  }

  private acquireAnonymous(source: string): (() => void) | undefined {
    const held = this.anonymousBySource.get(source) ?? 0;
    if (held >= maxAnonymousPerSource) return undefined;
    const release = this.anonymousCap.tryAcquire();
    if (!release) return undefined;
    this.anonymousBySource.set(source, held + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      release();
      const left = (this.anonymousBySource.get(source) ?? 1) - 1;
      if (left > 0) this.anonymousBySource.set(source, left);
      else this.anonymousBySource.delete(source);
    };
  }

  /** Moves a socket that just authenticated from the anonymous pool to the main one. */
  private promote(conn: Connection, caller: Caller): boolean {
    if (conn.caller) {
      conn.caller = caller;
      return true;
    }
    const release = this.cap.tryAcquire();
    if (!release) return false;
    conn.release();
    conn.release = release;
    clearTimeout(conn.authDeadline);
    conn.authDeadline = undefined;
    conn.caller = caller;
    return true;
  }

  /** A reply (or any answer to the client's own frame). */
  private sendJson(conn: Connection, body: unknown): void {
    if (!this.reading(conn)) return;
    const parts = encodeEnvelope(body);
    const bytes = parts.reduce((n, part) => n + Buffer.byteLength(part), 0);
    conn.replyBytes += bytes;
    const written = (): void => {
      conn.replyBytes -= bytes;
    };
    // One text message, in fragments when encoded in parts, so those bytes are sent without a copy.
    parts.forEach((part, i) => conn.ws.send(part, { binary: false, fin: i === parts.length - 1 }, i === parts.length - 1 ? written : undefined));
  }

  /** A push (an event the client did not ask for). */
  private send(conn: Connection, text: string): void {
    if (this.reading(conn)) conn.ws.send(text);
  }

  /** False (and the client dropped) once pushes or replies pile up unread. */
  private reading(conn: Connection): boolean {
    if (conn.ws.readyState !== WebSocket.OPEN) return false;
    const queued = conn.ws.bufferedAmount;
    if (queued - conn.replyBytes > maxBufferedBytes || queued > maxQueuedReplyBytes) {
      this.log.warn(`ws: dropping a client that is not reading (${queued} bytes queued)`);
      conn.ws.terminate();
      return false;
    }
    return true;
  }

  /** Closes the sockets of callers that are no longer allowed (their token was revoked). */
  dropCallers(isRevoked: (caller: Caller) => boolean): void {
    for (const conn of this.connections) {
      if (conn.caller && isRevoked(conn.caller)) conn.ws.close(4401, 'token revoked');
    }
  }

  private checkLiveness(): void {
    for (const conn of this.connections) {
      if (!conn.alive) {
        conn.ws.terminate();
        continue;
      }
      conn.alive = false;
      conn.ws.ping();
    }
  }

  dispose(): void {
    clearInterval(this.heartbeat);
    for (const conn of [...this.connections]) {
      clearTimeout(conn.authDeadline);
      conn.ws.terminate();
    }
    this.connections.clear();
    this.wss.close();
    this.bridgeWss.close();
  }
}

function validId(id: unknown): id is string | number {
  return (typeof id === 'string' && id.length <= 256) || (typeof id === 'number' && Number.isFinite(id));
}

function rawLength(data: RawData): number {
  if (Array.isArray(data)) return data.reduce((n, b) => n + b.length, 0);
  return data.byteLength;
}

function rawToString(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString('utf8');
  return data.toString('utf8');
}
