/**
 * Cross-site request and WebSocket hijacking defence (security.md, defence 4). Browsers
 * apply no CORS to WebSocket, so a present Origin must be one we trust; scripts and curl
 * send none and are judged by the peer and token checks instead.
 *
 * The editor's webviews reach the core by postMessage and have no network access of their
 * own (their CSP is `default-src 'none'`), so a `vscode-webview://` Origin over HTTP is a
 * claim any local process can make and earns nothing.
 */
export interface OriginPolicy {
  /** Exact origins, e.g. `http://127.0.0.1:52131`. */
  exact: ReadonlySet<string>;
}

export function originPolicyFor(port: number, configuredOrigins: readonly string[], configuredHosts: readonly string[]): OriginPolicy {
  const own = ['127.0.0.1', 'localhost', '[::1]', ...configuredHosts].map((h) => `http://${h}:${port}`);
  return {
    exact: new Set([...own, ...configuredOrigins].map(normalizeOrigin)),
  };
}

function normalizeOrigin(origin: string): string {
  return origin.trim().toLowerCase().replace(/\/+$/, '');
}

export function isOriginAllowed(origin: string | undefined, policy: OriginPolicy): boolean {
  if (origin === undefined) return true;
  return policy.exact.has(normalizeOrigin(origin));
}
