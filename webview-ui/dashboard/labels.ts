import { toolsAndSummariesKey } from '../../src/shared/rules/usage';

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

export const weekdayNames = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

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

export function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}
