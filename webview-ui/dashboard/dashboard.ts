import type { Chart } from 'chart.js';
import type { SessionStats } from '../../src/shared/model/stats';
import { callData, type HostBridge } from '../shared/bridge';
import { formatCost, formatCount } from '../../src/shared/render/format';
import { daysBetween } from './calendar';
import { applyChartDefaults, chartSpecs, drawChart, type ChartInput, type ChartSpec } from './charts';
import { dataTable, h, toolkit } from './dom';
import { calendarHeatmap, weekdayHourHeatmap } from './heatmaps';
import { countText, shortProject } from './labels';
import { l10n } from '../../src/shared/l10n';
import { dayKey, rangeDays, statsQuery, type DashboardFilters } from './range';
import { readPalette } from './theme';

export interface DashboardOptions {
  bridge: HostBridge;
  filters: DashboardFilters;
  saveFilters(filters: DashboardFilters): void;
  /** Minutes east of UTC, so days and hours are the user's own. */
  tzOffsetMinutes: number;
}

type PageState = 'loading' | 'ready' | 'empty' | 'error';

interface ChartPanel {
  spec: ChartSpec;
  canvas: HTMLCanvasElement;
  box: HTMLElement;
  empty: HTMLElement;
  tableSlot: HTMLElement;
  chart: Chart | null;
}

const rangeChoices: { value: DashboardFilters['range']; label: string }[] = [
  { value: '7', label: l10n.t('{0} days', 7) },
  { value: '30', label: l10n.t('{0} days', 30) },
  { value: '90', label: l10n.t('{0} days', 90) },
  { value: 'all', label: l10n.t('All time') },
  { value: 'custom', label: l10n.t('Custom') },
];

/** Refreshes wait for a burst of file changes (pi writes a line per message) to settle. */
const liveRefreshDelayMs = 1500;

/** The whole page: filters, summary cards, charts and heatmaps, kept in step with the index. */
export class Dashboard {
  private filters: DashboardFilters;
  private stats: SessionStats | null = null;
  private projects: string[] = [];
  private generation = 0;
  private renders = 0;
  private refreshTimer: ReturnType<typeof setTimeout> | undefined;

  // Toolkit components (registered in main.ts) where the toolkit has one; it has no date
  // field, so the custom range keeps the browser's date inputs, themed by dashboard.css.
  private readonly projectSelect = toolkit('vscode-dropdown', { id: 'project', 'aria-label': l10n.t('Project'), position: 'below' });
  private readonly rangeButtons = rangeChoices.map((c) => toolkit('vscode-button', { class: 'range', 'data-range': c.value, 'aria-pressed': 'false', appearance: 'secondary' }, c.label));
  private readonly fromInput = h('input', { type: 'date', id: 'from', 'aria-label': l10n.t('From') });
  private readonly toInput = h('input', { type: 'date', id: 'to', 'aria-label': l10n.t('To') });
  private readonly customFields = h('span', { class: 'custom-range' }, h('label', { for: 'from' }, l10n.t('From')), this.fromInput, h('label', { for: 'to' }, l10n.t('to')), this.toInput);
  private readonly refreshButton = toolkit('vscode-button', { class: 'refresh', title: l10n.t('Refresh'), appearance: 'secondary' }, l10n.t('Refresh'));
  private readonly status = h('p', { class: 'status', role: 'status', 'aria-live': 'polite' });
  private readonly cards = h('section', { class: 'cards', 'aria-label': l10n.t('Totals') });
  private readonly content = h('div', { class: 'content' });
  private readonly calendarSlot = h('div', { class: 'heat-slot' });
  private readonly hoursSlot = h('div', { class: 'heat-slot' });
  private readonly chartPanels: ChartPanel[];
  private readonly note = h('p', { class: 'note' });

  constructor(
    private readonly root: HTMLElement,
    private readonly options: DashboardOptions,
  ) {
    this.filters = options.filters;
    this.chartPanels = chartSpecs.map((spec) => {
      const canvas = h('canvas', { role: 'img', 'data-chart': spec.id });
      return { spec, canvas, box: h('div', { class: 'chart-box' }, canvas), empty: h('p', { class: 'panel-empty', hidden: true }), tableSlot: h('div'), chart: null };
    });
    this.layout();
    this.bindControls();
    options.bridge.onEvent((name) => {
      if (name === 'sessions-diff') this.scheduleRefresh();
    });
  }

  private layout(): void {
    const filters = h(
      'div',
      { class: 'filters', role: 'group', 'aria-label': l10n.t('Filters') },
      h('label', { for: 'project' }, l10n.t('Project')),
      this.projectSelect,
      h('span', { class: 'ranges', role: 'group', 'aria-label': l10n.t('Time range') }, ...this.rangeButtons),
      this.customFields,
      this.refreshButton,
    );
    const panel = (title: string, body: HTMLElement, wide = false) => h('section', { class: wide ? 'panel wide' : 'panel' }, h('h2', {}, title), body);
    const charts = this.chartPanels.map((p) => panel(p.spec.title, h('div', {}, p.box, p.empty, p.tableSlot), p.spec.id === 'per-day'));
    this.content.append(
      this.cards,
      h('div', { class: 'panels' }, panel(l10n.t('Activity'), this.calendarSlot, true), ...charts, panel(l10n.t('Weekday and hour'), this.hoursSlot)),
      this.note,
    );
    this.root.append(h('header', {}, h('h1', {}, l10n.t('Pi Sessions')), filters), this.status, this.content);
    this.showFilters();
  }

  private bindControls(): void {
    this.projectSelect.addEventListener('change', () => this.setFilters({ ...this.filters, cwd: this.projectSelect.value || null }));
    rangeChoices.forEach(({ value: range }, i) => {
      this.rangeButtons[i]!.addEventListener('click', () => {
        if (range === 'custom' && !this.filters.custom.from && !this.filters.custom.to) {
          // Start the custom range from what the user was looking at.
          const now = Date.now();
          const shown = rangeDays(this.filters, now, this.options.tzOffsetMinutes);
          const today = dayKey(now, this.options.tzOffsetMinutes);
          this.setFilters({ ...this.filters, range, custom: { from: shown.from ?? this.stats?.by_day[0]?.date ?? today, to: today } });
          return;
        }
        this.setFilters({ ...this.filters, range });
      });
    });
    const onDates = () => this.setFilters({ ...this.filters, range: 'custom', custom: { from: this.fromInput.value || null, to: this.toInput.value || null } });
    this.fromInput.addEventListener('change', onDates);
    this.toInput.addEventListener('change', onDates);
    this.refreshButton.addEventListener('click', () => void this.load());
  }

  private setFilters(filters: DashboardFilters): void {
    this.filters = filters;
    this.options.saveFilters(filters);
    this.showFilters();
    void this.load();
  }

  private showFilters(): void {
    rangeChoices.forEach(({ value }, i) => {
      const pressed = value === this.filters.range;
      this.rangeButtons[i]!.setAttribute('aria-pressed', String(pressed));
      this.rangeButtons[i]!.setAttribute('appearance', pressed ? 'primary' : 'secondary');
    });
    this.customFields.hidden = this.filters.range !== 'custom';
    this.fromInput.value = this.filters.custom.from ?? '';
    this.toInput.value = this.filters.custom.to ?? '';
    this.fillProjects();
    document.body.dataset.filterCwd = this.filters.cwd ?? '';
  }

  private fillProjects(): void {
    const names = new Set(this.projects);
    if (this.filters.cwd) names.add(this.filters.cwd);
    const options = [toolkit('vscode-option', { value: '' }, l10n.t('All projects')), ...[...names].sort().map((cwd) => toolkit('vscode-option', { value: cwd, title: cwd }, shortProject(cwd)))];
    this.projectSelect.replaceChildren(...options);
    this.projectSelect.value = this.filters.cwd ?? '';
  }

  private scheduleRefresh(): void {
    clearTimeout(this.refreshTimer);
    this.refreshTimer = setTimeout(() => void this.load(), liveRefreshDelayMs);
  }

  /** Queries the stats for the current filters; an older answer arriving late is dropped. */
  async load(): Promise<void> {
    const generation = ++this.generation;
    clearTimeout(this.refreshTimer);
    this.setState('loading');
    const now = Date.now();
    const query = statsQuery(this.filters, now, this.options.tzOffsetMinutes);
    try {
      // The project list comes from the same range without the project filter, so the
      // other projects stay selectable while one is chosen.
      const { cwd, ...unfiltered } = query;
      const [stats, everyProject] = await Promise.all([
        callData(this.options.bridge, 'get_session_stats', query),
        cwd === undefined ? null : callData(this.options.bridge, 'get_session_stats', unfiltered),
      ]);
      if (generation !== this.generation) return;
      this.stats = stats;
      this.projects = (everyProject ?? stats).by_project.map((p) => p.cwd);
      this.fillProjects();
      this.render(now);
    } catch (err) {
      if (generation !== this.generation) return;
      this.showError(err);
    }
  }

  private setState(state: PageState, message = ''): void {
    document.body.dataset.state = state;
    this.status.textContent = state === 'loading' && this.stats ? '' : message || (state === 'loading' ? l10n.t('Loading statistics…') : '');
    this.status.hidden = this.status.textContent === '';
    this.content.hidden = state === 'empty' || state === 'error' || (state === 'loading' && !this.stats);
  }

  private showError(err: unknown): void {
    const code = (err as { code?: unknown }).code;
    const text = err instanceof Error ? err.message : String(err);
    this.setState('error', code === 'not_available' ? l10n.t('Statistics are not available yet: {0}', text) : l10n.t('Could not load statistics: {0}', text));
  }

  private render(now: number): void {
    const stats = this.stats;
    if (!stats) return;
    if (stats.totals.sessions === 0) {
      const filtered = this.filters.cwd !== null || this.filters.range !== 'all';
      this.destroyCharts();
      this.setState('empty', filtered ? l10n.t('No sessions match these filters. Try a longer time range or all projects.') : l10n.t('No pi sessions yet. They appear here as soon as pi writes one.'));
      this.markRendered();
      return;
    }
    this.setState('ready');
    const days = this.spanDays(stats, now);
    // "All time" would stretch the per-day chart over idle months; it keeps to the active span.
    const activeFrom = stats.by_day[0]?.date ?? '';
    const activeTo = stats.by_day[stats.by_day.length - 1]?.date ?? '';
    const input: ChartInput = { stats, days: this.filters.range === 'all' ? days.filter((d) => d >= activeFrom && d <= activeTo) : days };
    this.renderCards(stats);
    const calendar = calendarHeatmap(stats, days);
    this.calendarSlot.replaceChildren(calendar.element, dataTable(calendar.table));
    const hours = weekdayHourHeatmap(stats);
    this.hoursSlot.replaceChildren(hours.element, dataTable(hours.table));
    this.drawCharts(input);
    this.note.textContent = stats.approximated_sessions > 0
      ? l10n.t('{0} of {1} sessions have no per-hour breakdown; their activity is counted at their last message.', stats.approximated_sessions, stats.totals.sessions)
      : '';
    this.markRendered();
  }

  /** The days the calendar covers: the filter's range, or from the first active day to today. */
  private spanDays(stats: SessionStats, now: number): string[] {
    const offset = this.options.tzOffsetMinutes;
    const range = rangeDays(this.filters, now, offset);
    const today = dayKey(now, offset);
    const first = stats.by_day[0]?.date ?? today;
    const last = stats.by_day[stats.by_day.length - 1]?.date ?? today;
    const from = range.from ?? first;
    const to = range.to ?? (last > today ? last : today);
    return from <= to ? daysBetween(from, to) : daysBetween(to, from);
  }

  private renderCards(stats: SessionStats): void {
    const t = stats.totals;
    const card = (label: string, value: string, detail: string, key: string) =>
      h('div', { class: 'card', 'data-card': key }, h('span', { class: 'card-label' }, label), h('span', { class: 'card-value' }, value), h('span', { class: 'card-detail' }, detail));
    this.cards.replaceChildren(
      card(l10n.t('Sessions'), formatCount(t.sessions), countText.projects(t.projects), 'sessions'),
      card(l10n.t('Messages'), formatCount(t.messages), l10n.t('{0} user · {1} assistant', formatCount(t.user_messages), formatCount(t.assistant_messages)), 'messages'),
      card(l10n.t('Tool calls'), formatCount(t.tool_calls), t.bash_executions === 1 ? l10n.t('1 bash run') : l10n.t('{0} bash runs', formatCount(t.bash_executions)), 'tool-calls'),
      card(l10n.t('Tokens'), formatCount(t.tokens.total), `↑${formatCount(t.tokens.input)} ↓${formatCount(t.tokens.output)}`, 'tokens'),
      card(l10n.t('Cost'), formatCost(t.cost), countText.models(t.models), 'cost'),
    );
  }

  private drawCharts(input: ChartInput): void {
    this.destroyCharts();
    const palette = readPalette();
    applyChartDefaults(palette);
    for (const panel of this.chartPanels) {
      const config = panel.spec.config(input, palette);
      panel.box.hidden = config === null;
      panel.empty.hidden = config !== null;
      panel.empty.textContent = panel.spec.emptyText;
      panel.canvas.setAttribute('aria-label', panel.spec.describe(input));
      panel.tableSlot.replaceChildren(dataTable(panel.spec.table(input)));
      if (config) panel.chart = drawChart(panel.canvas, config);
    }
  }

  private destroyCharts(): void {
    for (const panel of this.chartPanels) {
      panel.chart?.destroy();
      panel.chart = null;
    }
  }

  /** Lets tests and the theme watcher see that a complete picture is on screen. */
  private markRendered(): void {
    document.body.dataset.renders = String(++this.renders);
  }

  /** Theme colours are baked into the canvases, so a theme change redraws them. */
  redraw(): void {
    if (this.stats && this.stats.totals.sessions > 0 && document.body.dataset.state === 'ready') this.render(Date.now());
  }
}
