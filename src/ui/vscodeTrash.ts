import * as vscode from 'vscode';
import * as fs from 'node:fs';

/**
 * Deletes through VS Code, which knows the platform's trash (and remote file systems).
 * When the trash is unavailable the workbench refuses `useTrash`; only then is the file
 * deleted for good, and the caller is told.
 */
export async function moveToTrashWithVscode(file: string): Promise<{ trashed: boolean }> {
  const uri = vscode.Uri.file(file);
  try {
    await vscode.workspace.fs.delete(uri, { useTrash: true, recursive: false });
    return { trashed: true };
  } catch (err) {
    if (!fs.existsSync(file)) throw err;
    await vscode.workspace.fs.delete(uri, { useTrash: false, recursive: false });
    return { trashed: false };
  }
}
