import * as vscode from 'vscode';
import * as path from 'node:path';
import { CommandId } from '../ids';
import type { ActionContext } from './actionContext';
import { resolveSession } from './sessionTarget';
import { exportFileName, exportFormats } from './exportNaming';
import type { ExportFormat } from '../../shared/model/export';

/**
 * Export as HTML, Markdown or JSON through a save dialog. A file URI as second argument
 * skips the dialog (scripts, keybindings and tests use it); menus pass the selection there,
 * which is ignored.
 */
export function registerExportCommands(ctx: ActionContext): vscode.Disposable[] {
  const commands: Array<[string, ExportFormat]> = [
    [CommandId.exportHtml, 'html'],
    [CommandId.exportMarkdown, 'markdown'],
    [CommandId.exportJson, 'json'],
  ];
  return commands.map(([id, format]) =>
    vscode.commands.registerCommand(id, async (arg?: unknown, target?: unknown) => {
      const info = await resolveSession(arg, ctx, vscode.l10n.t('Export as {0}', exportFormats[format].label));
      if (!info) return undefined;
      const targetUri = target instanceof vscode.Uri ? target : await askForTarget(info, format);
      if (!targetUri) return undefined;
      const result = await ctx.core.run('export_session', { path: info.path, format }, vscode.l10n.t('export the session'));
      if (result?.content === undefined) return undefined;
      await vscode.workspace.fs.writeFile(targetUri, Buffer.from(result.content, 'utf8'));
      if (!(target instanceof vscode.Uri)) {
        void vscode.window.showInformationMessage(vscode.l10n.t('Exported to {0}', path.basename(targetUri.fsPath)), vscode.l10n.t('Open')).then((choice) => {
          if (choice) void vscode.commands.executeCommand('vscode.open', targetUri);
        });
      }
      return targetUri;
    }),
  );
}

async function askForTarget(info: { name: string | null; first_message: string; id: string }, format: ExportFormat): Promise<vscode.Uri | undefined> {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  const fileName = exportFileName(info, format);
  const spec = exportFormats[format];
  return vscode.window.showSaveDialog({
    title: vscode.l10n.t('Export Session as {0}', spec.label),
    defaultUri: folder ? vscode.Uri.joinPath(folder, fileName) : undefined,
    filters: { [spec.label]: [spec.extension] },
    saveLabel: vscode.l10n.t('Export'),
  });
}
