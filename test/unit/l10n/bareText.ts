/**
 * Finds user-facing text written as a bare literal instead of going through the catalogue
 * (`vscode.l10n.t` / `l10n.t`): message boxes, quick pick and input box fields, tree items,
 * status bar texts, element text and attributes a person reads or hears (title, placeholder,
 * aria-label), table captions and columns, toasts and banners.
 *
 * A literal counts as text when it has a letter outside `${…}` and outside codicons
 * (`$(copy)`); symbols (`★`, `↓`, `—`) and empty strings are not text.
 */

export interface BareText {
  line: number;
  code: string;
}

const literal = String.raw`(?:'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*"|` + '`(?:[^`\\\\]|\\\\.)*`)';

/** Where a literal is user-facing; the literal is always the last group. */
const sites: RegExp[] = [
  // vscode.window.showInformationMessage('…'), setStatusBarMessage('…'), toast.show('…'), setBanner('…')
  new RegExp(String.raw`\b(?:show(?:Information|Warning|Error)Message|setStatusBarMessage|showInputBox|toast\.show|setBanner|confirmAction|askText|openDialog)\(\s*(${literal})`, 'g'),
  // { label: '…', title: '…', placeholder: '…', 'aria-label': '…', … } in object literals
  new RegExp(String.raw`(?:^|[{,\s])['"]?(?:label|title|placeholder|placeHolder|prompt|tooltip|description|detail|saveLabel|openLabel|emptyText|caption|message|text|name|aria-label|alt)['"]?\s*:\s*(${literal})`, 'g'),
  // element.textContent = '…', item.tooltip = '…', qp.placeholder = '…', document.title = '…'
  new RegExp(String.raw`\.(?:textContent|innerText|title|placeholder|tooltip|text|description|label|name|prompt)\s*=\s*(${literal})`, 'g'),
  // setAttribute('aria-label' | 'title' | 'placeholder' | 'alt', '…')
  new RegExp(String.raw`setAttribute\(\s*['"](?:aria-label|title|placeholder|alt)['"]\s*,\s*(${literal})`, 'g'),
  // new vscode.TreeItem('…'), createWebviewPanel(type, '…'), withProgress({ title: '…' }) is above
  new RegExp(String.raw`new vscode\.TreeItem\(\s*(${literal})`, 'g'),
  new RegExp(String.raw`createWebviewPanel\(\s*${literal}\s*,\s*(${literal})`, 'g'),
  // h('button', {…}, 'Text') / element('span', {…}, 'Text'): text children of the DOM helpers
  new RegExp(String.raw`\b(?:h|element)\(\s*'[a-z0-9]+'\s*,\s*\{[^{}]*\}\s*,\s*(?:[^()'"\x60]*?,\s*)?(${literal})`, 'g'),
  // columns: ['Day', …]
  new RegExp(String.raw`columns:\s*\[\s*(${literal})`, 'g'),
];

/** >Text< between tags of HTML the code writes as a template literal (the host's pages). */
const htmlText = /(>[^<>`\n]*<)/g;

/** Text a person reads: a letter outside interpolations and codicons. */
export function isText(quoted: string): boolean {
  let body = quoted;
  if (/^['"`]/.test(body)) body = body.slice(1, -1);
  if (quoted.startsWith('>')) body = quoted.slice(1, -1);
  body = withoutInterpolations(body).replace(/\$\([a-z0-9~-]+\)/g, '').replace(/\\[nrtu]/g, '');
  return /[A-Za-z]/.test(body);
}

/** `a ${f('{0}', x)} b` → `a  b`: interpolations may hold braces of their own. */
function withoutInterpolations(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '$' && text[i + 1] === '{') {
      let depth = 0;
      let j = i + 1;
      for (; j < text.length; j++) {
        if (text[j] === '{') depth++;
        else if (text[j] === '}' && --depth === 0) break;
      }
      i = j;
      continue;
    }
    out += text[i];
  }
  return out;
}

/** Removes comments (keeping line breaks, so line numbers hold) and leaves strings as they are. */
export function stripComments(source: string): string {
  let out = '';
  for (let i = 0; i < source.length; i++) {
    const c = source[i]!;
    if (c === "'" || c === '"' || c === '`') {
      let j = i + 1;
      while (j < source.length && source[j] !== c) j += source[j] === '\\' ? 2 : 1;
      out += source.slice(i, j + 1);
      i = j;
    } else if (c === '/' && source[i + 1] === '/') {
      while (i < source.length && source[i] !== '\n') i++;
      out += '\n';
    } else if (c === '/' && source[i + 1] === '*') {
      const end = source.indexOf('*/', i + 2);
      const comment = source.slice(i, end < 0 ? source.length : end + 2);
      out += comment.replace(/[^\n]/g, '');
      i = end < 0 ? source.length : end + 1;
    } else {
      out += c;
    }
  }
  return out;
}

export function bareTexts(source: string): BareText[] {
  // A message handed to the catalogue is fine whatever it contains (even quotes of code).
  const code = stripComments(source).replace(new RegExp(String.raw`\bl10n\.(t|html)\(\s*${literal}`, 'g'), (whole) => whole.replace(/(['"`])[\s\S]*\1$/, "''"));
  const found: BareText[] = [];
  for (const site of sites) {
    site.lastIndex = 0;
    for (let m = site.exec(code); m; m = site.exec(code)) {
      const text = m[m.length - 1]!;
      if (!isText(text)) continue;
      const at = m.index + m[0].lastIndexOf(text);
      found.push({ line: code.slice(0, at).split('\n').length, code: text });
    }
  }
  // Objects that gather a module's user-visible words (`const text = {…}`, `liveText`,
  // `sessionFolderText`): every string value in them is text.
  const textObjects = /\b(?:const|let)\s+(?:text|\w+Text)(?:\s*:[^=]+)?\s*=\s*\{/g;
  for (let t = textObjects.exec(code); t; t = textObjects.exec(code)) {
    let depth = 0;
    let end = t.index + t[0].length - 1;
    for (; end < code.length; end++) {
      if (code[end] === '{') depth++;
      else if (code[end] === '}' && --depth === 0) break;
    }
    const body = code.slice(t.index, end);
    const values = new RegExp(String.raw`:\s*(${literal})`, 'g');
    for (let m = values.exec(body); m; m = values.exec(body)) {
      if (!isText(m[1]!)) continue;
      found.push({ line: code.slice(0, t.index + m.index).split('\n').length, code: m[1]! });
    }
  }
  const templates = /`(?:[^`\\]|\\.)*`/g;
  for (let t = templates.exec(code); t; t = templates.exec(code)) {
    // A stylesheet between <style> tags is not text.
    const body = withoutInterpolations(t[0]).replace(/<style[^>]*>[\s\S]*?<\/style>/g, '');
    if (!/<[a-z]/i.test(body)) continue;
    htmlText.lastIndex = 0;
    for (let m = htmlText.exec(body); m; m = htmlText.exec(body)) {
      if (!isText(m[1]!)) continue;
      found.push({ line: code.slice(0, t.index).split('\n').length, code: m[1]! });
    }
  }
  return found.sort((a, b) => a.line - b.line);
}
