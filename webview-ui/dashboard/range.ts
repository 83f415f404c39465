/**
 * The dashboard's filters and how they become a `get_session_stats` payload. Days are cut at
 * local midnight using one time zone offset, the same one the stats use to bucket days.
 */

export type RangePreset = '7' | '30' | '90' | 'all';

export interface CustomRange {
  /** `YYYY-MM-DD`, inclusive; either end may be open. */
  from: string | null;
  to: string | null;
}

export interface DashboardFilters {
  /** Project folder, or null for every project. */
  cwd: string | null;
  range: RangePreset | 'custom';
  custom: CustomRange;
}

export interface StatsQuery {
  cwd?: string;
  from?: number;
  to?: number;
  tz_offset_minutes: number;
}

export const dayMs = 86_400_000;
const datePattern = /^\d{4}-\d{2}-\d{2}$/;

export const defaultFilters: DashboardFilters = { cwd: null, range: 'all', custom: { from: null, to: null } };

/** The calendar day (`YYYY-MM-DD`) that instant `ms` falls on at the given offset. */
export function dayKey(ms: number, offsetMinutes: number): string {
  return new Date(ms + offsetMinutes * 60_000).toISOString().slice(0, 10);
}

/** The instant local midnight starts on `day`. */
export function startOfDay(day: string, offsetMinutes: number): number {
  return Date.parse(`${day}T00:00:00Z`) - offsetMinutes * 60_000;
}

export function addDays(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * dayMs).toISOString().slice(0, 10);
}

export function isDay(value: unknown): value is string {
  return typeof value === 'string' && datePattern.test(value) && Number.isFinite(Date.parse(`${value}T00:00:00Z`));
}

/** The first and last day the filters cover, where they say (open ends are null). */
export function rangeDays(filters: DashboardFilters, now: number, offsetMinutes: number): { from: string | null; to: string | null } {
  if (filters.range === 'all') return { from: null, to: null };
  if (filters.range === 'custom') {
    const from = isDay(filters.custom.from) ? filters.custom.from : null;
    const to = isDay(filters.custom.to) ? filters.custom.to : null;
    // A reversed custom range is read the way it was surely meant.
    return from && to && from > to ? { from: to, to: from } : { from, to };
  }
  const today = dayKey(now, offsetMinutes);
  return { from: addDays(today, 1 - Number(filters.range)), to: null };
}

export function statsQuery(filters: DashboardFilters, now: number, offsetMinutes: number): StatsQuery {
  const query: StatsQuery = { tz_offset_minutes: offsetMinutes };
  if (filters.cwd) query.cwd = filters.cwd;
  const { from, to } = rangeDays(filters, now, offsetMinutes);
  if (from) query.from = startOfDay(from, offsetMinutes);
  if (to) query.to = startOfDay(to, offsetMinutes) + dayMs - 1;
  return query;
}

/** Accepts saved state from an older page or a hand-edited file without trusting its shape. */
export function filtersFrom(value: unknown): DashboardFilters {
  if (value === null || typeof value !== 'object') return { ...defaultFilters, custom: { ...defaultFilters.custom } };
  const v = value as { cwd?: unknown; range?: unknown; custom?: { from?: unknown; to?: unknown } };
  const range = v.range === '7' || v.range === '30' || v.range === '90' || v.range === 'all' || v.range === 'custom' ? v.range : defaultFilters.range;
  return {
    cwd: typeof v.cwd === 'string' && v.cwd.length > 0 ? v.cwd : null,
    range,
    custom: { from: isDay(v.custom?.from) ? v.custom.from : null, to: isDay(v.custom?.to) ? v.custom.to : null },
  };
}
