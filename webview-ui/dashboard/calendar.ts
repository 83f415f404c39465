import { addDays } from './range';
import { monthNames } from './labels';

/** Heat levels 0–4, as CSS classes colour them (0 = no activity). */
export type HeatLevel = 0 | 1 | 2 | 3 | 4;

export interface CalendarDay {
  date: string;
  value: number;
  level: HeatLevel;
}

export interface CalendarWeek {
  /** Sunday first; null where the week lies outside the span. */
  days: (CalendarDay | null)[];
  /** The month's short name on the first week that contains its first day. */
  month: string | null;
}

/** Three years of weeks keeps the grid readable and its element count bounded. */
export const maxCalendarDays = 3 * 366;

export function heatLevel(value: number, max: number): HeatLevel {
  if (value <= 0 || max <= 0) return 0;
  return Math.min(4, Math.max(1, Math.ceil((4 * value) / max))) as HeatLevel;
}

/** Every day from `from` to `to` inclusive (at most `maxDays`, keeping the newest). */
export function daysBetween(from: string, to: string, maxDays = maxCalendarDays): string[] {
  const count = Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000) + 1;
  if (!(count > 0)) return [];
  const first = count > maxDays ? addDays(to, 1 - maxDays) : from;
  return Array.from({ length: Math.min(count, maxDays) }, (_, i) => addDays(first, i));
}

/** A GitHub-style grid: one column per week, one row per weekday. */
export function calendarWeeks(from: string, to: string, values: ReadonlyMap<string, number>): CalendarWeek[] {
  const days = daysBetween(from, to);
  if (days.length === 0) return [];
  const max = Math.max(0, ...days.map((d) => values.get(d) ?? 0));
  const weeks: CalendarWeek[] = [];
  let week: CalendarWeek | undefined;
  for (const date of days) {
    const weekday = new Date(`${date}T00:00:00Z`).getUTCDay();
    if (!week || weekday === 0) {
      week = { days: new Array<CalendarDay | null>(7).fill(null), month: null };
      weeks.push(week);
    }
    const value = values.get(date) ?? 0;
    week.days[weekday] = { date, value, level: heatLevel(value, max) };
    if (date.endsWith('-01') || date === days[0]) week.month = monthNames[Number(date.slice(5, 7)) - 1]!;
  }
  // Labels overflow into the next column; on adjacent weeks the first would be overwritten.
  if (weeks.length > 1 && weeks[1]!.month !== null) weeks[0]!.month = null;
  return weeks;
}
