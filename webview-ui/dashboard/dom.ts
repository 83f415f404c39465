import { l10n } from '../../src/shared/l10n';

type Attributes = Record<string, string | number | boolean | null | undefined>;
type Child = Node | string | null | undefined | false;

/**
 * Creates an element. Attributes go through setAttribute and text through text nodes, so
 * nothing from session data is ever parsed as HTML.
 */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attributes: Attributes = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  return fill(document.createElement(tag), attributes, children);
}

/** Sets the attributes (false, null and undefined leave one out) and appends the children. */
function fill<E extends HTMLElement>(element: E, attributes: Attributes, children: Child[]): E {
  for (const [name, value] of Object.entries(attributes)) {
    if (value === null || value === undefined || value === false) continue;
    element.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    element.append(child);
  }
  return element;
}

/**
 * A webview UI toolkit element (`vscode-button`, `vscode-dropdown`, …), built like `h`. The
 * components must be registered first (see shared/toolkit.ts).
 */
export function toolkit(tag: `vscode-${string}`, attributes: Attributes = {}, ...children: Child[]): HTMLElement & { value: string } {
  return fill(document.createElement(tag) as HTMLElement & { value: string }, attributes, children);
}

export interface TableData {
  caption: string;
  columns: string[];
  rows: (string | number)[][];
}

/**
 * The same numbers as a chart, for screen readers. The wrapper is what is visually hidden:
 * a table never shrinks below its content, so hiding the table itself widens the page.
 */
export function dataTable(data: TableData): HTMLElement {
  // Numbers are written the way the display language groups digits.
  const numbers = new Intl.NumberFormat(l10n.locale);
  const text = (value: string | number) => (typeof value === 'number' ? numbers.format(value) : value);
  const cell = (value: string | number, column: number) => (column === 0 ? h('th', { scope: 'row' }, text(value)) : h('td', {}, text(value)));
  const table = h(
    'table',
    {},
    h('caption', {}, data.caption),
    h('thead', {}, h('tr', {}, ...data.columns.map((c) => h('th', { scope: 'col' }, c)))),
    h('tbody', {}, ...data.rows.map((row) => h('tr', {}, ...row.map(cell)))),
  );
  return h('div', { class: 'visually-hidden' }, table);
}
