import * as vscode from 'vscode';
import { allScopes, elevatedScopes, type Scope } from '../shared/model/tokens';
import type { Core } from '../core/core';
import { localUserCaller } from '../core/api/callers';
import { CommandId } from './ids';
import { localTime } from './format';
import type { ServerSupervisor } from '../server/serverSupervisor';

/** Status bar menu and palette actions for the API server. */
export function registerServerCommands(core: Core, controller: ServerSupervisor, log: vscode.LogOutputChannel): vscode.Disposable[] {
  const caller = localUserCaller('ui');

  const copyApiUrl = async () => {
    const s = controller.state;
    if (s.kind !== 'serving') {
      void vscode.window.showWarningMessage(vscode.l10n.t('The Pi Sessions API is not served by this window.'));
      return;
    }
    await vscode.env.clipboard.writeText(`${s.url}/api`);
    void vscode.window.showInformationMessage(vscode.l10n.t('Copied {0}', `${s.url}/api`));
  };

  const createToken = async () => {
    const name = await vscode.window.showInputBox({
      title: vscode.l10n.t('Create API Token'),
      prompt: vscode.l10n.t('A name to recognise the client by (e.g. "phone", "build script")'),
      validateInput: (v) => (v.trim().length === 0 ? vscode.l10n.t('Enter a name') : undefined),
    });
    if (!name) return;
    const picked = await vscode.window.showQuickPick(
      allScopes.map((scope) => ({
        label: scope,
        scope,
        description: elevatedScopes.includes(scope) ? vscode.l10n.t('{0} — only for clients you fully trust', scopeText(scope)) : scopeText(scope),
        picked: scope === 'read',
      })),
      { title: vscode.l10n.t('Token scopes'), canPickMany: true },
    );
    if (!picked || picked.length === 0) return;
    const result = await core.dispatch('create_token', { name: name.trim(), scopes: picked.map((p) => p.scope) }, caller);
    if (!result.success) {
      void vscode.window.showErrorMessage(vscode.l10n.t('Could not create the token: {0}', result.error));
      return;
    }
    const { token, warnings } = result.data;
    await vscode.env.clipboard.writeText(token);
    log.info(`token "${name.trim()}" created (${picked.map((p) => p.label).join(', ')})`);
    for (const warning of warnings) log.warn(`token "${name.trim()}": ${warning}`);
    const notice = vscode.l10n.t('The token was copied to the clipboard. It is shown only once: keep it safe.');
    if (warnings.length > 0) void vscode.window.showWarningMessage(`${notice} ${warnings.join(' ')}`);
    else void vscode.window.showInformationMessage(notice);
  };

  const manageTokens = async () => {
    const result = await core.dispatch('list_tokens', {}, caller);
    if (!result.success) {
      void vscode.window.showErrorMessage(vscode.l10n.t('Could not list tokens: {0}', result.error));
      return;
    }
    const tokens = result.data;
    if (tokens.length === 0) {
      void vscode.window.showInformationMessage(vscode.l10n.t('There are no API tokens.'));
      return;
    }
    const picked = await vscode.window.showQuickPick(
      tokens.map((t) => ({
        label: t.name,
        description: t.scopes.join(', '),
        detail: t.last_used_at ? vscode.l10n.t('created {0}, last used {1}', localTime(t.created_at), localTime(t.last_used_at)) : vscode.l10n.t('created {0}', localTime(t.created_at)),
        id: t.id,
      })),
      { title: vscode.l10n.t('Revoke API tokens'), canPickMany: true, placeHolder: vscode.l10n.t('Pick the tokens to revoke') },
    );
    if (!picked || picked.length === 0) return;
    for (const t of picked) {
      const revoked = await core.dispatch('revoke_token', { id: t.id }, caller);
      if (!revoked.success) void vscode.window.showErrorMessage(vscode.l10n.t('Could not revoke "{0}": {1}', t.label, revoked.error));
    }
    log.info(`revoked ${picked.length} token(s)`);
  };

  const serverMenu = async () => {
    const s = controller.state;
    type Item = vscode.QuickPickItem & { run: () => unknown };
    const items: Item[] = [];
    if (s.kind === 'serving') {
      items.push({ label: `$(copy) ${vscode.l10n.t('Copy API URL')}`, description: s.url, run: copyApiUrl });
      items.push({ label: `$(globe) ${vscode.l10n.t('Open Web Client')}`, run: () => vscode.commands.executeCommand(CommandId.openWebClient) });
      items.push({ label: `$(device-mobile) ${vscode.l10n.t('Show QR Code for a Phone')}`, run: () => vscode.commands.executeCommand(CommandId.showQrCode) });
      items.push({ label: `$(debug-stop) ${vscode.l10n.t('Stop Server')}`, run: () => controller.stop() });
    } else {
      items.push({ label: `$(play) ${vscode.l10n.t('Start Server')}`, description: s.kind === 'in-use' ? vscode.l10n.t('port {0} is in use', s.port) : undefined, run: () => controller.start() });
    }
    items.push({ label: `$(key) ${vscode.l10n.t('Create API Token…')}`, run: createToken });
    items.push({ label: `$(list-unordered) ${vscode.l10n.t('Manage API Tokens…')}`, run: manageTokens });
    items.push({ label: `$(output) ${vscode.l10n.t('Open Log')}`, run: () => log.show() });
    const choice = await vscode.window.showQuickPick(items, { title: vscode.l10n.t('Pi Sessions API') });
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

/**
 * `scopeDescriptions` in the display language. The catalogue needs each text written out;
 * the record's type makes a new scope fail to compile until it is described here too.
 */
const scopeTexts: Readonly<Record<Scope, () => string>> = {
  read: () => vscode.l10n.t('list, read and search sessions, and see statistics'),
  write: () => vscode.l10n.t('rename, delete, tag and favorite sessions, and export them'),
  agent: () => vscode.l10n.t('prompt pi, which runs tools (shell commands, file edits) on this machine'),
  terminal: () => vscode.l10n.t('open shells on this machine'),
  bridge: () => vscode.l10n.t('let a running pi register its session and stream its events (nothing else)'),
  admin: () => vscode.l10n.t("change server settings, session folders and pi's models.json, and mint or revoke tokens"),
};

function scopeText(scope: Scope): string {
  return scopeTexts[scope]();
}
