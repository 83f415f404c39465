import * as vscode from 'vscode';
import { randomBytes } from 'node:crypto';
import * as QRCode from 'qrcode';
import type { Core } from '../core/core';
import { localUserCaller } from '../core/api/callers';
import { isLoopbackBindHost } from '../server/auth/peer';
import { CommandId } from './ids';
import { escapeHtml } from '../shared/render/escape';
import type { ServerSupervisor } from '../server/serverSupervisor';

/** "Open Web Client" and its QR code for a phone, from the status bar menu and the palette. */
export function registerWebClientCommands(core: Core, controller: ServerSupervisor): vscode.Disposable[] {
  const caller = localUserCaller('ui');

  const webClientUri = async (): Promise<vscode.Uri | undefined> => {
    const state = controller.state;
    if (state.kind !== 'serving') {
      void vscode.window.showWarningMessage(vscode.l10n.t('The Pi Sessions server is not running in this window.'));
      return undefined;
    }
    // In a remote window this maps the server's port to one the local machine can reach.
    return vscode.env.asExternalUri(vscode.Uri.parse(`${state.url}/`));
  };

  const openWebClient = async () => {
    const uri = await webClientUri();
    if (uri) await vscode.env.openExternal(uri);
  };

  const showQrCode = async () => {
    const uri = await webClientUri();
    if (!uri) return;
    const state = controller.state;
    const loopbackOnly = state.kind === 'serving' && isLoopbackBindHost(new URL(state.url).hostname.replace(/^\[|\]$/g, ''));
    // The token goes into the code only when the user asks for it, and then a new
    // read-only one made for this purpose (in the URL fragment, which is never sent to a server).
    const choice = await vscode.window.showQuickPick(
      [
        { label: vscode.l10n.t('Address only'), description: vscode.l10n.t('the phone asks for a token when it opens the page'), withToken: false },
        { label: vscode.l10n.t('Address and a new read-only token'), description: vscode.l10n.t('anyone who sees the code can read your sessions'), withToken: true },
      ],
      { title: vscode.l10n.t('QR code for the web client') },
    );
    if (!choice) return;
    let target = uri.toString(true);
    if (choice.withToken) {
      const name = `phone (QR ${new Date().toISOString().slice(0, 16).replace('T', ' ')})`;
      const result = await core.dispatch('create_token', { name, scopes: ['read'] }, caller);
      if (!result.success) {
        void vscode.window.showErrorMessage(vscode.l10n.t('Could not create a token: {0}', result.error));
        return;
      }
      target += `#token=${encodeURIComponent(result.data.token)}`;
    }
    const image = await QRCode.toDataURL(target, { margin: 2, width: 320, errorCorrectionLevel: 'M' });
    const panel = vscode.window.createWebviewPanel('piSessions.qr', vscode.l10n.t('Pi Sessions: Web Client QR Code'), vscode.ViewColumn.Active, {
      enableScripts: false,
      localResourceRoots: [],
    });
    const nonce = randomBytes(16).toString('base64');
    const shown = choice.withToken ? uri.toString(true) + '#token=…' : target;
    panel.webview.html = `<!DOCTYPE html><html lang="${escapeHtml(vscode.env.language)}"><head><meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src data:; style-src 'nonce-${nonce}'">
<style nonce="${nonce}">body{font-family:var(--vscode-font-family);color:var(--vscode-foreground);padding:16px}img{background:#fff;padding:8px;border-radius:8px}.warn{color:var(--vscode-editorWarning-foreground)}</style>
</head><body>
<h2>${escapeHtml(vscode.l10n.t('Open Pi Sessions on your phone'))}</h2>
<img alt="${escapeHtml(vscode.l10n.t('QR code of the web client address'))}" src="${image}" width="320" height="320">
<p><code>${escapeHtml(shown)}</code></p>
${loopbackOnly ? `<p class="warn">${escapeHtml(vscode.l10n.t("The server listens on this machine only (piSessions.server.host is a loopback address), so other devices cannot reach it unless the port is forwarded. Set piSessions.server.host to this machine's network address to use it from a phone."))}</p>` : ''}
${choice.withToken ? `<p class="warn">${escapeHtml(vscode.l10n.t("This code holds a read-only token. Revoke it from the server menu's token list when you no longer need it."))}</p>` : ''}
</body></html>`;
  };

  return [
    vscode.commands.registerCommand(CommandId.openWebClient, openWebClient),
    vscode.commands.registerCommand(CommandId.showQrCode, showQrCode),
  ];
}

