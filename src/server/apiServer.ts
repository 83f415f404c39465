import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import type { CommandRouter } from '../core/api/router';
import type { EventBus } from '../core/events';
import type { TokenStore } from '../core/auth/tokenStore';
import type { IDisposable } from '../core/lifecycle';
import type { Logger } from '../core/log';
import type { BridgeHub } from '../core/pi/bridge/bridgeHub';
import type express from 'express';
import { Authenticator } from './auth/authenticator';
import { isLoopbackBindHost } from './auth/peer';
import { allowedHostsFor, checkHost } from './guards/hostGuard';
import { isOriginAllowed, originPolicyFor, type OriginPolicy } from './guards/originGuard';
import { createHttpApp } from './httpApp';
import { createApiEndpoint } from './apiEndpoint';
import { mountWebClient } from './webClient';
import { EventRing } from './eventRing';
import { SseHub } from './sseHub';
import { WsHub } from './wsHub';

export interface ApiServerDeps {
  router: CommandRouter;
  bus: EventBus;
  tokens: TokenStore;
  log: Logger;
  /** Live pi sessions that register over `/ws`; without it, bridge frames are refused. */
  bridges?: BridgeHub;
  /** Called when a WS client goes away, so its terminals can be reaped. */
  onClientGone?: (callerId: string) => void;
  mountExtras?: (app: express.Express) => void;
  /** The core shows a generated demo store; `/health` says so. */
  demo?: boolean;
}

export interface ApiServerOptions {
  host: string;
  /** 0 picks a free port. */
  port: number;
  requireTokenOnLoopback?: boolean;
  allowedOrigins?: readonly string[];
  /** Host names besides loopback that clients may use (when bound beyond loopback). */
  allowedHosts?: readonly string[];
  maxWsClients?: number;
  maxSseClients?: number;
  /** Folder of the built browser bundles; when set, the web client is served at `/`. */
  webClientDir?: string;
}

/** How long in-flight HTTP replies may take to finish when the server stops. */
const closeGraceMs = 1_000;

export class BindRefusedError extends Error {
  readonly code = 'EBINDREFUSED';
}

/** What exists only while a server listens: sockets, streams, timers and the bus subscription. */
interface Listening {
  readonly server: http.Server;
  readonly ws: WsHub;
  readonly sse: SseHub;
  readonly auth: Authenticator;
  readonly hosts: ReadonlySet<string>;
  readonly origins: OriginPolicy;
  readonly port: number;
  close(): Promise<void>;
}

/**
 * The HTTP/WS/SSE face of the core. Built apart from listening, so that `start()` can
 * reject on bind errors and tests can listen on port 0 (style.md, 9). The constructor only
 * records its arguments: timers, hubs and the bus subscription begin in `start()`, so a
 * server that never listened holds nothing.
 */
export class ApiServer implements IDisposable {
  private live: Listening | undefined;
  private starting: Promise<{ host: string; port: number }> | undefined;
  private closing: Promise<void> | undefined;

  constructor(
    private readonly deps: ApiServerDeps,
    private readonly options: ApiServerOptions,
  ) {}

  get address(): { host: string; port: number } | undefined {
    return this.live ? { host: this.options.host, port: this.live.port } : undefined;
  }

  get url(): string | undefined {
    if (!this.live) return undefined;
    const host = this.options.host.includes(':') ? `[${this.options.host}]` : this.options.host;
    return `http://${host}:${this.live.port}`;
  }

  get connectionCounts(): { ws: number; sse: number } {
    return { ws: this.live?.ws.size ?? 0, sse: this.live?.sse.size ?? 0 };
  }

  start(): Promise<{ host: string; port: number }> {
    if (this.closing) return Promise.reject(new Error('the server was disposed'));
    this.starting ??= this.listen();
    return this.starting;
  }

  private async listen(): Promise<{ host: string; port: number }> {
    const { deps, options } = this;
    if (!isLoopbackBindHost(options.host) && deps.tokens.count() === 0) {
      throw new BindRefusedError(
        `refusing to listen on ${options.host}: other machines could reach the API and no token exists yet. ` +
          'Create one first (node dist/cli.js token create <name>, or "Pi Sessions: Create API Token").',
      );
    }
    const ring = new EventRing(1000);
    const auth = new Authenticator(deps.tokens, () => ({ requireTokenOnLoopback: options.requireTokenOnLoopback ?? false }));
    const sse = new SseHub(ring, options.maxSseClients ?? 100);
    const ws = new WsHub(deps.router, auth, deps.log, options.maxWsClients ?? 200, (id) => deps.onClientGone?.(id), deps.bridges);
    let hosts: ReadonlySet<string> = new Set();
    let origins: OriginPolicy = { exact: new Set() };
    const app = createHttpApp({
      auth,
      sse,
      log: deps.log,
      allowedHosts: () => hosts,
      originPolicy: () => origins,
      demo: deps.demo ?? false,
      mountExtras: (app) => {
        deps.mountExtras?.(app);
        if (options.webClientDir) mountWebClient(app, { assetDir: options.webClientDir });
      },
    });
    const api = createApiEndpoint({ router: deps.router, auth, allowedHosts: () => hosts, originPolicy: () => origins });
    const server = http.createServer({ requestTimeout: 60_000, headersTimeout: 30_000 }, (req, res) => {
      if (req.method === 'POST' && (req.url === '/api' || req.url?.startsWith('/api?'))) return api(req, res);
      app(req, res);
    });
    server.keepAliveTimeout = 65_000;
    server.on('upgrade', (req, socket, head) => this.onUpgrade(req, socket, head));
    server.on('clientError', (_err, socket) => {
      if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    });
    // A revoked token (here or by the CLI, seen through the shared state file) also ends the
    // streams it opened, not only its next request.
    const revocationCheck = setInterval(() => {
      const revoked = (c: { tokenId?: number }) => c.tokenId !== undefined && !deps.tokens.exists(c.tokenId);
      ws.dropCallers(revoked);
      sse.dropCallers(revoked);
    }, 2_000);
    revocationCheck.unref();
    const unsubscribe = deps.bus.subscribe((event) => {
      const serialized = ring.push(event);
      ws.deliver(event, serialized);
      sse.deliver(event, serialized);
    });
    const close = async (): Promise<void> => {
      clearInterval(revocationCheck);
      unsubscribe.dispose();
      ws.dispose();
      sse.dispose();
      if (!server.listening) return;
      await new Promise<void>((resolve) => {
        // A reply still being written (the very save that asked for this restart) may finish;
        // idle keep-alive sockets go at once, and whatever is left is cut after a short grace.
        const cut = setTimeout(() => server.closeAllConnections(), closeGraceMs);
        server.close(() => {
          clearTimeout(cut);
          resolve();
        });
        server.closeIdleConnections();
      });
    };

    try {
      await new Promise<void>((resolve, reject) => {
        const onError = (err: Error) => {
          server.off('listening', onListening);
          reject(err);
        };
        const onListening = () => {
          server.off('error', onError);
          resolve();
        };
        server.once('error', onError);
        server.once('listening', onListening);
        server.listen(options.port, options.host);
      });
    } catch (err) {
      await close();
      throw err;
    }
    const port = (server.address() as AddressInfo).port;
    const extraHosts = [...(options.allowedHosts ?? []), ...(isLoopbackBindHost(options.host) ? [] : [options.host])];
    hosts = allowedHostsFor(port, extraHosts);
    origins = originPolicyFor(port, options.allowedOrigins ?? [], extraHosts);
    this.live = { server, ws, sse, auth, hosts, origins, port, close };
    if (this.closing) {
      // Disposed while binding: the port must not stay taken.
      await close();
      this.live = undefined;
      throw new Error('the server was disposed while starting');
    }
    if (!isLoopbackBindHost(options.host)) {
      deps.log.warn(`server: listening on ${options.host}, beyond loopback; every client needs a token`);
    }
    return { host: options.host, port };
  }

  private onUpgrade(req: http.IncomingMessage, socket: Duplex, head: Buffer): void {
    const reject = (status: number, text: string) => {
      socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(text)}\r\n\r\n${text}`);
      socket.destroy();
    };
    socket.on('error', () => undefined);
    const pathname = new URL(req.url ?? '/', 'http://localhost').pathname;
    const live = this.live;
    if (!live) return reject(503, 'Service Unavailable');
    if (pathname !== '/ws') return reject(404, 'Not Found');
    if (!checkHost(req, live.hosts)) return reject(403, 'Forbidden');
    if (!isOriginAllowed(req.headers.origin, live.origins)) return reject(403, 'Forbidden');
    const outcome = live.auth.authenticateRequest(req, 'ws');
    switch (outcome.kind) {
      case 'ok':
        return live.ws.accept(req, socket, head, outcome.caller);
      case 'anonymous':
        // The seed lets a remote client authenticate with a message after connecting.
        return live.ws.accept(req, socket, head, undefined);
      case 'unauthorized':
        return reject(401, 'Unauthorized');
      case 'rate_limited':
        return reject(429, 'Too Many Requests');
    }
  }

  /** Ends every socket and stream and frees the port. */
  dispose(): Promise<void> {
    this.closing ??= this.closeNow();
    return this.closing;
  }

  private async closeNow(): Promise<void> {
    // A start in flight finishes binding first, then sees `closing` and closes itself.
    await this.starting?.catch(() => undefined);
    const live = this.live;
    this.live = undefined;
    await live?.close();
  }
}
