import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { bareTexts } from './bareText';
// The same extraction that writes l10n/bundle.l10n.json.
import { bundlePath, collectMessages, englishBundle, messageCalls, root, sourceFiles } from '../../../scripts/l10n-messages.mjs';

const readJson = (file: string): Record<string, string> => JSON.parse(fs.readFileSync(path.join(root, file), 'utf8'));
const placeholders = (text: string) => [...new Set(text.match(/\{\d+\}/g) ?? [])].sort();

/**
 * Literals that look like text but are not for translation, each with its reason. Keep it
 * short: everything else a person reads goes through the catalogue.
 */
const allowed: ReadonlyArray<{ file: string; code: string; why: string }> = [
  { file: 'src/ui/actions/exportNaming.ts', code: "'HTML'", why: 'file format name' },
  { file: 'src/ui/actions/exportNaming.ts', code: "'Markdown'", why: 'file format name' },
  { file: 'src/ui/actions/exportNaming.ts', code: "'JSON'", why: 'file format name' },
  { file: 'src/ui/actions/resumeInTerminal.ts', code: '`pi: ${oneLine(sessionTitle(info), 40)}`', why: 'terminal named after the pi command it runs' },
  { file: 'src/ui/statusBar.ts', code: '`$(broadcast) Pi :${state.port}`', why: 'product name and port' },
  { file: 'src/ui/statusBar.ts', code: "'$(sync~spin) Pi'", why: 'product name' },
  { file: 'webview-ui/web/signIn.ts', code: "'token'", why: 'form field name, never shown' },
  { file: 'webview-ui/web/signIn.ts', code: "'node dist/cli.js token create <name>'", why: 'a command to type, shown as code' },
  { file: 'webview-ui/shared/live/liveRun.ts', code: "'thinking'", why: "a block kind in a ternary (`? 'text' : 'thinking'`), not text" },
];

describe('localisation', () => {
  it('no user-facing text in src/ui, webview-ui or the shared renderer bypasses the catalogue', () => {
    const found: string[] = [];
    for (const file of sourceFiles(['src/ui', 'webview-ui', 'src/shared/render', 'src/shared/rules'])) {
      const rel = path.relative(root, file);
      for (const bare of bareTexts(fs.readFileSync(file, 'utf8'))) {
        if (allowed.some((a) => a.file === rel && a.code === bare.code)) continue;
        found.push(`${rel}:${bare.line}: ${bare.code}`);
      }
    }
    assert.deepEqual(found, [], 'wrap these in vscode.l10n.t / l10n.t (or allow-list them with a reason)');
  });

  it('the bare-text scan catches the usual shapes (so a green run means something)', () => {
    const samples = [
      "void vscode.window.showInformationMessage('Saved.');",
      'void vscode.window.showWarningMessage(`No session at ${path}`);',
      "qp.items = [{ label: 'Today', days: 1 }];",
      "qp.placeholder = 'Type a name';",
      "const b = h('button', { type: 'button' }, 'Refresh');",
      "const i = element('input', { placeholder: 'Find' });",
      "input.setAttribute('aria-label', 'Search');",
      "const item = new vscode.TreeItem('Favorites');",
      "el.textContent = 'Loading…';",
      "const t = { caption: 'x', columns: ['Day', 'Messages'] };",
      "panel.webview.html = `<body><h2>Open on your phone</h2></body>`;",
      "const x = { 'aria-label': 'Close find' };",
      "const text = { title: () => 'Send Prompt', sent: { started: 'pi is answering.' } };",
    ];
    for (const sample of samples) assert.equal(bareTexts(sample).length > 0, true, `not caught: ${sample}`);
    const fine = [
      "void vscode.window.showInformationMessage(vscode.l10n.t('Saved.'));",
      "qp.items = [{ label: `$(tag) ${tag.name}` }];",
      "const b = h('span', { class: 'star' }, '★');",
      '// label: \'only a comment\'',
      "el.textContent = '';",
      'const x = a < b && c > d ? 1 : 2;',
    ];
    for (const sample of fine) assert.deepEqual(bareTexts(sample), [], `wrongly caught: ${sample}`);
  });

  it('every message is a string literal, and l10n/bundle.l10n.json lists exactly the messages used', () => {
    const { messages, problems } = collectMessages();
    assert.deepEqual(problems, []);
    assert.ok(messages.size > 300, `only ${messages.size} messages found: is the extraction broken?`);
    assert.deepEqual(readJson(path.relative(root, bundlePath)), englishBundle(messages), 'run node scripts/l10n-messages.mjs');
    assert.deepEqual(
      messageCalls("l10n.t('a {0}', x); vscode.l10n.t(\"b\"); l10n.html('c {0}', y); l10n.t(name)").map((c) => c.message),
      ['a {0}', 'b', 'c {0}', null],
    );
  });

  it('the Chinese catalogue translates every message and nothing else, with the same placeholders', () => {
    const english = readJson('l10n/bundle.l10n.json');
    const chinese = readJson('l10n/bundle.l10n.zh-cn.json');
    assert.deepEqual(Object.keys(english).filter((k) => !(k in chinese)), [], 'missing in l10n/bundle.l10n.zh-cn.json');
    assert.deepEqual(Object.keys(chinese).filter((k) => !(k in english)), [], 'unused in l10n/bundle.l10n.zh-cn.json');
    for (const [message, translation] of Object.entries(chinese)) {
      assert.ok(translation.trim().length > 0, `empty translation of ${message}`);
      assert.deepEqual(placeholders(translation), placeholders(message), `placeholders differ: ${message} → ${translation}`);
    }
  });

  it('package.json names every contributed text by a key that both package.nls files define', () => {
    const manifestText = fs.readFileSync(path.join(root, 'package.json'), 'utf8');
    const manifest = JSON.parse(manifestText);
    const english = readJson('package.nls.json');
    const chinese = readJson('package.nls.zh-cn.json');
    const used = new Set([...manifestText.matchAll(/"%([\w.-]+)%"/g)].map((m) => m[1]!));
    assert.deepEqual([...used].filter((k) => !(k in english)), [], 'keys missing in package.nls.json');
    assert.deepEqual(Object.keys(english).filter((k) => !used.has(k)), [], 'unused keys in package.nls.json');
    assert.deepEqual(Object.keys(english).sort(), Object.keys(chinese).sort(), 'package.nls.zh-cn.json differs in keys');
    for (const [key, text] of Object.entries(chinese)) {
      const links = (s: string) => [...s.matchAll(/\]\((command:[^)]+)\)/g)].map((m) => m[1]).sort();
      assert.deepEqual(links(text), links(english[key]!), `${key}: the translation links elsewhere`);
      assert.deepEqual([...text.matchAll(/#[\w.]+#/g)].map(String).sort(), [...english[key]!.matchAll(/#[\w.]+#/g)].map(String).sort(), `${key}: setting links differ`);
    }
    // The fields VS Code shows: a bare literal there would stay English in every language.
    const shown = /^(title|name|contextualTitle|contents|description|markdownDescription|category)$/;
    const bare: string[] = [];
    const walk = (value: unknown, where: string) => {
      if (Array.isArray(value)) value.forEach((v, i) => walk(v, `${where}[${i}]`));
      else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) {
        if (typeof v === 'string' && shown.test(k) && !/^%[\w.-]+%$/.test(v)) bare.push(`${where}.${k}`);
        else walk(v, `${where}.${k}`);
      }
    };
    walk(manifest.contributes, 'contributes');
    assert.deepEqual(bare, []);
    assert.equal(manifest.l10n, './l10n');
  });
});
