import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { renderMarkdown } from '../../../src/shared/render/markdown';
import { sanitizeRenderedMarkdown } from '../../../src/shared/render/sanitize';
import { highlightCode, languageForPath } from '../../../src/shared/render/highlight';
import { assertInert, ALL } from './hostile';

describe('renderMarkdown', () => {
  it('shows raw HTML as text instead of interpreting it', () => {
    const html = renderMarkdown('<script>alert(1)</script>\n\nhi <img src=x onerror=alert(1)> there');
    assert.ok(!html.includes('<script'));
    assert.ok(!html.includes('<img'));
    assert.match(html, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
    assert.match(html, /&lt;img src=x onerror=alert\(1\)&gt;/);
    assertInert(html);
  });

  it('keeps http, https and mailto links and drops every other scheme to plain text', () => {
    const html = renderMarkdown('[a](https://example.com/x?y=1&z=2) [b](mailto:me@example.com) [c](javascript:alert(1)) [d](JaVaScRiPt:alert(1)) [e](data:text/html,x) [f](vbscript:x) [g](relative/path)');
    assert.match(html, /<a class="psm-md-link" href="https:\/\/example\.com\/x\?y=1&amp;z=2" rel="noopener noreferrer nofollow" target="_blank">a<\/a>/);
    assert.match(html, /href="mailto:me@example\.com"/);
    assert.equal((html.match(/<a /g) ?? []).length, 2);
    for (const text of ['c', 'd', 'e', 'f', 'g']) assert.match(html, new RegExp(`\\b${text}\\b`));
    assert.ok(!/javascript|vbscript|data:/i.test(html));
  });

  it('never loads images: remote ones become links, others plain text', () => {
    const html = renderMarkdown('![remote](https://tracker.example/p.png) ![inline](data:image/png;base64,AAAA) ![js](javascript:alert(1))');
    assert.ok(!html.includes('<img'));
    assert.match(html, /<a class="psm-md-image-link" href="https:\/\/tracker\.example\/p\.png"[^>]*>🖼 remote<\/a>/);
    assert.match(html, /<span class="psm-md-image">🖼 inline<\/span>/);
    assertInert(html);
  });

  it('highlights fenced code of known languages and escapes the rest', () => {
    const ts = renderMarkdown('```ts\nconst x: number = 1; // <b>\n```');
    assert.match(ts, /<pre class="psm-code"><code class="hljs language-ts">/);
    assert.match(ts, /<span class="hljs-keyword">const<\/span>/);
    assert.match(ts, /&lt;b&gt;/);
    const unknown = renderMarkdown('```brainfuck\n<script>+++</script>\n```');
    assert.match(unknown, /<code class="hljs">&lt;script&gt;\+\+\+&lt;\/script&gt;<\/code>/);
    assert.equal(highlightCode('x', 'python').language, 'python');
    assert.equal(languageForPath('src/app/main.rs'), 'rust');
    assert.equal(languageForPath('Dockerfile'), 'dockerfile');
  });

  it('renders GFM tables, task lists, emphasis and line breaks', () => {
    const html = renderMarkdown('**bold** _it_ ~~del~~\nnext line\n\n| a | b |\n|:-|-:|\n| 1 | 2 |\n\n- [x] done\n- [ ] todo');
    assert.match(html, /<strong>bold<\/strong>/);
    assert.match(html, /<em>it<\/em>/);
    assert.match(html, /<del>del<\/del>/);
    assert.match(html, /<br \/>|<br>/);
    assert.match(html, /<th align="left">a<\/th>/);
    assert.match(html, /<span class="psm-checkbox">☑<\/span> done/);
    assert.ok(!html.includes('<input'));
  });

  it('is inert for a pile of hostile text', () => {
    assertInert(renderMarkdown(ALL));
    assertInert(renderMarkdown(`# ${ALL}\n\n> ${ALL}\n\n- ${ALL}\n\n\`${ALL}\`\n\n\`\`\`html\n${ALL}\n\`\`\``));
  });
});

describe('sanitizeRenderedMarkdown', () => {
  it('removes what the Markdown renderer should never produce', () => {
    const html = sanitizeRenderedMarkdown(
      '<p style="color:red" onclick="x()">a</p><a href="javascript:alert(1)">b</a><a href="//evil.example">c</a><iframe src="https://e"></iframe><span class="evil hljs-string">s</span><img src=x onerror=alert(1)>',
    );
    assert.ok(!/style=|onclick|javascript:|\/\/evil|<iframe|<img/i.test(html), html);
    assert.match(html, /<span class="hljs-string">s<\/span>/);
    assertInert(html);
  });
});
