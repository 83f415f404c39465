import * as vscode from 'vscode';
import { CommandId } from '../ids';
import { shortPath } from '../tree/sessionLabels';
import type { TreeFilter } from '../tree/treeFilter';
import type { ActionContext } from './actionContext';
import { tagPath } from './tagChoices';

/** The tree's current filter and how to change it (the view shows it in its description). */
export interface FilterHost {
  readonly filter: TreeFilter;
  apply(filter: TreeFilter): void;
}

type Step = vscode.QuickPickItem & { run: () => Promise<TreeFilter | undefined> };

/** Narrow the tree by project, tag and age; the parts combine until cleared. */
export function registerFilterCommands(ctx: ActionContext, host: FilterHost): vscode.Disposable[] {
  const byProject = async (): Promise<TreeFilter | undefined> => {
    const counts = new Map<string, number>();
    for (const s of await ctx.sessions.list()) counts.set(s.cwd, (counts.get(s.cwd) ?? 0) + 1);
    const picked = await vscode.window.showQuickPick(
      [...counts.entries()].map(([cwd, n]) => ({ label: shortPath(cwd, ctx.homeDir), description: `${n}`, detail: cwd, cwd })),
      { title: vscode.l10n.t('Show Sessions of Project'), matchOnDetail: true },
    );
    return picked ? { ...host.filter, cwd: picked.cwd } : undefined;
  };
  const byTag = async (): Promise<TreeFilter | undefined> => {
    const tags = await ctx.sessions.tags();
    if (tags.length === 0) {
      void vscode.window.showInformationMessage(vscode.l10n.t('There are no tags yet. Add one with "Add Tag…" on a session.'));
      return undefined;
    }
    const picked = await vscode.window.showQuickPick(
      tags.map((t) => ({ label: `$(tag) ${tagPath(t, tags)}`, description: `${t.session_count}`, id: t.id })),
      { title: vscode.l10n.t('Show Sessions with Tag') },
    );
    return picked ? { ...host.filter, tagId: picked.id } : undefined;
  };
  const byAge = async (): Promise<TreeFilter | undefined> => {
    const picked = await vscode.window.showQuickPick(
      [
        { label: vscode.l10n.t('Today'), days: 1 },
        { label: vscode.l10n.t('Last {0} days', 7), days: 7 },
        { label: vscode.l10n.t('Last {0} days', 30), days: 30 },
        { label: vscode.l10n.t('Last {0} days', 365), days: 365 },
      ],
      { title: vscode.l10n.t('Show Sessions Modified Within') },
    );
    return picked ? { ...host.filter, withinDays: picked.days } : undefined;
  };

  return [
    vscode.commands.registerCommand(CommandId.filter, async () => {
      const steps: Step[] = [
        { label: `$(folder) ${vscode.l10n.t('By Project…')}`, run: byProject },
        { label: `$(tag) ${vscode.l10n.t('By Tag…')}`, run: byTag },
        { label: `$(calendar) ${vscode.l10n.t('By Date…')}`, run: byAge },
      ];
      if (Object.keys(host.filter).length > 0) steps.push({ label: `$(clear-all) ${vscode.l10n.t('Clear Filter')}`, run: async () => ({}) });
      const step = await vscode.window.showQuickPick(steps, { title: vscode.l10n.t('Filter Sessions') });
      const next = await step?.run();
      if (next) host.apply(next);
    }),
    vscode.commands.registerCommand(CommandId.clearFilter, () => host.apply({})),
  ];
}
