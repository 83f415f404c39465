import * as vscode from 'vscode';
import * as os from 'node:os';
import type { Core } from '../core/core';
import type { Caller } from '../core/api/types';
import { CommandId, ContextKey, ViewId } from './ids';
import { readSettings } from './settings';
import { SessionTreeProvider } from './tree/sessionTreeProvider';
import { describeFilter, isFilterActive, type TreeFilter } from './tree/treeFilter';
import { shortPath } from './tree/sessionLabels';
import type { SidebarNode } from './tree/treeModel';
import { CoreClient } from './actions/coreClient';
import type { ActionContext } from './actions/actionContext';
import type { FilterHost } from './actions/filterSessions';
import { registerSessionActions } from './actions/registerSessionActions';
import { SessionSearch } from './search/searchQuickPick';
import { FirstScanProgress } from './progress';

/** The sidebar tree, the actions on sessions, the search picker and the first-scan progress. */
export function registerSessionViews(
  _context: vscode.ExtensionContext,
  core: Core,
  caller: Caller,
  log: vscode.LogOutputChannel,
): vscode.Disposable[] {
  const homeDir = os.homedir();
  const provider = new SessionTreeProvider(core, caller, log, homeDir);
  const view = vscode.window.createTreeView<SidebarNode>(ViewId.sessions, { treeDataProvider: provider, showCollapseAll: true });
  const search = new SessionSearch(core, caller, homeDir);

  const filterHost: FilterHost = {
    get filter(): TreeFilter {
      return provider.catalog.currentFilter;
    },
    apply(filter: TreeFilter) {
      provider.setFilter(filter);
      const active = isFilterActive(filter);
      void vscode.commands.executeCommand('setContext', ContextKey.filterActive, active);
      view.description = active
        ? vscode.l10n.t('filtered: {0}', describeFilter(filter, { project: (cwd) => shortPath(cwd, homeDir), tag: (id) => provider.catalog.tag(id)?.name ?? String(id) }))
        : undefined;
    },
  };

  const ctx: ActionContext = {
    core: new CoreClient(core, caller, log),
    sessions: provider,
    log,
    settings: () => readSettings(),
    homeDir,
    selectedSessionPath: () => view.selection.find((n) => n.kind === 'session')?.path,
  };

  return [
    provider,
    view,
    search,
    new FirstScanProgress(core.bus),
    vscode.commands.registerCommand(CommandId.refresh, () => provider.reload()),
    vscode.commands.registerCommand(CommandId.search, (query?: unknown) => search.show(typeof query === 'string' ? query : '')),
    ...registerSessionActions(ctx, filterHost),
  ];
}
