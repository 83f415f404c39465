import * as vscode from 'vscode';
import type { SessionInfo } from '../../shared/model/sessionInfo';
import { CommandId } from '../ids';
import type { SessionCatalog } from './sessionCatalog';
import { liveFlags, liveSessionDescription, sessionContextValue, sessionIconId, shortPath, tooltipFacts } from './sessionLabels';
import { liveFacts, liveMark } from '../../shared/rules/liveLabels';
import type { LiveSession } from '../../shared/model/pi';
import { sessionTitle } from '../../shared/rules/sessionLabels';
import type { GroupNode, SessionNode } from './treeModel';

export interface TreeItemContext {
  catalog: SessionCatalog;
  homeDir: string;
  now: number;
}

export function groupTreeItem(node: GroupNode, ctx: TreeItemContext): vscode.TreeItem {
  const key = node.key;
  const count = ctx.catalog.countIn(key);
  let item: vscode.TreeItem;
  switch (key.kind) {
    case 'favorites':
      item = new vscode.TreeItem(vscode.l10n.t('Favorites'), vscode.TreeItemCollapsibleState.Expanded);
      item.iconPath = new vscode.ThemeIcon('star-full');
      item.description = String(count);
      item.contextValue = 'group.favorites';
      break;
    case 'tags':
      item = new vscode.TreeItem(vscode.l10n.t('Tags'), vscode.TreeItemCollapsibleState.Collapsed);
      item.iconPath = new vscode.ThemeIcon('tag');
      item.description = String(count);
      item.contextValue = 'group.tags';
      break;
    case 'tag': {
      const tag = ctx.catalog.tag(key.tagId);
      item = new vscode.TreeItem(tag?.name ?? vscode.l10n.t('tag {0}', key.tagId), vscode.TreeItemCollapsibleState.Collapsed);
      item.iconPath = new vscode.ThemeIcon('tag');
      item.description = String(count);
      item.contextValue = 'group.tag';
      break;
    }
    case 'project': {
      item = new vscode.TreeItem(shortPath(key.cwd, ctx.homeDir), vscode.TreeItemCollapsibleState.Collapsed);
      item.iconPath = vscode.ThemeIcon.Folder;
      item.description = `${count}`;
      item.tooltip = `${key.cwd}\n${count === 1 ? vscode.l10n.t('1 session') : vscode.l10n.t('{0} sessions', count)}`;
      item.contextValue = 'group.project';
      break;
    }
  }
  item.id = node.id;
  return item;
}

export function sessionTreeItem(node: SessionNode, ctx: TreeItemContext): vscode.TreeItem {
  const info = ctx.catalog.session(node.path);
  if (!info) {
    const gone = new vscode.TreeItem(vscode.l10n.t('(removed)'), vscode.TreeItemCollapsibleState.None);
    gone.id = node.id;
    return gone;
  }
  const live = ctx.catalog.liveOf(info.path);
  const flags = { favorite: info.favorite, tagged: info.tag_ids.length > 0, branched: info.has_branches, ...liveFlags(live) };
  const item = new vscode.TreeItem(sessionTitle(info), vscode.TreeItemCollapsibleState.None);
  item.id = node.id;
  item.description = liveSessionDescription(info, live, ctx.now);
  item.iconPath = new vscode.ThemeIcon(sessionIconId(flags));
  item.contextValue = sessionContextValue(flags);
  item.tooltip = sessionTooltip(info, ctx, flags, live);
  item.command = { command: CommandId.openSession, title: vscode.l10n.t('Open in Viewer'), arguments: [{ path: info.path, preserveFocus: true }] };
  return item;
}

function sessionTooltip(
  info: SessionInfo,
  ctx: TreeItemContext,
  flags: { favorite: boolean; branched: boolean },
  live: LiveSession | undefined,
): vscode.MarkdownString {
  // Session text is user content: appendText escapes it, so nothing in it renders as Markdown.
  const md = new vscode.MarkdownString('', true);
  md.appendMarkdown('**');
  md.appendText(sessionTitle(info));
  md.appendMarkdown('**');
  const marks = [live ? `$(pulse) ${liveMark(live).long}` : '', flags.favorite ? `$(star-full) ${vscode.l10n.t('favorite')}` : '', flags.branched ? `$(git-branch) ${vscode.l10n.t('branched')}` : ''].filter(Boolean);
  if (marks.length > 0) md.appendMarkdown(`  ${marks.join('  ')}`);
  md.appendMarkdown('\n\n');
  if (info.first_message) {
    md.appendMarkdown('> ');
    md.appendText(info.first_message.replace(/\s+/g, ' ').slice(0, 400));
    md.appendMarkdown('\n\n');
  }
  const tagNames = info.tag_ids.map((id) => ctx.catalog.tag(id)?.name).filter((n): n is string => n !== undefined);
  const facts = tooltipFacts(info, ctx.now);
  if (tagNames.length > 0) facts.splice(facts.length - 2, 0, [vscode.l10n.t('Tags'), tagNames.join(', ')]);
  // What the running pi says about itself comes first: it is what changes.
  const liveLines = live ? liveFacts(live) : [];
  const shown = new Set(liveLines.map(([label]) => label));
  for (const [label, value] of [...liveLines, ...facts.filter(([label]) => !shown.has(label))]) {
    md.appendMarkdown(vscode.l10n.t('{0}: ', label));
    md.appendText(value);
    md.appendMarkdown('  \n');
  }
  return md;
}
