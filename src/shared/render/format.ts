import type { TokenTotals } from '../model/sessionInfo';
import { isEnglish, l10n } from '../l10n';

/**
 * `12.3k`, `4.5M` in English; other display languages get their own compact notation from
 * `Intl` (Chinese counts in 万 and 亿, not in thousands).
 */
export function formatCount(value: number): string {
  if (!isEnglish()) return new Intl.NumberFormat(l10n.locale, { notation: 'compact', maximumFractionDigits: 1 }).format(Math.round(value));
  if (value >= 1_000_000) return `${(value / 1_000_000).toFixed(value >= 10_000_000 ? 0 : 1)}M`;
  if (value >= 1_000) return `${(value / 1_000).toFixed(value >= 10_000 ? 0 : 1)}k`;
  return String(Math.round(value));
}

/** US dollars, as pi records them; the display language decides separators and symbol placement. */
export function formatCost(value: number): string {
  if (!isEnglish()) {
    const digits = value <= 0 ? 0 : value >= 1 ? 2 : 4;
    return new Intl.NumberFormat(l10n.locale, { style: 'currency', currency: 'USD', currencyDisplay: 'narrowSymbol', minimumFractionDigits: digits, maximumFractionDigits: digits }).format(Math.max(0, value));
  }
  if (value <= 0) return '$0';
  return value >= 1 ? `$${value.toFixed(2)}` : `$${value.toFixed(4)}`;
}

/** `↑input ↓output R cacheRead W cacheWrite`, the notation of pi's own export. */
export function formatTokens(tokens: TokenTotals): string {
  const parts = [`↑${formatCount(tokens.input)}`, `↓${formatCount(tokens.output)}`];
  if (tokens.cache_read) parts.push(`R ${formatCount(tokens.cache_read)}`);
  if (tokens.cache_write) parts.push(`W ${formatCount(tokens.cache_write)}`);
  return parts.join(' ');
}

/**
 * `YYYY-MM-DD HH:MM:SS UTC`: the same in every host and every time zone, so exports and
 * tests are reproducible; hosts can localise from the `datetime` attribute.
 */
export function formatTimestamp(value: string | number | undefined | null): string {
  if (value === undefined || value === null || value === '') return '';
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return String(value);
  return `${date.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

export function isoTimestamp(value: string | number | undefined | null): string | null {
  if (value === undefined || value === null || value === '') return null;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

/** First line of a text, cut to `max` characters, for one-line summaries. */
export function oneLine(text: string, max = 120): string {
  const line = text.trim().split('\n')[0] ?? '';
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

/** Pretty JSON that never throws (cycles, BigInt) and stays bounded for huge payloads. */
export function prettyJson(value: unknown, maxChars = 50_000): string {
  let text: string;
  try {
    text = JSON.stringify(value, null, 2) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > maxChars ? `${text.slice(0, maxChars)}\n… (${text.length - maxChars} more characters)` : text;
}
