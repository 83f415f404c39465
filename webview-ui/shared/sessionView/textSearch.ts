/** Upper bound on highlighted matches, so a one-letter query cannot stall the page. */
export const maxMatches = 5000;

const matchClass = 'psm-find-match';

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Wraps every case-insensitive occurrence of `query` in the text under `root` in a
 * `<mark>`. It walks text nodes and splits them, so the markup around the text (links,
 * highlighted code, details) stays as it was. Matches spanning two elements are not found.
 */
export function highlightMatches(root: Node, query: string): HTMLElement[] {
  if (!query) return [];
  const pattern = new RegExp(escapeRegExp(query), 'giu');
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT, {
    acceptNode: (node) => (node.parentElement?.closest('script, style, template, [data-find-skip]') ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT),
  });
  const textNodes: Text[] = [];
  for (let n = walker.nextNode(); n; n = walker.nextNode()) textNodes.push(n as Text);

  const marks: HTMLElement[] = [];
  for (const node of textNodes) {
    const text = node.data;
    pattern.lastIndex = 0;
    let rest: Text = node;
    let consumed = 0;
    for (let m = pattern.exec(text); m && marks.length < maxMatches; m = pattern.exec(text)) {
      if (m[0].length === 0) break;
      const hit = rest.splitText(m.index - consumed);
      rest = hit.splitText(m[0].length);
      const mark = document.createElement('mark');
      mark.className = matchClass;
      hit.replaceWith(mark);
      mark.append(hit);
      marks.push(mark);
      consumed = m.index + m[0].length;
    }
    if (marks.length >= maxMatches) break;
  }
  return marks;
}

/** Undoes `highlightMatches`, merging the split text nodes back. */
export function clearHighlights(marks: readonly HTMLElement[]): void {
  const parents = new Set<Node>();
  for (const mark of marks) {
    const parent = mark.parentNode;
    if (!parent) continue;
    mark.replaceWith(...Array.from(mark.childNodes));
    parents.add(parent);
  }
  for (const parent of parents) parent.normalize();
}
