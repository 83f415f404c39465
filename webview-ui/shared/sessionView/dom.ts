/**
 * The only place the viewer turns an HTML string into nodes. Callers pass output of the
 * shared renderer (`src/shared/render`), which escapes transcript text and sanitises
 * Markdown; everything else in the viewer is built with DOM calls and textContent.
 */
/** A host's finishing touch on freshly rendered nodes, before they are shown. */
export type PrepareRendered = (fragment: DocumentFragment) => void;

export function appendRenderedHtml(parent: Element, sanitisedHtml: string, prepare?: PrepareRendered): void {
  if (!sanitisedHtml) return;
  const template = document.createElement('template');
  template.innerHTML = sanitisedHtml;
  prepare?.(template.content);
  parent.append(template.content);
}

/** Replaces a node with the nodes of rendered HTML (an entry rendered again). */
export function replaceWithRenderedHtml(node: Element, sanitisedHtml: string, prepare?: PrepareRendered): void {
  const template = document.createElement('template');
  template.innerHTML = sanitisedHtml;
  prepare?.(template.content);
  node.replaceWith(template.content);
}

/**
 * Makes the renderer's file paths links: a tab stop with the link role. Only for hosts that
 * can open files; elsewhere the paths stay text, since a link that does nothing misleads.
 */
export function enableFileLinks(fragment: DocumentFragment): void {
  for (const link of fragment.querySelectorAll('a.file-link[data-path]')) {
    if (link.closest('summary')) continue;
    link.setAttribute('role', 'link');
    link.setAttribute('tabindex', '0');
  }
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
