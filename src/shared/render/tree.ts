import type { ParsedSession, SessionEntry } from '../model/entries';
import { l10n } from '../l10n';
import { attrs, entryAnchor, escapeHtml } from './escape';
import { contentBlocks, isMessageEntry, plainText, roleOf } from './content';
import { formatTimestamp, oneLine } from './format';

export interface TreeNode {
  /** Unique key: the entry id, or `id#n` for the n-th duplicate of an id. */
  key: string;
  entry: SessionEntry;
  parent: TreeNode | null;
  children: TreeNode[];
  /** How many branch points lie above this node (0 on a linear session). */
  level: number;
  onCurrentBranch: boolean;
}

export interface BranchInfo {
  leafId: string;
  /** Entry keys from the root to the leaf. */
  entryIds: string[];
  /** Last entry shared with the current branch; null for the current branch itself. */
  forkFromId: string | null;
  title: string;
  isCurrent: boolean;
  messageCount: number;
  timestamp: string;
}

export interface SessionTree {
  roots: TreeNode[];
  nodes: Map<string, TreeNode>;
  /** The leaf of the current branch (the last entry in the file unless chosen). */
  leafId: string | null;
  /** Entry keys from the root to the leaf. */
  currentBranchIds: string[];
  /** One per leaf, in file order of the leaves. */
  branches: BranchInfo[];
  hasBranches: boolean;
}

function timeOf(entry: SessionEntry): number {
  const t = Date.parse(entry.timestamp);
  return Number.isNaN(t) ? Number.POSITIVE_INFINITY : t;
}

/** Root → node keys, guarding against parent cycles in damaged files. */
export function pathToNode(node: TreeNode): string[] {
  const path: string[] = [];
  const seen = new Set<string>();
  for (let n: TreeNode | null = node; n && !seen.has(n.key); n = n.parent) {
    seen.add(n.key);
    path.push(n.key);
  }
  return path.reverse();
}

/**
 * The entry tree as pi builds it: children sorted by timestamp, orphans and self-parents
 * as roots. Entries caught in a parent cycle also become roots, so nothing is lost.
 */
export function buildTree(parsed: Pick<ParsedSession, 'entries' | 'leafId'>, leafId: string | null = parsed.leafId): SessionTree {
  const nodes = new Map<string, TreeNode>();
  const order = new Map<TreeNode, number>();
  const list: TreeNode[] = [];
  parsed.entries.forEach((entry, index) => {
    const id = typeof entry.id === 'string' ? entry.id : String(index);
    let key = id;
    for (let n = 2; nodes.has(key); n++) key = `${id}#${n}`;
    const node: TreeNode = { key, entry, parent: null, children: [], level: 0, onCurrentBranch: false };
    nodes.set(key, node);
    order.set(node, index);
    list.push(node);
  });
  const roots: TreeNode[] = [];
  for (const node of list) {
    const parentId = node.entry.parentId;
    const parent = typeof parentId === 'string' && parentId !== node.entry.id ? nodes.get(parentId) : undefined;
    if (parent && parent !== node) {
      node.parent = parent;
      parent.children.push(node);
    } else {
      roots.push(node);
    }
  }
  const byTime = (a: TreeNode, b: TreeNode) => timeOf(a.entry) - timeOf(b.entry) || order.get(a)! - order.get(b)!;
  for (const node of list) node.children.sort(byTime);

  // Levels by iterative walk (chains can be thousands deep); unreached nodes are in cycles.
  const reached = new Set<TreeNode>();
  const walk = (start: TreeNode[]) => {
    const stack = [...start].reverse();
    while (stack.length) {
      const node = stack.pop()!;
      if (reached.has(node)) continue;
      reached.add(node);
      const childLevel = node.level + (node.children.length > 1 ? 1 : 0);
      for (let i = node.children.length - 1; i >= 0; i--) {
        const child = node.children[i]!;
        child.level = childLevel;
        stack.push(child);
      }
    }
  };
  walk(roots);
  for (const node of list) {
    if (reached.has(node)) continue;
    if (node.parent) node.parent.children = node.parent.children.filter((c) => c !== node);
    node.parent = null;
    roots.push(node);
    walk([node]);
  }

  const leafNode = (leafId !== null && nodes.get(leafId)) || list[list.length - 1] || null;
  const currentBranchIds = leafNode ? pathToNode(leafNode) : [];
  const current = new Set(currentBranchIds);
  for (const key of currentBranchIds) nodes.get(key)!.onCurrentBranch = true;

  const leaves = list.filter((n) => n.children.length === 0);
  if (leafNode && !leaves.includes(leafNode)) leaves.push(leafNode);
  const branches = leaves.map((leaf) => describeBranch(leaf, nodes, current, leaf === leafNode));
  return {
    roots,
    nodes,
    leafId: leafNode?.key ?? null,
    currentBranchIds,
    branches,
    hasBranches: branches.length > 1,
  };
}

function describeBranch(leaf: TreeNode, nodes: Map<string, TreeNode>, current: Set<string>, isCurrent: boolean): BranchInfo {
  const entryIds = pathToNode(leaf);
  let forkIndex = -1;
  if (!isCurrent) {
    for (let i = 0; i < entryIds.length && current.has(entryIds[i]!); i++) forkIndex = i;
  }
  const ownPart = entryIds.slice(forkIndex + 1).map((k) => nodes.get(k)!.entry);
  const firstUser = ownPart.find((e) => roleOf(e) === 'user') ?? entryIds.map((k) => nodes.get(k)!.entry).reverse().find((e) => roleOf(e) === 'user');
  const title = firstUser && isMessageEntry(firstUser) ? oneLine(plainText(contentBlocks((firstUser.message as { content?: unknown }).content)), 80) : '';
  return {
    leafId: leaf.key,
    entryIds,
    forkFromId: isCurrent || forkIndex < 0 ? null : entryIds[forkIndex]!,
    title: title || `${leaf.entry.type} ${leaf.key}`,
    isCurrent,
    messageCount: entryIds.filter((k) => nodes.get(k)!.entry.type === 'message').length,
    timestamp: leaf.entry.timestamp,
  };
}

/** Every node in depth-first pre-order: each branch reads top to bottom in this order. */
export function treeOrder(tree: SessionTree): TreeNode[] {
  const out: TreeNode[] = [];
  const stack = [...tree.roots].reverse();
  const seen = new Set<TreeNode>();
  while (stack.length) {
    const node = stack.pop()!;
    if (seen.has(node)) continue;
    seen.add(node);
    out.push(node);
    for (let i = node.children.length - 1; i >= 0; i--) stack.push(node.children[i]!);
  }
  return out;
}

export interface TreeNavOptions {
  /** The branch shown as selected; defaults to the current branch. */
  selectedLeafId?: string | null;
}

/**
 * The branch navigator: one link per branch (leaf). Links carry `data-leaf-id` for hosts and
 * an `#entry-…` fragment so they also work as plain anchors.
 */
export function renderTreeNav(tree: SessionTree, options: TreeNavOptions = {}): string {
  const selected = options.selectedLeafId ?? tree.leafId;
  const items = tree.branches.map((b) => {
    const classes = ['psm-branch', b.isCurrent ? 'psm-branch-current' : '', b.leafId === selected ? 'psm-branch-selected' : '']
      .filter(Boolean)
      .join(' ');
    const fork = ` · ${escapeHtml(b.forkFromId ? l10n.t('from {0}', b.forkFromId) : l10n.t('current'))}`;
    return (
      `<li${attrs({ class: classes, 'data-leaf-id': b.leafId })}>` +
      `<a${attrs({ class: 'psm-branch-link', href: `#${entryAnchor(b.leafId)}`, 'data-leaf-id': b.leafId })}>${escapeHtml(b.title)}</a>` +
      `<span class="psm-branch-meta">${escapeHtml(l10n.t('{0} messages', b.messageCount))}${fork} · ${escapeHtml(formatTimestamp(b.timestamp))}</span>` +
      `</li>`
    );
  });
  return (
    `<nav class="psm-tree-nav" aria-label="${escapeHtml(l10n.t('Branches'))}">` +
    `<div class="psm-tree-nav-title">${escapeHtml(l10n.t('Branches ({0})', tree.branches.length))}</div>` +
    `<ol class="psm-branch-list">${items.join('')}</ol></nav>`
  );
}
