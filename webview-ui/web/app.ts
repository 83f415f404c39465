import type { ConnectionState, HttpBridge } from '../shared/httpBridge';
import { l10n } from '../../src/shared/l10n';
import { h } from './dom';
import { Toast } from './feedback';
import { parseRoute, searchHref, type Route } from './routes';
import { SearchScreen } from './searchScreen';
import { SessionList } from './sessionList';
import { SessionScreen } from './sessionScreen';
import { SessionStore } from './sessionStore';
import { isDemoStore, sessionFolderText } from '../../src/shared/rules/sessionFolders';

export interface AppOptions {
  /** Signed in with a token kept on this device (so "forget me" means something). */
  usesToken: boolean;
  /** Called when the user asks to forget the token, or the server refuses it. */
  onSignOut(reason: 'forget' | 'refused', message: string): void;
}

const stateText: Record<ConnectionState | 'idle', () => string> = {
  idle: () => l10n.t('Connecting…'),
  connected: () => l10n.t('Live'),
  reconnecting: () => l10n.t('Reconnecting…'),
  'signed-out': () => l10n.t('Signed out'),
};

/**
 * The signed-in client: a top bar, and one of three screens (list, search, session) chosen
 * by the URL fragment. Screens are built once and kept, so going back to the list keeps its
 * filters and scroll position.
 */
export class App {
  readonly element: HTMLElement;
  private readonly store: SessionStore;
  private readonly list: SessionList;
  private readonly search: SearchScreen;
  private readonly session: SessionScreen;
  private readonly toast = new Toast();
  private readonly connection: HTMLElement;
  /** "Demo sessions" in the top bar while the server shows a generated demo store. */
  private readonly demoBadge: HTMLElement;
  private readonly main: HTMLElement;
  private readonly scrollTops = new Map<HTMLElement, number>();
  /** Per screen, what had focus when it was left (the row or hit opened), to return to. */
  private readonly lastFocus = new Map<HTMLElement, HTMLElement>();
  private current: HTMLElement | undefined;
  private readonly onHashChange = () => this.route(parseRoute(window.location.hash));
  private readonly onKey = (e: KeyboardEvent) => this.onKeyDown(e);

  constructor(
    private readonly bridge: HttpBridge,
    private readonly options: AppOptions,
  ) {
    this.store = new SessionStore(bridge);
    this.list = new SessionList(this.store);
    this.search = new SearchScreen(bridge, this.store, (query) => {
      const href = searchHref(query);
      if (window.location.hash !== href) history.replaceState(null, '', href);
    });
    this.session = new SessionScreen(bridge, this.store, this.toast, () => (window.location.hash = '#/'));
    this.connection = h('span', { class: 'connection', role: 'status', 'aria-live': 'polite', 'data-state': 'idle' }, stateText.idle());
    // Two places: the top bar has no room for it at phone width, so phones get it under the list.
    const forgetButton = (where: string) => {
      const button = h('button', { type: 'button', class: `button forget-button forget-${where}`, title: l10n.t('Sign out and remove the token from this device') }, l10n.t('Forget me'));
      button.hidden = !options.usesToken;
      button.addEventListener('click', () => options.onSignOut('forget', l10n.t('The token was removed from this device.')));
      return button;
    };
    const forget = forgetButton('top');
    this.list.element.append(h('footer', { class: 'list-footer' }, forgetButton('list')));
    const nav = h(
      'nav',
      { class: 'topnav', 'aria-label': l10n.t('Screens') },
      h('a', { href: '#/', 'data-screen': 'list' }, l10n.t('Sessions')),
      h('a', { href: '#/search', 'data-screen': 'search' }, l10n.t('Search')),
    );
    this.demoBadge = h('span', { class: 'demo-badge', title: sessionFolderText.demoNote }, sessionFolderText.demoTitle);
    this.demoBadge.hidden = true;
    this.store.onChange(() => this.showDemo());
    // The name is the text shown ("π Sessions"); at phone width the word is only hidden visually.
    const top = h('header', { class: 'topbar' }, h('a', { class: 'brand', href: '#/' }, 'π', h('span', { class: 'brand-text' }, ` ${l10n.t('Sessions')}`)), this.demoBadge, nav, this.connection, forget);
    // The first tab stop: past the top bar to the screen's heading. Not a fragment link,
    // since fragments are this page's routes.
    const skip = h('a', { class: 'skip-link', href: '#main-content' }, l10n.t('Skip to content'));
    skip.addEventListener('click', (e) => {
      e.preventDefault();
      this.headingOf(this.current)?.focus();
    });
    this.main = h('main', { class: 'app-main', id: 'main-content' }, this.list.element, this.search.element, this.session.element);
    for (const screen of [this.list.element, this.search.element, this.session.element]) screen.hidden = true;
    this.element = h('div', { class: 'app' }, skip, top, this.main, this.toast.element);

    bridge.onConnectionChange?.((state) => this.showConnection(state));
  }

  async start(): Promise<void> {
    window.addEventListener('hashchange', this.onHashChange);
    document.addEventListener('keydown', this.onKey);
    this.list.refresh(true);
    this.route(parseRoute(window.location.hash));
    this.bridge.connect();
    const failed = await this.store.reload();
    if (failed && failed.code !== 'unauthorized') this.toast.show(l10n.t('Could not load the sessions: {0}', failed.error ?? failed.code ?? l10n.t('unknown error')), 'error');
  }

  dispose(): void {
    window.removeEventListener('hashchange', this.onHashChange);
    document.removeEventListener('keydown', this.onKey);
    this.session.hide();
    this.bridge.dispose();
  }

  private headingOf(screen: HTMLElement | undefined): HTMLElement | undefined {
    if (screen === this.list.element) return this.list.heading;
    if (screen === this.search.element) return this.search.heading;
    if (screen === this.session.element) return this.session.title;
    return undefined;
  }

  private route(route: Route): void {
    const next = route.screen === 'list' ? this.list.element : route.screen === 'search' ? this.search.element : this.session.element;
    const first = this.current === undefined;
    if (this.current && this.current !== next) {
      this.scrollTops.set(this.current, this.current.scrollTop);
      const active = document.activeElement;
      if (active instanceof HTMLElement && this.current.contains(active)) this.lastFocus.set(this.current, active);
      this.current.hidden = true;
    }
    if (route.screen !== 'session') this.session.hide();
    next.hidden = false;
    this.element.dataset.screen = route.screen;
    for (const link of this.element.querySelectorAll<HTMLAnchorElement>('.topnav a')) {
      if (link.dataset.screen === route.screen) link.setAttribute('aria-current', 'page');
      else link.removeAttribute('aria-current');
    }
    const changed = this.current !== next;
    this.current = next;
    if (route.screen === 'search') {
      this.search.setQuery(route.query);
      if (changed) this.search.focus();
      document.title = l10n.t('Search · Pi Sessions');
    } else if (route.screen === 'session') {
      this.session.show(route.path, route.entryId);
    } else {
      document.title = l10n.t('Pi Sessions');
    }
    if (changed) next.scrollTop = this.scrollTops.get(next) ?? 0;
    if (changed || route.screen === 'session') this.placeFocus(next, route, first);
  }

  /**
   * Focus follows the screen, so it never falls to the page body: back on the row or hit a
   * screen was left from, else on the new screen's heading (the search screen: its field).
   */
  private placeFocus(screen: HTMLElement, route: Route, first: boolean): void {
    const previous = this.lastFocus.get(screen);
    this.lastFocus.delete(screen);
    const back = previous && route.screen !== 'session' ? (previous.isConnected ? previous : sameLink(screen, previous)) : undefined;
    if (back) {
      back.focus();
      return;
    }
    if (route.screen === 'search' && !first) {
      this.search.focus();
      return;
    }
    this.headingOf(screen)?.focus({ preventScroll: true });
  }

  private showDemo(): void {
    const demo = isDemoStore(this.store.dirs);
    this.demoBadge.hidden = !demo;
    this.element.dataset.demo = String(demo);
  }

  private showConnection(state: ConnectionState): void {
    this.connection.dataset.state = state;
    this.connection.textContent = stateText[state]();
    if (state === 'signed-out') this.options.onSignOut('refused', this.bridge.lastSignOutReason);
  }

  private onKeyDown(e: KeyboardEvent): void {
    const typing = e.target instanceof HTMLElement && (e.target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(e.target.tagName));
    if (e.key === '/' && !typing && !e.ctrlKey && !e.metaKey && !e.altKey && this.element.dataset.screen !== 'session') {
      e.preventDefault();
      window.location.hash = '#/search';
    }
  }
}

/** The list is rebuilt when sessions change: the row that was left, found again by its link. */
function sameLink(screen: HTMLElement, gone: HTMLElement): HTMLElement | undefined {
  const href = gone.getAttribute('href');
  const path = gone.dataset.path;
  return (
    (href ? screen.querySelector<HTMLElement>(`a[href="${CSS.escape(href)}"]`) : null) ??
    (path ? screen.querySelector<HTMLElement>(`[data-path="${CSS.escape(path)}"]`) : null) ??
    undefined
  );
}
