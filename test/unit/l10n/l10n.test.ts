import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterEach, describe, it } from 'node:test';
import { formatMessage, l10n, pickCatalogueLocale, resetL10n, useCatalogue } from '../../../src/shared/l10n';
import { relativeTime } from '../../../src/shared/rules/sessionLabels';
import { formatCost, formatCount } from '../../../src/shared/render/format';
import { parsePageL10n } from '../../../src/shared/webviewProtocol';
import { renderSessionHeader, summarizeSession } from '../../../src/shared/render/summary';

const root = path.resolve(__dirname, '../../..');
const chinese: Record<string, string> = JSON.parse(fs.readFileSync(path.join(root, 'l10n/bundle.l10n.zh-cn.json'), 'utf8'));
const now = Date.parse('2026-03-10T12:00:00Z');
const ago = (ms: number) => new Date(now - ms).toISOString();

describe('l10n', () => {
  afterEach(() => resetL10n());

  it('fills {n} like vscode.l10n.t, leaving unknown indexes as written', () => {
    assert.equal(formatMessage('{0} of {1}', [3, 'ten']), '3 of ten');
    assert.equal(formatMessage('{0} and {2}', ['a']), 'a and {2}');
    assert.equal(l10n.t('{0} sessions', 4), '4 sessions');
  });

  it('speaks Chinese with the zh-cn catalogue, escapes HTML messages, and falls back to English for unknown text', () => {
    useCatalogue('zh-cn', chinese);
    assert.equal(l10n.t('{0} sessions', 4), '4 个会话');
    assert.equal(l10n.t('a message no catalogue has'), 'a message no catalogue has');
    assert.equal(l10n.html('Tool result {0}', '<span>bash</span>'), '工具结果 <span>bash</span>');
  });

  it('dates and numbers follow the display language', () => {
    assert.equal(relativeTime(ago(5 * 60_000), now), '5 min ago');
    assert.equal(formatCount(12_345), '12k');
    assert.equal(formatCost(1.5), '$1.50');
    useCatalogue('zh-cn', chinese);
    assert.equal(relativeTime(ago(5 * 60_000), now), '5分钟前');
    assert.equal(relativeTime(ago(26 * 3_600_000), now), '昨天');
    assert.equal(relativeTime(ago(10_000), now), '现在');
    assert.equal(formatCount(123_456), '12.3万');
    assert.equal(formatCost(1.5), '$1.50');
  });

  it('the shared renderer writes the viewer header in the display language', () => {
    useCatalogue('zh-cn', chinese);
    const summary = summarizeSession({ path: '/s.jsonl', header: { type: 'session', id: 'x', timestamp: '2026-03-10T10:00:00Z', cwd: '/p' }, entries: [], leafId: null, labels: {}, skippedLines: 0 } as never, null, 1);
    const html = renderSessionHeader(summary);
    for (const label of ['日期', '目录', '模型', '消息', '工具调用', 'Token', '费用']) assert.match(html, new RegExp(`<dt>${label}</dt>`));
  });

  it('the web client picks Simplified Chinese for zh, zh-CN, zh-Hans and zh-SG, and English first wins', () => {
    const available = ['zh-cn'];
    for (const tag of ['zh', 'zh-CN', 'zh-Hans', 'zh-Hans-CN', 'zh-SG']) assert.equal(pickCatalogueLocale([tag], available), 'zh-cn', tag);
    assert.equal(pickCatalogueLocale(['en-US', 'zh-CN'], available), null);
    assert.equal(pickCatalogueLocale(['de-DE', 'zh-CN'], available), 'zh-cn');
    assert.equal(pickCatalogueLocale(['zh-TW'], available), null);
    assert.equal(pickCatalogueLocale([], available), null);
  });

  it('a page reads its embedded catalogue, and anything malformed means English', () => {
    assert.deepEqual(parsePageL10n('{"locale":"zh-cn","catalogue":{"a":"甲","b":3}}'), { locale: 'zh-cn', catalogue: { a: '甲' } });
    assert.deepEqual(parsePageL10n('not json'), { locale: 'en', catalogue: {} });
    assert.deepEqual(parsePageL10n(undefined), { locale: 'en', catalogue: {} });
  });
});
