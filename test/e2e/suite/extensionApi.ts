// The extension under test as the host knows it, and the API it exports to other extensions
// (and to these tests): dispatch, the server's state, and the rest of PiSessionsApi.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { PiSessionsApi } from '../../../src/extension';

export const extensionId = 'pi-session-manager.pi-session-manager';

/** The extension's exported API, activating it first if nothing has yet. */
export async function extensionApi(): Promise<PiSessionsApi> {
  const ext = vscode.extensions.getExtension<PiSessionsApi>(extensionId);
  assert.ok(ext, `extension ${extensionId} is not installed in this host`);
  return ext.isActive ? ext.exports : ext.activate();
}

/** Where the extension is installed (its fixtures and tools sit beside the repository). */
export function extensionPath(): string {
  const ext = vscode.extensions.getExtension(extensionId);
  assert.ok(ext, `extension ${extensionId} is not installed in this host`);
  return ext.extensionPath;
}
