import { randomBytes } from 'node:crypto';
import type { ParsedSession } from '../../shared/model/entries';
import type { SessionInfo } from '../../shared/model/sessionInfo';
import { escapeHtml, jsonForScript } from '../../shared/render/escape';
import { sessionCss } from '../../shared/render/css';
import { renderSessionParts } from '../../shared/render/session';
import { summaryTitle } from '../../shared/render/summary';

export interface HtmlExportOptions {
  /** CSP nonce for the page's one style and one script; random when omitted. */
  nonce?: string;
}

/** Page chrome around the shared session styles. */
const PAGE_CSS = `
html, body { margin: 0; }
body { background: #ffffff; }
@media (prefers-color-scheme: dark) { body { background: #0d1117; color-scheme: dark; } }
.psm-page { max-width: 980px; margin: 0 auto; padding: 16px 20px 48px; }
.psm-toolbar { display: flex; gap: 8px; margin: 0 0 12px; }
.psm-toolbar button { font: inherit; font-size: 0.85em; padding: 2px 10px; border-radius: 6px; border: 1px solid var(--psm-border); background: var(--psm-card); color: var(--psm-fg); cursor: pointer; }
.psm-footer { margin-top: 24px; font-size: 0.8em; color: var(--psm-muted); }
`;

/*
 * Branch switching and expand/collapse. Entries of every branch are in the page (so the
 * file stands alone); those off the chosen branch carry `psm-off-branch`. Without script
 * the current branch is shown, which is the useful default.
 */
const PAGE_SCRIPT = `(function () {
  var dataEl = document.getElementById('psm-branch-data');
  var branches = dataEl ? JSON.parse(dataEl.textContent || '{}') : {};
  function showBranch(leafId) {
    var ids = branches[leafId];
    if (!ids) return false;
    var keep = Object.create(null);
    ids.forEach(function (id) { keep[id] = true; });
    document.querySelectorAll('.psm-conversation > [data-entry-id]').forEach(function (el) {
      el.classList.toggle('psm-off-branch', !keep[el.getAttribute('data-entry-id')]);
    });
    document.querySelectorAll('.psm-branch').forEach(function (li) {
      li.classList.toggle('psm-branch-selected', li.getAttribute('data-leaf-id') === leafId);
    });
    return true;
  }
  document.addEventListener('click', function (event) {
    var target = event.target instanceof Element ? event.target : null;
    if (!target) return;
    var branchLink = target.closest('a[data-leaf-id]');
    if (branchLink && showBranch(branchLink.getAttribute('data-leaf-id'))) return;
    var action = target.closest('button[data-psm-action]');
    if (action) {
      var open = action.getAttribute('data-psm-action') === 'expand';
      document.querySelectorAll('.psm-conversation details').forEach(function (d) { d.open = open; });
      return;
    }
    if (target.closest('a.file-link')) event.preventDefault();
  });
})();`;

function newNonce(): string {
  return randomBytes(18).toString('base64');
}

/**
 * A self-contained page: no remote resources, a CSP that allows only the page's own nonce'd
 * style and script plus `data:` images, every entry of every branch rendered through the
 * shared renderer, and a navigator for sessions with branches.
 */
export function exportHtml(parsed: ParsedSession, info?: SessionInfo | null, options: HtmlExportOptions = {}): string {
  const nonce = options.nonce ?? newNonce();
  if (!/^[A-Za-z0-9+/=_-]{8,}$/.test(nonce)) throw new Error('invalid CSP nonce');
  const parts = renderSessionParts(parsed, { mode: 'tree', info, treeNav: undefined });
  const branches: Record<string, string[]> = {};
  for (const branch of parts.tree.branches) {
    branches[branch.leafId] = branch.entryIds.map((key) => parts.tree.nodes.get(key)!.entry.id);
  }
  const csp = [
    "default-src 'none'",
    'img-src data:',
    `style-src 'nonce-${nonce}'`,
    `script-src 'nonce-${nonce}'`,
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
  const title = `${summaryTitle(parts.summary)} · pi session`;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(csp)}">
<meta name="referrer" content="no-referrer">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style nonce="${escapeHtml(nonce)}">${sessionCss}${PAGE_CSS}</style>
</head>
<body>
<div class="psm-session psm-page" data-session-id="${escapeHtml(parsed.header.id)}">
${parts.header}
<div class="psm-toolbar"><button type="button" data-psm-action="expand">Expand all</button><button type="button" data-psm-action="collapse">Collapse all</button></div>
${parts.treeNav}
${parts.conversation}
<footer class="psm-footer">Exported from session <code>${escapeHtml(parsed.header.id)}</code>.</footer>
</div>
<script type="application/json" id="psm-branch-data">${jsonForScript(branches)}</script>
<script nonce="${escapeHtml(nonce)}">${PAGE_SCRIPT}</script>
</body>
</html>
`;
}
