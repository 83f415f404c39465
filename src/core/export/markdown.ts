import type {
  AssistantMessage,
  BashExecutionMessage,
  ContextEditEntry,
  MessageEntry,
  ParsedSession,
  SessionEntry,
  ThinkingBlock,
  ToolCallBlock,
  SystemMessage,
  ToolResultMessage,
  UsageEntry,
} from '../../shared/model/entries';
import type { SessionInfo } from '../../shared/model/sessionInfo';
import { contentBlocks, isImageBlock, isMessageEntry, isTextBlock, roleOf, base64Bytes } from '../../shared/render/content';
import { entryAnchor, escapeHtml } from '../../shared/render/escape';
import { formatCost, formatTimestamp, formatTokens, prettyJson } from '../../shared/render/format';
import { usageCost, usageTokens } from '../../shared/rules/usage';
import { summarizeSession, summaryTitle } from '../../shared/render/summary';
import { buildTree } from '../../shared/render/tree';
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
} from '../../shared/render/entryFacts';

/** A fenced block whose fence is longer than any backtick run inside, so content cannot end it. */
export function fence(text: string, language = ''): string {
  const longest = Math.max(0, ...Array.from(text.matchAll(/`+/g), (m) => m[0].length));
  const ticks = '`'.repeat(Math.max(3, longest + 1));
  return `${ticks}${language}\n${text.replace(/\n$/, '')}\n${ticks}`;
}

/** Inline code that survives backticks in the value. */
function code(text: string): string {
  const longest = Math.max(0, ...Array.from(text.matchAll(/`+/g), (m) => m[0].length));
  const ticks = '`'.repeat(longest + 1);
  const pad = text.startsWith('`') || text.endsWith('`') ? ' ' : '';
  return `${ticks}${pad}${text.replace(/\n/g, ' ')}${pad}${ticks}`;
}

/** Short untrusted text in running Markdown: markup characters (and raw HTML) neutralised. */
function inline(text: string): string {
  return text.replace(/\n/g, ' ').replace(/[\\`*_[\]<>&|~#!]/g, (ch) => `\\${ch}`);
}

/** Text placed between `<details>` tags must not close them early. */
function insideDetails(text: string): string {
  return text.replace(/<\/(details|summary)/gi, '&lt;/$1');
}

function details(summary: string, body: string): string {
  return `<details><summary>${escapeHtml(summary)}</summary>\n\n${insideDetails(body)}\n\n</details>`;
}

interface MdContext {
  labels: Record<string, string>;
  toolResults: Map<string, MessageEntry>;
  embedded: Set<string>;
  imageCount: number;
  contextEdits: Map<string, ContextEditEntry>;
  systemPatches: Set<string>;
}

/**
 * A note under an entry a context edit changed, with what the model saw instead. Plain text,
 * not `<details>`: it often sits inside a tool call's `<details>`, which cannot nest here.
 */
function contextEditNote(targetId: string, ctx: MdContext): string {
  const edit = ctx.contextEdits.get(targetId);
  if (!edit) return '';
  if (!edit.replacement || typeof edit.replacement !== 'object') return `✂ _${contextEditEffect(edit)}_`;
  return `✎ _${contextEditEffect(edit)}; the model saw:_\n\n${contentMarkdown(edit.replacement.content, ctx, true)}`;
}

function systemMarkdown(entry: MessageEntry, ctx: MdContext): string {
  const message = entry.message as SystemMessage;
  const isPatch = ctx.systemPatches.has(entry.id);
  const parts: string[] = [];
  for (const [name, text] of systemSections(message)) {
    parts.push(text === null ? `**Section removed:** ${code(name)}` : `**Section ${code(name)}**\n\n${fence(text, 'text')}`);
  }
  const tools = systemToolsAdded(message);
  if (tools.length) {
    parts.push(`**${isPatch ? 'Tools added' : 'Tools'}**`);
    parts.push(tools.map((t) => `- ${code(t.name)}${t.description ? ` — ${inline(t.description.split('\n')[0] ?? '')}` : ''}`).join('\n'));
  }
  return `<a id="${escapeHtml(entryAnchor(entry.id))}"></a>\n\n${details(systemTitle(message, isPatch), parts.join('\n\n'))}`;
}

/*
 * Images become a placeholder line, not data: URLs: most Markdown viewers (GitHub among
 * them) refuse data: images, and base64 screenshots would make the file unreadable as text.
 * The HTML and JSON exports keep the images.
 */
function imagePlaceholder(block: { mimeType?: unknown; data?: unknown }, ctx: MdContext): string {
  ctx.imageCount++;
  const mime = typeof block.mimeType === 'string' ? block.mimeType : 'unknown type';
  const kb = (base64Bytes(block.data) / 1024).toFixed(1);
  return `*\\[image ${ctx.imageCount}: ${inline(mime)}, ${kb} KB, not embedded\\]*`;
}

function contentMarkdown(content: unknown, ctx: MdContext, asCode: boolean): string {
  return contentBlocks(content)
    .map((block) => {
      if (isTextBlock(block)) return asCode ? fence(block.text, 'text') : block.text;
      if (isImageBlock(block)) return imagePlaceholder(block, ctx);
      return details(`Unsupported block "${block.type}"`, fence(prettyJson(block), 'json'));
    })
    .join('\n\n');
}

function heading(entry: SessionEntry, title: string, ctx: MdContext, meta: string[] = []): string {
  const label = ctx.labels[entry.id];
  const parts = [...meta];
  if (label) parts.unshift(`🏷 ${inline(label)}`);
  parts.push(formatTimestamp(entry.timestamp));
  return `<a id="${escapeHtml(entryAnchor(entry.id))}"></a>\n\n## ${title}\n\n_${parts.filter(Boolean).join(' · ')}_`;
}

function toolCallMarkdown(block: ToolCallBlock, ctx: MdContext): string {
  const name = typeof block.name === 'string' ? block.name : 'tool';
  const args = block.arguments && typeof block.arguments === 'object' ? block.arguments : {};
  const hint = typeof args.command === 'string' ? args.command : typeof args.path === 'string' ? args.path : typeof args.pattern === 'string' ? args.pattern : '';
  const result = typeof block.id === 'string' ? ctx.toolResults.get(block.id) : undefined;
  const parts = ['**Arguments**', fence(prettyJson(args), 'json')];
  if (Object.keys(args).length === 0 && typeof block.partialJson === 'string' && block.partialJson) {
    parts.push('**Incomplete arguments**', fence(block.partialJson, 'text'));
  }
  if (result) {
    ctx.embedded.add(result.id);
    const message = result.message as ToolResultMessage;
    parts.push(`<a id="${escapeHtml(entryAnchor(result.id))}"></a>`, message.isError ? '**Error**' : '**Result**');
    const diff = message.details?.diff;
    if (typeof diff === 'string' && diff) parts.push(fence(diff, 'diff'));
    parts.push(contentMarkdown(message.content, ctx, true));
    parts.push(contextEditNote(result.id, ctx));
  } else {
    parts.push('_No result recorded._');
  }
  const firstLine = hint.split('\n')[0] ?? '';
  return details(`Tool call: ${name}${firstLine ? ` · ${firstLine.slice(0, 100)}` : ''}`, parts.filter(Boolean).join('\n\n'));
}

function assistantMarkdown(entry: MessageEntry, ctx: MdContext): string {
  const m = entry.message as AssistantMessage;
  const meta: string[] = [];
  if (typeof m.model === 'string') meta.push(code(typeof m.provider === 'string' ? `${m.provider}/${m.model}` : m.model));
  if (m.usage && typeof m.usage === 'object') {
    meta.push(formatTokens(usageTokens(m.usage)));
    const cost = usageCost(m.usage);
    if (cost > 0) meta.push(formatCost(cost));
  }
  const blocks = contentBlocks(m.content).map((block) => {
    if (isTextBlock(block)) return block.text;
    if (block.type === 'thinking') {
      const t = block as ThinkingBlock;
      return t.redacted ? details('Thinking (redacted)', '') : details('Thinking', fence(typeof t.thinking === 'string' ? t.thinking : '', 'text'));
    }
    if (block.type === 'toolCall') return toolCallMarkdown(block as ToolCallBlock, ctx);
    return details(`Unsupported block "${block.type}"`, fence(prettyJson(block), 'json'));
  });
  const error = typeof m.errorMessage === 'string' && m.errorMessage ? `: ${inline(m.errorMessage)}` : '';
  if (m.stopReason === 'error') blocks.push(`> **Error**${error}`);
  else if (m.stopReason === 'aborted') blocks.push(`> **Aborted**${error}`);
  else if (m.stopReason === 'length') blocks.push('> **Stopped at the output length limit**');
  return [heading(entry, 'Assistant', ctx, meta), ...blocks].join('\n\n');
}

function bashMarkdown(entry: MessageEntry, ctx: MdContext): string {
  const m = entry.message as BashExecutionMessage;
  const status: string[] = [];
  if (typeof m.exitCode === 'number') status.push(`exit ${m.exitCode}`);
  if (m.cancelled) status.push('cancelled');
  if (m.truncated) status.push('output truncated');
  if (m.excludeFromContext) status.push('not sent to the model');
  const text = `$ ${typeof m.command === 'string' ? m.command : ''}${typeof m.output === 'string' && m.output ? `\n${m.output}` : ''}`;
  return [heading(entry, 'Shell', ctx, status), fence(text, 'console')].join('\n\n');
}

function customMarkdown(entry: SessionEntry, source: { customType?: unknown; content?: unknown; display?: unknown }, ctx: MdContext): string {
  const type = typeof source.customType === 'string' ? source.customType : 'custom';
  const body = contentMarkdown(source.content, ctx, false);
  if (source.display === false) {
    return `<a id="${escapeHtml(entryAnchor(entry.id))}"></a>\n\n${details(`${type} (hidden in pi)`, body)}`;
  }
  return [heading(entry, `Extension message: ${inline(type)}`, ctx), body].join('\n\n');
}

function markerLine(entry: SessionEntry, text: string): string {
  return `<a id="${escapeHtml(entryAnchor(entry.id))}"></a>\n\n> ${text}`;
}

function entryMarkdown(entry: SessionEntry, ctx: MdContext): string {
  const text = entryBodyMarkdown(entry, ctx);
  // An embedded tool result carries its own note, inside its tool call.
  const note = text && !ctx.embedded.has(entry.id) ? contextEditNote(entry.id, ctx) : '';
  return note ? `${text}\n\n${note}` : text;
}

function entryBodyMarkdown(entry: SessionEntry, ctx: MdContext): string {
  const e = entry as SessionEntry & Record<string, unknown>;
  if (isMessageEntry(entry)) {
    const role = roleOf(entry);
    if (role === 'user') return [heading(entry, 'User', ctx), contentMarkdown((entry.message as { content?: unknown }).content, ctx, false)].join('\n\n');
    if (role === 'assistant') return assistantMarkdown(entry, ctx);
    if (role === 'toolResult') {
      if (ctx.embedded.has(entry.id)) return '';
      const m = entry.message as ToolResultMessage;
      const name = typeof m.toolName === 'string' ? m.toolName : 'tool';
      const cost = m.usage && typeof m.usage === 'object' ? usageCost(m.usage) : 0;
      return [heading(entry, `Tool result: ${inline(name)}${m.isError ? ' (error)' : ''}`, ctx, cost > 0 ? [formatCost(cost)] : []), contentMarkdown(m.content, ctx, true)].join('\n\n');
    }
    if (role === 'system') return systemMarkdown(entry, ctx);
    if (role === 'bashExecution') return bashMarkdown(entry, ctx);
    if (role === 'custom') return customMarkdown(entry, entry.message as { customType?: unknown }, ctx);
    return markerLine(entry, `Message with unknown role ${code(String(role))}\n\n${details('Raw entry', fence(prettyJson(entry), 'json'))}`);
  }
  switch (entry.type) {
    case 'model_change':
      return markerLine(entry, `**Model** → ${code(`${String(e.provider ?? '?')}/${String(e.modelId ?? '?')}`)}`);
    case 'thinking_level_change':
      return markerLine(entry, `**Thinking level** → ${code(String(e.thinkingLevel ?? '?'))}`);
    case 'compaction': {
      const before = typeof e.tokensBefore === 'number' ? ` (${e.tokensBefore} tokens before)` : '';
      return `<a id="${escapeHtml(entryAnchor(entry.id))}"></a>\n\n${details(`Compaction${before}${summaryCostSuffix(e.usage)}`, typeof e.summary === 'string' ? e.summary : '')}`;
    }
    case 'branch_summary':
      return `<a id="${escapeHtml(entryAnchor(entry.id))}"></a>\n\n${details(`Branch summary from ${String(e.fromId ?? '?')}${summaryCostSuffix(e.usage)}`, typeof e.summary === 'string' ? e.summary : '')}`;
    case 'usage': {
      const u = entry as UsageEntry;
      return markerLine(entry, `💲 ${inline(usageEntryTitle(u))} _(${inline(usageEntryDetail(u))})_`);
    }
    case 'context_edit': {
      if (!isContextEdit(entry)) break;
      const line = `**Context edit:** ${code(entry.targetId)} ${contextEditEffect(entry)}`;
      if (!entry.replacement || typeof entry.replacement !== 'object') return markerLine(entry, line);
      return `${markerLine(entry, line)}\n\n${details('What the model saw instead', contentMarkdown(entry.replacement.content, ctx, true))}`;
    }
    case 'label':
      return markerLine(
        entry,
        typeof e.label === 'string' && e.label ? `🏷 **Label** ${inline(e.label)} on ${code(String(e.targetId ?? '?'))}` : `🏷 **Label removed** from ${code(String(e.targetId ?? '?'))}`,
      );
    case 'session_info':
      return markerLine(entry, typeof e.name === 'string' && e.name.trim() ? `**Renamed** to “${inline(e.name.trim())}”` : '**Session info**');
    case 'custom_message':
      return customMarkdown(entry, e as { customType?: unknown; content?: unknown; display?: unknown }, ctx);
    case 'custom':
      return `<a id="${escapeHtml(entryAnchor(entry.id))}"></a>\n\n${details(`Extension data: ${String(e.customType ?? 'custom')}`, fence(prettyJson(e.data), 'json'))}`;
    default:
      break;
  }
  return markerLine(entry, `Unknown entry type ${code(String(entry.type))}\n\n${details('Raw entry', fence(prettyJson(entry), 'json'))}`);
}

/**
 * The current branch as Markdown, one section per message, thinking and tool calls folded
 * in `<details>`. Message text is kept as written (it is Markdown already); names, labels
 * and other short values are escaped, and tool output sits in fences it cannot close.
 */
export function exportMarkdown(parsed: ParsedSession, info?: SessionInfo | null): string {
  const tree = buildTree(parsed);
  const entries = tree.currentBranchIds.map((key) => tree.nodes.get(key)!.entry);
  const summary = summarizeSession(parsed, info, tree.branches.length);
  const ctx: MdContext = {
    labels: parsed.labels ?? {},
    toolResults: new Map(),
    embedded: new Set(),
    imageCount: 0,
    contextEdits: latestContextEdits(entries),
    systemPatches: systemPatchIds(entries),
  };
  for (const entry of entries) {
    if (isMessageEntry(entry) && roleOf(entry) === 'toolResult') {
      const id = (entry.message as ToolResultMessage).toolCallId;
      if (typeof id === 'string' && !ctx.toolResults.has(id)) ctx.toolResults.set(id, entry);
    }
  }
  const c = summary.counts;
  const lines = [
    `# ${inline(summaryTitle(summary))}`,
    '',
    `- **Session:** ${code(summary.id)}`,
    `- **Created:** ${formatTimestamp(summary.created)}`,
    `- **Directory:** ${code(summary.cwd)}`,
    `- **Models:** ${summary.models.map(code).join(', ') || '—'}`,
    `- **Messages:** ${c.user} user, ${c.assistant} assistant, ${c.toolResult} tool results${c.bashExecution ? `, ${c.bashExecution} shell` : ''}`,
    `- **Tool calls:** ${summary.toolCalls}`,
    `- **Tokens:** ${formatTokens(summary.tokens)} (${summary.tokens.total} total)`,
    `- **Cost:** ${formatCost(summary.cost)}`,
  ];
  if (tree.hasBranches) {
    lines.push(`- **Branch:** the current branch (leaf ${code(tree.leafId ?? '')}) of ${tree.branches.length}; the JSON and HTML exports hold all of them.`);
  }
  const sections = entries.map((entry) => entryMarkdown(entry, ctx)).filter((s) => s !== '');
  return `${lines.join('\n')}\n\n---\n\n${sections.join('\n\n')}\n`;
}
