type Attributes = Record<string, string | boolean | undefined>;
type Child = Node | string | null | undefined | false;

/**
 * Builds an element. Text is always set through text nodes, never parsed as markup, and
 * `style` is refused: the page's CSP blocks style attributes, so layout lives in web.css.
 */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attributes: Attributes = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === false || name === 'style') continue;
    el.setAttribute(name, value === true ? '' : value);
  }
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child);
  }
  return el;
}

/** Text with `[start, end)` ranges wrapped in <mark>, built from text nodes only. */
export function highlighted(text: string, ranges: readonly (readonly [number, number])[]): DocumentFragment {
  const fragment = document.createDocumentFragment();
  let at = 0;
  const sorted = [...ranges].filter(([s, e]) => e > s && s >= 0).sort((a, b) => a[0] - b[0]);
  for (const [start, end] of sorted) {
    if (start < at || start >= text.length) continue;
    if (start > at) fragment.append(text.slice(at, start));
    fragment.append(h('mark', {}, text.slice(start, Math.min(end, text.length))));
    at = Math.min(end, text.length);
  }
  if (at < text.length) fragment.append(text.slice(at));
  return fragment;
}

/** "5 min ago", "yesterday", or a date: short enough for a phone row. */
export function relativeTime(iso: string, now = Date.now()): string {
  const t = Date.parse(iso);
  if (!Number.isFinite(t)) return '';
  const minutes = Math.round((now - t) / 60_000);
  if (minutes < 1) return 'just now';
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.round(minutes / 60);
  if (hours < 24) return `${hours} h ago`;
  const days = Math.round(hours / 24);
  if (days === 1) return 'yesterday';
  if (days < 7) return `${days} days ago`;
  return new Date(t).toLocaleDateString(undefined, { year: 'numeric', month: 'short', day: 'numeric' });
}

/** The last folder of a path, for compact project names. */
export function baseName(dir: string): string {
  const parts = dir.split(/[\\/]/).filter(Boolean);
  return parts[parts.length - 1] ?? dir;
}
