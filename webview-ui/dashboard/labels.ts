import { toolsAndSummariesKey } from '../../src/shared/rules/usage';
import { isEnglish, l10n } from '../../src/shared/l10n';

/** Short, readable names for chart axes; the full value stays in tooltips and tables. */

/** The last two folders of a project path (`…/dev/proj`). */
export function shortProject(cwd: string): string {
  const parts = cwd.split(/[\\/]+/).filter(Boolean);
  if (parts.length <= 2) return cwd;
  return `…/${parts.slice(-2).join('/')}`;
}

/** `anthropic/claude-sonnet-4-5` → `claude-sonnet-4-5`; the provider shows in the tooltip. */
export function shortModel(model: string): string {
  // pi's bucket for summaries and tools' own calls is not provider/model; keep its name whole.
  if (model === toolsAndSummariesKey) return model;
  const slash = model.indexOf('/');
  return slash > 0 ? model.slice(slash + 1) : model;
}

/** Short weekday names, Sunday first, in the display language (`Intl` outside English). */
export const weekdayNames = isEnglish()
  ? ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat']
  : Array.from({ length: 7 }, (_, day) => new Intl.DateTimeFormat(l10n.locale, { weekday: 'short', timeZone: 'UTC' }).format(Date.UTC(2023, 0, 1 + day)));

/** Short month names, January first, in the display language. */
export const monthNames = isEnglish()
  ? ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']
  : Array.from({ length: 12 }, (_, month) => new Intl.DateTimeFormat(l10n.locale, { month: 'short', timeZone: 'UTC' }).format(Date.UTC(2023, month, 1)));

/** A `YYYY-MM-DD` day as the display language writes a short date (`Mar 5`, `3月5日`). */
export function dayLabel(day: string): string {
  const ms = Date.parse(`${day}T00:00:00Z`);
  if (!Number.isFinite(ms)) return day;
  return new Intl.DateTimeFormat(l10n.locale, { month: 'short', day: 'numeric', timeZone: 'UTC' }).format(ms);
}

export function hourLabel(hour: number): string {
  return `${String(hour).padStart(2, '0')}:00`;
}

/** Keeps the `limit - 1` largest items and folds the rest into one "other" entry. */
export function topWithOther<T>(items: readonly T[], limit: number, value: (item: T) => number, other: (rest: readonly T[]) => T): T[] {
  if (items.length <= limit) return [...items];
  const sorted = [...items].sort((a, b) => value(b) - value(a));
  const rest = sorted.slice(limit - 1);
  return [...sorted.slice(0, limit - 1), other(rest)];
}

/**
 * A count with its noun, as the caller words both forms (`l10n.t('1 project')`,
 * `l10n.t('{0} projects', n)`): languages differ in how counts agree, so the catalogue holds
 * whole phrases rather than nouns to be pluralised here.
 */
export function counted(count: number, one: string, many: string): string {
  return count === 1 ? one : many;
}

/** The counted phrases the dashboard uses. */
export const countText = {
  messages: (n: number) => counted(n, l10n.t('1 message'), l10n.t('{0} messages', n)),
  sessions: (n: number) => counted(n, l10n.t('1 session'), l10n.t('{0} sessions', n)),
  projects: (n: number) => counted(n, l10n.t('1 project'), l10n.t('{0} projects', n)),
  models: (n: number) => counted(n, l10n.t('1 model'), l10n.t('{0} models', n)),
  activeDays: (n: number) => counted(n, l10n.t('1 active day'), l10n.t('{0} active days', n)),
};
