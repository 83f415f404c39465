import { provideVSCodeDesignSystem, vsCodeButton, vsCodeDropdown, vsCodeOption, vsCodeTextField } from '@vscode/webview-ui-toolkit';

let registered = false;

/**
 * Registers the webview UI toolkit's components the editor pages use: buttons, text fields
 * and dropdowns, themed by VS Code itself. Under the pages' CSP (no `unsafe-eval`, styles by
 * nonce only): component styles and design tokens are constructed stylesheets
 * (adoptedStyleSheets), which `style-src` does not govern; the one `<style>` FAST adds (a
 * `:focus-visible` probe) takes the nonce of the page's `csp-nonce` meta tag
 * (webviewHost.ts); nothing evaluates strings. The badge and progress ring bind `style`
 * attributes, which the CSP refuses; they are not registered.
 */
export function registerToolkit(): void {
  if (registered) return;
  registered = true;
  provideVSCodeDesignSystem().register(vsCodeButton(), vsCodeTextField(), vsCodeDropdown(), vsCodeOption());
}
