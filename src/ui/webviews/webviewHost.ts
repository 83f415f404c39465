import * as vscode from 'vscode';
import { randomBytes } from 'node:crypto';
import type { Core } from '../../core/core';
import type { Caller } from '../../core/api/types';
import type { IDisposable } from '../../core/lifecycle';
import type { CoreEventName } from '../../shared/model/events';
import type { ApiEnvelope } from '../../shared/api/envelope';
import { agentPageCommandNames, isPageToHost, pageCommandNames, pageL10nElementId, type HostToPage, type PageCommand, type PageL10n } from '../../shared/webviewProtocol';
import { escapeHtml } from '../../shared/render/escape';

/**
 * Commands a webview page may run. Pages render transcript text, so they get no more than
 * reading and the few edits their UI offers, never tokens, terminals or configuration.
 */
const pageCommands: ReadonlySet<string> = new Set(pageCommandNames);
const agentPageCommands: ReadonlySet<string> = new Set([...pageCommandNames, ...agentPageCommandNames]);

export interface WebviewPageOptions {
  /** The bundle in dist/webview: `<bundle>.js` and `<bundle>.css`. */
  bundle: string;
  title: string;
  /** State the page starts with (and gets back after a reload). */
  initialState: unknown;
  onCommand?: (command: PageCommand) => void;
  /**
   * Core events the page receives; all of them when absent. A page that only shows
   * transcripts has no business seeing terminal output or other clients' traffic.
   */
  events?: readonly CoreEventName[];
  /** The page has a prompt box: it may also prompt, steer and abort pi (agentPageCommandNames). */
  agent?: boolean;
}

/**
 * One webview page: its HTML with a nonce-based CSP, the typed message channel, and the
 * core's events forwarded once the page says it is ready.
 */
export class WebviewPage implements vscode.Disposable {
  private ready = false;
  private readonly queue: HostToPage[] = [];
  private readonly disposables: (vscode.Disposable | IDisposable)[] = [];

  constructor(
    readonly webview: vscode.Webview,
    private readonly extensionUri: vscode.Uri,
    private readonly core: Core,
    private readonly caller: Caller,
    private readonly options: WebviewPageOptions,
  ) {
    webview.options = { enableScripts: true, localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist', 'webview')] };
    webview.html = this.html();
    this.disposables.push(
      webview.onDidReceiveMessage((message: unknown) => void this.onMessage(message)),
      core.bus.subscribe((event) => {
        if (event.target !== undefined) return;
        if (options.events && !options.events.includes(event.name)) return;
        this.post({ kind: 'event', name: event.name, payload: event.payload });
      }),
    );
  }

  post(message: HostToPage): void {
    if (!this.ready) {
      this.queue.push(message);
      if (this.queue.length > 500) this.queue.shift();
      return;
    }
    void this.webview.postMessage(message);
  }

  private async onMessage(message: unknown): Promise<void> {
    if (!isPageToHost(message)) return;
    if (message.kind === 'request') {
      const { command, payload } = message.params;
      const allowed = this.options.agent === true ? agentPageCommands : pageCommands;
      const result: ApiEnvelope = allowed.has(command)
        ? await this.core.dispatch(command, payload, this.caller)
        : { success: false, data: null, error: `${command} is not available to this page`, code: 'forbidden' };
      void this.webview.postMessage({ kind: 'response', id: message.id, result } satisfies HostToPage);
      return;
    }
    if (message.method === 'ready') {
      this.ready = true;
      for (const queued of this.queue.splice(0)) void this.webview.postMessage(queued);
    }
    this.options.onCommand?.(message);
  }

  /**
   * The page's HTML. The nonce is also in a `csp-nonce` meta tag: the webview UI toolkit
   * (FAST) probes for `:focus-visible` support with a `<style>` it adds to the head, and
   * gives it the nonce it finds there; without it the probe is an inline style the CSP
   * refuses. Its component styles are constructed stylesheets, which the CSP does not govern.
   */
  private html(): string {
    const nonce = randomBytes(18).toString('base64');
    const asset = (file: string) => this.webview.asWebviewUri(vscode.Uri.joinPath(this.extensionUri, 'dist', 'webview', file));
    const csp = [
      "default-src 'none'",
      `img-src ${this.webview.cspSource} data:`,
      `style-src ${this.webview.cspSource} 'nonce-${nonce}'`,
      `font-src ${this.webview.cspSource}`,
      `script-src 'nonce-${nonce}'`,
    ].join('; ');
    const state = JSON.stringify(this.options.initialState).replace(/</g, '\\u003c');
    // The page renders in the editor's display language with the extension's own catalogue.
    const l10n: PageL10n = { locale: vscode.env.language, catalogue: { ...(vscode.l10n.bundle ?? {}) } };
    const l10nJson = JSON.stringify(l10n).replace(/</g, '\\u003c');
    return `<!DOCTYPE html>
<html lang="${escapeHtml(vscode.env.language)}">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta property="csp-nonce" content="${nonce}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${asset(`${this.options.bundle}.css`)}" nonce="${nonce}">
<title>${escapeHtml(this.options.title)}</title>
</head>
<body data-host="vscode">
<div id="app"></div>
<script nonce="${nonce}" id="initial-state" type="application/json">${state}</script>
<script nonce="${nonce}" id="${pageL10nElementId}" type="application/json">${l10nJson}</script>
<script nonce="${nonce}" src="${asset(`${this.options.bundle}.js`)}"></script>
</body>
</html>`;
  }

  dispose(): void {
    for (const d of this.disposables.splice(0)) void d.dispose();
  }
}

