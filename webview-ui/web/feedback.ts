import type { ApiFailure } from '../../src/shared/api/envelope';
import { h } from './dom';

/** What each action is called in "this token cannot …" messages. */
const actionNames: Record<string, string> = {
  rename_session: 'rename sessions',
  toggle_favorite: 'change favorites',
  assign_tag: 'tag sessions',
  remove_tag: 'remove tags',
  delete_session: 'delete sessions',
  export_session: 'export sessions',
  search: 'search',
};

/** A failed envelope in words a user can act on. */
export function failureText(command: string, envelope: ApiFailure): string {
  if (envelope.code === 'forbidden') {
    return `This token cannot ${actionNames[command] ?? command.replace(/_/g, ' ')}. Ask for a token with the write scope.`;
  }
  if (envelope.code === 'unavailable' && !envelope.error) return 'The server cannot be reached right now.';
  return envelope.error ?? `${command.replace(/_/g, ' ')} failed`;
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
