import { useCatalogue } from '../../src/shared/l10n';
import { pageL10nElementId, parsePageL10n } from '../../src/shared/webviewProtocol';

/*
 * Imported first by the editor's pages, so that every module after it (including labels built
 * when a module loads) already speaks the display language the host embedded.
 */
const pageL10n = parsePageL10n(document.getElementById(pageL10nElementId)?.textContent);
useCatalogue(pageL10n.locale, pageL10n.catalogue);
document.documentElement.lang = pageL10n.locale;
