import type { AssistantMessage, BranchSummaryEntry, CompactionEntry, MessageEntry, ModelChangeEntry, ParsedSession, SessionEntry, ThinkingLevelChangeEntry } from '../../shared/model/entries';

/**
 * The entry tree of a parsed session and the LLM context at a leaf, following pi's
 * `buildSessionContext` (pi-format.md §2.7).
 */

export function entriesById(entries: readonly SessionEntry[]): Map<string, SessionEntry> {
  const byId = new Map<string, SessionEntry>();
  for (const entry of entries) byId.set(entry.id, entry);
  return byId;
}

/** Children of each entry id, in file order; roots (null, self or missing parent) under `null`. */
export function childrenByParent(entries: readonly SessionEntry[]): Map<string | null, SessionEntry[]> {
  const byId = entriesById(entries);
  const children = new Map<string | null, SessionEntry[]>();
  for (const entry of entries) {
    const parent = entry.parentId !== null && entry.parentId !== entry.id && byId.has(entry.parentId) ? entry.parentId : null;
    let list = children.get(parent);
    if (!list) {
      list = [];
      children.set(parent, list);
    }
    list.push(entry);
  }
  return children;
}

/** Entries from the root down to `leafId`; stops at a cycle instead of looping. */
export function branchPath(byId: ReadonlyMap<string, SessionEntry>, leafId: string | null): SessionEntry[] {
  const path: SessionEntry[] = [];
  const visited = new Set<string>();
  let current = leafId === null ? undefined : byId.get(leafId);
  while (current && !visited.has(current.id)) {
    visited.add(current.id);
    path.push(current);
    current = current.parentId === null ? undefined : byId.get(current.parentId);
  }
  return path.reverse();
}

/** One message of the context: a stored entry, or the summary a compaction stands for. */
export interface ContextItem {
  kind: 'message' | 'custom_message' | 'branch_summary' | 'compaction_summary';
  entry: SessionEntry;
}

export interface SessionContext {
  /** Root-to-leaf entries. */
  path: SessionEntry[];
  messages: ContextItem[];
  /** `provider/model`, from the last model change or assistant message on the path. */
  model: string | null;
  /** pi's default is `off`. */
  thinkingLevel: string;
}

function asContextItem(entry: SessionEntry): ContextItem | null {
  if (entry.type === 'message') return { kind: 'message', entry };
  if (entry.type === 'custom_message') return { kind: 'custom_message', entry };
  if (entry.type === 'branch_summary' && (entry as BranchSummaryEntry).summary) return { kind: 'branch_summary', entry };
  return null;
}

/**
 * What pi would send to the model at `leafId` (default: the file's leaf). With a compaction
 * on the path: its summary, the entries from `firstKeptEntryId` up to it, then those after it.
 */
export function buildContext(parsed: ParsedSession, leafId: string | null = parsed.leafId): SessionContext {
  const path = branchPath(entriesById(parsed.entries), leafId);
  let thinkingLevel = 'off';
  let model: string | null = null;
  let compactionIndex = -1;
  path.forEach((entry, i) => {
    if (entry.type === 'thinking_level_change') {
      thinkingLevel = String((entry as ThinkingLevelChangeEntry).thinkingLevel);
    } else if (entry.type === 'model_change') {
      const e = entry as ModelChangeEntry;
      model = `${e.provider}/${e.modelId}`;
    } else if (entry.type === 'message' && (entry as MessageEntry).message?.role === 'assistant') {
      const m = (entry as MessageEntry).message as AssistantMessage;
      model = `${m.provider}/${m.model}`;
    } else if (entry.type === 'compaction') {
      compactionIndex = i;
    }
  });
  const messages: ContextItem[] = [];
  const push = (entry: SessionEntry): void => {
    const item = asContextItem(entry);
    if (item) messages.push(item);
  };
  if (compactionIndex >= 0) {
    const compaction = path[compactionIndex] as CompactionEntry;
    messages.push({ kind: 'compaction_summary', entry: compaction });
    let kept = false;
    for (let i = 0; i < compactionIndex; i++) {
      if (path[i].id === compaction.firstKeptEntryId) kept = true;
      if (kept) push(path[i]);
    }
    for (let i = compactionIndex + 1; i < path.length; i++) push(path[i]);
  } else {
    for (const entry of path) push(entry);
  }
  // pi 1.6 context edits on this branch: `replacement: null` takes the target out of the context.
  const hidden = new Set<string>();
  for (const entry of path) {
    if (entry.type !== 'context_edit' || typeof entry.targetId !== 'string') continue;
    if (entry.replacement === null) hidden.add(entry.targetId);
    else hidden.delete(entry.targetId);
  }
  if (hidden.size > 0) return { path, messages: messages.filter((m) => !hidden.has(m.entry.id)), model, thinkingLevel };
  return { path, messages, model, thinkingLevel };
}
