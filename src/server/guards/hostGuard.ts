import type { IncomingMessage } from 'node:http';

/**
 * DNS rebinding defence (security.md, defence 3): a page on evil.example that resolves to
 * 127.0.0.1 still sends `Host: evil.example`, so only hosts we know are let through.
 */
export function allowedHostsFor(port: number, configuredHosts: readonly string[]): Set<string> {
  const names = ['127.0.0.1', 'localhost', '[::1]', ...configuredHosts.map(normalizeHostName)];
  return new Set(names.map((n) => `${n}:${port}`.toLowerCase()));
}

function normalizeHostName(host: string): string {
  const h = host.trim().toLowerCase();
  return h.includes(':') && !h.startsWith('[') ? `[${h}]` : h;
}

export function isHostAllowed(hostHeader: string | undefined, allowed: ReadonlySet<string>): boolean {
  if (!hostHeader) return false;
  return allowed.has(hostHeader.trim().toLowerCase());
}

export function checkHost(req: IncomingMessage, allowed: ReadonlySet<string>): boolean {
  return isHostAllowed(req.headers.host, allowed);
}
