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

/** Token counts of one `usage` object; files from before late 2025 lack `totalTokens`, so the parts are summed then. */
export function usageTokens(usage: unknown): TokenTotals {
  if (!isObject(usage)) return zeroTokens();
  const tokens: TokenTotals = {
    input: num(usage.input),
    output: num(usage.output),
    cache_read: num(usage.cacheRead),
    cache_write: num(usage.cacheWrite),
    total: 0,
  };
  tokens.total = typeof usage.totalTokens === 'number' && Number.isFinite(usage.totalTokens)
    ? usage.totalTokens
    : tokens.input + tokens.output + tokens.cache_read + tokens.cache_write;
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
