import type { SessionInfo } from '../../shared/model/sessionInfo';
import { l10n } from '../../shared/l10n';

/** What the user narrowed the tree to; every part is optional and they combine. */
export interface TreeFilter {
  cwd?: string;
  tagId?: number;
  /** Only sessions modified within this many days. */
  withinDays?: number;
}

export const dayMs = 24 * 60 * 60 * 1000;

export function isFilterActive(filter: TreeFilter): boolean {
  return filter.cwd !== undefined || filter.tagId !== undefined || filter.withinDays !== undefined;
}

export function matchesFilter(info: SessionInfo, filter: TreeFilter, nowMs: number): boolean {
  if (filter.cwd !== undefined && info.cwd !== filter.cwd) return false;
  if (filter.tagId !== undefined && !info.tag_ids.includes(filter.tagId)) return false;
  if (filter.withinDays !== undefined) {
    const modified = Date.parse(info.modified);
    if (!Number.isFinite(modified) || nowMs - modified > filter.withinDays * dayMs) return false;
  }
  return true;
}

/** A short text for the view's description, e.g. `proj · #bug · 7 days`. */
export function describeFilter(filter: TreeFilter, names: { project: (cwd: string) => string; tag: (id: number) => string }): string {
  const parts: string[] = [];
  if (filter.cwd !== undefined) parts.push(names.project(filter.cwd));
  if (filter.tagId !== undefined) parts.push(`#${names.tag(filter.tagId)}`);
  if (filter.withinDays !== undefined) parts.push(filter.withinDays === 1 ? l10n.t('today') : l10n.t('{0} days', filter.withinDays));
  return parts.join(' · ');
}
