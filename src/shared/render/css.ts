/**
 * Styles for the renderer's markup. Colours come from VS Code's theme variables when the
 * markup sits in a webview, and fall back to a light or dark palette (prefers-color-scheme)
 * in a browser or an exported file. VS Code marks its theme kind on <body>, which wins over
 * the OS preference so a light editor theme on a dark OS stays light.
 */

const LIGHT = `
  --psm-fg: var(--vscode-foreground, #1f2328);
  --psm-bg: var(--vscode-editor-background, #ffffff);
  --psm-muted: var(--vscode-descriptionForeground, #59636e);
  --psm-border: var(--vscode-panel-border, #d1d9e0);
  --psm-card: var(--vscode-editorWidget-background, #f6f8fa);
  --psm-user-bg: var(--vscode-textBlockQuote-background, #eef4ff);
  --psm-code-bg: var(--vscode-textCodeBlock-background, #f6f8fa);
  --psm-link: var(--vscode-textLink-foreground, #0969da);
  --psm-error: var(--vscode-errorForeground, #cf222e);
  --psm-warn: var(--vscode-editorWarning-foreground, #9a6700);
  --psm-add-bg: var(--vscode-diffEditor-insertedLineBackground, #dafbe1);
  --psm-del-bg: var(--vscode-diffEditor-removedLineBackground, #ffebe9);
  --psm-label-bg: var(--vscode-badge-background, #ddf4ff);
  --psm-label-fg: var(--vscode-badge-foreground, #0a3069);
  --psm-hl-keyword: #cf222e; --psm-hl-string: #0a3069; --psm-hl-number: #0550ae;
  --psm-hl-comment: #57606a; --psm-hl-title: #8250df; --psm-hl-type: #953800;
  --psm-hl-attr: #0550ae; --psm-hl-meta: #57606a; --psm-hl-add: #116329; --psm-hl-del: #82071e;`;

const DARK = `
  --psm-fg: var(--vscode-foreground, #e6edf3);
  --psm-bg: var(--vscode-editor-background, #0d1117);
  --psm-muted: var(--vscode-descriptionForeground, #9198a1);
  --psm-border: var(--vscode-panel-border, #3d444d);
  --psm-card: var(--vscode-editorWidget-background, #151b23);
  --psm-user-bg: var(--vscode-textBlockQuote-background, #132339);
  --psm-code-bg: var(--vscode-textCodeBlock-background, #151b23);
  --psm-link: var(--vscode-textLink-foreground, #4493f8);
  --psm-error: var(--vscode-errorForeground, #f85149);
  --psm-warn: var(--vscode-editorWarning-foreground, #d29922);
  --psm-add-bg: var(--vscode-diffEditor-insertedLineBackground, #12361f);
  --psm-del-bg: var(--vscode-diffEditor-removedLineBackground, #3c1618);
  --psm-label-bg: var(--vscode-badge-background, #1f3a5f);
  --psm-label-fg: var(--vscode-badge-foreground, #cae8ff);
  --psm-hl-keyword: #ff7b72; --psm-hl-string: #a5d6ff; --psm-hl-number: #79c0ff;
  --psm-hl-comment: #8b949e; --psm-hl-title: #d2a8ff; --psm-hl-type: #ffa657;
  --psm-hl-attr: #79c0ff; --psm-hl-meta: #8b949e; --psm-hl-add: #aff5b4; --psm-hl-del: #ffdcd7;`;

export const sessionCss = `
.psm-session {${LIGHT}
  color: var(--psm-fg);
  font-family: var(--vscode-font-family, system-ui, -apple-system, "Segoe UI", sans-serif);
  font-size: var(--vscode-font-size, 14px);
  line-height: 1.5;
  /* Paths and rules of ─ have no break opportunities; they wrap rather than widen the page. */
  overflow-wrap: anywhere;
}
@media (prefers-color-scheme: dark) {
  body:not(.vscode-light):not(.vscode-high-contrast-light) .psm-session {${DARK}
  }
}
body.vscode-dark .psm-session, body.vscode-high-contrast:not(.vscode-high-contrast-light) .psm-session {${DARK}
}
.psm-session a { color: var(--psm-link); }
.psm-session code, .psm-session pre { font-family: var(--vscode-editor-font-family, ui-monospace, SFMono-Regular, Menlo, Consolas, monospace); font-size: 0.92em; }
.psm-session pre { background: var(--psm-code-bg); padding: 8px 10px; border-radius: 6px; overflow-x: auto; white-space: pre-wrap; overflow-wrap: anywhere; margin: 6px 0; }
.psm-session :not(pre) > code { background: var(--psm-code-bg); padding: 0 4px; border-radius: 4px; }
.psm-session-header { border-bottom: 1px solid var(--psm-border); padding-bottom: 8px; margin-bottom: 12px; }
.psm-session-title { font-size: 1.4em; margin: 0 0 8px; word-break: break-word; }
.psm-stats { display: grid; grid-template-columns: repeat(auto-fill, minmax(220px, 1fr)); gap: 4px 16px; margin: 0; }
.psm-stat dt { color: var(--psm-muted); font-size: 0.85em; }
.psm-stat dd { margin: 0; word-break: break-word; }
.psm-tree-nav { border: 1px solid var(--psm-border); border-radius: 6px; padding: 6px 10px; margin-bottom: 12px; background: var(--psm-card); }
.psm-tree-nav-title { font-weight: 600; margin-bottom: 4px; }
.psm-branch-list { margin: 0; padding-left: 20px; }
.psm-branch-meta { color: var(--psm-muted); font-size: 0.85em; margin-left: 6px; }
.psm-branch-selected > .psm-branch-link { font-weight: 600; }
.psm-off-branch { display: none !important; }
.psm-entry { margin: 10px 0; scroll-margin-top: 12px; }
.psm-message { border: 1px solid var(--psm-border); border-radius: 8px; padding: 8px 12px; }
.psm-role-user { background: var(--psm-user-bg); }
.psm-role-toolresult, .psm-role-bashexecution, .psm-custom { background: var(--psm-card); }
article.psm-custom { border: 1px solid var(--psm-border); border-radius: 8px; padding: 8px 12px; }
.psm-entry-head { display: flex; flex-wrap: wrap; align-items: baseline; gap: 4px 8px; font-size: 0.85em; color: var(--psm-muted); }
.psm-role { font-weight: 600; color: var(--psm-fg); }
.psm-time { margin-left: auto; }
.psm-marker .psm-time { margin-left: 8px; }
.psm-label { background: var(--psm-label-bg); color: var(--psm-label-fg); border-radius: 10px; padding: 0 8px; font-size: 0.85em; }
.psm-badge { border-radius: 10px; padding: 0 6px; font-size: 0.8em; border: 1px solid currentColor; }
.psm-badge-error { color: var(--psm-error); }
.psm-badge-pending { color: var(--psm-warn); }
.psm-markdown > :first-child { margin-top: 4px; }
.psm-markdown > :last-child { margin-bottom: 4px; }
.psm-markdown table { border-collapse: collapse; }
.psm-markdown th, .psm-markdown td { border: 1px solid var(--psm-border); padding: 2px 8px; }
.psm-markdown blockquote { margin: 4px 0; padding-left: 10px; border-left: 3px solid var(--psm-border); color: var(--psm-muted); }
.psm-raw-html { color: var(--psm-muted); }
.psm-session details > summary { cursor: pointer; }
.psm-thinking, .psm-tool, .psm-skill { border-left: 3px solid var(--psm-border); padding: 2px 0 2px 10px; margin: 6px 0; }
.psm-thinking > summary { color: var(--psm-muted); font-style: italic; }
.psm-thinking-body { color: var(--psm-muted); }
.psm-tool > summary { font-size: 0.95em; }
.psm-tool-name { font-weight: 600; font-family: var(--vscode-editor-font-family, ui-monospace, monospace); }
.psm-tool-error { border-left-color: var(--psm-error); }
.psm-tool-result { margin-top: 6px; }
.psm-tool-result-head { font-size: 0.85em; color: var(--psm-muted); }
.psm-tool-error .psm-tool-result-head, .psm-tool-error > .psm-output { color: var(--psm-error); }
.psm-tool-note { font-size: 0.85em; color: var(--psm-muted); margin: 2px 0; }
.psm-output { max-height: 32em; overflow-y: auto; }
.file-link, .psm-path { font-family: var(--vscode-editor-font-family, ui-monospace, monospace); overflow-wrap: anywhere; }
.file-link[role="link"] { cursor: pointer; text-decoration: underline dotted; color: var(--psm-link); }
.psm-session :focus-visible { outline: 2px solid var(--vscode-focusBorder, var(--psm-link)); outline-offset: 1px; }
.psm-diff-line { display: block; }
.psm-diff-add { background: var(--psm-add-bg); }
.psm-diff-del { background: var(--psm-del-bg); }
.psm-stop { margin-top: 6px; font-size: 0.9em; }
.psm-stop-error { color: var(--psm-error); }
.psm-stop-aborted, .psm-stop-length { color: var(--psm-warn); }
.psm-marker { font-size: 0.85em; color: var(--psm-muted); border-top: 1px dashed var(--psm-border); padding-top: 4px; }
.psm-marker-body { color: var(--psm-fg); font-size: 1.1em; }
.psm-marker-unknown { color: var(--psm-warn); }
.psm-context-edit { margin-top: 6px; font-size: 0.85em; color: var(--psm-warn); }
.psm-context-replacement { color: var(--psm-fg); }
.psm-system-section, .psm-system-tool { margin: 4px 0 4px 12px; }
.psm-marker-usage .psm-cost { font-variant-numeric: tabular-nums; }
.psm-hidden-message { font-size: 0.9em; color: var(--psm-muted); }
.psm-image img { max-width: 100%; max-height: 480px; border: 1px solid var(--psm-border); border-radius: 4px; }
.psm-image { margin: 6px 0; }
.psm-image-blocked { font-size: 0.85em; color: var(--psm-warn); }
.psm-session .hljs { background: transparent; color: var(--psm-fg); }
.psm-session .hljs-keyword, .psm-session .hljs-selector-tag, .psm-session .hljs-literal, .psm-session .hljs-doctag { color: var(--psm-hl-keyword); }
.psm-session .hljs-string, .psm-session .hljs-regexp, .psm-session .hljs-char { color: var(--psm-hl-string); }
.psm-session .hljs-number, .psm-session .hljs-symbol, .psm-session .hljs-variable, .psm-session .hljs-template-variable { color: var(--psm-hl-number); }
.psm-session .hljs-comment, .psm-session .hljs-quote { color: var(--psm-hl-comment); font-style: italic; }
.psm-session .hljs-title, .psm-session .hljs-section, .psm-session .hljs-name { color: var(--psm-hl-title); }
.psm-session .hljs-type, .psm-session .hljs-built_in, .psm-session .hljs-class, .psm-session .hljs-params { color: var(--psm-hl-type); }
.psm-session .hljs-attr, .psm-session .hljs-attribute, .psm-session .hljs-property, .psm-session .hljs-selector-class, .psm-session .hljs-selector-id { color: var(--psm-hl-attr); }
.psm-session .hljs-meta, .psm-session .hljs-tag, .psm-session .hljs-subst { color: var(--psm-hl-meta); }
.psm-session .hljs-addition { color: var(--psm-hl-add); background: var(--psm-add-bg); }
.psm-session .hljs-deletion { color: var(--psm-hl-del); background: var(--psm-del-bg); }
.psm-session .hljs-emphasis { font-style: italic; }
.psm-session .hljs-strong { font-weight: 600; }
`;
