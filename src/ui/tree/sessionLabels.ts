import type { SessionInfo } from '../../shared/model/sessionInfo';
import { formatCost, formatCount } from '../../shared/render/format';
import { relativeTime } from '../../shared/rules/sessionLabels';
import { l10n } from '../../shared/l10n';
import type { LiveSession } from '../../shared/model/pi';
import { liveMark } from '../../shared/rules/liveLabels';

export function sessionDescription(info: Pick<SessionInfo, 'modified' | 'message_count'>, nowMs: number): string {
  const when = relativeTime(info.modified, nowMs);
  const count = info.message_count === 1 ? l10n.t('1 msg') : l10n.t('{0} msgs', info.message_count);
  return when ? `${when} · ${count}` : count;
}

/**
 * A project folder as people read it: the home folder as `~`, and long paths cut to their
 * last segments so the sidebar stays narrow.
 */
export function shortPath(cwd: string, homeDir: string, keepSegments = 3): string {
  if (!cwd) return l10n.t('(no folder)');
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
  facts.push([l10n.t('Messages'), piCount !== undefined && piCount !== info.message_count ? l10n.t('{0} (pi counts {1})', info.message_count, piCount) : String(info.message_count)]);
  facts.push([l10n.t('Modified'), `${relativeTime(info.modified, nowMs)} (${info.modified})`]);
  if (info.model) facts.push([l10n.t('Model'), info.models.length > 1 ? l10n.t('{0} (+{1} more)', info.model, info.models.length - 1) : info.model]);
  const t = info.tokens;
  if (t && t.total > 0) {
    facts.push([l10n.t('Tokens'), l10n.t('{0} (in {1}, out {2}, cache {3})', formatCount(t.total), formatCount(t.input), formatCount(t.output), formatCount(t.cache_read + t.cache_write))]);
  }
  if (info.cost > 0) facts.push([l10n.t('Cost'), formatCost(info.cost)]);
  if (info.has_branches) facts.push([l10n.t('Branches'), l10n.t('yes')]);
  facts.push([l10n.t('Folder'), info.cwd]);
  facts.push([l10n.t('File'), info.path]);
  return facts;
}

export interface SessionFlags {
  favorite: boolean;
  /** pi has it open for certain (its bridge, or our RPC child). */
  live: boolean;
  tagged: boolean;
  /** A pi without the bridge may have it open (a guess). */
  maybeLive?: boolean;
  /** pi is answering in it now. */
  streaming?: boolean;
}

/**
 * `session`, `session.favorite`, `session.favorite.tagged.live`, `session.maybelive`…: menus
 * match on these parts (`\.live(\.|$)` only for certain live sessions).
 */
export function sessionContextValue(flags: SessionFlags): string {
  const live = flags.live ? 'live' : flags.maybeLive ? 'maybelive' : '';
  return ['session', flags.favorite ? 'favorite' : '', flags.tagged ? 'tagged' : '', live].filter(Boolean).join('.');
}

/** The flags of a row from the live record of its session, if any. */
export function liveFlags(live: LiveSession | undefined): Pick<SessionFlags, 'live' | 'maybeLive' | 'streaming'> {
  if (!live) return { live: false, maybeLive: false, streaming: false };
  return { live: !live.heuristic, maybeLive: live.heuristic, streaming: !live.heuristic && live.streaming === true };
}

/** The row's description: the live mark first when pi has the session open. */
export function liveSessionDescription(info: Pick<SessionInfo, 'modified' | 'message_count'>, live: LiveSession | undefined, nowMs: number): string {
  const base = sessionDescription(info, nowMs);
  return live ? `${liveMark(live).short} · ${base}` : base;
}

/** The codicon for a session row: streaming beats live beats favorite beats branched. */
export function sessionIconId(flags: SessionFlags & { branched: boolean }): string {
  if (flags.streaming) return 'loading~spin';
  if (flags.live) return 'pulse';
  if (flags.favorite) return 'star-full';
  if (flags.branched) return 'git-branch';
  return 'comment-discussion';
}
