import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { SessionEntry } from '../../../src/shared/model/entries';
import { extractIndexableMessages, maxToolTextLength } from '../../../src/core/search/extract';

const base = { parentId: null, timestamp: '2025-03-01T10:00:00.000Z' };

describe('extractIndexableMessages', () => {
  it('maps roles: user, assistant text + thinking, tool calls, tool results, bash', () => {
    const entries: SessionEntry[] = [
      { ...base, type: 'message', id: 'u1', message: { role: 'user', content: 'Fix the login', timestamp: 1740823200000 } },
      {
        ...base,
        type: 'message',
        id: 'a1',
        message: {
          role: 'assistant',
          content: [
            { type: 'thinking', thinking: 'Maybe the token' },
            { type: 'text', text: 'Looking now.' },
            { type: 'toolCall', id: 'c1', name: 'read', arguments: { path: 'src/login.ts', lines: [1, 20] } },
          ],
        },
      },
      { ...base, type: 'message', id: 't1', message: { role: 'toolResult', toolCallId: 'c1', toolName: 'read', content: [{ type: 'text', text: 'export function login() {}' }] } },
      { ...base, type: 'message', id: 'b1', message: { role: 'bashExecution', command: 'ls -la', output: 'total 0' } },
      { ...base, type: 'model_change', id: 'm1', provider: 'x', modelId: 'y' },
      { ...base, type: 'custom_message', id: 'c2', customType: 'note', content: 'shown note', display: true },
      { ...base, type: 'custom_message', id: 'c3', customType: 'note', content: 'hidden note', display: false },
    ];
    const docs = extractIndexableMessages(entries);
    assert.deepEqual(
      docs.map((d) => [d.entry_id, d.role]),
      [
        ['u1', 'user'],
        ['a1', 'assistant'],
        ['a1', 'tool'],
        ['t1', 'tool'],
        ['b1', 'tool'],
        ['c2', 'user'],
      ],
    );
    assert.equal(docs[0].timestamp_ms, 1740823200000);
    assert.equal(docs[1].timestamp_ms, Date.parse(base.timestamp));
    assert.equal(docs[1].text, 'Maybe the token\nLooking now.');
    assert.match(docs[2].text, /^read\npath:\nsrc\/login\.ts\nlines:\n1\n20$/);
    assert.equal(docs[3].text, 'read\nexport function login() {}');
    assert.equal(docs[4].text, 'ls -la\ntotal 0');
  });

  it('cuts long tool output and says so, but never user or assistant text', () => {
    const long = 'word '.repeat(5000);
    const docs = extractIndexableMessages([
      { ...base, type: 'message', id: 'u', message: { role: 'user', content: [{ type: 'text', text: long }] } },
      { ...base, type: 'message', id: 'a', message: { role: 'assistant', content: [{ type: 'text', text: long }] } },
      { ...base, type: 'message', id: 't', message: { role: 'toolResult', toolCallId: 'x', toolName: 'bash', content: long } },
    ]);
    assert.equal(docs[0].text.length, long.length);
    assert.equal(docs[0].truncated, false);
    assert.equal(docs[1].text.length, long.length);
    assert.equal(docs[2].text.length, maxToolTextLength);
    assert.equal(docs[2].truncated, true);
  });

  it('skips redacted thinking, images and empty messages', () => {
    const docs = extractIndexableMessages([
      { ...base, type: 'message', id: 'a', message: { role: 'assistant', content: [{ type: 'thinking', thinking: 'secret', redacted: true }] } },
      { ...base, type: 'message', id: 'u', message: { role: 'user', content: [{ type: 'image', data: 'AAAA', mimeType: 'image/png' }] } },
    ]);
    assert.deepEqual(docs, []);
  });
});
