import type { AssistantMessage, ParsedSession } from '../model/entries';
import { l10n } from '../l10n';
import type { SessionInfo, TokenTotals } from '../model/sessionInfo';
import { contentBlocks, isMessageEntry, plainText, roleOf } from './content';
import { attrs, escapeHtml } from './escape';
import { formatCost, formatCount, formatTimestamp, formatTokens, isoTimestamp } from './format';
import { sessionTitle } from '../rules/sessionLabels';
import { addTokens, billedUsage, usageCost, usageTokens, zeroTokens } from '../rules/usage';

/** Header statistics of a session, over every branch (like pi's export header). */
export interface SessionSummary {
  id: string;
  name: string | null;
  cwd: string;
  created: string;
  /** Newest user/assistant message time, or null without messages. */
  modified: string | null;
  models: string[];
  counts: { user: number; assistant: number; toolResult: number; bashExecution: number; custom: number; entries: number };
  toolCalls: number;
  tokens: TokenTotals;
  cost: number;
  branches: number;
  parentSession: string | null;
  firstMessage: string;
}

/** The latest non-empty `session_info` name, pi's display-name rule. */
export function sessionName(parsed: Pick<ParsedSession, 'entries'>): string | null {
  let name: string | null = null;
  for (const entry of parsed.entries) {
    if (entry.type === 'session_info' && typeof entry.name === 'string' && entry.name.trim()) name = entry.name.trim();
  }
  return name;
}

/**
 * Statistics computed from the entries. A `SessionInfo` from the index, when given, wins for
 * the name and totals so that every screen shows the same numbers.
 */
export function summarizeSession(parsed: ParsedSession, info?: SessionInfo | null, branches = 1): SessionSummary {
  const counts = { user: 0, assistant: 0, toolResult: 0, bashExecution: 0, custom: 0, entries: parsed.entries.length };
  const tokens = zeroTokens();
  const models: string[] = [];
  let toolCalls = 0;
  let cost = 0;
  let modified: number | null = null;
  let firstMessage = '';
  for (const entry of parsed.entries) {
    const billed = billedUsage(entry, null);
    if (billed) {
      addTokens(tokens, usageTokens(billed.usage));
      cost += usageCost(billed.usage);
    }
    if (entry.type === 'model_change' && typeof entry.provider === 'string' && typeof entry.modelId === 'string') {
      const model = `${entry.provider}/${entry.modelId}`;
      if (!models.includes(model)) models.push(model);
    }
    if (!isMessageEntry(entry)) continue;
    const role = roleOf(entry);
    if (role === 'user' || role === 'assistant') {
      const t = Date.parse(entry.timestamp);
      if (!Number.isNaN(t) && (modified === null || t > modified)) modified = t;
    }
    if (role === 'user') {
      counts.user++;
      if (!firstMessage) firstMessage = plainText(contentBlocks((entry.message as { content?: unknown }).content)).trim();
    } else if (role === 'assistant') {
      counts.assistant++;
      const message = entry.message as AssistantMessage;
      toolCalls += contentBlocks(message.content).filter((b) => b.type === 'toolCall').length;
      if (typeof message.provider === 'string' && typeof message.model === 'string') {
        const model = `${message.provider}/${message.model}`;
        if (!models.includes(model)) models.push(model);
      }
    } else if (role === 'toolResult') counts.toolResult++;
    else if (role === 'bashExecution') counts.bashExecution++;
    else if (role === 'custom') counts.custom++;
  }
  const summary: SessionSummary = {
    id: parsed.header.id,
    name: sessionName(parsed),
    cwd: typeof parsed.header.cwd === 'string' ? parsed.header.cwd : '',
    created: parsed.header.timestamp,
    modified: modified === null ? null : new Date(modified).toISOString(),
    models,
    counts,
    toolCalls,
    tokens,
    cost,
    branches,
    parentSession: parsed.header.parentSession ?? parsed.header.branchedFrom ?? null,
    firstMessage,
  };
  if (info) {
    summary.name = info.name ?? summary.name;
    summary.modified = info.modified ?? summary.modified;
    if (info.models?.length) summary.models = [...info.models];
    summary.toolCalls = info.tool_call_count ?? summary.toolCalls;
    summary.cost = info.cost ?? summary.cost;
    if (info.tokens) summary.tokens = { ...info.tokens };
  }
  return summary;
}

/** The session's title by the shared rule, from a summary. */
export function summaryTitle(summary: SessionSummary): string {
  return sessionTitle({ name: summary.name, first_message: summary.firstMessage, id: summary.id });
}

function stat(label: string, valueHtml: string, key: string): string {
  return `<div${attrs({ class: 'psm-stat', 'data-stat': key })}><dt>${escapeHtml(label)}</dt><dd>${valueHtml}</dd></div>`;
}

export interface SessionHeaderOptions {
  /**
   * The title as the page's `<h1>` (default). A host whose own toolbar already shows the
   * title as the screen's heading turns it off, so the screen has one h1, not two.
   */
  title?: boolean;
}

export function renderSessionHeader(summary: SessionSummary, { title = true }: SessionHeaderOptions = {}): string {
  const created = isoTimestamp(summary.created);
  const c = summary.counts;
  const messages = c.bashExecution
    ? l10n.t('{0} user · {1} assistant · {2} tool results · {3} bash', c.user, c.assistant, c.toolResult, c.bashExecution)
    : l10n.t('{0} user · {1} assistant · {2} tool results', c.user, c.assistant, c.toolResult);
  const rows = [
    stat(l10n.t('Date'), `<time${attrs({ datetime: created })}>${escapeHtml(formatTimestamp(summary.created))}</time>`, 'date'),
    stat(l10n.t('Directory'), `<code class="psm-cwd">${escapeHtml(summary.cwd)}</code>`, 'cwd'),
    stat(l10n.t('Models'), summary.models.map((m) => `<span class="psm-model">${escapeHtml(m)}</span>`).join(', ') || '—', 'models'),
    stat(l10n.t('Messages'), escapeHtml(messages), 'messages'),
    stat(l10n.t('Tool calls'), escapeHtml(String(summary.toolCalls)), 'tool-calls'),
    stat(l10n.t('Tokens'), `<span${attrs({ title: l10n.t('{0} tokens', summary.tokens.total) })}>${escapeHtml(formatTokens(summary.tokens))}</span> ${escapeHtml(l10n.t('({0} total)', formatCount(summary.tokens.total)))}`, 'tokens'),
    stat(l10n.t('Cost'), escapeHtml(formatCost(summary.cost)), 'cost'),
  ];
  if (summary.branches > 1) rows.push(stat(l10n.t('Branches'), escapeHtml(String(summary.branches)), 'branches'));
  if (summary.parentSession) rows.push(stat(l10n.t('Forked from'), `<code>${escapeHtml(summary.parentSession)}</code>`, 'parent'));
  return (
    `<header${attrs({ class: 'psm-session-header', 'data-session-id': summary.id })}>` +
    (title ? `<h1 class="psm-session-title">${escapeHtml(summaryTitle(summary))}</h1>` : '') +
    `<dl class="psm-stats">${rows.join('')}</dl></header>`
  );
}
