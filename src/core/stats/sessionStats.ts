import type { SessionInfo, TokenTotals, UsageBucket } from '../../shared/model/sessionInfo';
import { toolsAndSummariesKey } from '../../shared/rules/usage';
import type { ModelStats, ProviderStats, ProjectStats, DayStats, SessionStats } from '../../shared/model/stats';

export interface StatsFilter {
  /** Only sessions whose cwd is this folder or inside it. */
  cwd?: string;
  /** Inclusive time range, in milliseconds since 1970 (UTC). */
  from?: number;
  to?: number;
  /** Minutes added to UTC before bucketing into days and hours (CET = 60, PST = -480). */
  tz_offset_minutes?: number;
}

const hourMs = 3_600_000;

const zeroTokens = (): TokenTotals => ({ input: 0, output: 0, cache_read: 0, cache_write: 0, total: 0 });
const zeroUsage = (): UsageBucket => ({ messages: 0, tokens: zeroTokens(), cost: 0 });

function addUsage(target: UsageBucket, source: UsageBucket, factor = 1): void {
  target.messages += source.messages * factor;
  target.cost += source.cost * factor;
  const t = target.tokens;
  const s = source.tokens;
  t.input += s.input * factor;
  t.output += s.output * factor;
  t.cache_read += s.cache_read * factor;
  t.cache_write += s.cache_write * factor;
  t.total += s.total * factor;
}

interface Slice {
  start: number;
  /** Slices from `activity_by_hour` span an hour; the fallback slice is an instant. */
  span: number;
  usage: UsageBucket;
}

/** Parses `YYYY-MM-DDTHH` quickly (it repeats across sessions); other ISO forms via Date.parse. */
function hourKeyParser(): (key: string) => number {
  const cache = new Map<string, number>();
  return (key) => {
    let ms = cache.get(key);
    if (ms === undefined) {
      const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2})$/.exec(key);
      ms = m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4])) : Date.parse(key);
      cache.set(key, ms);
    }
    return ms;
  };
}

function slicesOf(info: SessionInfo, parseKey: (key: string) => number): { slices: Slice[]; exact: boolean } {
  const hours = info.activity_by_hour;
  if (hours) {
    const slices: Slice[] = [];
    for (const [key, usage] of Object.entries(hours)) {
      const start = parseKey(key);
      if (Number.isFinite(start)) slices.push({ start, span: hourMs, usage });
    }
    if (slices.length > 0) return { slices, exact: true };
  }
  const at = Date.parse(info.modified);
  const usage: UsageBucket = { messages: info.message_count, tokens: info.tokens, cost: info.cost };
  return { slices: [{ start: Number.isFinite(at) ? at : 0, span: 0, usage }], exact: false };
}

export function providerOf(model: string): string {
  // pi's bucket for summaries and tools' nested calls is no provider; it stays a line of its own.
  if (model === toolsAndSummariesKey) return model;
  const slash = model.indexOf('/');
  return slash > 0 ? model.slice(0, slash) : 'unknown';
}

export function isInsideFolder(cwd: string, folder: string): boolean {
  if (cwd === folder) return true;
  const sep = folder.includes('\\') && !folder.includes('/') ? '\\' : '/';
  return cwd.startsWith(folder.endsWith(sep) ? folder : folder + sep);
}

interface CalendarSlot {
  date: string;
  hour: number;
  weekday: number;
}

function calendar(offsetMinutes: number): (ms: number) => CalendarSlot {
  const cache = new Map<number, CalendarSlot>();
  return (ms) => {
    let slot = cache.get(ms);
    if (!slot) {
      const d = new Date(ms + offsetMinutes * 60_000);
      slot = { date: d.toISOString().slice(0, 10), hour: d.getUTCHours(), weekday: d.getUTCDay() };
      cache.set(ms, slot);
    }
    return slot;
  };
}

/** Aggregates statistics over SessionInfo records only: no session file is read. */
export function computeSessionStats(sessions: readonly SessionInfo[], filter: StatsFilter = {}): SessionStats {
  const offset = filter.tz_offset_minutes ?? 0;
  const from = filter.from ?? -Infinity;
  const to = filter.to ?? Infinity;
  const ranged = filter.from !== undefined || filter.to !== undefined;
  const parseKey = hourKeyParser();
  const slotOf = calendar(offset);

  const totals: SessionStats['totals'] = {
    sessions: 0,
    messages: 0,
    user_messages: 0,
    assistant_messages: 0,
    tool_results: 0,
    bash_executions: 0,
    tool_calls: 0,
    tokens: zeroTokens(),
    cost: 0,
    projects: 0,
    models: 0,
  };
  const models = new Map<string, ModelStats>();
  const providers = new Map<string, ProviderStats>();
  const projects = new Map<string, ProjectStats>();
  const days = new Map<string, DayStats>();
  const byHour = new Array<number>(24).fill(0);
  const byWeekdayHour = Array.from({ length: 7 }, () => new Array<number>(24).fill(0));
  let approximated = 0;
  const attributed = zeroUsage();

  for (const info of sessions) {
    if (filter.cwd !== undefined && !isInsideFolder(info.cwd, filter.cwd)) continue;
    const { slices, exact } = slicesOf(info, parseKey);
    // An hour bucket counts when it overlaps the range; the fallback instant when inside it.
    const inRange = ranged ? slices.filter((sl) => sl.start + sl.span > from && sl.start <= to) : slices;
    if (inRange.length === 0) continue;
    if (!exact) approximated++;

    const used = zeroUsage();
    for (const sl of inRange) addUsage(used, sl.usage);
    const share = inRange.length === slices.length ? 1 : shareOf(used, slices);

    totals.sessions++;
    totals.messages += info.message_count;
    totals.user_messages += info.user_message_count;
    totals.assistant_messages += info.assistant_message_count;
    totals.tool_results += info.tool_result_count;
    totals.bash_executions += info.bash_execution_count;
    totals.tool_calls += info.tool_call_count;
    addUsage(attributed, used);

    const project = projects.get(info.cwd) ?? { cwd: info.cwd, sessions: 0, last_active: info.modified, ...zeroUsage() };
    project.sessions++;
    if (info.modified > project.last_active) project.last_active = info.modified;
    addUsage(project, used);
    projects.set(info.cwd, project);

    const perModel = modelUsage(info);
    const seenProviders = new Set<string>();
    for (const [model, usage] of perModel) {
      const provider = providerOf(model);
      const m = models.get(model) ?? { model, provider, sessions: 0, ...zeroUsage() };
      m.sessions++;
      addUsage(m, usage, share);
      models.set(model, m);
      const p = providers.get(provider) ?? { provider, sessions: 0, ...zeroUsage() };
      if (!seenProviders.has(provider)) p.sessions++;
      seenProviders.add(provider);
      addUsage(p, usage, share);
      providers.set(provider, p);
    }

    const activeDays = new Set<string>();
    for (const sl of inRange) {
      const slot = slotOf(sl.start);
      const day = days.get(slot.date) ?? { date: slot.date, sessions: 0, ...zeroUsage() };
      if (!activeDays.has(slot.date)) day.sessions++;
      activeDays.add(slot.date);
      addUsage(day, sl.usage);
      days.set(slot.date, day);
      byHour[slot.hour] += sl.usage.messages;
      byWeekdayHour[slot.weekday]![slot.hour] += sl.usage.messages;
    }
  }

  totals.projects = projects.size;
  totals.models = models.size;
  totals.tokens = roundTokens(attributed.tokens);
  totals.cost = roundCost(attributed.cost);
  const byCost = (a: UsageBucket, b: UsageBucket) => b.cost - a.cost || b.tokens.total - a.tokens.total;
  const byDay = [...days.values()].map(tidy).sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
  return {
    filter: {
      cwd: filter.cwd ?? null,
      from: filter.from !== undefined ? new Date(filter.from).toISOString() : null,
      to: filter.to !== undefined ? new Date(filter.to).toISOString() : null,
      tz_offset_minutes: offset,
    },
    totals,
    by_model: [...models.values()].map(tidy).sort((a, b) => byCost(a, b) || a.model.localeCompare(b.model)),
    by_provider: [...providers.values()].map(tidy).sort((a, b) => byCost(a, b) || a.provider.localeCompare(b.provider)),
    by_project: [...projects.values()].map(tidy).sort((a, b) => byCost(a, b) || b.sessions - a.sessions || a.cwd.localeCompare(b.cwd)),
    by_day: byDay,
    heatmap: {
      by_day: byDay.map((d) => ({ date: d.date, sessions: d.sessions, messages: d.messages })),
      by_hour: byHour.map(Math.round),
      by_weekday_hour: byWeekdayHour.map((row) => row.map(Math.round)),
    },
    approximated_sessions: approximated,
  };
}

/** Per-model usage of a session: the parser's breakdown, else everything on the last model. */
function modelUsage(info: SessionInfo): [string, UsageBucket][] {
  const breakdown = info.usage_by_model;
  if (breakdown && Object.keys(breakdown).length > 0) return Object.entries(breakdown) as [string, UsageBucket][];
  const out: [string, UsageBucket][] = [[info.model ?? 'unknown', { messages: info.message_count, tokens: info.tokens, cost: info.cost }]];
  // Earlier models of the session are counted as used, without tokens we could attribute.
  for (const m of info.models) if (m !== info.model) out.push([m, zeroUsage()]);
  return out;
}

/** The part of a session's usage inside the range, by tokens, else by messages. */
function shareOf(used: UsageBucket, all: readonly Slice[]): number {
  const whole = zeroUsage();
  for (const sl of all) addUsage(whole, sl.usage);
  if (whole.tokens.total > 0) return used.tokens.total / whole.tokens.total;
  if (whole.messages > 0) return used.messages / whole.messages;
  return 1;
}

function roundCost(cost: number): number {
  return Math.round(cost * 1e6) / 1e6;
}

function roundTokens(t: TokenTotals): TokenTotals {
  return {
    input: Math.round(t.input),
    output: Math.round(t.output),
    cache_read: Math.round(t.cache_read),
    cache_write: Math.round(t.cache_write),
    total: Math.round(t.total),
  };
}

/** Scaling leaves fractions behind; replies carry whole token and message counts. */
function tidy<T extends UsageBucket>(u: T): T {
  return { ...u, messages: Math.round(u.messages), tokens: roundTokens(u.tokens), cost: roundCost(u.cost) };
}
