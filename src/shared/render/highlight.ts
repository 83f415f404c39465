import hljs from 'highlight.js/lib/core';
import bash from 'highlight.js/lib/languages/bash';
import c from 'highlight.js/lib/languages/c';
import cpp from 'highlight.js/lib/languages/cpp';
import csharp from 'highlight.js/lib/languages/csharp';
import css from 'highlight.js/lib/languages/css';
import diff from 'highlight.js/lib/languages/diff';
import dockerfile from 'highlight.js/lib/languages/dockerfile';
import go from 'highlight.js/lib/languages/go';
import ini from 'highlight.js/lib/languages/ini';
import java from 'highlight.js/lib/languages/java';
import javascript from 'highlight.js/lib/languages/javascript';
import json from 'highlight.js/lib/languages/json';
import kotlin from 'highlight.js/lib/languages/kotlin';
import markdown from 'highlight.js/lib/languages/markdown';
import php from 'highlight.js/lib/languages/php';
import plaintext from 'highlight.js/lib/languages/plaintext';
import python from 'highlight.js/lib/languages/python';
import ruby from 'highlight.js/lib/languages/ruby';
import rust from 'highlight.js/lib/languages/rust';
import shell from 'highlight.js/lib/languages/shell';
import sql from 'highlight.js/lib/languages/sql';
import swift from 'highlight.js/lib/languages/swift';
import typescript from 'highlight.js/lib/languages/typescript';
import xml from 'highlight.js/lib/languages/xml';
import yaml from 'highlight.js/lib/languages/yaml';
import { escapeHtml } from './escape';

/*
 * Only the core plus a curated set of languages: the full highlight.js build is close to a
 * megabyte, which every webview and every exported file would otherwise carry.
 */
const LANGUAGES = {
  bash, c, cpp, csharp, css, diff, dockerfile, go, ini, java, javascript, json, kotlin, markdown,
  php, plaintext, python, ruby, rust, shell, sql, swift, typescript, xml, yaml,
};
for (const [name, language] of Object.entries(LANGUAGES)) {
  if (!hljs.getLanguage(name)) hljs.registerLanguage(name, language);
}

/** File extensions (and a few names) that map to a registered language. */
const EXTENSION_LANGUAGES: Record<string, string> = {
  ts: 'typescript', tsx: 'typescript', mts: 'typescript', cts: 'typescript',
  js: 'javascript', jsx: 'javascript', mjs: 'javascript', cjs: 'javascript',
  py: 'python', rb: 'ruby', rs: 'rust', go: 'go', java: 'java', kt: 'kotlin', kts: 'kotlin',
  c: 'c', h: 'c', cc: 'cpp', cpp: 'cpp', hpp: 'cpp', cs: 'csharp', swift: 'swift', php: 'php',
  sh: 'bash', bash: 'bash', zsh: 'bash', json: 'json', jsonl: 'json', yml: 'yaml', yaml: 'yaml',
  toml: 'ini', ini: 'ini', md: 'markdown', html: 'xml', htm: 'xml', xml: 'xml', svg: 'xml',
  vue: 'xml', css: 'css', scss: 'css', sql: 'sql', diff: 'diff', patch: 'diff', dockerfile: 'dockerfile',
};

/** The registered language for a fence tag such as `ts` or `TypeScript`, or null. */
export function resolveLanguage(tag: string | undefined | null): string | null {
  const name = (tag ?? '').trim().split(/\s+/)[0]?.toLowerCase() ?? '';
  if (!name) return null;
  if (hljs.getLanguage(name)) return name;
  return EXTENSION_LANGUAGES[name] ?? null;
}

/** The language for a file path, judged by its extension or base name. */
export function languageForPath(filePath: string): string | null {
  const base = filePath.split(/[\\/]/).pop()?.toLowerCase() ?? '';
  if (base === 'dockerfile') return 'dockerfile';
  const dot = base.lastIndexOf('.');
  return dot >= 0 ? EXTENSION_LANGUAGES[base.slice(dot + 1)] ?? null : null;
}

/**
 * Highlighted HTML for a code block's inner content (highlight.js escapes the source
 * itself). Unknown languages are escaped only: automatic detection over every language is
 * too slow for sessions with thousands of blocks.
 */
export function highlightCode(code: string, languageTag?: string | null): { html: string; language: string | null } {
  const language = resolveLanguage(languageTag);
  if (!language || language === 'plaintext') return { html: escapeHtml(code), language };
  try {
    return { html: hljs.highlight(code, { language, ignoreIllegals: true }).value, language };
  } catch {
    return { html: escapeHtml(code), language: null };
  }
}
