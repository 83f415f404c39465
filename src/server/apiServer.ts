import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import type { CommandRouter } from '../core/api/router';
import type { EventBus } from '../core/events';
import type { TokenStore } from '../core/auth/tokenStore';
import type { IDisposable } from '../core/lifecycle';
import type { Logger } from '../core/log';
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
  /** Called when a WS client goes away, so its terminals can be reaped. */
  onClientGone?: (callerId: string) => void;
  mountExtras?: (app: express.Express) => void;
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

export class BindRefusedError extends Error {
  readonly code = 'EBINDREFUSED';
}

/**
 * The HTTP/WS/SSE face of the core. Built apart from listening, so that `start()` can
 * reject on bind errors and tests can listen on port 0 (style.md, 9).
 */
export class ApiServer implements IDisposable {
  private readonly server: http.Server;
  private readonly ws: WsHub;
  private readonly sse: SseHub;
  private readonly ring = new EventRing(1000);
  private readonly auth: Authenticator;
  private readonly unsubscribe: IDisposable;
  private bound: AddressInfo | undefined;
  private hosts: ReadonlySet<string> = new Set();
  private origins: OriginPolicy = { exact: new Set(), trustWebviewScheme: true };
  private closing: Promise<void> | undefined;
  private readonly revocationCheck: NodeJS.Timeout;

  constructor(
    private readonly deps: ApiServerDeps,
    private readonly options: ApiServerOptions,
  ) {
    this.auth = new Authenticator(deps.tokens, () => ({ requireTokenOnLoopback: options.requireTokenOnLoopback ?? false }));
    this.sse = new SseHub(this.ring, options.maxSseClients ?? 100);
    this.ws = new WsHub(deps.router, this.auth, deps.log, options.maxWsClients ?? 200, (id) => deps.onClientGone?.(id));
    const app = createHttpApp({
      router: deps.router,
      auth: this.auth,
      sse: this.sse,
      log: deps.log,
      allowedHosts: () => this.hosts,
      originPolicy: () => this.origins,
      mountExtras: (app) => {
        deps.mountExtras?.(app);
        if (options.webClientDir) mountWebClient(app, { assetDir: options.webClientDir });
      },
    });
    const api = createApiEndpoint({ router: deps.router, auth: this.auth, allowedHosts: () => this.hosts, originPolicy: () => this.origins });
    this.server = http.createServer({ requestTimeout: 60_000, headersTimeout: 30_000 }, (req, res) => {
      if (req.method === 'POST' && (req.url === '/api' || req.url?.startsWith('/api?'))) return api(req, res);
      app(req, res);
    });
    this.server.keepAliveTimeout = 65_000;
    this.server.on('upgrade', (req, socket, head) => this.onUpgrade(req, socket, head));
    this.server.on('clientError', (_err, socket) => {
      if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    });
    // A revoked token (here or by the CLI, seen through the shared state file) also ends the
    // streams it opened, not only its next request.
    this.revocationCheck = setInterval(() => {
      const revoked = (c: { tokenId?: number }) => c.tokenId !== undefined && !deps.tokens.exists(c.tokenId);
      this.ws.dropCallers(revoked);
      this.sse.dropCallers(revoked);
    }, 2_000);
    this.revocationCheck.unref();
    this.unsubscribe = deps.bus.subscribe((event) => {
      const serialized = this.ring.push(event);
      this.ws.deliver(event, serialized);
      this.sse.deliver(event, serialized);
    });
  }

  get address(): { host: string; port: number } | undefined {
    return this.bound ? { host: this.options.host, port: this.bound.port } : undefined;
  }

  get url(): string | undefined {
    if (!this.bound) return undefined;
    const host = this.options.host.includes(':') ? `[${this.options.host}]` : this.options.host;
    return `http://${host}:${this.bound.port}`;
  }

  get connectionCounts(): { ws: number; sse: number } {
    return { ws: this.ws.size, sse: this.sse.size };
  }

  async start(): Promise<{ host: string; port: number }> {
    if (!isLoopbackBindHost(this.options.host) && this.deps.tokens.count() === 0) {
      throw new BindRefusedError(
        `refusing to listen on ${this.options.host}: other machines could reach the API and no token exists yet. ` +
          'Create one first (node dist/cli.js token create <name>, or "Pi Sessions: Create API Token").',
      );
    }
    await new Promise<void>((resolve, reject) => {
      const onError = (err: Error) => {
        this.server.off('listening', onListening);
        reject(err);
      };
      const onListening = () => {
        this.server.off('error', onError);
        resolve();
      };
      this.server.once('error', onError);
      this.server.once('listening', onListening);
      this.server.listen(this.options.port, this.options.host);
    });
    this.bound = this.server.address() as AddressInfo;
    const extraHosts = [...(this.options.allowedHosts ?? []), ...(isLoopbackBindHost(this.options.host) ? [] : [this.options.host])];
    this.hosts = allowedHostsFor(this.bound.port, extraHosts);
    this.origins = originPolicyFor(this.bound.port, this.options.allowedOrigins ?? [], extraHosts);
    if (!isLoopbackBindHost(this.options.host)) {
      this.deps.log.warn(`server: listening on ${this.options.host}, beyond loopback; every client needs a token`);
    }
    return { host: this.options.host, port: this.bound.port };
  }

  private onUpgrade(req: http.IncomingMessage, socket: Duplex, head: Buffer): void {
    const reject = (status: number, text: string) => {
      socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(text)}\r\n\r\n${text}`);
      socket.destroy();
    };
    socket.on('error', () => undefined);
    const pathname = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (pathname !== '/ws') return reject(404, 'Not Found');
    if (!checkHost(req, this.hosts)) return reject(403, 'Forbidden');
    if (!isOriginAllowed(req.headers.origin, this.origins)) return reject(403, 'Forbidden');
    const outcome = this.auth.authenticateRequest(req, 'ws');
    switch (outcome.kind) {
      case 'ok':
        return this.ws.accept(req, socket, head, outcome.caller);
      case 'anonymous':
        // The seed lets a remote client authenticate with a message after connecting.
        return this.ws.accept(req, socket, head, undefined);
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
    clearInterval(this.revocationCheck);
    this.unsubscribe.dispose();
    this.ws.dispose();
    this.sse.dispose();
    if (!this.server.listening) return;
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
    this.bound = undefined;
  }
}
