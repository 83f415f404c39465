// Keeps l10n/bundle.l10n.json (the English catalogue) in step with the sources: every
// `l10n.t('…')`, `l10n.html('…')` or `vscode.l10n.t('…')` call in the extension, the pages and the shared
// renderer is a message, keyed by its English text as vscode.l10n.t looks it up.
//   node scripts/l10n-messages.mjs          rewrite l10n/bundle.l10n.json
//   node scripts/l10n-messages.mjs --check  fail when it is out of date
// The unit test test/unit/l10n/catalogue.test.ts uses the same extraction.
import { readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');

/** Where user-facing text lives. src/core and src/server speak the API's English to clients. */
export const messageDirs = ['src/ui', 'src/shared/render', 'src/shared/rules', 'webview-ui'];

export function sourceFiles(dirs = messageDirs) {
  const out = [];
  const walk = (p) => {
    if (statSync(p).isDirectory()) for (const name of readdirSync(p).sort()) walk(path.join(p, name));
    else if (/\.ts$/.test(p) && !p.endsWith('.d.ts')) out.push(p);
  };
  for (const dir of dirs) walk(path.join(root, dir));
  return out;
}

/** Reads the JavaScript string literal starting at `text[start]` (a quote); null if it is not one. */
export function readStringLiteral(text, start) {
  const quote = text[start];
  if (quote !== "'" && quote !== '"' && quote !== '`') return null;
  let value = '';
  for (let i = start + 1; i < text.length; i++) {
    const c = text[i];
    if (c === '\\') {
      const n = text[++i];
      value += n === 'n' ? '\n' : n === 't' ? '\t' : n;
      continue;
    }
    if (quote === '`' && c === '$' && text[i + 1] === '{') return null;
    if (c === quote) return { value, end: i + 1 };
    if (c === '\n' && quote !== '`') return null;
    value += c;
  }
  return null;
}

/**
 * Every `l10n.t(` call of a file: `{ message, line }` for a literal first argument,
 * `{ message: null, line }` for anything else (which no catalogue can hold).
 */
export function messageCalls(text) {
  const calls = [];
  const pattern = /\bl10n\.(?:t|html)\(\s*/g;
  for (let m = pattern.exec(text); m; m = pattern.exec(text)) {
    const start = m.index + m[0].length;
    const line = text.slice(0, m.index).split('\n').length;
    const literal = readStringLiteral(text, start);
    calls.push({ message: literal ? literal.value : null, line });
  }
  return calls;
}

export function collectMessages(files = sourceFiles()) {
  const messages = new Map();
  const problems = [];
  for (const file of files) {
    const rel = path.relative(root, file);
    for (const call of messageCalls(readFileSync(file, 'utf8'))) {
      if (call.message === null) problems.push(`${rel}:${call.line}: l10n.t needs a string literal as its message`);
      else if (!messages.has(call.message)) messages.set(call.message, `${rel}:${call.line}`);
    }
  }
  return { messages, problems };
}

export function englishBundle(messages) {
  return Object.fromEntries([...messages.keys()].sort().map((m) => [m, m]));
}

export const bundlePath = path.join(root, 'l10n/bundle.l10n.json');

if (process.argv[1] && path.resolve(process.argv[1]) === new URL(import.meta.url).pathname) {
  const { messages, problems } = collectMessages();
  for (const p of problems) console.error(p);
  const text = `${JSON.stringify(englishBundle(messages), null, 2)}\n`;
  if (process.argv.includes('--check')) {
    const current = readFileSync(bundlePath, 'utf8');
    if (current !== text || problems.length > 0) {
      console.error('l10n/bundle.l10n.json is out of date: run node scripts/l10n-messages.mjs');
      process.exit(1);
    }
    console.log(`l10n/bundle.l10n.json: ${messages.size} messages, up to date`);
  } else {
    writeFileSync(bundlePath, text);
    console.log(`l10n/bundle.l10n.json: ${messages.size} messages`);
    if (problems.length > 0) process.exit(1);
  }
}
