import type * as vscode from 'vscode';
import type { ActionContext } from './actionContext';
import { registerAddSessionFolder } from './addSessionFolder';
import { registerCopyCommands } from './copySessionInfo';
import { registerDeleteSession } from './deleteSession';
import { registerExportCommands } from './exportSession';
import { registerFilterCommands, type FilterHost } from './filterSessions';
import { registerRenameSession } from './renameSession';
import { registerResumeInTerminal } from './resumeInTerminal';
import { registerSendPrompt } from './sendPrompt';
import { registerSessionFileCommands } from './sessionFiles';
import { registerSessionTagCommands } from './sessionTags';
import { registerToggleFavorite } from './toggleFavorite';

/** Every action on sessions, for the tree's menus and the command palette. */
export function registerSessionActions(ctx: ActionContext, filterHost: FilterHost): vscode.Disposable[] {
  return [
    registerRenameSession(ctx),
    registerDeleteSession(ctx),
    registerToggleFavorite(ctx),
    ...registerSessionTagCommands(ctx),
    ...registerExportCommands(ctx),
    registerResumeInTerminal(ctx),
    registerSendPrompt(ctx),
    ...registerCopyCommands(ctx),
    ...registerSessionFileCommands(ctx),
    registerAddSessionFolder(ctx),
    ...registerFilterCommands(ctx, filterHost),
  ];
}
