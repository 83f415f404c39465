import type { SessionInfo } from '../../shared/model/sessionInfo';
import { formatCost, formatCount } from '../../shared/render/format';
import { relativeTime } from '../../shared/rules/sessionLabels';
import type { LiveSession } from '../../shared/model/pi';
import { liveMark } from '../../shared/rules/liveLabels';

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
