import type { ContextEditEntry, SessionEntry, SystemMessage, UsageEntry } from '../model/entries';
import { l10n } from '../l10n';
import { usageCost, usageTokens } from '../rules/usage';
import { isMessageEntry, roleOf } from './content';
import { formatCost, formatTokens } from './format';

/*
 * Plain-text facts about what pi 1.6 writes besides the conversation (system prompt
 * checkpoints, billed work, context edits), worded once for the viewer and the exports.
 * Callers escape the text for their format.
 */

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A system message's sections, in file order; a `null` value means the section was removed. */
export function systemSections(message: SystemMessage): Array<[name: string, text: string | null]> {
  if (!isObject(message.sections)) return [];
  return Object.entries(message.sections).map(([name, text]) => [name, typeof text === 'string' ? text : null]);
}

export interface ToolFact {
  name: string;
  description: string;
  parameters: unknown;
}

function toolList(value: unknown): ToolFact[] {
  if (!Array.isArray(value)) return [];
  return value.filter(isObject).map((tool) => ({
    name: typeof tool.name === 'string' ? tool.name : '?',
    description: typeof tool.description === 'string' ? tool.description : '',
    parameters: tool.parameters,
  }));
}

export function systemToolsAdded(message: SystemMessage): ToolFact[] {
  return toolList(message.toolsAdded);
}

export function systemToolsRemoved(message: SystemMessage): string[] {
  return toolList(message.toolsRemoved).map((t) => t.name);
}

/**
 * The one-line title of a system message. The first one of a session holds the whole prompt;
 * each later one is a patch (pi writes only what changed), so it reads as a change.
 */
export function systemTitle(message: SystemMessage, isPatch: boolean): string {
  const sections = systemSections(message);
  const added = systemToolsAdded(message).map((t) => t.name);
  const removed = systemToolsRemoved(message);
  if (!isPatch) {
    const sectionCount = sections.length === 1 ? l10n.t('1 section') : l10n.t('{0} sections', sections.length);
    const toolCount = added.length === 1 ? l10n.t('1 tool') : l10n.t('{0} tools', added.length);
    return l10n.t('System prompt · {0} · {1}', sectionCount, toolCount);
  }
  const changes: string[] = [];
  if (added.length || removed.length) changes.push(l10n.t('tools {0}', [...added.map((n) => `+${n}`), ...removed.map((n) => `−${n}`)].join(' ')));
  const changed = sections.filter(([, text]) => text !== null).map(([name]) => name);
  const dropped = sections.filter(([, text]) => text === null).map(([name]) => `−${name}`);
  if (changed.length || dropped.length) changes.push(l10n.t('sections {0}', [...changed, ...dropped].join(', ')));
  return changes.length ? l10n.t('Prompt changed: {0}', changes.join(' · ')) : l10n.t('Prompt changed');
}

/** Ids of the system messages after the first one among `entries` (display order): patches. */
export function systemPatchIds(entries: readonly SessionEntry[]): Set<string> {
  const patches = new Set<string>();
  let seenFirst = false;
  for (const entry of entries) {
    if (!isMessageEntry(entry) || roleOf(entry) !== 'system') continue;
    if (seenFirst) patches.add(entry.id);
    seenFirst = true;
  }
  return patches;
}

/** `cache warm · $0.0900`: what a `usage` entry was for and what it cost. */
export function usageEntryTitle(entry: UsageEntry): string {
  const kind = typeof entry.kind === 'string' && entry.kind ? entry.kind.replace(/_/g, ' ') : l10n.t('model work');
  return `${kind} · ${formatCost(usageCost(entry.usage))}`;
}

/** Model and tokens of a `usage` entry, for a line beside its title. */
export function usageEntryDetail(entry: UsageEntry): string {
  const model = typeof entry.provider === 'string' && typeof entry.model === 'string' ? `${entry.provider}/${entry.model}` : '';
  return [model, formatTokens(usageTokens(entry.usage)), typeof entry.note === 'string' ? entry.note : ''].filter(Boolean).join(' · ');
}

/** ` · $0.0015` for a compaction or branch summary that records what its summary call cost. */
export function summaryCostSuffix(usage: unknown): string {
  if (!isObject(usage)) return '';
  return ` · ${l10n.t('summary cost {0}', formatCost(usageCost(usage)))}`;
}

export function isContextEdit(entry: SessionEntry): entry is ContextEditEntry {
  return entry.type === 'context_edit' && typeof entry.targetId === 'string';
}

/** What a context edit does to its target, in pi's terms. */
export function contextEditEffect(edit: ContextEditEntry): string {
  return isObject(edit.replacement) ? l10n.t('replaced for the model') : l10n.t('hidden from the model');
}

/** Target id → the edit in force: the latest one in `entries` (display order) wins, as in pi. */
export function latestContextEdits(entries: readonly SessionEntry[]): Map<string, ContextEditEntry> {
  const edits = new Map<string, ContextEditEntry>();
  for (const entry of entries) if (isContextEdit(entry)) edits.set(entry.targetId, entry);
  return edits;
}
