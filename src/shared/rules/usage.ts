import type { TokenTotals } from '../model/sessionInfo';

/*
 * pi's rules for what a message cost, used by every face (tree, dashboard, viewer header and
 * message lines, exports), so one page can never contradict another.
 */

function num(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : 0;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function zeroTokens(): TokenTotals {
  return { input: 0, output: 0, cache_read: 0, cache_write: 0, total: 0 };
}

/**
 * Token counts of one `usage` object. The total is the sum of the four parts, as pi's session
 * statistics and cost breakdown add it up; `totalTokens` is not read, since old files lack it.
 */
export function usageTokens(usage: unknown): TokenTotals {
  if (!isObject(usage)) return zeroTokens();
  const tokens: TokenTotals = {
    input: num(usage.input),
    output: num(usage.output),
    cache_read: num(usage.cacheRead),
    cache_write: num(usage.cacheWrite),
    total: 0,
  };
  tokens.total = tokens.input + tokens.output + tokens.cache_read + tokens.cache_write;
  return tokens;
}

/**
 * USD cost of one `usage` object. pi's session statistics add up `cost.total`; only a cost
 * without a total (hand-written or very old files) falls back to the sum of its parts.
 */
export function usageCost(usage: unknown): number {
  const cost = isObject(usage) ? usage.cost : undefined;
  if (!isObject(cost)) return 0;
  if (typeof cost.total === 'number' && Number.isFinite(cost.total)) return cost.total;
  return num(cost.input) + num(cost.output) + num(cost.cacheRead) + num(cost.cacheWrite);
}

export function addTokens(target: TokenTotals, add: TokenTotals): void {
  target.input += add.input;
  target.output += add.output;
  target.cache_read += add.cache_read;
  target.cache_write += add.cache_write;
  target.total += add.total;
}

/**
 * pi's bucket for usage that belongs to no model answer (tool results' nested calls,
 * compaction and branch summaries), as its cost breakdown names it.
 */
export const toolsAndSummariesKey = 'Tools/summaries';

/** A priced piece of model work in a session file, and the cost-by-model key it goes under. */
export interface BilledUsage {
  key: string;
  usage: Record<string, unknown>;
  /** An assistant answer; the other kinds are work around the conversation. */
  answer: boolean;
}

/** `provider/(responseModel ?? model)`: the model that actually answered, as pi keys it. */
export function answerModelKey(message: Record<string, unknown>): string | null {
  const provider = message.provider;
  const model = typeof message.responseModel === 'string' && message.responseModel ? message.responseModel : message.model;
  return typeof provider === 'string' && typeof model === 'string' ? `${provider}/${model}` : null;
}

/**
 * The usage one entry adds to a session's totals, by pi 1.6's session statistics: every entry
 * of the file counts (all branches, history before a compaction), including `usage` entries,
 * `compaction.usage`, `branch_summary.usage` and a tool result's `usage`. `fallbackModel` keys
 * an answer that names no model (the session's model at that point).
 */
export function billedUsage(entry: unknown, fallbackModel: string | null): BilledUsage | null {
  if (!isObject(entry)) return null;
  switch (entry.type) {
    case 'message': {
      const message = entry.message;
      if (!isObject(message) || !isObject(message.usage)) return null;
      if (message.role === 'assistant') return { key: answerModelKey(message) ?? fallbackModel ?? 'unknown', usage: message.usage, answer: true };
      if (message.role === 'toolResult') return { key: toolsAndSummariesKey, usage: message.usage, answer: false };
      return null;
    }
    case 'usage': {
      if (!isObject(entry.usage)) return null;
      const key = typeof entry.provider === 'string' && typeof entry.model === 'string' ? `${entry.provider}/${entry.model}` : toolsAndSummariesKey;
      return { key, usage: entry.usage, answer: false };
    }
    case 'compaction':
    case 'branch_summary':
      return isObject(entry.usage) ? { key: toolsAndSummariesKey, usage: entry.usage, answer: false } : null;
    default:
      return null;
  }
}
