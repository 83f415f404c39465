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

/** The last folder of a path, for compact project names. */
export function baseName(dir: string): string {
  const parts = dir.split(/[\\/]/).filter(Boolean);
  return parts[parts.length - 1] ?? dir;
}

/**
 * A translated sentence with elements inside it: `{0}`, `{1}`… of `message` (the catalogue's
 * text, placeholders kept) become the given nodes, so a translation may move them around.
 */
export function withNodes(message: string, ...nodes: Node[]): (string | Node)[] {
  return message.split(/(\{\d+\})/).map((part) => {
    const index = /^\{(\d+)\}$/.exec(part)?.[1];
    return index !== undefined && nodes[Number(index)] ? nodes[Number(index)]! : part;
  }).filter((part) => part !== '');
}
