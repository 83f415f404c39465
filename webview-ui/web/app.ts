import type { ConnectionState, HttpBridge } from '../shared/httpBridge';
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

const stateText: Record<ConnectionState | 'idle', string> = {
  idle: 'Connecting…',
  connected: 'Live',
  reconnecting: 'Reconnecting…',
  'signed-out': 'Signed out',
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
  private current: HTMLElement | undefined;
  private readonly onHashChange = () => this.route(parseRoute(window.location.hash));
  private readonly onKey = (e: KeyboardEvent) => this.onKeyDown(e);

  constructor(
    private readonly bridge: HttpBridge,
    private readonly options: AppOptions,
  ) {
    this.store = new SessionStore(bridge);
    this.list = new SessionList(this.store);
    this.search = new SearchScreen(bridge, (query) => {
      const href = searchHref(query);
      if (window.location.hash !== href) history.replaceState(null, '', href);
    });
    this.session = new SessionScreen(bridge, this.store, this.toast, () => (window.location.hash = '#/'));
    this.connection = h('span', { class: 'connection', role: 'status', 'aria-live': 'polite', 'data-state': 'idle' }, stateText.idle);
    // Two places: the top bar has no room for it at phone width, so phones get it under the list.
    const forgetButton = (where: string) => {
      const button = h('button', { type: 'button', class: `button forget-button forget-${where}`, title: 'Sign out and remove the token from this device' }, 'Forget me');
      button.hidden = !options.usesToken;
      button.addEventListener('click', () => options.onSignOut('forget', 'The token was removed from this device.'));
      return button;
    };
    const forget = forgetButton('top');
    this.list.element.append(h('footer', { class: 'list-footer' }, forgetButton('list')));
    const nav = h(
      'nav',
      { class: 'topnav', 'aria-label': 'Screens' },
      h('a', { href: '#/', 'data-screen': 'list' }, 'Sessions'),
      h('a', { href: '#/search', 'data-screen': 'search' }, 'Search'),
    );
    this.demoBadge = h('span', { class: 'demo-badge', title: sessionFolderText.demoNote }, sessionFolderText.demoTitle);
    this.demoBadge.hidden = true;
    this.store.onChange(() => this.showDemo());
    const top = h('header', { class: 'topbar' }, h('a', { class: 'brand', href: '#/', 'aria-label': 'Pi Sessions' }, 'π', h('span', { class: 'brand-text' }, ' Sessions')), this.demoBadge, nav, this.connection, forget);
    this.main = h('main', { class: 'app-main' }, this.list.element, this.search.element, this.session.element);
    for (const screen of [this.list.element, this.search.element, this.session.element]) screen.hidden = true;
    this.element = h('div', { class: 'app' }, top, this.main, this.toast.element);

    bridge.onConnectionChange?.((state) => this.showConnection(state));
  }

  async start(): Promise<void> {
    window.addEventListener('hashchange', this.onHashChange);
    document.addEventListener('keydown', this.onKey);
    this.list.refresh(true);
    this.route(parseRoute(window.location.hash));
    this.bridge.connect();
    const failed = await this.store.reload();
    if (failed && failed.code !== 'unauthorized') this.toast.show(`Could not load the sessions: ${failed.error ?? failed.code ?? 'unknown error'}`, 'error');
  }

  dispose(): void {
    window.removeEventListener('hashchange', this.onHashChange);
    document.removeEventListener('keydown', this.onKey);
    this.session.hide();
    this.bridge.dispose();
  }

  private route(route: Route): void {
    const next = route.screen === 'list' ? this.list.element : route.screen === 'search' ? this.search.element : this.session.element;
    if (this.current && this.current !== next) {
      this.scrollTops.set(this.current, this.current.scrollTop);
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
      document.title = 'Search · Pi Sessions';
    } else if (route.screen === 'session') {
      this.session.show(route.path, route.entryId);
    } else {
      document.title = 'Pi Sessions';
    }
    if (changed) next.scrollTop = this.scrollTops.get(next) ?? 0;
  }

  private showDemo(): void {
    const demo = isDemoStore(this.store.dirs);
    this.demoBadge.hidden = !demo;
    this.element.dataset.demo = String(demo);
  }

  private showConnection(state: ConnectionState): void {
    this.connection.dataset.state = state;
    this.connection.textContent = stateText[state];
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
