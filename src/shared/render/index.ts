/**
 * The session renderer shared by the VS Code viewer, the web client and the HTML export.
 * Pure functions from session data to HTML strings: no DOM, so it runs in Node and browsers.
 */
export { escapeHtml, entryAnchor, jsonForScript } from './escape';
export { renderMarkdown, isSafeLink } from './markdown';
export { highlightCode, languageForPath, resolveLanguage } from './highlight';
export { imageDataUrl, contentBlocks, plainText, isMessageEntry, roleOf } from './content';
export { fileLink, renderDiff, renderImage } from './blocks';
export { createRenderContext, renderEntry, type RenderContext } from './entries';
export { buildTree, renderTreeNav, treeOrder, pathToNode, type SessionTree, type TreeNode, type BranchInfo, type TreeNavOptions } from './tree';
export { summarizeSession, renderSessionHeader, sessionName, summaryTitle, type SessionSummary } from './summary';
export { renderSession, renderSessionParts, type RenderSessionOptions, type RenderedSession } from './session';
export { formatCost, formatCount, formatTimestamp, formatTokens } from './format';
export { sessionCss } from './css';
