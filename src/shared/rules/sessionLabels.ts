import type { SessionInfo } from '../model/sessionInfo';
import { isEnglish, l10n } from '../l10n';

/*
 * How a session is named and how old it reads, for the tree, the viewer, the exports and the
 * web client alike.
 */

export const maxTitleLength = 100;

/** One line of at most `max` characters, with whitespace runs collapsed. */
export function oneLine(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1).trimEnd()}…` : flat;
}

/** The name pi shows: the session's name, else its first message, else its id. */
export function sessionTitle(info: Pick<SessionInfo, 'name' | 'first_message' | 'id'>): string {
  const name = info.name?.trim();
  if (name) return oneLine(name, maxTitleLength);
  return oneLine(info.first_message ?? '', maxTitleLength) || info.id;
}

function ago(n: number, unit: string): string {
  return `${n} ${unit}${n === 1 ? '' : 's'} ago`;
}

/**
 * "just now", "5 min ago", "3 h ago", "yesterday", "4 days ago", "3 weeks ago", "2 months
 * ago", "1 year ago". Units are whole and rounded down, so an age never reads older than it is.
 */
export function relativeTime(iso: string, nowMs: number): string {
  const then = Date.parse(iso);
  if (!Number.isFinite(then)) return '';
  const seconds = Math.max(0, Math.floor((nowMs - then) / 1000));
  if (!isEnglish()) return localRelativeTime(seconds, l10n.locale);
  if (seconds < 60) return 'just now';
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `${hours} h ago`;
  const days = Math.floor(hours / 24);
  if (days === 1) return 'yesterday';
  if (days < 7) return `${days} days ago`;
  if (days < 30) return ago(Math.floor(days / 7), 'week');
  if (days < 365) return ago(Math.floor(days / 30), 'month');
  return ago(Math.floor(days / 365), 'year');
}

/** The same steps in the display language, worded by `Intl` ("5 分钟前", "昨天", "3 周前"). */
function localRelativeTime(seconds: number, locale: string): string {
  const format = new Intl.RelativeTimeFormat(locale, { numeric: 'auto' });
  if (seconds < 60) return format.format(0, 'second');
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return format.format(-minutes, 'minute');
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return format.format(-hours, 'hour');
  const days = Math.floor(hours / 24);
  if (days < 7) return format.format(-days, 'day');
  if (days < 30) return format.format(-Math.floor(days / 7), 'week');
  if (days < 365) return format.format(-Math.floor(days / 30), 'month');
  return format.format(-Math.floor(days / 365), 'year');
}
