import * as vscode from 'vscode';
import type { SessionInfo } from '../../shared/model/sessionInfo';
import { CommandId } from '../ids';
import { sessionTitle } from '../../shared/rules/sessionLabels';
import { isSessionNode } from '../tree/treeModel';
import type { TagListing } from '../../shared/model/tags';
import type { ActionContext } from './actionContext';
import { resolveSession } from './sessionTarget';
import { tagChoices, tagPath, type TagChoice } from './tagChoices';

type ChoiceItem = vscode.QuickPickItem & { choice: TagChoice };

export function registerSessionTagCommands(ctx: ActionContext): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand(CommandId.addTag, async (arg?: unknown) => {
      const info = await resolveSession(arg, ctx, vscode.l10n.t('Add Tag'));
      if (!info) return;
      const choice = await pickTag(info, await ctx.sessions.tags());
      if (choice) await applyTag(ctx, info, choice);
    }),
    vscode.commands.registerCommand(CommandId.removeTag, async (arg?: unknown) => {
      const info = await resolveSession(arg, ctx, vscode.l10n.t('Remove Tag'));
      if (!info) return;
      const tags = await ctx.sessions.tags();
      const tagId = await tagToRemove(arg, info, tags);
      if (tagId === undefined) return;
      const result = await ctx.core.run('remove_tag', { session_path: info.path, tag_id: tagId }, vscode.l10n.t('remove the tag'));
      if (result) ctx.sessions.patch(info.path, { tag_ids: result.tag_ids });
    }),
  ];
}

/** A picker that offers the tags the session lacks and creates a new one from the typed text. */
function pickTag(info: SessionInfo, tags: readonly TagListing[]): Promise<TagChoice | undefined> {
  return new Promise((resolve) => {
    const qp = vscode.window.createQuickPick<ChoiceItem>();
    qp.title = vscode.l10n.t('Add Tag to "{0}"', sessionTitle(info));
    qp.placeholder = vscode.l10n.t('Pick a tag, or type a new name (parent/child creates it inside a tag)');
    const render = () => {
      qp.items = tagChoices(tags, info.tag_ids, qp.value).map(
        (choice): ChoiceItem =>
          choice.kind === 'create'
            ? { label: `$(add) ${vscode.l10n.t('Create tag "{0}"', choice.path)}`, alwaysShow: true, choice }
            : { label: `$(tag) ${choice.tag.name}`, description: choice.path === choice.tag.name ? undefined : choice.path, choice },
      );
    };
    let settled = false;
    const finish = (choice: TagChoice | undefined) => {
      if (settled) return;
      settled = true;
      resolve(choice);
      qp.dispose();
    };
    qp.onDidChangeValue(render);
    qp.onDidAccept(() => finish(qp.selectedItems[0]?.choice ?? qp.activeItems[0]?.choice));
    qp.onDidHide(() => finish(undefined));
    render();
    qp.show();
  });
}

async function applyTag(ctx: ActionContext, info: SessionInfo, choice: TagChoice): Promise<void> {
  let tagId: number;
  if (choice.kind === 'create') {
    const created = await ctx.core.run('create_tag', { name: choice.name, parent_id: choice.parentId }, vscode.l10n.t('create the tag "{0}"', choice.name));
    if (!created) return;
    tagId = created.id;
    await ctx.sessions.reloadTags();
  } else {
    tagId = choice.tag.id;
  }
  const result = await ctx.core.run('assign_tag', { session_path: info.path, tag_id: tagId }, vscode.l10n.t('tag the session'));
  if (result) ctx.sessions.patch(info.path, { tag_ids: result.tag_ids });
}

/** From a row under a tag, that tag; a session with one tag, that one; otherwise the user picks. */
async function tagToRemove(arg: unknown, info: SessionInfo, tags: readonly TagListing[]): Promise<number | undefined> {
  if (isSessionNode(arg)) {
    const underTag = /^g:tag:(\d+)$/.exec(arg.groupId);
    if (underTag && info.tag_ids.includes(Number(underTag[1]))) return Number(underTag[1]);
  }
  const own = tags.filter((t) => info.tag_ids.includes(t.id));
  if (own.length === 0) {
    void vscode.window.showInformationMessage(vscode.l10n.t('"{0}" has no tags.', sessionTitle(info)));
    return undefined;
  }
  if (own.length === 1) return own[0].id;
  const picked = await vscode.window.showQuickPick(
    own.map((t) => ({ label: `$(tag) ${t.name}`, description: tagPath(t, tags), id: t.id })),
    { title: vscode.l10n.t('Remove Tag from "{0}"', sessionTitle(info)) },
  );
  return picked?.id;
}
