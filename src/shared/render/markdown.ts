import { Marked, type Tokens } from 'marked';
import { escapeHtml } from './escape';
import { highlightCode } from './highlight';
import { sanitizeRenderedMarkdown } from './sanitize';

/** Only these link targets become live links; anything else (javascript:, data:, relative) is text. */
const SAFE_LINK = /^(?:https?:\/\/|mailto:)[^\s]*$/i;

export function isSafeLink(href: string | null | undefined): href is string {
  return typeof href === 'string' && SAFE_LINK.test(href.trim());
}

/*
 * A private instance: configuring the global `marked` would change the behaviour of any
 * other code in the same bundle that uses it.
 */
const markdown = new Marked({
  gfm: true,
  // Chat messages break lines where the author did.
  breaks: true,
  async: false,
  renderer: {
    // Raw HTML in a transcript is shown as the text it is, never interpreted.
    html(token: Tokens.HTML | Tokens.Tag): string {
      const isBlock = 'block' in token && token.block;
      return isBlock
        ? `<pre class="psm-raw-html">${escapeHtml(token.text.replace(/\n+$/, ''))}</pre>\n`
        : `<span class="psm-raw-html">${escapeHtml(token.text)}</span>`;
    },
    code({ text, lang }: Tokens.Code): string {
      const { html, language } = highlightCode(text, lang);
      const cls = language ? `hljs language-${language}` : 'hljs';
      return `<pre class="psm-code"><code class="${escapeHtml(cls)}">${html}</code></pre>\n`;
    },
    link({ href, title, tokens }: Tokens.Link): string {
      const inner = this.parser.parseInline(tokens);
      if (!isSafeLink(href)) return inner;
      const titleAttr = title ? ` title="${escapeHtml(title)}"` : '';
      return `<a class="psm-md-link" href="${escapeHtml(href.trim())}"${titleAttr}>${inner}</a>`;
    },
    // Remote images are never loaded (tracking, CSP); they become a plain link instead.
    image({ href, text }: Tokens.Image): string {
      const label = `🖼 ${escapeHtml(text || 'image')}`;
      if (!isSafeLink(href)) return `<span class="psm-md-image">${label}</span>`;
      return `<a class="psm-md-image-link" href="${escapeHtml(href.trim())}">${label}</a>`;
    },
    checkbox({ checked }: Tokens.Checkbox): string {
      return `<span class="psm-checkbox">${checked ? '☑' : '☐'}</span> `;
    },
  },
});

/** Markdown → sanitised HTML, identical in the webview, the web client and exports. */
export function renderMarkdown(text: string): string {
  if (!text) return '';
  let html: string;
  try {
    html = markdown.parse(text, { async: false }) as string;
  } catch {
    // A parser failure must not lose the text: show it verbatim.
    html = `<p>${escapeHtml(text)}</p>`;
  }
  return sanitizeRenderedMarkdown(html);
}
