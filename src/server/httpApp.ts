import express, { type NextFunction, type Request, type Response } from 'express';
import type { Caller } from '../core/api/types';
import { productVersion } from '../core/version';
import type { Logger } from '../core/log';
import type { Authenticator } from './auth/authenticator';
import type { OriginPolicy } from './guards/originGuard';
import { sendError, sendJson } from './envelope';
import { authenticateOrRefuse, maxJsonBodyBytes, passesHostAndOrigin, type GuardDeps } from './apiEndpoint';
import type { SseHub } from './sseHub';

export interface HttpAppDeps {
  auth: Authenticator;
  sse: SseHub;
  log: Logger;
  allowedHosts: () => ReadonlySet<string>;
  originPolicy: () => OriginPolicy;
  /** Extra routes mounted before the 404 handler (the web client). */
  mountExtras?: (app: express.Express) => void;
  /** The server shows a generated demo store, not the user's sessions. */
  demo?: boolean;
}

/** What `/health` says about a demo server, so nobody takes its sessions for their own. */
export const demoHealth = { demo: true, store: 'Demo sessions' } as const;

interface Authenticated {
  caller: Caller;
}

/** Host and Origin checks (security.md, defences 3 and 4) as one named middleware. */
export function hostAndOriginGuard(deps: GuardDeps) {
  return function hostAndOriginMiddleware(req: Request, res: Response, next: NextFunction): void {
    if (passesHostAndOrigin(req, res, deps)) next();
  };
}

export function authGuard(auth: Authenticator, transport: Caller['transport']) {
  return function authMiddleware(req: Request, res: Response, next: NextFunction): void {
    const caller = authenticateOrRefuse(req, res, auth, transport);
    if (!caller) return;
    (res.locals as Authenticated).caller = caller;
    next();
  };
}

/** Everything but `POST /api`, which the http.Server hands to its endpoint before express. */
export function createHttpApp(deps: HttpAppDeps): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.disable('etag');
  app.set('query parser', 'simple');

  const guardDeps: GuardDeps = { auth: deps.auth, allowedHosts: deps.allowedHosts, originPolicy: deps.originPolicy };
  app.use(hostAndOriginGuard(guardDeps));
  app.options(/.*/, (_req, res) => {
    res.status(204).end();
  });

  app.get('/health', (_req, res) => sendJson(res, 200, { status: 'ok', version: productVersion, ...(deps.demo ? demoHealth : {}) }));

  app.get('/api/events', authGuard(deps.auth, 'http'), (req: Request, res: Response) => {
    deps.sse.open(req, res, (res.locals as Authenticated).caller);
  });

  deps.mountExtras?.(app);

  app.all('/api', (_req, res) => sendError(res, 405, 'invalid_request', 'use POST /api', { Allow: 'POST' }));
  app.all('/api/events', (_req, res) => sendError(res, 405, 'invalid_request', 'use GET /api/events', { Allow: 'GET' }));
  app.all('/health', (_req, res) => sendError(res, 405, 'invalid_request', 'use GET /health', { Allow: 'GET' }));
  app.use((req, res) => sendError(res, 404, 'not_found', `no route for ${req.method} ${req.path}`));

  // Body parser failures and anything else thrown by a middleware still answer an envelope.
  app.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const e = err as { type?: string; status?: number; message?: string };
    if (e.type === 'entity.too.large') return sendError(res, 413, 'too_large', `the body is larger than ${maxJsonBodyBytes} bytes`);
    if (e.type === 'entity.parse.failed') return sendError(res, 400, 'invalid_request', `malformed JSON: ${e.message ?? 'parse error'}`);
    if (e.type === 'charset.unsupported' || e.type === 'encoding.unsupported') return sendError(res, 415, 'unsupported_media_type', e.message ?? 'unsupported encoding');
    if (typeof e.status === 'number' && e.status >= 400 && e.status < 500) return sendError(res, e.status, 'invalid_request', e.message ?? 'bad request');
    deps.log.error(`http: ${e.message ?? String(err)}`);
    sendError(res, 500, 'internal', 'internal error');
  });
  return app;
}
