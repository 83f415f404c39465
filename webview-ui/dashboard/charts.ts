import {
  ArcElement,
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  DoughnutController,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
  type ChartConfiguration,
  type ChartType,
  type Plugin,
  type TooltipItem,
} from 'chart.js';
import type { ModelStats, ProjectStats, SessionStats } from '../../src/shared/model/stats';
import { formatCost, formatCount } from '../../src/shared/render/format';
import type { TableData } from './dom';
import { countText, dayLabel, hourLabel, shortModel, shortProject, topWithOther } from './labels';
import { l10n } from '../../src/shared/l10n';
import { translucent, type Palette } from './theme';

/**
 * Marks a canvas once Chart.js has drawn it. Animations are off, so the first render is
 * the final picture; tests and the page's own status read this attribute.
 */
const renderedFlag: Plugin = {
  id: 'renderedFlag',
  afterRender(chart) {
    chart.canvas.setAttribute('data-rendered', 'true');
  },
};

// Only what these charts use, so the bundle carries no unused controllers or scales.
Chart.register(BarController, LineController, DoughnutController, BarElement, LineElement, PointElement, ArcElement, CategoryScale, LinearScale, Tooltip, Legend, renderedFlag);

/** The stats plus what the page derived from its filters. */
export interface ChartInput {
  stats: SessionStats;
  /** The days the per-day chart spans. */
  days: string[];
}

export interface ChartSpec {
  id: string;
  title: string;
  /** What a screen reader announces for the canvas. */
  describe(input: ChartInput): string;
  /** Null when there is nothing to draw (the panel says so instead). */
  config(input: ChartInput, palette: Palette): ChartConfiguration | null;
  table(input: ChartInput): TableData;
  /** Shown in place of the chart when `config` returns null. */
  emptyText: string;
}

export function applyChartDefaults(palette: Palette): void {
  Chart.defaults.color = palette.foreground;
  Chart.defaults.borderColor = translucent(palette.border, 0.6);
  Chart.defaults.font.family = palette.fontFamily;
  Chart.defaults.animation = false;
  Chart.defaults.responsive = true;
  Chart.defaults.maintainAspectRatio = false;
}

function baseOptions(palette: Palette) {
  return {
    animation: false as const,
    responsive: true,
    maintainAspectRatio: false,
    plugins: {
      legend: { labels: { color: palette.foreground, boxWidth: 12 } },
      tooltip: { intersect: false },
    },
  };
}

function axis(palette: Palette, title?: string) {
  return {
    ticks: { color: palette.foreground },
    grid: { color: translucent(palette.border, 0.5) },
    border: { color: palette.border },
    ...(title ? { title: { display: true, text: title, color: palette.foreground } } : {}),
  };
}

const topLimit = 10;

/** Axis ticks need fewer digits than tooltips. */
function costTick(value: number): string {
  return value === 0 ? '$0' : `$${value.toFixed(value < 1 ? 2 : 0)}`;
}

const otherProject = (rest: readonly ProjectStats[]): ProjectStats => ({
  cwd: l10n.t('{0} other projects', rest.length),
  sessions: rest.reduce((n, p) => n + p.sessions, 0),
  messages: rest.reduce((n, p) => n + p.messages, 0),
  cost: rest.reduce((n, p) => n + p.cost, 0),
  tokens: rest[0]!.tokens,
  last_active: '',
});

const otherModel = (rest: readonly ModelStats[]): ModelStats => ({
  model: l10n.t('{0} other models', rest.length),
  provider: '',
  sessions: rest.reduce((n, m) => n + m.sessions, 0),
  messages: rest.reduce((n, m) => n + m.messages, 0),
  cost: rest.reduce((n, m) => n + m.cost, 0),
  tokens: rest[0]!.tokens,
});

function perDay(input: ChartInput): { date: string; messages: number; tokens: number; cost: number }[] {
  const byDate = new Map(input.stats.by_day.map((d) => [d.date, d]));
  return input.days.map((date) => {
    const d = byDate.get(date);
    return { date, messages: d?.messages ?? 0, tokens: d?.tokens.total ?? 0, cost: d?.cost ?? 0 };
  });
}

const activityPerDay: ChartSpec = {
  id: 'per-day',
  title: l10n.t('Messages and tokens per day'),
  emptyText: l10n.t('No activity in this range.'),
  describe: (input) => {
    const days = perDay(input).filter((d) => d.messages > 0);
    return l10n.t('Bar and line chart: messages and tokens on each of {0} days; {1} days had activity.', input.days.length, days.length);
  },
  config: (input, palette) => {
    const days = perDay(input);
    if (!days.some((d) => d.messages > 0 || d.tokens > 0)) return null;
    return {
      type: 'bar',
      data: {
        labels: days.map((d) => dayLabel(d.date)),
        datasets: [
          { type: 'bar', label: l10n.t('Messages'), data: days.map((d) => d.messages), backgroundColor: translucent(palette.blue, 0.75), borderColor: palette.blue, yAxisID: 'y', order: 2 },
          {
            type: 'line',
            label: l10n.t('Tokens'),
            data: days.map((d) => d.tokens),
            borderColor: palette.orange,
            backgroundColor: palette.orange,
            pointRadius: days.length > 60 ? 0 : 2,
            borderWidth: 2,
            yAxisID: 'tokens',
            order: 1,
          },
        ],
      },
      options: {
        ...baseOptions(palette),
        interaction: { mode: 'index', intersect: false },
        scales: {
          x: { ...axis(palette), ticks: { color: palette.foreground, maxRotation: 0, autoSkipPadding: 16 } },
          y: { ...axis(palette, l10n.t('Messages')), beginAtZero: true, position: 'left', ticks: { color: palette.foreground, precision: 0 } },
          tokens: { ...axis(palette, l10n.t('Tokens')), beginAtZero: true, position: 'right', grid: { drawOnChartArea: false }, ticks: { color: palette.foreground, callback: (v) => formatCount(Number(v)) } },
        },
      },
    };
  },
  table: (input) => ({
    caption: l10n.t('Messages, tokens and cost per day'),
    columns: [l10n.t('Day'), l10n.t('Messages'), l10n.t('Tokens'), l10n.t('Cost')],
    rows: perDay(input)
      .filter((d) => d.messages > 0 || d.tokens > 0)
      .map((d) => [d.date, d.messages, d.tokens, formatCost(d.cost)]),
  }),
};

const costByModel: ChartSpec = {
  id: 'cost-by-model',
  title: l10n.t('Cost by model'),
  emptyText: l10n.t('No cost recorded for these sessions.'),
  describe: (input) => {
    const top = input.stats.by_model[0];
    return top && top.cost > 0
      ? l10n.t('Doughnut chart: cost split between {0} models; {1} cost most ({2}).', input.stats.by_model.length, shortModel(top.model), formatCost(top.cost))
      : l10n.t('Doughnut chart: no cost recorded.');
  },
  config: (input, palette) => {
    const models = topWithOther(input.stats.by_model.filter((m) => m.cost > 0), 6, (m) => m.cost, otherModel);
    if (models.length === 0) return null;
    return {
      type: 'doughnut',
      data: {
        labels: models.map((m) => shortModel(m.model)),
        datasets: [{ label: l10n.t('Cost'), data: models.map((m) => m.cost), backgroundColor: models.map((_, i) => palette.series[i % palette.series.length]!), borderColor: palette.border, borderWidth: 1 }],
      },
      options: {
        ...baseOptions(palette),
        cutout: '55%',
        plugins: {
          legend: { position: 'right', labels: { color: palette.foreground, boxWidth: 12 } },
          tooltip: { callbacks: { label: (item: TooltipItem<ChartType>) => `${models[item.dataIndex]!.model}: ${formatCost(Number(item.raw))}` } },
        },
      },
    };
  },
  table: (input) => ({
    caption: l10n.t('Cost, tokens and sessions by model'),
    columns: [l10n.t('Model'), l10n.t('Cost'), l10n.t('Tokens'), l10n.t('Sessions')],
    rows: input.stats.by_model.map((m) => [m.model, formatCost(m.cost), m.tokens.total, m.sessions]),
  }),
};

interface BarSeries {
  labels: string[];
  values: number[];
  /** Full names for tooltips, where the axis shows short ones. */
  fullNames: string[];
  label: string;
  colour: string;
  format: (value: number) => string;
  tick: (value: number) => string;
}

function horizontalBars({ labels, values, fullNames, label, colour, format, tick }: BarSeries, palette: Palette): ChartConfiguration {
  return {
    type: 'bar',
    data: { labels, datasets: [{ label, data: values, backgroundColor: translucent(colour, 0.75), borderColor: colour, borderWidth: 1 }] },
    options: {
      ...baseOptions(palette),
      indexAxis: 'y',
      plugins: {
        legend: { display: false },
        tooltip: { callbacks: { title: (items: TooltipItem<ChartType>[]) => fullNames[items[0]?.dataIndex ?? 0] ?? '', label: (item: TooltipItem<ChartType>) => `${label}: ${format(Number(item.raw))}` } },
      },
      scales: {
        x: { ...axis(palette), beginAtZero: true, ticks: { color: palette.foreground, precision: 0, maxRotation: 0, callback: (v) => tick(Number(v)) } },
        y: { ...axis(palette), grid: { display: false } },
      },
    },
  };
}

const costByProject: ChartSpec = {
  id: 'cost-by-project',
  title: l10n.t('Cost by project'),
  emptyText: l10n.t('No cost recorded for these sessions.'),
  describe: (input) => {
    const top = input.stats.by_project[0];
    return top && top.cost > 0
      ? l10n.t('Bar chart: cost of the {0} most expensive projects; {1} cost most ({2}).', Math.min(topLimit, input.stats.by_project.length), top.cwd, formatCost(top.cost))
      : l10n.t('Bar chart: no cost recorded.');
  },
  config: (input, palette) => {
    const projects = topWithOther(input.stats.by_project.filter((p) => p.cost > 0), topLimit, (p) => p.cost, otherProject);
    if (projects.length === 0) return null;
    return horizontalBars(
      { labels: projects.map((p) => shortProject(p.cwd)), values: projects.map((p) => p.cost), fullNames: projects.map((p) => p.cwd), label: l10n.t('Cost'), colour: palette.green, format: formatCost, tick: costTick },
      palette,
    );
  },
  table: (input) => ({
    caption: l10n.t('Cost and tokens by project'),
    columns: [l10n.t('Project'), l10n.t('Cost'), l10n.t('Tokens')],
    rows: input.stats.by_project.map((p) => [p.cwd, formatCost(p.cost), p.tokens.total]),
  }),
};

const topProjects: ChartSpec = {
  id: 'top-projects',
  title: l10n.t('Top projects'),
  emptyText: l10n.t('No projects in this range.'),
  describe: (input) => {
    const top = [...input.stats.by_project].sort((a, b) => b.messages - a.messages)[0];
    return top
      ? l10n.t('Bar chart: messages in the {0} busiest projects; {1} leads with {2}.', Math.min(topLimit, input.stats.by_project.length), top.cwd, top.messages)
      : l10n.t('Bar chart: no projects.');
  },
  config: (input, palette) => {
    const projects = [...input.stats.by_project].sort((a, b) => b.messages - a.messages || b.sessions - a.sessions).slice(0, topLimit);
    if (projects.length === 0) return null;
    return horizontalBars(
      {
        labels: projects.map((p) => shortProject(p.cwd)),
        values: projects.map((p) => p.messages),
        fullNames: projects.map((p) => `${p.cwd} (${countText.sessions(p.sessions)})`),
        label: l10n.t('Messages'),
        colour: palette.purple,
        format: formatCount,
        tick: formatCount,
      },
      palette,
    );
  },
  table: (input) => ({
    caption: l10n.t('Sessions and messages by project'),
    columns: [l10n.t('Project'), l10n.t('Sessions'), l10n.t('Messages'), l10n.t('Last active')],
    rows: input.stats.by_project.map((p) => [p.cwd, p.sessions, p.messages, p.last_active]),
  }),
};

const hoursOfDay: ChartSpec = {
  id: 'hours',
  title: l10n.t('Hours of the day'),
  emptyText: l10n.t('No activity in this range.'),
  describe: (input) => {
    const hours = input.stats.heatmap.by_hour;
    const peak = hours.indexOf(Math.max(...hours));
    return l10n.t('Bar chart: messages in each hour of the day; the busiest hour starts at {0}.', hourLabel(peak));
  },
  config: (input, palette) => {
    const hours = input.stats.heatmap.by_hour;
    if (!hours.some((n) => n > 0)) return null;
    return {
      type: 'bar',
      data: {
        labels: hours.map((_, h) => String(h).padStart(2, '0')),
        datasets: [{ label: l10n.t('Messages'), data: hours, backgroundColor: translucent(palette.yellow, 0.75), borderColor: palette.yellow, borderWidth: 1 }],
      },
      options: {
        ...baseOptions(palette),
        plugins: { legend: { display: false }, tooltip: { callbacks: { title: (items: TooltipItem<ChartType>[]) => hourLabel(items[0]?.dataIndex ?? 0) } } },
        scales: { x: { ...axis(palette, l10n.t('Hour')), ticks: { color: palette.foreground, maxRotation: 0 } }, y: { ...axis(palette), beginAtZero: true, ticks: { color: palette.foreground, precision: 0 } } },
      },
    };
  },
  table: (input) => ({
    caption: l10n.t('Messages per hour of the day'),
    columns: [l10n.t('Hour'), l10n.t('Messages')],
    rows: input.stats.heatmap.by_hour.map((n, h) => [hourLabel(h), n]),
  }),
};

export const chartSpecs: ChartSpec[] = [activityPerDay, costByModel, costByProject, topProjects, hoursOfDay];

export function drawChart(canvas: HTMLCanvasElement, config: ChartConfiguration): Chart {
  canvas.removeAttribute('data-rendered');
  return new Chart(canvas, config);
}
