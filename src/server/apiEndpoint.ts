import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CommandRouter } from '../core/api/router';
import type { Caller } from '../core/api/types';
import type { Authenticator } from './auth/authenticator';
import { checkHost } from './guards/hostGuard';
import { isOriginAllowed, type OriginPolicy } from './guards/originGuard';
import { isJsonContentType } from './guards/contentTypeGuard';
import { sendError, sendJson, statusForResult } from './envelope';

export const maxJsonBodyBytes = 1024 * 1024;

export interface GuardDeps {
  auth: Authenticator;
  allowedHosts: () => ReadonlySet<string>;
  originPolicy: () => OriginPolicy;
}

/** Host and Origin checks shared by every route; answers the refusal itself. */
export function passesHostAndOrigin(req: IncomingMessage, res: ServerResponse, deps: GuardDeps): boolean {
  if (!checkHost(req, deps.allowedHosts())) {
    sendError(res, 403, 'forbidden', 'Host header not allowed');
    return false;
  }
  const origin = req.headers.origin;
  res.setHeader('Vary', 'Origin');
  if (!isOriginAllowed(origin, deps.originPolicy())) {
    sendError(res, 403, 'forbidden', 'Origin not allowed');
    return false;
  }
  if (origin !== undefined) {
    res.setHeader('Access-Control-Allow-Origin', origin);
    res.setHeader('Access-Control-Allow-Headers', 'Content-Type, Authorization, Last-Event-ID');
    res.setHeader('Access-Control-Allow-Methods', 'GET, POST, OPTIONS');
  }
  return true;
}

/** Resolves the caller or answers 401/429 itself. */
export function authenticateOrRefuse(req: IncomingMessage, res: ServerResponse, auth: Authenticator, transport: Caller['transport']): Caller | undefined {
  const outcome = auth.authenticateRequest(req, transport);
  switch (outcome.kind) {
    case 'ok':
      return outcome.caller;
    case 'rate_limited':
      sendError(res, 429, 'rate_limited', 'too many failed authentication attempts; try again later', {
        'Retry-After': String(Math.ceil(outcome.retryAfterMs / 1000)),
      });
      return undefined;
    case 'unauthorized':
      sendError(res, 401, 'unauthorized', outcome.message, { 'WWW-Authenticate': 'Bearer' });
      return undefined;
    case 'anonymous':
      sendError(res, 401, 'unauthorized', 'a token is required: Authorization: Bearer <token> or ?token=', { 'WWW-Authenticate': 'Bearer' });
      return undefined;
  }
}

/**
 * `POST /api`, the hot path of every client. It runs as a plain node:http handler in front
 * of express: a framework body parser and router cost several times the work of the command
 * itself on `ping` (benchmark B5), and the guards are the same functions either way.
 */
export function createApiEndpoint(deps: GuardDeps & { router: CommandRouter }) {
  return function handleApiRequest(req: IncomingMessage, res: ServerResponse): void {
    if (!passesHostAndOrigin(req, res, deps)) return drain(req);
    if (!isJsonContentType(req)) {
      sendError(res, 415, 'unsupported_media_type', 'Content-Type must be application/json');
      return drain(req);
    }
    const caller = authenticateOrRefuse(req, res, deps.auth, 'http');
    if (!caller) return drain(req);
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > maxJsonBodyBytes) {
      sendError(res, 413, 'too_large', `the body is larger than ${maxJsonBodyBytes} bytes`, { Connection: 'close' });
      return drain(req);
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let refused = false;
    req.on('data', (chunk: Buffer) => {
      if (refused) return;
      size += chunk.length;
      if (size > maxJsonBodyBytes) {
        refused = true;
        sendError(res, 413, 'too_large', `the body is larger than ${maxJsonBodyBytes} bytes`, { Connection: 'close' });
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (refused) return;
      void answer(Buffer.concat(chunks, size));
    });
    req.on('error', () => undefined);

    async function answer(raw: Buffer): Promise<void> {
      let body: unknown;
      try {
        body = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(raw));
      } catch (err) {
        const reason = err instanceof TypeError ? 'the body is not valid UTF-8' : `malformed JSON: ${(err as Error).message}`;
        return sendError(res, 400, 'invalid_request', reason);
      }
      if (body === null || typeof body !== 'object' || Array.isArray(body)) {
        return sendError(res, 400, 'invalid_request', 'the body must be a JSON object {"command": "...", "payload": {...}}');
      }
      const { command, payload } = body as { command?: unknown; payload?: unknown };
      const result = await deps.router.dispatch(command, payload, caller!);
      sendJson(res, statusForResult(result), result);
    }
  };
}

/** Reads and discards a refused request's body so the connection can be reused. */
function drain(req: IncomingMessage): void {
  req.resume();
  req.on('error', () => undefined);
}
