import type { ParsedSession, SessionEntry } from '../model/entries';
import type { SessionInfo } from '../model/sessionInfo';
import { attrs } from './escape';
import { createRenderContext, renderEntry } from './entries';
import { renderSessionHeader, type SessionSummary, summarizeSession } from './summary';
import { buildTree, renderTreeNav, type SessionTree, treeOrder } from './tree';

export interface RenderSessionOptions {
  /** Leaf of the branch to show; defaults to the session's leaf (the last entry). */
  leafId?: string | null;
  /**
   * `branch`: only the entries from the root to the leaf. `tree`: every entry in depth-first
   * order, those off the selected branch marked `psm-off-branch` (hidden by sessionCss), so
   * a host can switch branches by toggling classes without rendering again.
   */
  mode?: 'branch' | 'tree';
  /** Header with statistics (default true). */
  header?: boolean;
  /** Branch navigator (default: when the session has more than one branch). */
  treeNav?: boolean;
  /** Index data for the header (name, totals); computed from the entries without it. */
  info?: SessionInfo | null;
}

export interface RenderedSession {
  header: string;
  treeNav: string;
  conversation: string;
  tree: SessionTree;
  summary: SessionSummary;
  /** Entries in the order they were rendered. */
  entries: SessionEntry[];
}

/** Rendered parts, for hosts that lay them out themselves. */
export function renderSessionParts(parsed: ParsedSession, options: RenderSessionOptions = {}): RenderedSession {
  const tree = buildTree(parsed, options.leafId ?? parsed.leafId);
  const onBranch = new Set(tree.currentBranchIds);
  const nodes = options.mode === 'tree' ? treeOrder(tree) : tree.currentBranchIds.map((k) => tree.nodes.get(k)!);
  const entries = nodes.map((n) => n.entry);
  const ctx = createRenderContext(entries, parsed.labels ?? {});
  if (options.mode === 'tree') {
    const offIds = new Set(nodes.filter((n) => !onBranch.has(n.key)).map((n) => n.entry.id));
    ctx.isOffBranch = (id) => offIds.has(id);
  }
  const conversation = entries
    .map((entry) => renderEntry(entry, ctx))
    .filter((html) => html !== '')
    .join('\n');
  const summary = summarizeSession(parsed, options.info, tree.branches.length);
  const showNav = options.treeNav ?? tree.hasBranches;
  return {
    header: options.header === false ? '' : renderSessionHeader(summary),
    treeNav: showNav ? renderTreeNav(tree) : '',
    conversation: `<div${attrs({ class: 'psm-conversation', 'data-leaf-id': tree.leafId })}>${conversation}</div>`,
    tree,
    summary,
    entries,
  };
}

/** The whole session as one HTML fragment (header, branch navigator, conversation). */
export function renderSession(parsed: ParsedSession, options: RenderSessionOptions = {}): string {
  const parts = renderSessionParts(parsed, options);
  return (
    `<div${attrs({ class: 'psm-session', 'data-session-id': parsed.header.id, 'data-leaf-id': parts.tree.leafId })}>` +
    parts.header +
    parts.treeNav +
    parts.conversation +
    `</div>`
  );
}
