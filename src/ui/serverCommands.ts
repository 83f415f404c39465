import * as vscode from 'vscode';
import { allScopes, elevatedScopes, scopeDescriptions } from '../shared/model/tokens';
import type { Core } from '../core/core';
import { localUserCaller } from '../core/api/callers';
import { CommandId } from './ids';
import type { ServerSupervisor } from '../server/serverSupervisor';

/** Status bar menu and palette actions for the API server. */
export function registerServerCommands(core: Core, controller: ServerSupervisor, log: vscode.LogOutputChannel): vscode.Disposable[] {
  const caller = localUserCaller('ui');

  const copyApiUrl = async () => {
    const s = controller.state;
    if (s.kind !== 'serving') {
      void vscode.window.showWarningMessage('The Pi Sessions API is not served by this window.');
      return;
    }
    await vscode.env.clipboard.writeText(`${s.url}/api`);
    void vscode.window.showInformationMessage(`Copied ${s.url}/api`);
  };

  const createToken = async () => {
    const name = await vscode.window.showInputBox({
      title: 'Create API Token',
      prompt: 'A name to recognise the client by (e.g. "phone", "build script")',
      validateInput: (v) => (v.trim().length === 0 ? 'Enter a name' : undefined),
    });
    if (!name) return;
    const picked = await vscode.window.showQuickPick(
      allScopes.map((scope) => ({
        label: scope,
        scope,
        description: elevatedScopes.includes(scope) ? `${scopeDescriptions[scope]} — only for clients you fully trust` : scopeDescriptions[scope],
        picked: scope === 'read',
      })),
      { title: 'Token scopes', canPickMany: true },
    );
    if (!picked || picked.length === 0) return;
    const result = await core.dispatch('create_token', { name: name.trim(), scopes: picked.map((p) => p.scope) }, caller);
    if (!result.success) {
      void vscode.window.showErrorMessage(`Could not create the token: ${result.error}`);
      return;
    }
    const { token, warnings } = result.data;
    await vscode.env.clipboard.writeText(token);
    log.info(`token "${name.trim()}" created (${picked.map((p) => p.label).join(', ')})`);
    for (const warning of warnings) log.warn(`token "${name.trim()}": ${warning}`);
    const notice = 'The token was copied to the clipboard. It is shown only once: keep it safe.';
    if (warnings.length > 0) void vscode.window.showWarningMessage(`${notice} ${warnings.join(' ')}`);
    else void vscode.window.showInformationMessage(notice);
  };

  const manageTokens = async () => {
    const result = await core.dispatch('list_tokens', {}, caller);
    if (!result.success) {
      void vscode.window.showErrorMessage(`Could not list tokens: ${result.error}`);
      return;
    }
    const tokens = result.data;
    if (tokens.length === 0) {
      void vscode.window.showInformationMessage('There are no API tokens.');
      return;
    }
    const picked = await vscode.window.showQuickPick(
      tokens.map((t) => ({
        label: t.name,
        description: t.scopes.join(', '),
        detail: `created ${t.created_at}${t.last_used_at ? `, last used ${t.last_used_at}` : ''}`,
        id: t.id,
      })),
      { title: 'Revoke API tokens', canPickMany: true, placeHolder: 'Pick the tokens to revoke' },
    );
    if (!picked || picked.length === 0) return;
    for (const t of picked) {
      const revoked = await core.dispatch('revoke_token', { id: t.id }, caller);
      if (!revoked.success) void vscode.window.showErrorMessage(`Could not revoke "${t.label}": ${revoked.error}`);
    }
    log.info(`revoked ${picked.length} token(s)`);
  };

  const serverMenu = async () => {
    const s = controller.state;
    type Item = vscode.QuickPickItem & { run: () => unknown };
    const items: Item[] = [];
    if (s.kind === 'serving') {
      items.push({ label: '$(copy) Copy API URL', description: s.url, run: copyApiUrl });
      items.push({ label: '$(globe) Open Web Client', run: () => vscode.commands.executeCommand(CommandId.openWebClient) });
      items.push({ label: '$(device-mobile) Show QR Code for a Phone', run: () => vscode.commands.executeCommand(CommandId.showQrCode) });
      items.push({ label: '$(debug-stop) Stop Server', run: () => controller.stop() });
    } else {
      items.push({ label: '$(play) Start Server', description: s.kind === 'in-use' ? `port ${s.port} is in use` : undefined, run: () => controller.start() });
    }
    items.push({ label: '$(key) Create API Token…', run: createToken });
    items.push({ label: '$(list-unordered) Manage API Tokens…', run: manageTokens });
    items.push({ label: '$(output) Open Log', run: () => log.show() });
    const choice = await vscode.window.showQuickPick(items, { title: 'Pi Sessions API' });
    await choice?.run();
  };

  return [
    vscode.commands.registerCommand(CommandId.serverMenu, serverMenu),
    vscode.commands.registerCommand(CommandId.startServer, () => controller.start()),
    vscode.commands.registerCommand(CommandId.stopServer, () => controller.stop()),
    vscode.commands.registerCommand(CommandId.copyApiUrl, copyApiUrl),
    vscode.commands.registerCommand(CommandId.createToken, createToken),
    vscode.commands.registerCommand(CommandId.showLog, () => log.show()),
  ];
}
