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
import { hourLabel, plural, shortModel, shortProject, topWithOther } from './labels';
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
  cwd: `${rest.length} other projects`,
  sessions: rest.reduce((n, p) => n + p.sessions, 0),
  messages: rest.reduce((n, p) => n + p.messages, 0),
  cost: rest.reduce((n, p) => n + p.cost, 0),
  tokens: rest[0]!.tokens,
  last_active: '',
});

const otherModel = (rest: readonly ModelStats[]): ModelStats => ({
  model: `${rest.length} other models`,
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
  title: 'Messages and tokens per day',
  emptyText: 'No activity in this range.',
  describe: (input) => {
    const days = perDay(input).filter((d) => d.messages > 0);
    return `Bar and line chart: messages and tokens on each of ${input.days.length} days; ${days.length} days had activity.`;
  },
  config: (input, palette) => {
    const days = perDay(input);
    if (!days.some((d) => d.messages > 0 || d.tokens > 0)) return null;
    return {
      type: 'bar',
      data: {
        labels: days.map((d) => d.date),
        datasets: [
          { type: 'bar', label: 'Messages', data: days.map((d) => d.messages), backgroundColor: translucent(palette.blue, 0.75), borderColor: palette.blue, yAxisID: 'y', order: 2 },
          {
            type: 'line',
            label: 'Tokens',
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
          y: { ...axis(palette, 'Messages'), beginAtZero: true, position: 'left', ticks: { color: palette.foreground, precision: 0 } },
          tokens: { ...axis(palette, 'Tokens'), beginAtZero: true, position: 'right', grid: { drawOnChartArea: false }, ticks: { color: palette.foreground, callback: (v) => formatCount(Number(v)) } },
        },
      },
    };
  },
  table: (input) => ({
    caption: 'Messages, tokens and cost per day',
    columns: ['Day', 'Messages', 'Tokens', 'Cost'],
    rows: perDay(input)
      .filter((d) => d.messages > 0 || d.tokens > 0)
      .map((d) => [d.date, d.messages, d.tokens, formatCost(d.cost)]),
  }),
};

const costByModel: ChartSpec = {
  id: 'cost-by-model',
  title: 'Cost by model',
  emptyText: 'No cost recorded for these sessions.',
  describe: (input) => {
    const top = input.stats.by_model[0];
    return top && top.cost > 0
      ? `Doughnut chart: cost split between ${input.stats.by_model.length} models; ${shortModel(top.model)} cost most (${formatCost(top.cost)}).`
      : 'Doughnut chart: no cost recorded.';
  },
  config: (input, palette) => {
    const models = topWithOther(input.stats.by_model.filter((m) => m.cost > 0), 6, (m) => m.cost, otherModel);
    if (models.length === 0) return null;
    return {
      type: 'doughnut',
      data: {
        labels: models.map((m) => shortModel(m.model)),
        datasets: [{ label: 'Cost', data: models.map((m) => m.cost), backgroundColor: models.map((_, i) => palette.series[i % palette.series.length]!), borderColor: palette.border, borderWidth: 1 }],
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
    caption: 'Cost, tokens and sessions by model',
    columns: ['Model', 'Cost', 'Tokens', 'Sessions'],
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
  title: 'Cost by project',
  emptyText: 'No cost recorded for these sessions.',
  describe: (input) => {
    const top = input.stats.by_project[0];
    return top && top.cost > 0 ? `Bar chart: cost of the ${Math.min(topLimit, input.stats.by_project.length)} most expensive projects; ${top.cwd} cost most (${formatCost(top.cost)}).` : 'Bar chart: no cost recorded.';
  },
  config: (input, palette) => {
    const projects = topWithOther(input.stats.by_project.filter((p) => p.cost > 0), topLimit, (p) => p.cost, otherProject);
    if (projects.length === 0) return null;
    return horizontalBars(
      { labels: projects.map((p) => shortProject(p.cwd)), values: projects.map((p) => p.cost), fullNames: projects.map((p) => p.cwd), label: 'Cost', colour: palette.green, format: formatCost, tick: costTick },
      palette,
    );
  },
  table: (input) => ({
    caption: 'Cost and tokens by project',
    columns: ['Project', 'Cost', 'Tokens'],
    rows: input.stats.by_project.map((p) => [p.cwd, formatCost(p.cost), p.tokens.total]),
  }),
};

const topProjects: ChartSpec = {
  id: 'top-projects',
  title: 'Top projects',
  emptyText: 'No projects in this range.',
  describe: (input) => {
    const top = [...input.stats.by_project].sort((a, b) => b.messages - a.messages)[0];
    return top ? `Bar chart: messages in the ${Math.min(topLimit, input.stats.by_project.length)} busiest projects; ${top.cwd} leads with ${top.messages}.` : 'Bar chart: no projects.';
  },
  config: (input, palette) => {
    const projects = [...input.stats.by_project].sort((a, b) => b.messages - a.messages || b.sessions - a.sessions).slice(0, topLimit);
    if (projects.length === 0) return null;
    return horizontalBars(
      {
        labels: projects.map((p) => shortProject(p.cwd)),
        values: projects.map((p) => p.messages),
        fullNames: projects.map((p) => `${p.cwd} (${plural(p.sessions, 'session')})`),
        label: 'Messages',
        colour: palette.purple,
        format: formatCount,
        tick: formatCount,
      },
      palette,
    );
  },
  table: (input) => ({
    caption: 'Sessions and messages by project',
    columns: ['Project', 'Sessions', 'Messages', 'Last active'],
    rows: input.stats.by_project.map((p) => [p.cwd, p.sessions, p.messages, p.last_active]),
  }),
};

const hoursOfDay: ChartSpec = {
  id: 'hours',
  title: 'Hours of the day',
  emptyText: 'No activity in this range.',
  describe: (input) => {
    const hours = input.stats.heatmap.by_hour;
    const peak = hours.indexOf(Math.max(...hours));
    return `Bar chart: messages in each hour of the day; the busiest hour starts at ${hourLabel(peak)}.`;
  },
  config: (input, palette) => {
    const hours = input.stats.heatmap.by_hour;
    if (!hours.some((n) => n > 0)) return null;
    return {
      type: 'bar',
      data: {
        labels: hours.map((_, h) => String(h).padStart(2, '0')),
        datasets: [{ label: 'Messages', data: hours, backgroundColor: translucent(palette.yellow, 0.75), borderColor: palette.yellow, borderWidth: 1 }],
      },
      options: {
        ...baseOptions(palette),
        plugins: { legend: { display: false }, tooltip: { callbacks: { title: (items: TooltipItem<ChartType>[]) => hourLabel(items[0]?.dataIndex ?? 0) } } },
        scales: { x: { ...axis(palette, 'Hour'), ticks: { color: palette.foreground, maxRotation: 0 } }, y: { ...axis(palette), beginAtZero: true, ticks: { color: palette.foreground, precision: 0 } } },
      },
    };
  },
  table: (input) => ({
    caption: 'Messages per hour of the day',
    columns: ['Hour', 'Messages'],
    rows: input.stats.heatmap.by_hour.map((n, h) => [hourLabel(h), n]),
  }),
};

export const chartSpecs: ChartSpec[] = [activityPerDay, costByModel, costByProject, topProjects, hoursOfDay];

export function drawChart(canvas: HTMLCanvasElement, config: ChartConfiguration): Chart {
  canvas.removeAttribute('data-rendered');
  return new Chart(canvas, config);
}
