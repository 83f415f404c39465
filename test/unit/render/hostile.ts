/**
 * Hostile transcript content and a checker that rendered HTML cannot run any of it.
 */
import assert from 'node:assert/strict';
import type { ParsedSession } from '../../../src/shared/model/entries';
import { makeSession } from './sessionFixtures';

export const SCRIPT = '<script>alert(1)</script>';
export const IMG = '<img src=x onerror=alert(1)>';
export const JS_LINK = '[x](javascript:alert(1))';
export const ALL = `${SCRIPT} ${IMG} ${JS_LINK} <a href="javascript:alert(2)">y</a> <svg onload=alert(3)>`;

const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';

/** A session with the hostile strings in every place a file can put text. */
export function hostileSession(): ParsedSession {
  return makeSession(
    [
      { type: 'model_change', id: 'h0000001', provider: ALL, modelId: ALL },
      { type: 'thinking_level_change', id: 'h0000002', thinkingLevel: ALL },
      { type: 'session_info', id: 'h0000003', name: ALL },
      { type: 'message', id: 'h0000004', message: { role: 'user', content: ALL, timestamp: 1 } },
      {
        type: 'message',
        id: 'h0000005',
        message: {
          role: 'user',
          content: [
            { type: 'text', text: ALL },
            { type: 'image', data: PNG, mimeType: 'image/svg+xml' },
            { type: 'image', data: '"><script>alert(1)</script>', mimeType: 'image/png' },
            { type: 'image', data: PNG, mimeType: `image/png" onerror="alert(1)` },
          ],
        },
      },
      {
        type: 'message',
        id: 'h0000006',
        message: {
          role: 'assistant',
          content: [
            { type: 'thinking', thinking: ALL },
            { type: 'text', text: ALL },
            { type: 'toolCall', id: 'call-1', name: ALL, arguments: { [ALL]: ALL, path: ALL } },
            { type: 'toolCall', id: 'call-2', name: 'bash', arguments: { command: ALL } },
            { type: 'toolCall', id: 'call-3', name: 'read', arguments: { path: ALL, offset: 3 } },
            { type: 'toolCall', id: 'call-4', name: 'write', arguments: { path: `${ALL}.html`, content: ALL } },
            { type: 'toolCall', id: 'call-5', name: 'edit', arguments: { path: ALL, oldText: ALL, newText: ALL } },
            { type: ALL, payload: ALL },
          ],
          provider: ALL,
          model: ALL,
          stopReason: 'error',
          errorMessage: ALL,
          usage: { input: 1, output: 2, cacheRead: 0, cacheWrite: 0, cost: { input: 0.01 } },
        },
      },
      { type: 'message', id: 'h0000007', message: { role: 'toolResult', toolCallId: 'call-1', toolName: ALL, content: [{ type: 'text', text: ALL }], isError: true } },
      { type: 'message', id: 'h0000008', message: { role: 'toolResult', toolCallId: 'call-2', toolName: 'bash', content: ALL, details: { fullOutputPath: ALL } } },
      { type: 'message', id: 'h0000009', message: { role: 'toolResult', toolCallId: 'call-5', toolName: 'edit', content: [{ type: 'text', text: ALL }], details: { diff: `-1 ${ALL}\n+1 ${ALL}` } } },
      { type: 'message', id: 'h000000a', message: { role: 'toolResult', toolCallId: 'nowhere', toolName: ALL, content: [{ type: 'text', text: ALL }] } },
      { type: 'message', id: 'h000000b', message: { role: 'bashExecution', command: ALL, output: ALL, exitCode: 1, fullOutputPath: ALL } },
      { type: 'message', id: 'h000000c', message: { role: 'custom', customType: ALL, content: ALL, display: true } },
      { type: 'message', id: 'h000000d', message: { role: ALL, content: ALL } },
      { type: 'custom_message', id: 'h000000e', customType: ALL, content: ALL, display: false },
      { type: 'custom_message', id: 'h000000f', customType: ALL, content: [{ type: 'text', text: ALL }], display: true },
      { type: 'custom', id: 'h0000010', customType: ALL, data: { x: ALL } },
      { type: 'compaction', id: 'h0000011', summary: ALL, tokensBefore: 5, details: { readFiles: [ALL], modifiedFiles: [ALL] } },
      { type: 'branch_summary', id: 'h0000012', fromId: ALL, summary: ALL },
      { type: 'label', id: 'h0000013', targetId: 'h0000004', label: ALL },
      { type: 'label', id: 'h0000014', targetId: ALL, label: ALL },
      { type: ALL, id: 'h0000015', weird: ALL },
      { type: 'message', id: 'h0000016', message: { role: 'user', content: `<skill name="${ALL}" location="${ALL}">\n${ALL}\n</skill>\n\n${ALL}` } },
      // pi 1.6: prompt checkpoints, billed work and context edits.
      { type: 'message', id: 'h0000017', message: { role: 'system', content: ALL, sections: { [ALL]: ALL, preamble: ALL }, toolsAdded: [{ name: ALL, description: ALL, parameters: { [ALL]: ALL } }] } },
      { type: 'message', id: 'h0000018', message: { role: 'system', content: '', sections: { [ALL]: null, tools: ALL }, toolsAdded: [{ name: ALL }], toolsRemoved: [{ name: ALL }] } },
      { type: 'usage', id: 'h0000019', kind: ALL, provider: ALL, model: ALL, note: ALL, usage: { input: 0, output: 1, cacheRead: 9, cacheWrite: 0, cost: { total: 0.09 } } },
      { type: 'context_edit', id: 'h000001a', targetId: 'h0000004', replacement: { content: [{ type: 'text', text: ALL }] } },
      { type: 'context_edit', id: 'h000001b', targetId: 'h0000008', replacement: null },
      { type: 'context_edit', id: 'h000001c', targetId: ALL, replacement: { content: ALL } },
      { type: 'compaction', id: 'h000001d', summary: ALL, usage: { input: 1, output: 1, cacheRead: 0, cacheWrite: 0, cost: { total: 0.5 } }, systemMessage: { role: 'system', sections: { [ALL]: ALL } } },
    ],
    { cwd: ALL, id: ALL, parentSession: ALL },
  );
}

const ALLOWED_TAGS = new Set([
  'a', 'article', 'blockquote', 'br', 'code', 'dd', 'del', 'details', 'div', 'dl', 'dt', 'em', 'figure', 'h1', 'h2', 'h3',
  'h4', 'h5', 'h6', 'header', 'hr', 'img', 'li', 'nav', 'ol', 'p', 'pre', 's', 'span', 'strong', 'summary', 'table',
  'tbody', 'td', 'th', 'thead', 'time', 'tr', 'ul',
]);

export interface InertOptions {
  /** Extra tags a full page may contain (html, head, script with nonce, …). */
  extraTags?: string[];
  /** Called for each <script> start tag; must throw when it is not acceptable. */
  checkScript?: (attributes: Record<string, string>) => void;
}

/**
 * Asserts that HTML built by the renderer has no way to run script: in its output every
 * `<` of transcript text is escaped, so each `<` left starts a tag the renderer wrote, and
 * every attribute value is double-quoted.
 */
export function assertInert(html: string, options: InertOptions = {}): void {
  const allowed = new Set([...ALLOWED_TAGS, ...(options.extraTags ?? [])]);
  const tagPattern = /<(\/?)([a-zA-Z][a-zA-Z0-9-]*)([^>]*)>/g;
  for (const match of html.matchAll(tagPattern)) {
    const [, closing, rawName, rest] = match;
    const name = rawName!.toLowerCase();
    assert.ok(allowed.has(name), `unexpected tag <${name}> in: ${match[0].slice(0, 200)}`);
    if (closing) continue;
    const attributes: Record<string, string> = {};
    const attrPattern = /\s([^\s=/>]+)(?:="([^"]*)")?/g;
    const leftover = rest!.replace(attrPattern, (_m, attrName: string, value: string | undefined) => {
      attributes[attrName.toLowerCase()] = value ?? '';
      return '';
    });
    assert.match(leftover.trim(), /^\/?$/, `unparsed attribute text in ${match[0].slice(0, 200)}`);
    for (const [attrName, value] of Object.entries(attributes)) {
      assert.ok(!attrName.startsWith('on'), `event handler attribute ${attrName} in ${match[0].slice(0, 200)}`);
      assert.notEqual(attrName, 'style', 'inline style attribute');
      assert.notEqual(attrName, 'srcdoc');
      if (attrName === 'href') assert.match(value, /^(https?:\/\/|mailto:|#)/i, `unsafe href ${value}`);
      if (attrName === 'src') assert.match(value, /^data:image\/(png|jpeg|jpg|gif|webp|bmp);base64,[A-Za-z0-9+/=]+$/, `unsafe src ${value.slice(0, 80)}`);
    }
    if (name === 'script') options.checkScript?.(attributes);
  }
}
