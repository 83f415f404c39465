import type { RoleFilter } from '../../shared/model/search';

export const searchRoles: readonly RoleFilter[] = ['all', 'user', 'assistant', 'tool'];

const prefixes: Record<string, RoleFilter> = { all: 'all', user: 'user', me: 'user', assistant: 'assistant', ai: 'assistant', tool: 'tool', tools: 'tool' };

/**
 * What the user typed into the search box: an optional role prefix (`user:`, `assistant:`
 * or `ai:`, `tool:`) and the query. Without a prefix the role chosen with the buttons applies.
 */
export function parseSearchInput(value: string, fallbackRole: RoleFilter): { query: string; role: RoleFilter } {
  const match = /^\s*([a-z]+):\s*(.*)$/is.exec(value);
  const role = match ? prefixes[match[1].toLowerCase()] : undefined;
  if (match && role) return { query: match[2].trim(), role };
  return { query: value.trim(), role: fallbackRole };
}

/** Cuts a long snippet to `width` characters around its first highlight, with ellipses. */
export function centerSnippet(snippet: string, highlights: ReadonlyArray<readonly [number, number]>, width = 160): string {
  const flat = snippet.replace(/\s+/g, ' ');
  if (flat.length <= width) return flat.trim();
  // Collapsing whitespace shifts offsets a little; the window is wide enough that it still shows the hit.
  const first = highlights[0]?.[0] ?? 0;
  const start = Math.max(0, Math.min(first - Math.floor(width / 3), flat.length - width));
  const end = start + width;
  return `${start > 0 ? '…' : ''}${flat.slice(start, end).trim()}${end < flat.length ? '…' : ''}`;
}
