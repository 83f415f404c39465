import type { SearchHit } from '../../src/shared/model/search';
import { l10n } from '../../src/shared/l10n';
import type { HttpBridge } from '../shared/httpBridge';
import { baseName, h, highlighted } from './dom';
import { failureText } from './feedback';
import { sessionHref } from './routes';
import type { SessionStore } from './sessionStore';
import { relativeTime, sessionTitle } from '../../src/shared/rules/sessionLabels';


const pageSize = 30;
/** Codes meaning "this server has no full-text search (yet)", not "your query failed". */
const searchMissing = new Set(['unknown_command', 'not_available', 'unavailable', 'not_found']);

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}


/**
 * Full-text search across every session: results update while typing (the newest query
 * wins), with a role filter and more results on demand. A server without the search
 * service still answers with sessions whose name, first message or folder match.
 */
export class SearchScreen {
  readonly element: HTMLElement;
  readonly heading: HTMLElement;
  readonly input: HTMLInputElement;
  private readonly role: HTMLSelectElement;
  private readonly status: HTMLElement;
  private readonly results: HTMLOListElement;
  private readonly more: HTMLButtonElement;
  private timer: number | undefined;
  private sequence = 0;
  private offset = 0;

  constructor(
    private readonly bridge: HttpBridge,
    private readonly store: SessionStore,
    private readonly onQueryChange: (query: string) => void,
  ) {
    this.input = h('input', { type: 'search', class: 'field search-input', placeholder: l10n.t('Search all messages'), 'aria-label': l10n.t('Search all messages'), autocomplete: 'off', enterkeyhint: 'search' });
    this.role = h(
      'select',
      { class: 'field', 'aria-label': l10n.t('Role') },
      h('option', { value: 'all' }, l10n.t('All roles')),
      h('option', { value: 'user' }, l10n.t('User')),
      h('option', { value: 'assistant' }, l10n.t('Assistant')),
      h('option', { value: 'tool' }, l10n.t('Tool')),
    );
    this.status = h('p', { class: 'list-summary search-status', role: 'status', 'aria-live': 'polite' });
    this.results = h('ol', { class: 'search-results' });
    this.more = h('button', { type: 'button', class: 'button more-button', hidden: true }, l10n.t('More results'));
    const form = h('form', { class: 'search-form', role: 'search' }, this.input, this.role);
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      this.run(true);
    });
    this.input.addEventListener('input', () => this.schedule());
    this.role.addEventListener('change', () => this.run(true));
    this.more.addEventListener('click', () => this.run(false));
    this.heading = h('h1', { class: 'visually-hidden', id: 'search-heading', tabindex: '-1' }, l10n.t('Search'));
    this.element = h('section', { class: 'screen screen-search', 'aria-labelledby': 'search-heading' }, this.heading, form, this.status, this.results, this.more);
  }

  /** Shows a query (from the URL) without echoing it back into the URL. */
  setQuery(query: string): void {
    if (query === this.input.value) return;
    this.input.value = query;
    this.run(true, false);
  }

  focus(): void {
    this.input.focus();
  }

  private schedule(): void {
    window.clearTimeout(this.timer);
    // A short pause while typing, so each keystroke does not start a search.
    this.timer = window.setTimeout(() => this.run(true), 200);
  }

  private async run(fresh: boolean, report = true): Promise<void> {
    window.clearTimeout(this.timer);
    const query = this.input.value.trim();
    if (report) this.onQueryChange(query);
    const sequence = ++this.sequence;
    if (fresh) this.offset = 0;
    if (!query) {
      this.results.replaceChildren();
      this.more.hidden = true;
      this.status.textContent = l10n.t('Type to search every message of every session.');
      return;
    }
    this.status.textContent = l10n.t('Searching…');
    const reply = await this.bridge.call('search', { query, role: this.role.value, limit: pageSize, offset: this.offset });
    if (sequence !== this.sequence) return;
    if (!reply.success && searchMissing.has(reply.code ?? '')) {
      await this.fallback(query, sequence);
      return;
    }
    if (!reply.success) {
      this.status.textContent = failureText('search', reply);
      this.results.replaceChildren();
      this.more.hidden = true;
      return;
    }
    const { hits, total, took_ms: tookMs } = reply.data;
    if (fresh) this.results.replaceChildren();
    this.results.append(...hits.map((hit) => h('li', {}, this.hitRow(hit))));
    this.offset += hits.length;
    this.more.hidden = this.offset >= total || hits.length === 0;
    const took = Math.round(tookMs);
    this.status.textContent = total === 0 ? l10n.t('No messages match “{0}”.', query) : total === 1 ? l10n.t('1 match in {0} ms', took) : l10n.t('{0} matches in {1} ms', total, took);
  }

  /** Without the search service: sessions whose name, first message or folder match. */
  private async fallback(query: string, sequence: number): Promise<void> {
    const reply = await this.bridge.call('scan_sessions', { query, limit: 200 });
    if (sequence !== this.sequence) return;
    this.results.replaceChildren();
    this.more.hidden = true;
    const sessions = reply.success ? reply.data : [];
    const note = l10n.t('Message search is not available on this server yet; showing sessions whose name, first message or folder match.');
    this.status.textContent = sessions.length === 0 ? l10n.t('{0} None do.', note) : note;
    this.status.dataset.fallback = 'true';
    for (const info of sessions) {
      const title = sessionTitle(info);
      const at = title.toLowerCase().indexOf(query.toLowerCase());
      this.results.append(
        h(
          'li',
          {},
          h(
            'a',
            { class: 'search-hit', href: sessionHref(info.path), 'data-path': info.path },
            h('span', { class: 'row-title' }, highlighted(title, at >= 0 ? [[at, at + query.length]] : [])),
            h('span', { class: 'row-meta' }, [baseName(info.cwd), relativeTime(info.modified, Date.now())].filter(Boolean).join(' · ')),
          ),
        ),
      );
    }
  }

  /** The session's title by the shared rule (name, else first message), never its file name. */
  private hitTitle(hit: SearchHit): string {
    const info = this.store.get(hit.session_path);
    return info ? sessionTitle(info) : sessionTitle({ name: hit.session_name, first_message: '', id: hit.session_id });
  }

  private hitRow(hit: SearchHit): HTMLElement {
    delete this.status.dataset.fallback;
    return h(
      'a',
      { class: 'search-hit', href: sessionHref(hit.session_path, hit.entry_id), 'data-path': hit.session_path },
      h('span', { class: 'row-title' }, h('span', { class: `role-badge role-${hit.role.replace(/[^a-z]/gi, '')}` }, roleName(hit.role)), this.hitTitle(hit)),
      h('span', { class: 'hit-snippet' }, highlighted(hit.snippet, hit.highlights)),
      h('span', { class: 'row-meta' }, [baseName(hit.cwd), relativeTime(hit.timestamp, Date.now())].filter(Boolean).join(' · ')),
    );
  }
}

/** The role badge of a hit in the display language; an unknown role shows as the server sent it. */
function roleName(role: string): string {
  if (role === 'user') return l10n.t('User');
  if (role === 'assistant') return l10n.t('Assistant');
  if (role === 'tool') return l10n.t('Tool');
  return role;
}
