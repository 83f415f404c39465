import type { SessionStats } from '../../src/shared/model/stats';
import { calendarWeeks, heatLevel } from './calendar';
import { h, type TableData } from './dom';
import { countText, dayLabel, hourLabel, weekdayNames } from './labels';
import { l10n } from '../../src/shared/l10n';

/**
 * The two heatmaps are CSS grids of cells: colours come from level classes in the stylesheet
 * (mixing `--vscode-charts-*`), so a theme change restyles them without any script.
 */

function legend(): HTMLElement {
  return h('div', { class: 'heat-legend', 'aria-hidden': 'true' }, l10n.t('Less'), ...[0, 1, 2, 3, 4].map((l) => h('span', { class: `cell l${l}` })), l10n.t('More'));
}

export function calendarHeatmap(stats: SessionStats, days: string[]): { element: HTMLElement; label: string; table: TableData } {
  const values = new Map(stats.heatmap.by_day.map((d) => [d.date, d.messages]));
  const sessions = new Map(stats.heatmap.by_day.map((d) => [d.date, d.sessions]));
  const weeks = days.length > 0 ? calendarWeeks(days[0]!, days[days.length - 1]!, values) : [];
  const active = stats.heatmap.by_day.filter((d) => d.messages > 0);
  const busiest = [...active].sort((a, b) => b.messages - a.messages)[0];
  const label = busiest
    ? l10n.t('Activity calendar, {0} weeks: {1}; busiest {2} with {3}.', weeks.length, countText.activeDays(active.length), busiest.date, countText.messages(busiest.messages))
    : l10n.t('Activity calendar, {0} weeks: {1}.', weeks.length, countText.activeDays(active.length));

  const grid = h('div', { class: 'calendar-grid', role: 'img', 'aria-label': label });
  for (const week of weeks) {
    grid.append(h('span', { class: 'month' }, week.month ?? ''));
    for (const day of week.days) {
      if (!day) {
        grid.append(h('span', { class: 'cell out' }));
        continue;
      }
      const tip = l10n.t('{0}: {1}, {2}', dayLabel(day.date), countText.messages(day.value), countText.sessions(sessions.get(day.date) ?? 0));
      grid.append(h('span', { class: `cell l${day.level}`, title: tip, 'data-date': day.date }));
    }
  }
  const weekdays = h('div', { class: 'calendar-weekdays', 'aria-hidden': 'true' }, h('span', {}), ...weekdayNames.map((d, i) => h('span', {}, i % 2 === 1 ? d : '')));
  const scroller = h('div', { class: 'calendar-scroll' }, weekdays, grid);
  return {
    element: h('div', { class: 'calendar' }, scroller, legend()),
    label,
    table: {
      caption: l10n.t('Messages and sessions per active day'),
      columns: [l10n.t('Day'), l10n.t('Messages'), l10n.t('Sessions')],
      rows: active.map((d) => [d.date, d.messages, d.sessions]),
    },
  };
}

export function weekdayHourHeatmap(stats: SessionStats): { element: HTMLElement; label: string; table: TableData } {
  const rows = stats.heatmap.by_weekday_hour;
  const max = Math.max(0, ...rows.flat());
  let peak = { weekday: 0, hour: 0, value: -1 };
  rows.forEach((row, weekday) => row.forEach((value, hour) => {
    if (value > peak.value) peak = { weekday, hour, value };
  }));
  const label = max > 0
    ? l10n.t('Weekday by hour heatmap: busiest on {0} at {1} with {2}.', weekdayNames[peak.weekday]!, hourLabel(peak.hour), countText.messages(peak.value))
    : l10n.t('Weekday by hour heatmap: no activity.');

  const grid = h('div', { class: 'hours-grid', role: 'img', 'aria-label': label });
  grid.append(h('span', { class: 'corner' }));
  for (let hour = 0; hour < 24; hour++) grid.append(h('span', { class: 'hour-label', 'aria-hidden': 'true' }, hour % 3 === 0 ? String(hour).padStart(2, '0') : ''));
  // Monday first reads like a working week; the data is indexed from Sunday.
  for (const weekday of [1, 2, 3, 4, 5, 6, 0]) {
    grid.append(h('span', { class: 'weekday-label', 'aria-hidden': 'true' }, weekdayNames[weekday]!));
    rows[weekday]!.forEach((value, hour) => {
      grid.append(h('span', { class: `cell l${heatLevel(value, max)}`, title: l10n.t('{0} {1}: {2}', weekdayNames[weekday]!, hourLabel(hour), countText.messages(value)) }));
    });
  }
  return {
    element: h('div', { class: 'hours' }, grid, legend()),
    label,
    table: {
      caption: l10n.t('Messages by weekday and hour'),
      columns: [l10n.t('Weekday'), ...Array.from({ length: 24 }, (_, hour) => hourLabel(hour))],
      rows: [1, 2, 3, 4, 5, 6, 0].map((weekday) => [weekdayNames[weekday]!, ...rows[weekday]!]),
    },
  };
}
