import type { ServerResponse } from 'node:http';
import type { ApiErrorCode } from '../shared/api/errors';
import type { DispatchResult } from '../core/api/types';

export interface ErrorEnvelope {
  success: false;
  data: null;
  error: string;
  code: ApiErrorCode;
}

export function errorEnvelope(code: ApiErrorCode, error: string): ErrorEnvelope {
  return { success: false, data: null, error, code };
}

/** Transport-level failures keep the envelope but carry their HTTP status (api-contract.md). */
export function sendError(res: ServerResponse, status: number, code: ApiErrorCode, message: string, headers: Record<string, string> = {}): void {
  sendJson(res, status, errorEnvelope(code, message), headers);
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
    ...headers,
  });
  res.end(text);
}

/**
 * Command-level failures answer 200 with `success:false` (compat: clients read the
 * envelope), except scope failures, which are a transport matter (403).
 */
export function statusForResult(result: DispatchResult): number {
  if (result.success) return 200;
  return result.code === 'forbidden' ? 403 : 200;
}
