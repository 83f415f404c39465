import { l10n } from '../l10n';
import type {
  AssistantMessage,
  BashExecutionMessage,
  ContextEditEntry,
  MessageEntry,
  SessionEntry,
  SystemMessage,
  ThinkingBlock,
  ToolCallBlock,
  ToolResultMessage,
  UsageEntry,
} from '../model/entries';
import { attrs, entryAnchor, escapeHtml } from './escape';
import { fileLink, renderContent, renderJson, renderPre, renderUnknownBlock } from './blocks';
import { classToken, contentBlocks, isMessageEntry, isTextBlock, roleOf } from './content';
import { formatCost, formatCount, formatTimestamp, formatTokens, isoTimestamp, oneLine } from './format';
import { usageCost, usageTokens } from '../rules/usage';
import { renderMarkdown } from './markdown';
import { renderToolCall, renderToolResultBody } from './tools';
import {
  contextEditEffect,
  isContextEdit,
  latestContextEdits,
  summaryCostSuffix,
  systemPatchIds,
  systemSections,
  systemTitle,
  systemToolsAdded,
  usageEntryDetail,
  usageEntryTitle,
} from './entryFacts';

/** What rendering one entry needs to know about the others. */
export interface RenderContext {
  /** Resolved labels: target entry id → label. */
  labels: Record<string, string>;
  /** toolCallId → its toolResult entry, among the entries being rendered. */
  toolResults: Map<string, MessageEntry>;
  /** Result entries already shown inside their tool call; they are not rendered again. */
  embeddedResults: Set<string>;
  /** Entries not on the branch being shown get the `psm-off-branch` class. */
  isOffBranch?: (entryId: string) => boolean;
  /** Target id → the context edit in force; the target shows what the model saw instead. */
  contextEdits: Map<string, ContextEditEntry>;
  /** System messages after the first: patches of the prompt, shown as changes. */
  systemPatches: Set<string>;
}

/** A context for rendering `entries` (pass the same list, in display order, to renderEntry). */
export function createRenderContext(entries: readonly SessionEntry[], labels: Record<string, string> = {}): RenderContext {
  const toolResults = new Map<string, MessageEntry>();
  for (const entry of entries) {
    if (!isMessageEntry(entry) || roleOf(entry) !== 'toolResult') continue;
    const callId = (entry.message as ToolResultMessage).toolCallId;
    if (typeof callId === 'string' && !toolResults.has(callId)) toolResults.set(callId, entry);
  }
  return { labels, toolResults, embeddedResults: new Set(), contextEdits: latestContextEdits(entries), systemPatches: systemPatchIds(entries) };
}

/** The note on an entry whose model-facing content a context edit changed; '' without one. */
export function contextEditNote(targetId: string, ctx: RenderContext): string {
  const edit = ctx.contextEdits.get(targetId);
  if (!edit) return '';
  const ref = `<a${attrs({ class: 'psm-entry-ref', href: `#${entryAnchor(edit.id)}`, 'data-target-id': edit.id })}>${escapeHtml(contextEditEffect(edit))}</a>`;
  if (!edit.replacement || typeof edit.replacement !== 'object') {
    return `<div${attrs({ class: 'psm-context-edit psm-context-hidden', 'data-context-edit': edit.id })}>✂ ${ref}</div>`;
  }
  // The summary is a control already: the link to the edit goes in the fold, not in it.
  return (
    `<details${attrs({ class: 'psm-context-edit psm-context-replaced', 'data-context-edit': edit.id })}><summary>✎ ${escapeHtml(contextEditEffect(edit))}</summary>` +
    `<div class="psm-tool-note">${ref}</div><div class="psm-context-replacement">${renderContent(edit.replacement.content, 'pre', l10n.t('What the model saw instead'))}</div></details>`
  );
}

function entryId(entry: SessionEntry): string {
  return typeof entry.id === 'string' ? entry.id : '';
}

/**
 * One entry's element. Messages are `<article>`s named by who wrote them and when, so a
 * screen reader can list and jump between them; markers are plain `<div>`s.
 */
function wrap(tag: 'article' | 'div', entry: SessionEntry, classes: string[], inner: string, ctx: RenderContext, extra: Record<string, string | undefined> = {}, name?: string): string {
  const id = entryId(entry);
  const type = typeof entry.type === 'string' ? entry.type : 'unknown';
  const cls = ['psm-entry', `psm-entry-${classToken(type)}`, ...classes];
  if (ctx.isOffBranch?.(id)) cls.push('psm-off-branch');
  const edited = contextEditNote(id, ctx);
  if (edited) cls.push('psm-context-edited');
  const label = tag === 'article' && name ? l10n.t('{0}, {1}', name, formatTimestamp(entry.timestamp)) : undefined;
  return `<${tag}${attrs({ class: cls.join(' '), id: entryAnchor(id), 'data-entry-id': id, 'data-entry-type': type, 'aria-label': label, ...extra })}>${inner}${edited}</${tag}>`;
}

function labelBadge(entry: SessionEntry, ctx: RenderContext): string {
  const label = ctx.labels[entryId(entry)];
  return label ? ` <span${attrs({ class: 'psm-label', 'data-label': label })}>🏷 ${escapeHtml(label)}</span>` : '';
}

function timeTag(entry: SessionEntry): string {
  const iso = isoTimestamp(entry.timestamp);
  return `<time${attrs({ class: 'psm-time', datetime: iso })}>${escapeHtml(formatTimestamp(entry.timestamp))}</time>`;
}

function head(entry: SessionEntry, ctx: RenderContext, titleHtml: string, metaHtml = ''): string {
  return `<div class="psm-entry-head"><span class="psm-role">${titleHtml}</span>${labelBadge(entry, ctx)}${metaHtml ? ` <span class="psm-meta">${metaHtml}</span>` : ''} ${timeTag(entry)}</div>`;
}

/** `/skill:name` messages start with a `<skill …>` block; show it folded, then the user text. */
const SKILL_BLOCK = /^<skill name="([^"]*)" location="([^"]*)">\n([\s\S]*?)\n<\/skill>(?:\n\n([\s\S]*))?$/;

function renderUserContent(content: unknown): string {
  if (typeof content === 'string') {
    const skill = SKILL_BLOCK.exec(content);
    if (skill) {
      return (
        `<details class="psm-skill"><summary>${l10n.html('Skill {0}', `<code>${escapeHtml(skill[1])}</code>`)}</summary>` +
        `<div class="psm-tool-note">${fileLink(skill[2] ?? '')}</div><div class="psm-markdown">${renderMarkdown(skill[3] ?? '')}</div></details>` +
        (skill[4] ? `<div class="psm-text psm-markdown">${renderMarkdown(skill[4])}</div>` : '')
      );
    }
  }
  return renderContent(content, 'markdown');
}

function renderUser(entry: MessageEntry, ctx: RenderContext): string {
  const message = entry.message as { content?: unknown };
  return wrap('article', entry, ['psm-message', 'psm-role-user'], head(entry, ctx, escapeHtml(l10n.t('User'))) + `<div class="psm-body">${renderUserContent(message.content)}</div>`, ctx, { 'data-role': 'user' }, l10n.t('User message'));
}

function renderThinking(block: ThinkingBlock): string {
  if (block.redacted) return `<details class="psm-thinking psm-thinking-redacted"><summary>${escapeHtml(l10n.t('Thinking (redacted)'))}</summary></details>`;
  const text = typeof block.thinking === 'string' ? block.thinking : '';
  return `<details class="psm-thinking"><summary>${escapeHtml(l10n.t('Thinking'))}</summary><div class="psm-thinking-body psm-markdown">${renderMarkdown(text)}</div></details>`;
}

function assistantMeta(message: AssistantMessage): string {
  const parts: string[] = [];
  if (typeof message.model === 'string') {
    const model = typeof message.provider === 'string' ? `${message.provider}/${message.model}` : message.model;
    parts.push(`<span class="psm-model">${escapeHtml(model)}</span>`);
  }
  if (message.usage && typeof message.usage === 'object') {
    const tokens = usageTokens(message.usage);
    parts.push(`<span${attrs({ class: 'psm-usage', 'data-tokens-total': tokens.total, title: l10n.t('{0} tokens', formatCount(tokens.total)) })}>${escapeHtml(formatTokens(tokens))}</span>`);
    const cost = usageCost(message.usage);
    if (cost > 0) parts.push(`<span${attrs({ class: 'psm-cost', 'data-cost': cost })}>${escapeHtml(formatCost(cost))}</span>`);
  }
  return parts.join(' · ');
}

function stopNotice(message: AssistantMessage): string {
  const reason = message.stopReason;
  const detail = typeof message.errorMessage === 'string' && message.errorMessage ? `: ${escapeHtml(message.errorMessage)}` : '';
  if (reason === 'error') return `<div class="psm-stop psm-stop-error" role="note">${escapeHtml(l10n.t('Error'))}${detail}</div>`;
  if (reason === 'aborted') return `<div class="psm-stop psm-stop-aborted" role="note">${escapeHtml(l10n.t('Aborted'))}${detail}</div>`;
  if (reason === 'length') return `<div class="psm-stop psm-stop-length" role="note">${escapeHtml(l10n.t('Stopped at the output length limit'))}</div>`;
  return detail ? `<div class="psm-stop psm-stop-error" role="note">${escapeHtml(l10n.t('Error'))}${detail}</div>` : '';
}

function renderAssistant(entry: MessageEntry, ctx: RenderContext): string {
  const message = entry.message as AssistantMessage;
  const body = contentBlocks(message.content)
    .map((block) => {
      if (isTextBlock(block)) return `<div class="psm-text psm-markdown">${renderMarkdown(block.text)}</div>`;
      if (block.type === 'thinking') return renderThinking(block as ThinkingBlock);
      if (block.type === 'toolCall') {
        const call = block as ToolCallBlock;
        const result = typeof call.id === 'string' ? ctx.toolResults.get(call.id) : undefined;
        if (result) ctx.embeddedResults.add(entryId(result));
        return renderToolCall(call, result, result ? contextEditNote(entryId(result), ctx) : '');
      }
      return renderUnknownBlock(block);
    })
    .join('');
  const stopClass = message.stopReason === 'error' || message.stopReason === 'aborted' ? [`psm-stopped-${message.stopReason}`] : [];
  return wrap('article', entry, ['psm-message', 'psm-role-assistant', ...stopClass], head(entry, ctx, escapeHtml(l10n.t('Assistant')), assistantMeta(message)) + `<div class="psm-body">${body}${stopNotice(message)}</div>`, ctx, { 'data-role': 'assistant' }, l10n.t('Assistant message'));
}

function renderToolResultEntry(entry: MessageEntry, ctx: RenderContext): string {
  const message = entry.message as ToolResultMessage;
  const isError = message.isError === true;
  const name = typeof message.toolName === 'string' ? message.toolName : 'tool';
  // pi 1.6: a tool's own model calls are billed on its result.
  const cost = message.usage && typeof message.usage === 'object' ? usageCost(message.usage) : 0;
  const meta = cost > 0 ? `<span${attrs({ class: 'psm-cost', 'data-cost': cost })}>${escapeHtml(formatCost(cost))}</span>` : '';
  return wrap(
    'article',
    entry,
    ['psm-message', 'psm-role-toolresult', ...(isError ? ['psm-tool-error'] : [])],
    head(entry, ctx, `${l10n.html('Tool result {0}', `<span class="psm-tool-name">${escapeHtml(name)}</span>`)}${isError ? ` <span class="psm-badge psm-badge-error">${escapeHtml(l10n.t('error'))}</span>` : ''}`, meta) +
      `<div class="psm-body psm-tool-result">${renderToolResultBody(message)}</div>`,
    ctx,
    { 'data-role': 'toolResult', 'data-tool-call-id': typeof message.toolCallId === 'string' ? message.toolCallId : undefined },
    isError ? l10n.t('Tool result {0} (error)', name) : l10n.t('Tool result {0}', name),
  );
}

function renderBashExecution(entry: MessageEntry, ctx: RenderContext): string {
  const m = entry.message as BashExecutionMessage;
  // Each item is HTML: fixed words, numbers, or an escaped file link.
  const status: string[] = [];
  if (typeof m.exitCode === 'number') status.push(escapeHtml(l10n.t('exit {0}', m.exitCode)));
  if (m.cancelled) status.push(escapeHtml(l10n.t('cancelled')));
  if (m.truncated) status.push(escapeHtml(l10n.t('output truncated')));
  if (typeof m.fullOutputPath === 'string') status.push(l10n.html('full output: {0}', fileLink(m.fullOutputPath)));
  if (m.excludeFromContext) status.push(escapeHtml(l10n.t('not sent to the model')));
  const failed = typeof m.exitCode === 'number' && m.exitCode !== 0;
  return wrap(
    'article',
    entry,
    ['psm-message', 'psm-role-bashexecution', ...(failed ? ['psm-tool-error'] : [])],
    head(entry, ctx, escapeHtml(l10n.t('Shell'))) +
      `<div class="psm-body">${renderPre(`$ ${typeof m.command === 'string' ? m.command : ''}`, 'psm-bash-command')}` +
      (typeof m.output === 'string' && m.output ? renderPre(m.output, 'psm-output', l10n.t('Shell output')) : '') +
      (status.length ? `<div class="psm-tool-note">${status.join(' · ')}</div>` : '') +
      `</div>`,
    ctx,
    { 'data-role': 'bashExecution' },
    l10n.t('Shell command'),
  );
}

/** Extension messages (`custom_message` entries and the `custom` role); hidden ones stay folded. */
interface CustomSource {
  customType?: unknown;
  content?: unknown;
  display?: unknown;
}

function renderCustomMessage(entry: SessionEntry, source: CustomSource, ctx: RenderContext, role?: string): string {
  const type = typeof source.customType === 'string' ? source.customType : 'custom';
  const content = renderContent(source.content, 'markdown');
  const extra = role ? { 'data-role': role } : {};
  if (source.display === false) {
    return wrap('div', entry, ['psm-custom', 'psm-hidden-message'], `<details><summary>${escapeHtml(type)} <span class="psm-tool-note">${escapeHtml(l10n.t('(hidden in pi)'))}</span>${labelBadge(entry, ctx)}</summary>${content}</details>`, ctx, extra);
  }
  return wrap('article', entry, ['psm-custom'], head(entry, ctx, `<span class="psm-custom-type">${escapeHtml(type)}</span>`) + `<div class="psm-body">${content}</div>`, ctx, extra, l10n.t('Extension message {0}', type));
}

function marker(entry: SessionEntry, ctx: RenderContext, kind: string, html: string): string {
  return wrap('div', entry, ['psm-marker', `psm-marker-${classToken(kind)}`], `<span class="psm-marker-text">${html}</span>${labelBadge(entry, ctx)} ${timeTag(entry)}`, ctx);
}

function foldedMarker(entry: SessionEntry, ctx: RenderContext, kind: string, summaryHtml: string, bodyHtml: string): string {
  return wrap('div', entry, ['psm-marker', `psm-marker-${classToken(kind)}`], `<details><summary>${summaryHtml}${labelBadge(entry, ctx)} ${timeTag(entry)}</summary><div class="psm-marker-body">${bodyHtml}</div></details>`, ctx);
}

function fileLists(details: unknown): string {
  if (!details || typeof details !== 'object') return '';
  const d = details as { readFiles?: unknown; modifiedFiles?: unknown };
  const list = (title: string, files: unknown) =>
    Array.isArray(files) && files.length
      ? `<div class="psm-file-list"><span class="psm-tool-note">${escapeHtml(title)}</span> ${files.filter((f): f is string => typeof f === 'string').map((f) => fileLink(f)).join(', ')}</div>`
      : '';
  return list(l10n.t('Read:'), d.readFiles) + list(l10n.t('Modified:'), d.modifiedFiles);
}

/** A system prompt checkpoint, folded: its sections as written and its tools with their parameters. */
function renderSystem(entry: MessageEntry, ctx: RenderContext): string {
  const message = entry.message as SystemMessage;
  const isPatch = ctx.systemPatches.has(entryId(entry));
  const sections = systemSections(message)
    .map(([name, text]) =>
      text === null
        ? `<div${attrs({ class: 'psm-system-section psm-system-removed', 'data-section': name })}><span class="psm-tool-note">${escapeHtml(l10n.t('section removed:'))}</span> <code>${escapeHtml(name)}</code></div>`
        : `<details${attrs({ class: 'psm-system-section', 'data-section': name })}><summary><code>${escapeHtml(name)}</code></summary>${renderPre(text, 'psm-output', l10n.t('System prompt section {0}', name))}</details>`,
    )
    .join('');
  const tools = systemToolsAdded(message)
    .map(
      (tool) =>
        `<details${attrs({ class: 'psm-system-tool', 'data-tool-name': tool.name })}><summary><span class="psm-tool-name">${escapeHtml(tool.name)}</span>` +
        `${tool.description ? ` <span class="psm-tool-note">${escapeHtml(oneLine(tool.description))}</span>` : ''}</summary>` +
        `${tool.description ? renderPre(tool.description, 'psm-output', l10n.t('Description of {0}', tool.name)) : ''}${tool.parameters !== undefined ? renderJson(tool.parameters) : ''}</details>`,
    )
    .join('');
  const body = `${sections ? `<div class="psm-system-sections">${sections}</div>` : ''}${tools ? `<div class="psm-system-tools"><div class="psm-tool-note">${escapeHtml(isPatch ? l10n.t('Tools added') : l10n.t('Tools'))}</div>${tools}</div>` : ''}`;
  const title = escapeHtml(systemTitle(message, isPatch));
  return wrap(
    'div',
    entry,
    ['psm-marker', 'psm-system', isPatch ? 'psm-system-patch' : 'psm-system-full'],
    `<details><summary>${title}${labelBadge(entry, ctx)} ${timeTag(entry)}</summary><div class="psm-marker-body">${body}</div></details>`,
    ctx,
    { 'data-role': 'system' },
  );
}

function renderContextEdit(entry: ContextEditEntry, ctx: RenderContext): string {
  const target = entry.targetId;
  const ref = `<a${attrs({ class: 'psm-entry-ref', href: `#${entryAnchor(target)}`, 'data-target-id': target })}>${escapeHtml(target)}</a>`;
  const effect = escapeHtml(contextEditEffect(entry));
  if (!entry.replacement || typeof entry.replacement !== 'object') return marker(entry, ctx, 'context_edit', l10n.html('Context edit: {0} {1}', ref, effect));
  // A summary is a control: the target is named there as text and linked inside the fold.
  return foldedMarker(
    entry,
    ctx,
    'context_edit',
    l10n.html('Context edit: {0} {1}', `<span class="psm-entry-ref">${escapeHtml(target)}</span>`, effect),
    `<div class="psm-tool-note">${ref}</div><div class="psm-context-replacement">${renderContent(entry.replacement.content, 'pre', l10n.t('What the model saw instead'))}</div>`,
  );
}

function renderUsageEntry(entry: UsageEntry, ctx: RenderContext): string {
  const cost = usageCost(entry.usage);
  return marker(
    entry,
    ctx,
    'usage',
    `<span${attrs({ class: 'psm-cost', 'data-cost': cost, title: usageEntryDetail(entry) })}>${escapeHtml(usageEntryTitle(entry))}</span>`,
  );
}

function renderUnknown(entry: SessionEntry, ctx: RenderContext, what: string): string {
  return foldedMarker(entry, ctx, 'unknown', `${escapeHtml(what)}`, renderJson(entry));
}

function renderMessage(entry: MessageEntry, ctx: RenderContext): string {
  const role = roleOf(entry);
  switch (role) {
    case 'user':
      return renderUser(entry, ctx);
    case 'assistant':
      return renderAssistant(entry, ctx);
    case 'toolResult':
      return ctx.embeddedResults.has(entryId(entry)) ? '' : renderToolResultEntry(entry, ctx);
    case 'bashExecution':
      return renderBashExecution(entry, ctx);
    case 'custom':
      return renderCustomMessage(entry, entry.message as CustomSource, ctx, 'custom');
    case 'system':
      return renderSystem(entry, ctx);
    default:
      return renderUnknown(entry, ctx, l10n.t('Message with unknown role “{0}”', role ?? '?'));
  }
}

/**
 * HTML for one entry. Every element carries `data-entry-id`. A tool result that was already
 * shown inside its tool call (see RenderContext.embeddedResults) renders as ''.
 */
export function renderEntry(entry: SessionEntry, ctx: RenderContext): string {
  if (isMessageEntry(entry)) return renderMessage(entry, ctx);
  const e = entry as SessionEntry & Record<string, unknown>;
  switch (entry.type) {
    case 'message':
      return renderUnknown(entry, ctx, l10n.t('Message without content'));
    case 'model_change':
      return marker(entry, ctx, 'model_change', l10n.html('Model → {0}', `<span class="psm-model">${escapeHtml(`${String(e.provider ?? '?')}/${String(e.modelId ?? '?')}`)}</span>`));
    case 'thinking_level_change':
      return marker(entry, ctx, 'thinking_level_change', l10n.html('Thinking level → {0}', `<span class="psm-thinking-level">${escapeHtml(String(e.thinkingLevel ?? '?'))}</span>`));
    case 'compaction': {
      const before = typeof e.tokensBefore === 'number' ? ` · ${escapeHtml(l10n.t('{0} tokens before', formatCount(e.tokensBefore)))}` : '';
      return foldedMarker(entry, ctx, 'compaction', `${escapeHtml(l10n.t('Compaction'))}${before}${escapeHtml(summaryCostSuffix(e.usage))}`, renderMarkdown(typeof e.summary === 'string' ? e.summary : '') + fileLists(e.details));
    }
    case 'branch_summary': {
      const title = typeof e.fromId === 'string' ? l10n.html('Branch summary from {0}', `<span class="psm-entry-ref">${escapeHtml(e.fromId)}</span>`) : escapeHtml(l10n.t('Branch summary'));
      return foldedMarker(entry, ctx, 'branch_summary', `${title}${escapeHtml(summaryCostSuffix(e.usage))}`, renderMarkdown(typeof e.summary === 'string' ? e.summary : '') + fileLists(e.details));
    }
    case 'label': {
      const target = typeof e.targetId === 'string' ? e.targetId : '';
      const ref = `<a${attrs({ class: 'psm-entry-ref', href: `#${entryAnchor(target)}`, 'data-target-id': target })}>${escapeHtml(target)}</a>`;
      const label = typeof e.label === 'string' && e.label ? e.label : null;
      return marker(entry, ctx, 'label', label ? l10n.html('Label {0} on {1}', `<span class="psm-label">🏷 ${escapeHtml(label)}</span>`, ref) : l10n.html('Label removed from {0}', ref));
    }
    case 'session_info': {
      const name = typeof e.name === 'string' && e.name.trim() ? e.name.trim() : null;
      return marker(entry, ctx, 'session_info', name ? l10n.html('Renamed to “{0}”', `<span class="psm-session-name">${escapeHtml(name)}</span>`) : escapeHtml(l10n.t('Session info')));
    }
    case 'custom_message':
      return renderCustomMessage(entry, e as CustomSource, ctx);
    case 'usage':
      return renderUsageEntry(entry as UsageEntry, ctx);
    case 'context_edit':
      return isContextEdit(entry) ? renderContextEdit(entry, ctx) : renderUnknown(entry, ctx, l10n.t('Context edit without a target'));
    case 'custom':
      return foldedMarker(entry, ctx, 'custom', l10n.html('Extension data {0}', `<code>${escapeHtml(String(e.customType ?? 'custom'))}</code>`), renderJson(e.data));
    default:
      return renderUnknown(entry, ctx, l10n.t('Unknown entry type “{0}”', String(entry.type)));
  }
}
