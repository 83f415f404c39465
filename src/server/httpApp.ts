import express, { type NextFunction, type Request, type Response } from 'express';
import type { Caller } from '../core/api/types';
import type { CommandRouter } from '../core/api/router';
import { productVersion } from '../core/version';
import type { Logger } from '../core/log';
import type { Authenticator } from './auth/authenticator';
import { checkHost } from './guards/hostGuard';
import { isOriginAllowed, type OriginPolicy } from './guards/originGuard';
import { isJsonContentType } from './guards/contentTypeGuard';
import { sendError, sendJson, statusForResult } from './envelope';
import type { SseHub } from './sseHub';

export const maxJsonBodyBytes = 1024 * 1024;

export interface HttpAppDeps {
  router: CommandRouter;
  auth: Authenticator;
  sse: SseHub;
  log: Logger;
  allowedHosts: () => ReadonlySet<string>;
  originPolicy: () => OriginPolicy;
  /** Extra routes mounted before the 404 handler (the web client). */
  mountExtras?: (app: express.Express) => void;
}

interface Authenticated {
  caller: Caller;
}

/** Each guard is its own named middleware so it can be tested and read on its own. */
export function hostGuard(allowed: () => ReadonlySet<string>) {
  return function hostGuardMiddleware(req: Request, res: Response, next: NextFunction): void {
    if (!checkHost(req, allowed())) return sendError(res, 403, 'forbidden', 'Host header not allowed');
    next();
  };
}

export function originGuard(policy: () => OriginPolicy) {
  return function originGuardMiddleware(req: Request, res: Response, next: NextFunction): void {
    const origin = req.headers.origin;
    res.setHeader('Vary', 'Origin');
    if (!isOriginAllowed(origin, policy())) return sendError(res, 403, 'forbidden', 'Origin not allowed');
    if (origin !== undefined) {
      res.setHeader('Access-Control-Allow-Origin', origin);
      res.setHeader('Access-Control-Allow-Headers', 'Content-Type, Authorization, Last-Event-ID');
      res.setHeader('Access-Control-Allow-Methods', 'GET, POST, OPTIONS');
    }
    next();
  };
}

export function jsonContentTypeGuard(req: Request, res: Response, next: NextFunction): void {
  if (!isJsonContentType(req)) return sendError(res, 415, 'unsupported_media_type', 'Content-Type must be application/json');
  next();
}

export function authGuard(auth: Authenticator, transport: Caller['transport']) {
  return function authMiddleware(req: Request, res: Response, next: NextFunction): void {
    const outcome = auth.authenticateRequest(req, transport);
    switch (outcome.kind) {
      case 'ok':
        (res.locals as Authenticated).caller = outcome.caller;
        return next();
      case 'rate_limited':
        return sendError(res, 429, 'rate_limited', 'too many failed authentication attempts; try again later', {
          'Retry-After': String(Math.ceil(outcome.retryAfterMs / 1000)),
        });
      case 'unauthorized':
        return sendError(res, 401, 'unauthorized', outcome.message, { 'WWW-Authenticate': 'Bearer' });
      case 'anonymous':
        return sendError(res, 401, 'unauthorized', 'a token is required: Authorization: Bearer <token> or ?token=', { 'WWW-Authenticate': 'Bearer' });
    }
  };
}

export function createHttpApp(deps: HttpAppDeps): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.disable('etag');
  app.set('query parser', 'simple');

  app.use(hostGuard(deps.allowedHosts));
  app.use(originGuard(deps.originPolicy));
  app.options(/.*/, (_req, res) => {
    res.status(204).end();
  });

  app.get('/health', (_req, res) => sendJson(res, 200, { status: 'ok', version: productVersion }));

  app.post(
    '/api',
    jsonContentTypeGuard,
    authGuard(deps.auth, 'http'),
    express.json({ limit: maxJsonBodyBytes, strict: false, type: () => true }),
    async (req: Request, res: Response) => {
      const body: unknown = req.body;
      if (body === null || typeof body !== 'object' || Array.isArray(body)) {
        return sendError(res, 400, 'invalid_request', 'the body must be a JSON object {"command": "...", "payload": {...}}');
      }
      const { command, payload } = body as { command?: unknown; payload?: unknown };
      const result = await deps.router.dispatch(command, payload, (res.locals as Authenticated).caller);
      sendJson(res, statusForResult(result), result);
    },
  );

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
