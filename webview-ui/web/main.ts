import './browserL10n';
import { l10n } from '../../src/shared/l10n';
import './web.css';
import { HttpBridge } from '../shared/httpBridge';
import { App } from './app';
import { h } from './dom';
import { refusalText, signInScreen, type SignInResult } from './signIn';
import { forgetToken, loadToken, saveToken } from './tokenStore';

/**
 * Entry of the browser client. The page arrives empty (no data, no inline script): this
 * script finds out whether the browser may read sessions as it is (the server's own machine)
 * or needs a token, and shows the sign-in screen or the app accordingly.
 */
const root = document.getElementById('app')!;
let app: App | undefined;

// Counted where tests can read it: a page tripping its own CSP renders something wrongly.
document.addEventListener('securitypolicyviolation', (e) => {
  const count = Number(document.body.dataset.cspViolations ?? '0') + 1;
  document.body.dataset.cspViolations = String(count);
  document.body.dataset.cspLast = `${e.violatedDirective} ${e.blockedURI}`;
});

function startApp(bridge: HttpBridge, usesToken: boolean): void {
  app?.dispose();
  app = new App(bridge, {
    usesToken,
    onSignOut: (reason, message) => {
      forgetToken();
      app?.dispose();
      app = undefined;
      showSignIn(reason === 'refused' ? l10n.t('You were signed out: the server no longer accepts this token (it was revoked, or it is wrong). Sign in with a valid token.') : message);
    },
  });
  root.replaceChildren(app.element);
  void app.start();
}

function showSignIn(message: string | null): void {
  root.replaceChildren(
    signInScreen(message, ({ bridge, token, remember }: SignInResult) => {
      if (remember) saveToken(token);
      startApp(bridge, true);
    }),
  );
}

/**
 * A QR code made in the editor may carry a token in the fragment (`#token=…`), which the
 * browser never sends to a server. It is stored like a typed-in token and removed from the
 * address bar at once, so it does not linger in history or get shared by copying the URL.
 */
function takeTokenFromFragment(): void {
  const m = /^#token=([^&]+)$/.exec(window.location.hash);
  if (!m) return;
  saveToken(decodeURIComponent(m[1]!));
  window.history.replaceState(null, '', `${window.location.pathname}${window.location.search}#/`);
}

async function boot(): Promise<void> {
  takeTokenFromFragment();
  const token = loadToken();
  const bridge = new HttpBridge({ token });
  const probe = await bridge.call('list_tags', {});
  if (probe.success) {
    startApp(bridge, token !== null);
    return;
  }
  bridge.dispose();
  if (probe.code === 'unauthorized') {
    if (token !== null) forgetToken();
    showSignIn(token !== null ? refusalText('unauthorized') : null);
    return;
  }
  const retry = h('button', { type: 'button', class: 'button button-primary' }, l10n.t('Try again'));
  retry.addEventListener('click', () => void boot());
  root.replaceChildren(h('main', { class: 'sign-in' }, h('div', { class: 'sign-in-form' }, h('h1', {}, l10n.t('Pi Sessions')), h('p', { role: 'alert' }, probe.error ?? l10n.t('The server did not answer.')), retry)));
}

void boot();
