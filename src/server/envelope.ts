import type { ServerResponse } from 'node:http';
import type { ApiErrorCode } from '../shared/api/errors';
import type { DispatchResult } from '../core/api/types';
import { EncodedJson } from '../core/util/encodedJson';

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
  const rows = longArrayData(body);
  if (rows) {
    sendRows(res, status, body as { data: unknown[] }, rows, headers);
    return;
  }
  const parts = encodeEnvelope(body);
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': parts.reduce((n, p) => n + Buffer.byteLength(p), 0),
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
    ...headers,
  });
  for (const part of parts.slice(0, -1)) res.write(part);
  res.end(parts[parts.length - 1]);
}

/** Arrays longer than this are sent row by row (a 5,000-session list is about 10 MB of JSON). */
const rowsAtOnce = 256;

function longArrayData(body: unknown): unknown[] | undefined {
  if (body === null || typeof body !== 'object' || !('data' in body)) return undefined;
  const data = (body as { data: unknown }).data;
  return Array.isArray(data) && data.length > rowsAtOnce ? data : undefined;
}

/**
 * Sends an envelope whose `data` is a long array in slices of rows, with chunked encoding.
 * Encoded whole, the list of a large store is one string of 10–20 MB and a Buffer as large,
 * both kept until the next full collection; slice by slice, each piece dies young. The bytes
 * are those `JSON.stringify(body)` gives.
 */
function sendRows(res: ServerResponse, status: number, body: { data: unknown[] }, rows: unknown[], headers: Record<string, string>): void {
  // `data` keeps its place among the other fields, as JSON.stringify(body) would put it.
  const fields = Object.entries(body);
  const at = fields.findIndex(([key]) => key === 'data');
  const before = JSON.stringify(Object.fromEntries(fields.slice(0, at)));
  const after = JSON.stringify(Object.fromEntries(fields.slice(at + 1)));
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
    ...headers,
  });
  res.write(`${before.slice(0, -1)}${before.length > 2 ? ',' : ''}"data":[`);
  for (let i = 0; i < rows.length; i += rowsAtOnce) {
    // As inside an array, a value JSON has no form for is written as null.
    const slice = rows.slice(i, i + rowsAtOnce).map((row) => JSON.stringify(row) ?? 'null');
    res.write(`${i === 0 ? '' : ','}${slice.join(',')}`);
  }
  res.end(`]${after.length > 2 ? `,${after.slice(1)}` : '}'}`);
}

/**
 * A body as the pieces to send in order. `data` that a worker already encoded is sent as
 * its bytes, after the other fields, rather than encoded again.
 */
export function encodeEnvelope(body: unknown): Array<string | Buffer> {
  if (body !== null && typeof body === 'object' && 'data' in body && body.data instanceof EncodedJson) {
    const { data, ...rest } = body as { data: EncodedJson };
    const head = JSON.stringify(rest);
    return [`${head.slice(0, -1)}${head.length > 2 ? ',' : ''}"data":`, data.bytes, '}'];
  }
  return [JSON.stringify(body)];
}

/**
 * Command-level failures answer 200 with `success:false` (compat: clients read the
 * envelope), except scope failures, which are a transport matter (403).
 */
export function statusForResult(result: DispatchResult): number {
  if (result.success) return 200;
  return result.code === 'forbidden' ? 403 : 200;
}
