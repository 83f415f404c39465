import type { SessionInfo } from '../../shared/model/sessionInfo';

const maxTitleLength = 80;

/** One line of at most `max` characters, with whitespace runs collapsed. */
export function oneLine(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1).trimEnd()}…` : flat;
}

/** The name pi shows: the session's name, else its first message. */
export function sessionTitle(info: Pick<SessionInfo, 'name' | 'first_message'>): string {
  const name = info.name?.trim();
  if (name) return oneLine(name, maxTitleLength);
  const first = oneLine(info.first_message ?? '', maxTitleLength);
  return first || '(no messages)';
}

/** "just now", "5 min ago", "3 h ago", "yesterday", "4 days ago", "3 weeks ago", "2 months ago", "1 year ago". */
export function relativeTime(iso: string, nowMs: number): string {
  const then = Date.parse(iso);
  if (!Number.isFinite(then)) return '';
  const seconds = Math.max(0, Math.round((nowMs - then) / 1000));
  if (seconds < 60) return 'just now';
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `${hours} h ago`;
  const days = Math.floor(hours / 24);
  if (days === 1) return 'yesterday';
  if (days < 7) return `${days} days ago`;
  if (days < 30) return plural(Math.floor(days / 7), 'week');
  if (days < 365) return plural(Math.floor(days / 30), 'month');
  return plural(Math.floor(days / 365), 'year');
}

function plural(n: number, unit: string): string {
  return `${n} ${unit}${n === 1 ? '' : 's'} ago`;
}

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

export function formatTokens(n: number): string {
  if (n < 1000) return String(n);
  if (n < 1_000_000) return `${(n / 1000).toFixed(n < 10_000 ? 1 : 0)}k`;
  return `${(n / 1_000_000).toFixed(1)}M`;
}

export function formatCost(usd: number): string {
  if (usd === 0) return '$0';
  return usd < 0.01 ? '<$0.01' : `$${usd.toFixed(2)}`;
}

/** Facts for the tooltip, in display order; the view renders them as escaped Markdown. */
export function tooltipFacts(info: SessionInfo, nowMs: number): Array<[label: string, value: string]> {
  const facts: Array<[string, string]> = [];
  facts.push(['Messages', String(info.message_count)]);
  facts.push(['Modified', `${relativeTime(info.modified, nowMs)} (${info.modified})`]);
  if (info.model) facts.push(['Model', info.models.length > 1 ? `${info.model} (+${info.models.length - 1} more)` : info.model]);
  const t = info.tokens;
  if (t && t.total > 0) {
    facts.push(['Tokens', `${formatTokens(t.total)} (in ${formatTokens(t.input)}, out ${formatTokens(t.output)}, cache ${formatTokens(t.cache_read + t.cache_write)})`]);
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
