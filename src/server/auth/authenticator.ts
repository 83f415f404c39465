import type { IncomingMessage } from 'node:http';
import { randomUUID } from 'node:crypto';
import type { TokenStore } from '../../core/auth/tokenStore';
import type { Caller } from '../../core/api/types';
import { allScopes, type Scope } from '../../shared/model/tokens';
import { isLoopbackAddress, rateLimitKey } from './peer';
import { FailedAuthLimiter } from './rateLimiter';

export type AuthOutcome =
  | { kind: 'ok'; caller: Caller }
  /** No token and none needed yet (WS may still authenticate with a message). */
  | { kind: 'anonymous'; peer: string }
  | { kind: 'unauthorized'; message: string }
  | { kind: 'rate_limited'; retryAfterMs: number };

export interface TokenAttempt {
  /**
   * The browser says a page of another site sent the request (`Sec-Fetch-Site`). Such a
   * page cannot read the reply, but its failures must not lock the user out of loopback.
   */
  fromForeignPage?: boolean;
}

export interface AuthSettings {
  requireTokenOnLoopback: boolean;
}

/** Pulls a token from `Authorization: Bearer` or `?token=`. */
export function presentedToken(req: IncomingMessage): string | undefined {
  const header = req.headers.authorization;
  if (typeof header === 'string') {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (m) return m[1];
  }
  if (!req.url?.includes('token=')) return undefined;
  return new URL(req.url, 'http://localhost').searchParams.get('token') ?? undefined;
}

/**
 * Decides who a request is. Loopback peers are the local user without a token, as the
 * seed says, unless the user asked for tokens on loopback too; a browser Origin on a
 * loopback request (a page, even an allowed one) never gets the terminal scope.
 */
export class Authenticator {
  readonly limiter = new FailedAuthLimiter();

  constructor(
    private readonly tokens: TokenStore,
    private readonly settings: () => AuthSettings,
  ) {}

  authenticateRequest(req: IncomingMessage, transport: Caller['transport']): AuthOutcome {
    const peer = req.socket.remoteAddress ?? 'unknown';
    const token = presentedToken(req);
    const hasOrigin = req.headers.origin !== undefined;
    if (token !== undefined) return this.authenticateToken(token, peer, transport, { fromForeignPage: isFromForeignPage(req) });
    if (isLoopbackAddress(peer) && !this.settings().requireTokenOnLoopback) {
      return { kind: 'ok', caller: localCaller(transport, hasOrigin) };
    }
    return { kind: 'anonymous', peer };
  }

  authenticateToken(token: string, peer: string, transport: Caller['transport'], attempt: TokenAttempt = {}): AuthOutcome {
    // A right token is honoured even while its source is blocked: the block exists to slow
    // guessing, and must not let anyone who can send wrong tokens lock the owner out.
    const record = this.tokens.verify(token);
    if (!record) {
      const key = rateLimitKey(peer);
      if (this.limiter.isBlocked(key)) return { kind: 'rate_limited', retryAfterMs: this.limiter.retryAfterMs(key) };
      // Only on loopback: a remote client could send the header to dodge the limit.
      if (!(attempt.fromForeignPage && isLoopbackAddress(peer))) this.limiter.recordFailure(key);
      return { kind: 'unauthorized', message: 'invalid or revoked token' };
    }
    return {
      kind: 'ok',
      caller: {
        id: `${transport}-${randomUUID()}`,
        transport,
        scopes: new Set<Scope>(record.scopes),
        isLocal: false,
        tokenId: record.id,
        tokenName: record.name,
      },
    };
  }
}

function isFromForeignPage(req: IncomingMessage): boolean {
  const site = req.headers['sec-fetch-site'];
  return site === 'cross-site' || site === 'same-site';
}

function localCaller(transport: Caller['transport'], hasOrigin: boolean): Caller {
  // A local process without a browser Origin already runs as the user, so it may do all the
  // user can; a page (even our own web client) gets no more than a default token would.
  const scopes: readonly Scope[] = hasOrigin ? ['read', 'write'] : allScopes;
  return { id: `${transport}-${randomUUID()}`, transport, scopes: new Set(scopes), isLocal: !hasOrigin };
}
