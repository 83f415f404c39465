import { sessionCss } from '../../../src/shared/render/css';

const styleId = 'psm-session-css';

/**
 * Adds the renderer's stylesheet to the document once. Pages run under a CSP that allows
 * styles by nonce only, so the `<style>` takes the nonce of the page's own script (the
 * `nonce` property stays readable after the browser hides the attribute).
 */
export function installSessionStyles(doc: Document = document): void {
  if (doc.getElementById(styleId)) return;
  const style = doc.createElement('style');
  style.id = styleId;
  const nonce = doc.querySelector<HTMLScriptElement>('script[nonce]')?.nonce;
  if (nonce) style.nonce = nonce;
  style.textContent = sessionCss;
  doc.head.append(style);
}
