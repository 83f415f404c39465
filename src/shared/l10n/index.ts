/*
 * One way to say things in the display language, for every layer that has no `vscode` module:
 * the pure parts of the editor UI, the webview pages, the web client and the shared renderer.
 *
 * A message is its English text, with `{0}`, `{1}`… for arguments, exactly as
 * `vscode.l10n.t` takes it; the catalogues (`l10n/bundle.l10n*.json`) map that text to a
 * translation. In the extension host `l10n.t` is wired to `vscode.l10n.t` at activation; a
 * page gets the host's catalogue; the web client picks a catalogue by the browser's language.
 * Without any of that (tests, the headless server) messages stay English.
 */

import { escapeHtml } from '../render/escape';

export type L10nArg = string | number | boolean;

/** English message → translation, the shape of `bundle.l10n.<locale>.json`. */
export type Catalogue = Readonly<Record<string, string>>;

export type Translate = (message: string, args: readonly L10nArg[]) => string;

/** Fills `{0}`, `{1}`… with the arguments; an index without an argument stays as written. */
export function formatMessage(template: string, args: readonly L10nArg[]): string {
  if (args.length === 0) return template;
  return template.replace(/\{(\d+)\}/g, (whole, index: string) => {
    const value = args[Number(index)];
    return value === undefined ? whole : String(value);
  });
}

export function translatorFor(catalogue: Catalogue): Translate {
  return (message, args) => formatMessage(Object.prototype.hasOwnProperty.call(catalogue, message) ? catalogue[message]! : message, args);
}

const english: Translate = formatMessage;

let current: { locale: string; translate: Translate } = { locale: 'en', translate: english };

export const l10n = {
  /** The message in the display language, its `{n}` filled with `args`. */
  t(message: string, ...args: L10nArg[]): string {
    return current.translate(message, args);
  },
  /**
   * The message as HTML: the translated text is escaped, then `{n}` take `html` as given
   * (markup the renderer built and escaped itself, e.g. a tool name in a <span>).
   */
  html(message: string, ...html: string[]): string {
    return formatMessage(escapeHtml(current.translate(message, [])), html);
  },
  /** BCP 47 tag of the display language, for `Intl` (dates, numbers, relative times). */
  get locale(): string {
    return current.locale;
  },
};

/** Uses a translate function (the extension host passes `vscode.l10n.t`'s). */
export function useTranslator(locale: string, translate: Translate): void {
  current = { locale: locale || 'en', translate };
}

/** Uses a catalogue (a page, the web client); an empty one means English. */
export function useCatalogue(locale: string, catalogue: Catalogue): void {
  useTranslator(locale, translatorFor(catalogue));
}

/** Back to English (tests). */
export function resetL10n(): void {
  current = { locale: 'en', translate: english };
}

/** Whether the display language is English, where the product's own short forms apply. */
export function isEnglish(locale: string = current.locale): boolean {
  return /^en(-|$)/i.test(locale);
}

/**
 * The catalogue the web client uses for the browser's preferred languages: Simplified
 * Chinese for `zh`, `zh-CN`, `zh-Hans…` and `zh-SG`; English otherwise (also for the first
 * English preference, which wins over a later Chinese one).
 */
export function pickCatalogueLocale(preferred: readonly string[], available: readonly string[]): string | null {
  for (const raw of preferred) {
    const tag = raw.toLowerCase();
    if (/^en(-|$)/.test(tag)) return null;
    if ((tag === 'zh' || tag === 'zh-cn' || tag === 'zh-sg' || tag.startsWith('zh-hans')) && available.includes('zh-cn')) return 'zh-cn';
    if (available.includes(tag)) return tag;
  }
  return null;
}
