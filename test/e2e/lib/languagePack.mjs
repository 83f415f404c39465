// A display language for the workbench without a marketplace: VS Code only accepts a locale
// that an installed language pack contributes, and otherwise runs (and tells extensions,
// through vscode.env.language) in English. This writes a minimal pack for `locale` with no
// translations of its own, so the workbench keeps its English strings while the extension
// under test gets the locale and loads its own package.nls.<locale>.json and l10n bundle.
// It lives only in the run's throw-away extensions and user data folders. The server builds
// the workbench's messages from `<user-data>/languagepacks.json`, which it otherwise writes
// only after a language pack was installed through the UI, so that index is written too.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export function writeLanguagePack({ extensionsDir, userDataDir, locale }) {
  const name = `e2e-language-pack-${locale}`;
  const dir = path.join(extensionsDir, `psm-e2e.${name}-0.0.1`);
  mkdirSync(path.join(dir, 'translations'), { recursive: true });
  const manifest = {
    name,
    publisher: 'psm-e2e',
    displayName: `Display language ${locale} (end-to-end tests)`,
    version: '0.0.1',
    engines: { vscode: '^1.100.0' },
    categories: ['Language Packs'],
    contributes: {
      localizations: [{ languageId: locale, languageName: locale, localizedLanguageName: locale, translations: [{ id: 'vscode', path: './translations/main.i18n.json' }] }],
    },
  };
  writeFileSync(path.join(dir, 'package.json'), JSON.stringify(manifest, null, 2));
  const translations = path.join(dir, 'translations', 'main.i18n.json');
  writeFileSync(translations, JSON.stringify({ version: '1.0.0', contents: {} }));
  const index = {
    [locale]: {
      hash: `psm-e2e-${locale}`,
      label: locale,
      extensions: [{ extensionIdentifier: { id: `psm-e2e.${name}` }, version: manifest.version }],
      translations: { vscode: translations },
    },
  };
  mkdirSync(userDataDir, { recursive: true });
  writeFileSync(path.join(userDataDir, 'languagepacks.json'), JSON.stringify(index, null, 2));
  return dir;
}
