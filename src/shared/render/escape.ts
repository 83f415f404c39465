/**
 * Escaping for the HTML strings the renderer builds. Every piece of transcript text goes
 * through one of these before it touches markup, so no host ever has to trust the data.
 */

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
  '`': '&#96;',
};

/** Escapes text for element content and for quoted attribute values alike. */
export function escapeHtml(value: unknown): string {
  const text = typeof value === 'string' ? value : value === undefined || value === null ? '' : String(value);
  return text.replace(/[&<>"'`]/g, (ch) => HTML_ESCAPES[ch] ?? ch);
}

/** Builds ` name="value"` pairs, skipping undefined values; names are fixed by callers. */
export function attrs(values: Record<string, string | number | undefined | null | false>): string {
  let out = '';
  for (const [name, value] of Object.entries(values)) {
    if (value === undefined || value === null || value === false) continue;
    out += ` ${name}="${escapeHtml(String(value))}"`;
  }
  return out;
}

/** JSON for embedding in an inline `<script type="application/json">`: no `<` can close it. */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/** Turns an entry id into a string usable in an element `id` and a URL fragment. */
export function entryAnchor(entryId: string): string {
  return `entry-${entryId.replace(/[^A-Za-z0-9_-]/g, (ch) => `_${ch.codePointAt(0)?.toString(16) ?? ''}`)}`;
}
