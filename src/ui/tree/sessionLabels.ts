import type { SessionInfo } from '../../shared/model/sessionInfo';
import { formatCost, formatCount } from '../../shared/render/format';
import { relativeTime } from '../../shared/rules/sessionLabels';

export function sessionDescription(info: Pick<SessionInfo, 'modified' | 'message_count'>, nowMs: number): string {
  const when = relativeTime(info.modified, nowMs);
  const count = `${info.message_count} msg${info.message_count === 1 ? '' : 's'}`;
  return when ? `${when} · ${count}` : count;
}

/**
 * A project folder as people read it: the home folder as `~`, and long paths cut to their
 * last segments so the sidebar stays narrow.
 */
export function shortPath(cwd: string, homeDir: string, keepSegments = 3): string {
  if (!cwd) return '(no folder)';
  let shown = cwd;
  const home = homeDir.replace(/[/\\]+$/, '');
  if (home && (cwd === home || cwd.startsWith(`${home}/`) || cwd.startsWith(`${home}\\`))) shown = `~${cwd.slice(home.length)}`;
  const sep = shown.includes('/') ? '/' : '\\';
  const segments = shown.split(sep).filter((s, i) => s.length > 0 || i === 0);
  if (segments.length <= keepSegments + 1) return shown;
  return `…${sep}${segments.slice(-keepSegments).join(sep)}`;
}

/** Whether `cwd` is one of the workspace folders or inside one. */
export function isInWorkspace(cwd: string, workspaceFolders: readonly string[]): boolean {
  return workspaceFolders.some((w) => {
    const root = w.replace(/[/\\]+$/, '');
    return cwd === root || cwd.startsWith(`${root}/`) || cwd.startsWith(`${root}\\`);
  });
}

/** Facts for the tooltip, in display order; the view renders them as escaped Markdown. */
export function tooltipFacts(info: SessionInfo, nowMs: number): Array<[label: string, value: string]> {
  const facts: Array<[string, string]> = [];
  // pi's /resume counts every message entry (system prompts, tool results…); show both when they differ.
  const piCount = info.pi_message_count;
  facts.push(['Messages', piCount !== undefined && piCount !== info.message_count ? `${info.message_count} (pi counts ${piCount})` : String(info.message_count)]);
  facts.push(['Modified', `${relativeTime(info.modified, nowMs)} (${info.modified})`]);
  if (info.model) facts.push(['Model', info.models.length > 1 ? `${info.model} (+${info.models.length - 1} more)` : info.model]);
  const t = info.tokens;
  if (t && t.total > 0) {
    facts.push(['Tokens', `${formatCount(t.total)} (in ${formatCount(t.input)}, out ${formatCount(t.output)}, cache ${formatCount(t.cache_read + t.cache_write)})`]);
  }
  if (info.cost > 0) facts.push(['Cost', formatCost(info.cost)]);
  if (info.has_branches) facts.push(['Branches', 'yes']);
  facts.push(['Folder', info.cwd]);
  facts.push(['File', info.path]);
  return facts;
}

export interface SessionFlags {
  favorite: boolean;
  live: boolean;
  tagged: boolean;
}

/** `session`, `session.favorite`, `session.favorite.tagged.live`…: menus match on these parts. */
export function sessionContextValue(flags: SessionFlags): string {
  return ['session', flags.favorite ? 'favorite' : '', flags.tagged ? 'tagged' : '', flags.live ? 'live' : ''].filter(Boolean).join('.');
}

/** The codicon for a session row: live beats favorite beats branched. */
export function sessionIconId(flags: SessionFlags & { branched: boolean }): string {
  if (flags.live) return 'pulse';
  if (flags.favorite) return 'star-full';
  if (flags.branched) return 'git-branch';
  return 'comment-discussion';
}
