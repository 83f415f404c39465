/**
 * The only place the viewer turns an HTML string into nodes. Callers pass output of the
 * shared renderer (`src/shared/render`), which escapes transcript text and sanitises
 * Markdown; everything else in the viewer is built with DOM calls and textContent.
 */
export function appendRenderedHtml(parent: Element, sanitisedHtml: string): void {
  if (!sanitisedHtml) return;
  const template = document.createElement('template');
  template.innerHTML = sanitisedHtml;
  parent.append(template.content);
}

/** Replaces a node with the nodes of rendered HTML (an entry rendered again). */
export function replaceWithRenderedHtml(node: Element, sanitisedHtml: string): void {
  const template = document.createElement('template');
  template.innerHTML = sanitisedHtml;
  node.replaceWith(template.content);
}

type Attributes = Record<string, string | undefined>;

/** A small element builder: text goes through textContent, never through markup. */
export function element<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Attributes = {},
  ...children: (Node | string)[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value !== undefined) el.setAttribute(name, value);
  }
  el.append(...children);
  return el;
}

/** `[data-entry-id="…"]` for any id, including ids with quotes or brackets. */
export function entrySelector(entryId: string): string {
  return `[data-entry-id="${CSS.escape(entryId)}"]`;
}

/** Opens every collapsed `<details>` around a node, so what it points at can be seen. */
export function openEnclosingDetails(node: Element): void {
  for (let d = node.closest('details'); d; d = d.parentElement?.closest('details') ?? null) d.open = true;
}
