import type { ContentBlock } from '../model/entries';
import { l10n } from '../l10n';
import { attrs, escapeHtml } from './escape';
import { base64Bytes, classToken, contentBlocks, imageDataUrl, isImageBlock, isTextBlock } from './content';
import { prettyJson } from './format';
import { highlightCode } from './highlight';
import { renderMarkdown } from './markdown';

/**
 * A path from a tool call. It has no `href`, role or tab stop, so it is plain text where
 * nothing can open files (a browser, an exported page); a host that can open them makes it
 * a link (see the viewer's `enableFileLinks`) and decides what `data-path` does. Never put
 * one in a `<summary>`: a control inside a control is unreachable for keyboards and
 * screen readers; summaries show the path as text (`filePathText`).
 */
export function fileLink(filePath: string, line?: number): string {
  const lineAttr = typeof line === 'number' && Number.isInteger(line) && line > 0 ? line : undefined;
  return `<a${attrs({ class: 'file-link', 'data-path': filePath, 'data-line': lineAttr, title: filePath })}>${escapeHtml(filePath)}</a>`;
}

/** A path as plain text, for one-line summaries (which are controls themselves). */
export function filePathText(filePath: string): string {
  return `<span${attrs({ class: 'psm-path', title: filePath })}>${escapeHtml(filePath)}</span>`;
}

export function renderImage(block: { data?: unknown; mimeType?: unknown }): string {
  const url = imageDataUrl(block);
  const mime = typeof block.mimeType === 'string' ? block.mimeType : l10n.t('unknown type');
  if (!url) return `<div class="psm-image-blocked">${escapeHtml(l10n.t('Image not shown ({0})', mime))}</div>`;
  const kb = (base64Bytes(block.data) / 1024).toFixed(1);
  return `<figure class="psm-image"><img${attrs({ src: url, alt: l10n.t('image ({0}, {1} KB)', mime, kb), loading: 'lazy' })}></figure>`;
}

/** Code with highlighting; `languageTag` may be a fence tag or a registered name. */
export function renderCode(code: string, languageTag: string | null, extraClass = ''): string {
  const { html, language } = highlightCode(code, languageTag);
  const codeClass = language ? `hljs language-${language}` : 'hljs';
  return `<pre class="${escapeHtml(['psm-code', extraClass].filter(Boolean).join(' '))}"><code class="${escapeHtml(codeClass)}">${html}</code></pre>`;
}

/**
 * Preformatted text. Output blocks (`psm-output`) have a maximum height and scroll, so they
 * are a tab stop and a named region: a keyboard can then scroll them, and a screen reader
 * says what they hold.
 */
export function renderPre(text: string, className: string, label = l10n.t('Output')): string {
  const scrolls = className.split(' ').includes('psm-output');
  return `<pre${attrs({ class: className, tabindex: scrolls ? '0' : undefined, role: scrolls ? 'region' : undefined, 'aria-label': scrolls ? label : undefined })}>${escapeHtml(text)}</pre>`;
}

export function renderJson(value: unknown, className = 'psm-json'): string {
  return renderCode(prettyJson(value), 'json', className);
}

/** pi's edit diff (`+3 new`, `-3 old`, ` 4 context`): one coloured line per row. */
export function renderDiff(diff: string): string {
  const lines = diff.replace(/\n$/, '').split('\n');
  const rows = lines.map((line) => {
    const kind = line.startsWith('+') ? 'psm-diff-add' : line.startsWith('-') ? 'psm-diff-del' : 'psm-diff-ctx';
    return `<span class="psm-diff-line ${kind}">${escapeHtml(line)}\n</span>`;
  });
  return `<pre class="psm-diff">${rows.join('')}</pre>`;
}

/** A block of a type this renderer does not know: named and inspectable, never dropped. */
export function renderUnknownBlock(block: ContentBlock): string {
  return (
    `<details${attrs({ class: `psm-unknown-block psm-block-${classToken(block.type)}` })}>` +
    `<summary>${escapeHtml(l10n.t('Unsupported block “{0}”', String(block.type)))}</summary>${renderJson(block)}</details>`
  );
}

/**
 * User, custom and tool-result content: text as Markdown (or preformatted for tool output),
 * images inline as `data:` URLs of raster types only.
 */
export function renderContent(content: unknown, textMode: 'markdown' | 'pre', outputLabel?: string): string {
  return contentBlocks(content)
    .map((block) => {
      if (isTextBlock(block)) {
        return textMode === 'markdown'
          ? `<div class="psm-text psm-markdown">${renderMarkdown(block.text)}</div>`
          : renderPre(block.text, 'psm-output', outputLabel);
      }
      if (isImageBlock(block)) return renderImage(block);
      return renderUnknownBlock(block);
    })
    .join('');
}
