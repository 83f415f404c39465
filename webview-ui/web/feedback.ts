import type { ApiFailure } from '../../src/shared/api/envelope';
import { l10n } from '../../src/shared/l10n';
import { h } from './dom';

/** Why the server refused an action, one whole sentence per action (translations need whole sentences). */
const refusals: Record<string, () => string> = {
  rename_session: () => l10n.t('This token cannot rename sessions. Ask for a token with the write scope.'),
  toggle_favorite: () => l10n.t('This token cannot change favorites. Ask for a token with the write scope.'),
  assign_tag: () => l10n.t('This token cannot tag sessions. Ask for a token with the write scope.'),
  remove_tag: () => l10n.t('This token cannot remove tags. Ask for a token with the write scope.'),
  delete_session: () => l10n.t('This token cannot delete sessions. Ask for a token with the write scope.'),
  export_session: () => l10n.t('This token cannot export sessions. Ask for a token with the write scope.'),
  search: () => l10n.t('This token cannot search. Ask for a token with the write scope.'),
};

/** A failed envelope in words a user can act on. */
export function failureText(command: string, envelope: ApiFailure): string {
  if (envelope.code === 'forbidden') {
    return refusals[command]?.() ?? l10n.t('This token cannot {0}. Ask for a token with the write scope.', command.replace(/_/g, ' '));
  }
  if (envelope.code === 'unavailable' && !envelope.error) return l10n.t('The server cannot be reached right now.');
  return envelope.error ?? l10n.t('{0} failed', command.replace(/_/g, ' '));
}

/**
 * One line of feedback at the bottom of the screen (announced to screen readers), replaced
 * by the next message and gone after a few seconds.
 */
export class Toast {
  readonly element = h('div', { class: 'toast', role: 'status', 'aria-live': 'polite', hidden: true });
  private timer: number | undefined;

  show(text: string, kind: 'info' | 'error' = 'info'): void {
    this.element.textContent = text;
    this.element.dataset.kind = kind;
    this.element.hidden = false;
    window.clearTimeout(this.timer);
    this.timer = window.setTimeout(() => (this.element.hidden = true), kind === 'error' ? 8000 : 4000);
  }
}

/** Saves text as a file through a Blob URL (no server round trip, no data in a URL). */
export function downloadText(filename: string, mimeType: string, content: string): void {
  const url = URL.createObjectURL(new Blob([content], { type: mimeType || 'application/octet-stream' }));
  const link = h('a', { href: url, download: filename, hidden: true });
  document.body.append(link);
  link.click();
  link.remove();
  // The download has started by now; the URL is only needed for that.
  window.setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
