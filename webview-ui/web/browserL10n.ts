import { pickCatalogueLocale, useCatalogue, type Catalogue } from '../../src/shared/l10n';
import zhCn from '../../l10n/bundle.l10n.zh-cn.json';

/*
 * The web client runs in any browser, without the editor to tell it the language: it follows
 * the browser's preferences (`navigator.languages`) and uses the extension's own catalogues,
 * bundled at build time. Imported first by the entry, before any module builds a label.
 */
const catalogues: Readonly<Record<string, Catalogue>> = { 'zh-cn': zhCn };

const preferred = navigator.languages?.length ? navigator.languages : [navigator.language];
const locale = pickCatalogueLocale(preferred, Object.keys(catalogues));
if (locale !== null) {
  // Intl gets the browser's own tag (zh-CN, zh-Hans-CN…), which is more precise than the catalogue's.
  useCatalogue(preferred.find((tag) => tag.toLowerCase().startsWith('zh')) ?? locale, catalogues[locale]!);
  document.documentElement.lang = locale;
}
