import type { IncomingMessage } from 'node:http';

/**
 * Only `application/json` may reach `POST /api` (security.md, defence 5): an HTML form or a
 * `no-cors` fetch can send text/plain without a preflight, JSON it cannot.
 */
export function isJsonContentType(req: IncomingMessage): boolean {
  const type = req.headers['content-type'];
  if (!type) return false;
  const mime = type.split(';')[0]!.trim().toLowerCase();
  return mime === 'application/json';
}
