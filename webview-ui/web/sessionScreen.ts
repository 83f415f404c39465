import type { SessionInfo } from '../../src/shared/model/sessionInfo';
import { l10n } from '../../src/shared/l10n';
import type { HttpBridge } from '../shared/httpBridge';
import { SessionView } from '../shared/sessionView';
import { askText, confirmAction, openDialog } from './dialogs';
import { h } from './dom';
import { downloadText, failureText, type Toast } from './feedback';
import { sessionTitle } from '../../src/shared/rules/sessionLabels';
import type { SessionStore } from './sessionStore';

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

const exportFormats = [
  { value: 'html', label: () => l10n.t('HTML page') },
  { value: 'markdown', label: () => 'Markdown' },
  { value: 'json', label: () => 'JSON' },
] as const;

/**
 * One session: the shared conversation view (the same renderer and sanitiser as the
 * editor's viewer) under a toolbar with the session's actions. What a token may not do is
 * explained when the server refuses it, rather than guessed beforehand.
 */
export class SessionScreen {
  readonly element: HTMLElement;
  /** The screen's one h1, the session's title; it takes focus when a session opens. */
  readonly title: HTMLElement;
  private readonly actions: HTMLElement;
  private readonly favorite: HTMLButtonElement;
  private readonly host: HTMLElement;
  private view: SessionView | undefined;
  private path: string | undefined;

  constructor(
    private readonly bridge: HttpBridge,
    private readonly store: SessionStore,
    private readonly toast: Toast,
    private readonly navigateHome: () => void,
  ) {
    this.title = h('h1', { class: 'session-title', tabindex: '-1' });
    this.favorite = this.action('☆', l10n.t('Favorite'), 'favorite', () => void this.toggleFavorite());
    this.favorite.setAttribute('aria-pressed', 'false');
    const back = h('a', { class: 'icon-button back-link', href: '#/', 'aria-label': l10n.t('Back to sessions'), title: l10n.t('Back to sessions') }, '‹');
    this.actions = h(
      'div',
      { class: 'toolbar-actions', role: 'group', 'aria-label': l10n.t('Session actions') },
      this.favorite,
      this.action('✎', l10n.t('Rename'), 'rename', () => void this.rename()),
      this.action('#', l10n.t('Tags'), 'tags', () => void this.editTags()),
      this.action('⤓', l10n.t('Export'), 'export', () => void this.export()),
      this.action('✕', l10n.t('Delete'), 'delete', () => void this.delete()),
    );
    const toolbar = h('div', { class: 'session-toolbar' }, back, this.title, this.actions);
    this.host = h('div', { class: 'session-host' });
    this.element = h('section', { class: 'screen screen-session', 'aria-label': l10n.t('Session') }, toolbar, this.host);
    store.onChange(() => this.renderToolbar());
  }

  show(path: string, entryId?: string): void {
    if (this.view && path === this.path) {
      if (entryId) this.view.revealEntry(entryId);
      return;
    }
    this.hide();
    this.path = path;
    // Nothing of the session shown before stays: its title and actions would act on it.
    this.title.textContent = l10n.t('Loading session…');
    this.title.removeAttribute('title');
    this.actions.hidden = false;
    this.renderToolbar();
    this.view = new SessionView(this.host, this.bridge, {
      headerTitle: false,
      onTitleChange: (title) => {
        if (!this.store.get(path)) this.title.textContent = title;
      },
      onOpenFailed: () => {
        if (path !== this.path) return;
        this.title.textContent = l10n.t('Session not opened');
        this.title.removeAttribute('title');
        this.actions.hidden = true;
      },
    });
    void this.view.open(path, entryId);
  }

  /** Leaving the screen ends the view, and with it its key bindings and event listener. */
  hide(): void {
    this.view?.dispose();
    this.view = undefined;
    this.path = undefined;
  }

  private get info(): SessionInfo | undefined {
    return this.path === undefined ? undefined : this.store.get(this.path);
  }

  private action(icon: string, label: string, name: string, run: () => void): HTMLButtonElement {
    const button = h('button', { type: 'button', class: 'icon-button', 'data-action': name, 'aria-label': label, title: label }, h('span', { 'aria-hidden': 'true' }, icon), h('span', { class: 'action-label' }, label));
    button.addEventListener('click', run);
    return button;
  }

  private renderToolbar(): void {
    const info = this.info;
    if (info && !this.actions.hidden) {
      this.title.textContent = sessionTitle(info);
      this.title.title = info.cwd;
    }
    const on = info?.favorite ?? false;
    this.favorite.setAttribute('aria-pressed', String(on));
    // The name stays "Favorite", the word shown; aria-pressed says whether it is one.
    this.favorite.querySelector('[aria-hidden]')!.textContent = on ? '★' : '☆';
  }

  private async toggleFavorite(): Promise<void> {
    const path = this.path;
    if (!path) return;
    const reply = await this.bridge.call('toggle_favorite', { path });
    if (!reply.success) return this.toast.show(failureText('toggle_favorite', reply), 'error');
    const favorite = isObject(reply.data) && typeof reply.data.favorite === 'boolean' ? reply.data.favorite : !(this.info?.favorite ?? false);
    this.store.patch(path, { favorite });
    this.toast.show(favorite ? l10n.t('Added to favorites') : l10n.t('Removed from favorites'));
  }

  private async rename(): Promise<void> {
    const path = this.path;
    if (!path) return;
    const name = await askText(l10n.t('Rename session'), l10n.t('Name'), this.info?.name ?? '', l10n.t('Rename'));
    if (!name || path !== this.path) return;
    const reply = await this.bridge.call('rename_session', { path, name });
    if (!reply.success) return this.toast.show(failureText('rename_session', reply), 'error');
    const session = isObject(reply.data) && isObject(reply.data.session) ? (reply.data.session as unknown as SessionInfo) : undefined;
    if (session && typeof session.path === 'string') this.store.update(session);
    else this.store.patch(path, { name });
    this.toast.show(l10n.t('Renamed'));
  }

  private async editTags(): Promise<void> {
    const path = this.path;
    if (!path) return;
    await this.store.reloadTags();
    const current = new Set(this.info?.tag_ids ?? []);
    const boxes = this.store.tags.map((tag) => {
      const box = h('input', { type: 'checkbox', value: String(tag.id), checked: current.has(tag.id) });
      return h('label', { class: 'tag-option' }, box, tag.name);
    });
    const newTag = h('input', { type: 'text', class: 'field', placeholder: l10n.t('New tag'), 'aria-label': l10n.t('New tag name'), maxlength: '100', autocomplete: 'off' });
    const body = [boxes.length > 0 ? h('div', { class: 'tag-options' }, ...boxes) : h('p', {}, l10n.t('No tags yet.')), newTag];
    if ((await openDialog(l10n.t('Tags'), body, [{ label: l10n.t('Save'), value: 'ok', kind: 'primary' }], 'ok')) !== 'ok' || path !== this.path) return;
    const wanted = new Set(boxes.map((l) => l.querySelector('input')!).filter((b) => b.checked).map((b) => Number(b.value)));
    if (newTag.value.trim()) {
      const created = await this.bridge.call('create_tag', { name: newTag.value.trim() });
      if (!created.success) return this.toast.show(failureText('create_tag', created), 'error');
      if (isObject(created.data) && typeof created.data.id === 'number') wanted.add(created.data.id);
    }
    for (const id of wanted) {
      if (current.has(id)) continue;
      const reply = await this.bridge.call('assign_tag', { session_path: path, tag_id: id });
      if (!reply.success) return this.toast.show(failureText('assign_tag', reply), 'error');
    }
    for (const id of current) {
      if (wanted.has(id)) continue;
      const reply = await this.bridge.call('remove_tag', { session_path: path, tag_id: id });
      if (!reply.success) return this.toast.show(failureText('remove_tag', reply), 'error');
    }
    await this.store.reloadTags();
    this.store.patch(path, { tag_ids: [...wanted] });
    this.toast.show(l10n.t('Tags saved'));
  }

  private async export(): Promise<void> {
    const path = this.path;
    if (!path) return;
    const answer = await openDialog(l10n.t('Export session'), [h('p', {}, l10n.t('Download this session as:'))], exportFormats.map((f) => ({ label: f.label(), value: f.value })));
    const format = exportFormats.find((f) => f.value === answer)?.value;
    if (!format) return;
    const reply = await this.bridge.call('export_session', { path, format });
    if (!reply.success) return this.toast.show(failureText('export_session', reply), 'error');
    const data = reply.data;
    if (data.content === undefined) return this.toast.show(l10n.t('The export came back empty.'), 'error');
    downloadText(data.filename, data.mime_type, data.content);
    this.toast.show(l10n.t('Downloading {0}', data.filename));
  }

  private async delete(): Promise<void> {
    const path = this.path;
    if (!path) return;
    const title = this.info ? sessionTitle(this.info) : l10n.t('this session');
    if (!(await confirmAction(l10n.t('Delete session?'), l10n.t('“{0}” will be moved to the trash where the server supports it, otherwise deleted for good.', title), l10n.t('Delete')))) return;
    const reply = await this.bridge.call('delete_session', { path });
    if (!reply.success) return this.toast.show(failureText('delete_session', reply), 'error');
    this.store.remove(path);
    this.toast.show(isObject(reply.data) && reply.data.trashed === false ? l10n.t('Deleted') : l10n.t('Moved to the trash'));
    this.navigateHome();
  }
}
