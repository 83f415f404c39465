import sanitizeHtml from 'sanitize-html';

/**
 * The last pass over rendered Markdown. The Markdown renderer already escapes raw HTML and
 * filters links; this allowlist is a second, independent line so that a renderer bug cannot
 * become script execution in any host.
 */
const MARKDOWN_POLICY: sanitizeHtml.IOptions = {
  allowedTags: [
    'p', 'br', 'hr', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'strong', 'em', 'del', 's', 'code', 'pre',
    'blockquote', 'ul', 'ol', 'li', 'a', 'table', 'thead', 'tbody', 'tr', 'th', 'td', 'span',
  ],
  allowedAttributes: {
    a: ['href', 'title', 'class', 'rel', 'target'],
    code: ['class'],
    pre: ['class'],
    span: ['class', 'title'],
    ol: ['start'],
    th: ['align'],
    td: ['align'],
  },
  allowedClasses: {
    a: ['psm-md-link', 'psm-md-image-link'],
    code: ['hljs', 'language-*'],
    pre: ['psm-code', 'psm-raw-html'],
    // highlight.js 11 adds scope suffixes such as `function_` and `inherited__`.
    span: ['hljs-*', '*_', 'psm-checkbox', 'psm-md-image', 'psm-raw-html'],
  },
  allowedSchemes: ['http', 'https', 'mailto'],
  allowedSchemesByTag: {},
  allowedSchemesAppliedToAttributes: ['href'],
  allowProtocolRelative: false,
  // Unexpected markup stays visible as text instead of vanishing.
  disallowedTagsMode: 'escape',
  parseStyleAttributes: false,
  transformTags: {
    a: (tagName, attribs) => ({
      tagName,
      attribs: attribs.href ? { ...attribs, rel: 'noopener noreferrer nofollow', target: '_blank' } : { ...attribs },
    }),
  },
};

export function sanitizeRenderedMarkdown(html: string): string {
  return sanitizeHtml(html, MARKDOWN_POLICY);
}
