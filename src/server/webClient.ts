import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type express from 'express';
import type { Request, Response } from 'express';
import { sessionCss } from '../shared/render/css';
import { sendError } from './envelope';

/**
 * The web client: a static page and its hashed assets, served from the same port as the
 * API. The HTML carries no data and no inline script, so the CSP can forbid both; the page
 * fetches everything through the API with the caller's own credentials.
 */
export interface WebClientOptions {
  /** Folder with the browser bundles (dist/webview) and their manifest.json of hashes. */
  assetDir: string;
  /** Bundle name of the web client (web.js / web.css). */
  bundle?: string;
}

const contentSecurityPolicy = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "manifest-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const securityHeaders: Record<string, string> = {
  'Content-Security-Policy': contentSecurityPolicy,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
  'Cross-Origin-Opener-Policy': 'same-origin',
};

const mimeTypes: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.ttf': 'font/ttf',
  '.woff2': 'font/woff2',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
};

/**
 * The renderer's stylesheet lives in TypeScript (the HTML export inlines it). Pages with a
 * nonce add it as a <style>; this page has no nonce, so it is served as a hashed file and
 * linked under the id the shared view looks for, which then adds nothing inline.
 */
const renderStylesheet = { name: 'session-render', id: 'psm-session-css', hash: createHash('sha256').update(sessionCss).digest('hex').slice(0, 12) };

export function mountWebClient(app: express.Express, options: WebClientOptions): void {
  const bundle = options.bundle ?? 'web';
  const readManifest = (): Record<string, string> => {
    try {
      return JSON.parse(fs.readFileSync(path.join(options.assetDir, 'manifest.json'), 'utf8')) as Record<string, string>;
    } catch {
      return {};
    }
  };

  app.get('/', (_req: Request, res: Response) => {
    const manifest = readManifest();
    const jsHash = manifest[`${bundle}.js`];
    if (!jsHash) {
      res.status(503).set(securityHeaders).type('text/plain').send('The web client is not built (run npm run build).');
      return;
    }
    const cssHash = manifest[`${bundle}.css`];
    const html = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover">
<meta name="color-scheme" content="light dark">
<title>Pi Sessions</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" id="${renderStylesheet.id}" href="/assets/${renderStylesheet.name}.${renderStylesheet.hash}.css">
${cssHash ? `<link rel="stylesheet" href="/assets/${bundle}.${cssHash}.css">` : ''}
</head>
<body data-host="browser">
<div id="app"></div>
<script src="/assets/${bundle}.${jsHash}.js"></script>
</body>
</html>
`;
    res.status(200).set({ ...securityHeaders, 'Cache-Control': 'no-cache' }).type('text/html; charset=utf-8').send(html);
  });

  app.get('/assets/:file', (req: Request, res: Response) => {
    const requested = String(req.params.file);
    // Hashed names only: <name>.<12 hex>.<ext>, mapped back to the built file.
    const m = /^([A-Za-z0-9_-]+)\.([0-9a-f]{12})\.([a-z0-9]+)$/.exec(requested);
    if (!m) return sendError(res, 404, 'not_found', 'no such asset');
    const [, name, hash, ext] = m;
    const headers = { ...securityHeaders, 'Cache-Control': 'public, max-age=31536000, immutable', 'Content-Type': mimeTypes[`.${ext}`] ?? 'application/octet-stream' };
    if (name === renderStylesheet.name && ext === 'css') {
      if (hash !== renderStylesheet.hash) return sendError(res, 404, 'not_found', 'no such asset (stale hash)');
      res.status(200).set(headers).send(sessionCss);
      return;
    }
    const file = `${name}.${ext}`;
    if (readManifest()[file] !== hash) return sendError(res, 404, 'not_found', 'no such asset (stale hash)');
    const full = path.join(options.assetDir, file);
    fs.readFile(full, (err, bytes) => {
      if (err) return sendError(res, 404, 'not_found', 'no such asset');
      res.status(200).set(headers).send(bytes);
    });
  });
}
