import type { MessageEntry, ToolCallBlock, ToolResultMessage } from '../model/entries';
import { l10n } from '../l10n';
import { attrs, entryAnchor, escapeHtml } from './escape';
import { fileLink, filePathText, renderCode, renderContent, renderDiff, renderJson, renderPre } from './blocks';
import { oneLine } from './format';
import { languageForPath } from './highlight';

function str(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

function int(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isInteger(value) ? value : undefined;
}

/** The one-line hint after the tool name in a collapsed tool call. */
function toolBrief(name: string, args: Record<string, unknown>, result: ToolResultMessage | undefined): string {
  const filePath = str(args.path);
  switch (name) {
    case 'bash': {
      const command = str(args.command);
      return command ? `<code class="psm-tool-brief-command">$ ${escapeHtml(oneLine(command, 100))}</code>` : '';
    }
    case 'edit':
    case 'read':
    case 'write':
    case 'ls':
      return filePath ? filePathText(filePath) : '';
    case 'grep':
    case 'find': {
      const pattern = str(args.pattern);
      return pattern ? `<code>${escapeHtml(oneLine(pattern, 80))}</code>${filePath ? ` ${l10n.html('in {0}', filePathText(filePath))}` : ''}` : '';
    }
    default:
      return '';
  }
}

/** Arguments rendered for the tools pi ships; anything else as pretty JSON. */
function toolArguments(name: string, args: Record<string, unknown>, result: ToolResultMessage | undefined): string {
  const hasResultDiff = !!(result && resultDiff(result));
  const filePath = str(args.path);
  if (name === 'bash' && str(args.command) !== null) {
    const timeout = typeof args.timeout === 'number' ? `<div class="psm-tool-note">${escapeHtml(l10n.t('timeout {0}s', String(args.timeout)))}</div>` : '';
    return renderCode(`$ ${str(args.command)}`, 'bash', 'psm-bash-command') + timeout;
  }
  if (name === 'read' && filePath !== null) {
    const offset = int(args.offset);
    const limit = int(args.limit);
    const range = offset || limit ? ` <span class="psm-tool-note">lines ${offset ?? 1}${limit ? `–${(offset ?? 1) + limit - 1}` : '+'}</span>` : '';
    return `<div class="psm-tool-path">${fileLink(filePath, offset)}${range}</div>`;
  }
  if (name === 'write' && filePath !== null && str(args.content) !== null) {
    return `<div class="psm-tool-path">${fileLink(filePath)}</div>${renderCode(str(args.content)!, languageForPath(filePath))}`;
  }
  if (name === 'ls' && filePath !== null) return `<div class="psm-tool-path">${fileLink(filePath)}</div>`;
  if (name === 'edit' && filePath !== null) {
    const oldText = str(args.oldText);
    const newText = str(args.newText);
    // The result's diff has line numbers; the arguments are the fallback when it is missing.
    const fallback =
      !hasResultDiff && oldText !== null && newText !== null
        ? renderDiff([...oldText.split('\n').map((l) => `-${l}`), ...newText.split('\n').map((l) => `+${l}`)].join('\n'))
        : '';
    // The link goes to the first changed line when the result says which it is.
    return `<div class="psm-tool-path">${fileLink(filePath, int(result?.details?.firstChangedLine))}</div>${fallback}`;
  }
  const pathLink = (name === 'grep' || name === 'find') && filePath !== null ? `<div class="psm-tool-path">${fileLink(filePath)}</div>` : '';
  return pathLink + renderJson(args, 'psm-json psm-tool-args-json');
}

function resultDiff(message: ToolResultMessage): string | null {
  const diff = message.details?.diff;
  return typeof diff === 'string' && diff ? diff : null;
}

/** The body of a tool result: diff for edits, then output text and images, then notes. */
export function renderToolResultBody(message: ToolResultMessage): string {
  const diff = resultDiff(message);
  const details = message.details ?? {};
  const notes: string[] = [];
  if (details.truncation) notes.push('output truncated');
  const fullOutput = str(details.fullOutputPath);
  if (fullOutput) notes.push(`full output: ${fileLink(fullOutput)}`);
  return (
    (diff ? renderDiff(diff) : '') +
    renderContent(message.content, 'pre', typeof message.toolName === 'string' ? l10n.t('Output of {0}', message.toolName) : l10n.t('Output of the tool')) +
    (notes.length ? `<div class="psm-tool-note">${notes.join(' · ')}</div>` : '')
  );
}

/** A tool result shown inside its tool call; it keeps its own entry id for scrolling. */
export function renderEmbeddedToolResult(entry: MessageEntry): string {
  const message = entry.message as ToolResultMessage;
  const isError = message.isError === true;
  return (
    `<div${attrs({ class: `psm-tool-result${isError ? ' psm-tool-error' : ''}`, id: entryAnchor(entry.id), 'data-entry-id': entry.id })}>` +
    `<div class="psm-tool-result-head">${escapeHtml(isError ? l10n.t('Error') : l10n.t('Result'))}</div>${renderToolResultBody(message)}</div>`
  );
}

/** A collapsed tool call with its arguments and, when found, its result. */
/** `resultNoteHtml`: trusted HTML shown after the result (e.g. what the model saw instead). */
export function renderToolCall(block: ToolCallBlock, result: MessageEntry | undefined, resultNoteHtml = ''): string {
  const name = typeof block.name === 'string' ? block.name : 'tool';
  const args = block.arguments && typeof block.arguments === 'object' && !Array.isArray(block.arguments) ? block.arguments : {};
  const resultMessage = result?.message as ToolResultMessage | undefined;
  const status = !result ? 'pending' : resultMessage?.isError ? 'error' : 'ok';
  const partial =
    Object.keys(args).length === 0 && typeof block.partialJson === 'string' && block.partialJson
      ? `<div class="psm-tool-note">${escapeHtml(l10n.t('incomplete arguments:'))}</div>${renderPre(block.partialJson, 'psm-output', l10n.t('Incomplete arguments'))}`
      : '';
  const statusBadge = status === 'error' ? ` <span class="psm-badge psm-badge-error">${escapeHtml(l10n.t('error'))}</span>` : status === 'pending' ? ` <span class="psm-badge psm-badge-pending">${escapeHtml(l10n.t('no result'))}</span>` : '';
  return (
    `<details${attrs({ class: `psm-tool psm-tool-${status}`, 'data-tool-call-id': typeof block.id === 'string' ? block.id : undefined, 'data-tool-name': name })}>` +
    `<summary><span class="psm-tool-name">${escapeHtml(name)}</span> ${toolBrief(name, args, resultMessage)}${statusBadge}</summary>` +
    `<div class="psm-tool-args">${toolArguments(name, args, resultMessage)}${partial}</div>` +
    (result ? renderEmbeddedToolResult(result) : '') +
    resultNoteHtml +
    `</details>`
  );
}
