import * as vscode from 'vscode';
import * as path from 'node:path';
import type { Core } from '../../core/core';
import type { Caller } from '../../core/api/types';
import type { RoleFilter, SearchHit } from '../../shared/model/search';
import { CommandId } from '../ids';
import { shortPath } from '../tree/sessionLabels';
import { oneLine, relativeTime } from '../../shared/rules/sessionLabels';
import { centerSnippet, parseSearchInput, searchRoles } from './searchQuery';

type HitItem = vscode.QuickPickItem & { hit: SearchHit };
type RoleButton = vscode.QuickInputButton & { role: RoleFilter };

const debounceMs = 200;
const indexingRetryMs = 750;
const resultLimit = 50;
const roleIcons: Record<RoleFilter, string> = { all: 'list-flat', user: 'account', assistant: 'hubot', tool: 'tools' };
/** Read when shown, so they follow the display language. */
const roleNames: Record<RoleFilter, () => string> = {
  all: () => vscode.l10n.t('all messages'),
  user: () => vscode.l10n.t('your messages'),
  assistant: () => vscode.l10n.t('assistant replies'),
  tool: () => vscode.l10n.t('tool output'),
};

/**
 * Full-text search in a quick pick: results follow the typing (debounced), a button or a
 * `user:` / `assistant:` / `tool:` prefix picks the role, and choosing a hit opens the
 * viewer at that message.
 */
export class SessionSearch implements vscode.Disposable {
  private current: vscode.QuickPick<HitItem> | undefined;

  constructor(
    private readonly core: Core,
    private readonly caller: Caller,
    private readonly homeDir: string,
  ) {}

  show(initialQuery = ''): void {
    this.current?.dispose();
    const qp = vscode.window.createQuickPick<HitItem>();
    this.current = qp;
    let role: RoleFilter = 'all';
    let timer: NodeJS.Timeout | undefined;
    // Answers can arrive out of order; only the newest request may fill the list.
    let generation = 0;

    const renderButtons = () => {
      qp.buttons = searchRoles.map(
        (r): RoleButton => ({ iconPath: new vscode.ThemeIcon(r === role ? 'pass-filled' : roleIcons[r]), tooltip: r === role ? vscode.l10n.t('Search {0} (on)', roleNames[r]()) : vscode.l10n.t('Search {0}', roleNames[r]()), role: r }),
      );
      qp.title = vscode.l10n.t('Search Pi Sessions — {0}', roleNames[role]());
    };
    const run = async () => {
      const mine = ++generation;
      const input = parseSearchInput(qp.value, role);
      if (input.query.length === 0) {
        qp.items = [];
        qp.busy = false;
        return;
      }
      qp.busy = true;
      const result = await this.core.dispatch('search', { query: input.query, role: input.role, limit: resultLimit }, this.caller);
      if (mine !== generation || this.current !== qp) return;
      qp.busy = false;
      if (!result.success) {
        qp.items = [];
        qp.placeholder = vscode.l10n.t('Search failed: {0}', result.error);
        return;
      }
      const reply = result.data;
      qp.items = reply.hits.map((hit) => this.itemFor(hit));
      const counted =
        reply.total === 0
          ? vscode.l10n.t('No matches for "{0}"', input.query)
          : reply.total === 1
            ? vscode.l10n.t('1 match in {0} ms', reply.took_ms)
            : vscode.l10n.t('{0} matches in {1} ms', reply.total, reply.took_ms);
      if (reply.indexing.ready) {
        qp.placeholder = counted;
        return;
      }
      // Sessions are still being indexed: say so, and ask again until the answer is complete.
      qp.placeholder = vscode.l10n.t('{0} so far — indexing, {1} files to go', counted, reply.indexing.pending_files);
      if (timer) clearTimeout(timer);
      timer = setTimeout(() => void run(), indexingRetryMs);
    };
    const schedule = () => {
      if (timer) clearTimeout(timer);
      timer = setTimeout(() => void run(), debounceMs);
    };

    qp.placeholder = vscode.l10n.t('Search all sessions (prefix user:, assistant: or tool: to narrow)');
    qp.matchOnDescription = false;
    qp.matchOnDetail = false;
    renderButtons();
    qp.onDidChangeValue(schedule);
    qp.onDidTriggerButton((b) => {
      role = (b as RoleButton).role;
      renderButtons();
      void run();
    });
    qp.onDidAccept(() => {
      const hit = qp.selectedItems[0]?.hit ?? qp.activeItems[0]?.hit;
      if (!hit) return;
      qp.hide();
      void vscode.commands.executeCommand(CommandId.openSession, { path: hit.session_path, entryId: hit.entry_id });
    });
    qp.onDidHide(() => {
      if (timer) clearTimeout(timer);
      if (this.current === qp) this.current = undefined;
      qp.dispose();
    });
    qp.value = initialQuery;
    qp.show();
    if (initialQuery) void run();
  }

  private itemFor(hit: SearchHit): HitItem {
    const icon = hit.role === 'user' ? 'account' : hit.role === 'assistant' ? 'hubot' : 'tools';
    const sessionName = hit.session_name?.trim() || path.basename(hit.session_path, '.jsonl');
    return {
      label: `$(${icon}) ${oneLine(sessionName, 70)}`,
      description: `${shortPath(hit.cwd, this.homeDir)} · ${relativeTime(hit.timestamp, Date.now())}`,
      detail: centerSnippet(hit.snippet, hit.highlights),
      // The server already matched; the quick pick must not hide hits by its own fuzzy match.
      alwaysShow: true,
      hit,
    };
  }

  dispose(): void {
    this.current?.dispose();
  }
}
