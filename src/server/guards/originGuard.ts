/**
 * Cross-site request and WebSocket hijacking defence (security.md, defence 4). Browsers
 * apply no CORS to WebSocket, so a present Origin must be one we trust; scripts and curl
 * send none and are judged by the peer and token checks instead.
 */
export interface OriginPolicy {
  /** Exact origins, e.g. `http://127.0.0.1:52131`. */
  exact: ReadonlySet<string>;
  /** VS Code webviews have a per-panel origin; their scheme is trusted as a whole. */
  trustWebviewScheme: boolean;
}

export function originPolicyFor(port: number, configuredOrigins: readonly string[], configuredHosts: readonly string[]): OriginPolicy {
  const own = ['127.0.0.1', 'localhost', '[::1]', ...configuredHosts].map((h) => `http://${h}:${port}`);
  return {
    exact: new Set([...own, ...configuredOrigins].map((o) => o.trim().toLowerCase().replace(/\/+$/, ''))),
    trustWebviewScheme: true,
  };
}

export function isOriginAllowed(origin: string | undefined, policy: OriginPolicy): boolean {
  if (origin === undefined) return true;
  const o = origin.trim().toLowerCase().replace(/\/+$/, '');
  if (policy.trustWebviewScheme && /^vscode-webview:\/\/[a-z0-9-]+$/.test(o)) return true;
  return policy.exact.has(o);
}
