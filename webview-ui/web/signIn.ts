import { HttpBridge } from '../shared/httpBridge';
import { l10n } from '../../src/shared/l10n';
import { h, withNodes } from './dom';

export interface SignInResult {
  bridge: HttpBridge;
  token: string;
  remember: boolean;
}

/** Why a token was refused, in words that say what to do next. */
export function refusalText(code: string | undefined): string {
  if (code === 'rate_limited') return l10n.t('Too many wrong tokens from this device. Wait a minute, then try again.');
  if (code === 'unavailable') return l10n.t('The server cannot be reached. Check the address and your connection.');
  return l10n.t('This token was not accepted: it is wrong, or it was revoked. Create a new one with "Pi Sessions: Create API Token" or `node dist/cli.js token create <name>`.');
}

/**
 * The sign-in screen for devices other than the server's own: one field for an API token,
 * checked with a cheap authenticated call before anything else is shown.
 */
export function signInScreen(message: string | null, onSignedIn: (result: SignInResult) => void): HTMLElement {
  const input = h('input', { type: 'password', class: 'field', id: 'token-input', name: 'token', autocomplete: 'off', autocapitalize: 'off', spellcheck: 'false', required: true, 'aria-describedby': 'sign-in-error sign-in-help' });
  const remember = h('input', { type: 'checkbox', id: 'remember-token', checked: true });
  const error = h('p', { class: 'sign-in-error', id: 'sign-in-error', role: 'alert' }, message ?? '');
  error.hidden = !message;
  const submit = h('button', { type: 'submit', class: 'button button-primary' }, l10n.t('Sign in'));
  const form = h(
    'form',
    { class: 'sign-in-form', 'aria-labelledby': 'sign-in-title' },
    h('h1', { id: 'sign-in-title' }, l10n.t('Pi Sessions')),
    h('p', { class: 'sign-in-intro' }, l10n.t('This server needs an API token to show your sessions on this device.')),
    h(
      'div',
      { class: 'sign-in-help', id: 'sign-in-help' },
      h('p', {}, l10n.t('To get one, on the computer that runs Pi Sessions:')),
      h(
        'ul',
        {},
        h(
          'li',
          {},
          ...withNodes(
            l10n.t('in VS Code, run {0} from the Command Palette (the token is copied to the clipboard), or {1} with a read-only token and scan it to sign in at once;'),
            h('strong', {}, l10n.t('Pi Sessions: Create API Token…')),
            h('strong', {}, l10n.t('Pi Sessions: Show Web Client QR Code')),
          ),
        ),
        h('li', {}, ...withNodes(l10n.t('in a terminal, run {0} in the extension’s folder.'), h('code', {}, 'node dist/cli.js token create <name>'))),
      ),
      h('p', {}, l10n.t('Paste the token below. It is shown only once when it is created.')),
    ),
    error,
    h('label', { for: 'token-input', class: 'dialog-label' }, l10n.t('API token')),
    input,
    h('label', { class: 'check-label' }, remember, l10n.t('Remember this device')),
    submit,
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const token = input.value.trim();
    if (!token) return;
    submit.disabled = true;
    error.hidden = true;
    const bridge = new HttpBridge({ token });
    void bridge.call('list_tags', {}).then((reply) => {
      submit.disabled = false;
      if (reply.success) {
        onSignedIn({ bridge, token, remember: remember.checked });
        return;
      }
      bridge.dispose();
      error.textContent = reply.code === 'unauthorized' ? refusalText(reply.code) : reply.code === 'forbidden' ? l10n.t('This token cannot read sessions (it lacks the read scope).') : refusalText(reply.code);
      error.hidden = false;
      input.select();
    });
  });
  queueMicrotask(() => input.focus());
  return h('main', { class: 'sign-in' }, form);
}
