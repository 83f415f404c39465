import { liveMark } from '../../src/shared/rules/liveLabels';
import type { SessionInfo } from '../../src/shared/model/sessionInfo';
import { l10n } from '../../src/shared/l10n';
import { baseName, h } from './dom';
import { relativeTime, sessionTitle } from '../../src/shared/rules/sessionLabels';
import type { SessionStore } from './sessionStore';
import type { TagListing } from '../../src/shared/model/tags';
import { sessionHref } from './routes';
import { describeSessionDir, isDemoStore, sessionFolderText } from '../../src/shared/rules/sessionFolders';

/** Rows added per step of the infinite scroll. */
const pageSize = 40;

type DateRange = 'any' | 'today' | 'week' | 'month';

interface Filters {
  text: string;
  favoritesOnly: boolean;
  project: string;
  tagId: string;
  date: DateRange;
}

const dateLimitsMs: Record<Exclude<DateRange, 'any'>, number> = { today: 86_400_000, week: 7 * 86_400_000, month: 30 * 86_400_000 };

/**
 * The session list: grouped by project (the folder pi ran in), newest group and newest
 * session first, with filters. Rows are added a page at a time as the end scrolls into
 * view, so thousands of sessions cost no more to open than forty.
 */
export class SessionList {
  readonly element: HTMLElement;
  readonly heading: HTMLElement;
  private readonly rows: HTMLElement;
  private readonly summary: HTMLElement;
  /** Shown instead of rows on a first run: which folders are watched and how pi fills them. */
  private readonly firstRun: HTMLElement;
  private readonly sentinel: HTMLElement;
  private readonly projectSelect: HTMLSelectElement;
  private readonly tagSelect: HTMLSelectElement;
  private readonly favoriteToggle: HTMLButtonElement;
  private readonly filters: Filters = { text: '', favoritesOnly: false, project: '', tagId: '', date: 'any' };
  private ordered: SessionInfo[] = [];
  private shown = 0;
  private readonly observer: IntersectionObserver;

  constructor(private readonly store: SessionStore) {
    const text = h('input', { type: 'search', class: 'field', placeholder: l10n.t('Filter by name or folder'), 'aria-label': l10n.t('Filter sessions by name or folder'), autocomplete: 'off' });
    text.addEventListener('input', () => {
      this.filters.text = text.value.trim().toLowerCase();
      this.refresh(true);
    });
    this.favoriteToggle = h('button', { type: 'button', class: 'chip-toggle', 'aria-pressed': 'false', title: l10n.t('Show favorites only') }, `★ ${l10n.t('Favorites')}`);
    this.favoriteToggle.addEventListener('click', () => {
      this.filters.favoritesOnly = !this.filters.favoritesOnly;
      this.favoriteToggle.setAttribute('aria-pressed', String(this.filters.favoritesOnly));
      this.refresh(true);
    });
    this.projectSelect = h('select', { class: 'field', 'aria-label': l10n.t('Project') });
    this.projectSelect.addEventListener('change', () => {
      this.filters.project = this.projectSelect.value;
      this.refresh(true);
    });
    this.tagSelect = h('select', { class: 'field', 'aria-label': l10n.t('Tag') });
    this.tagSelect.addEventListener('change', () => {
      this.filters.tagId = this.tagSelect.value;
      this.refresh(true);
    });
    const dateSelect = h(
      'select',
      { class: 'field', 'aria-label': l10n.t('Date') },
      h('option', { value: 'any' }, l10n.t('Any time')),
      h('option', { value: 'today' }, l10n.t('Last 24 hours')),
      h('option', { value: 'week' }, l10n.t('Last {0} days', 7)),
      h('option', { value: 'month' }, l10n.t('Last {0} days', 30)),
    );
    dateSelect.addEventListener('change', () => {
      this.filters.date = dateSelect.value as DateRange;
      this.refresh(true);
    });
    this.summary = h('p', { class: 'list-summary', 'aria-live': 'polite' });
    this.firstRun = h('div', { class: 'first-run' });
    this.firstRun.hidden = true;
    this.rows = h('div', { class: 'session-groups' });
    this.sentinel = h('div', { class: 'list-sentinel', 'aria-hidden': 'true' });
    const filterBar = h('div', { class: 'filters', role: 'group', 'aria-label': l10n.t('Filters') }, text, h('div', { class: 'filter-row' }, this.favoriteToggle, this.projectSelect, this.tagSelect, dateSelect));
    this.heading = h('h1', { class: 'visually-hidden', id: 'list-heading', tabindex: '-1' }, l10n.t('Sessions'));
    this.element = h('section', { class: 'screen screen-list', 'aria-labelledby': 'list-heading' }, this.heading, filterBar, this.summary, this.firstRun, this.rows, this.sentinel);
    this.observer = new IntersectionObserver((seen) => {
      if (seen.some((e) => e.isIntersecting)) this.showMore();
    }, { rootMargin: '600px 0px' });
    this.observer.observe(this.sentinel);
    store.onChange(() => this.refresh(false));
  }

  /** Rebuilds the list from the store; `reset` starts again at the first page. */
  refresh(reset: boolean): void {
    this.fillProjectOptions();
    this.fillTagOptions(this.store.tags);
    this.ordered = this.groupedOrder(this.store.all().filter((s) => this.matches(s)));
    const keep = reset ? pageSize : Math.max(this.shown, pageSize);
    // Every row is rebuilt, so the row holding the keyboard focus would take it down with it:
    // any session changing anywhere would throw a keyboard user back to the top of the page.
    const focusedPath = this.focusedRowPath();
    this.rows.replaceChildren();
    this.shown = 0;
    this.renderRows(Math.min(keep, this.ordered.length));
    if (focusedPath !== undefined) this.refocus(focusedPath);
    const total = this.store.all().length;
    this.summary.textContent = !this.store.isLoaded
      ? l10n.t('Loading sessions…')
      : total === 0
        ? sessionFolderText.noSessions
        : this.ordered.length === total
          ? total === 1
            ? l10n.t('1 session')
            : l10n.t('{0} sessions', total)
          : l10n.t('{0} of {1} sessions match the filters', this.ordered.length, total);
    this.fillFirstRun(this.store.isLoaded && total === 0);
  }

  /** With no session at all, says which folders are watched and how pi fills them. */
  private fillFirstRun(empty: boolean): void {
    this.firstRun.hidden = !empty;
    if (!empty) return;
    const dirs = this.store.dirs;
    this.firstRun.replaceChildren(
      h('p', {}, sessionFolderText.watching),
      h('ul', { class: 'watched-folders' }, ...dirs.map((d) => h('li', {}, h('code', {}, describeSessionDir(d))))),
      h('p', {}, sessionFolderText.howPiFills),
      ...(isDemoStore(dirs) ? [] : [h('p', { class: 'first-run-demo' }, sessionFolderText.tryDemo)]),
    );
  }

  private focusedRowPath(): string | undefined {
    const active = document.activeElement;
    return active instanceof HTMLElement && active.classList.contains('session-row') && this.rows.contains(active) ? active.dataset.path : undefined;
  }

  /** Focus back on the same session's row; on the list's heading when that row is gone. */
  private refocus(path: string): void {
    const row = Array.from(this.rows.querySelectorAll<HTMLElement>('.session-row')).find((r) => r.dataset.path === path);
    (row ?? this.heading).focus({ preventScroll: true });
  }

  private showMore(): void {
    if (this.shown < this.ordered.length) this.renderRows(Math.min(this.ordered.length, this.shown + pageSize));
  }

  private renderRows(until: number): void {
    let group = this.rows.lastElementChild as HTMLElement | null;
    for (let i = this.shown; i < until; i++) {
      const info = this.ordered[i]!;
      if (!group || group.dataset.cwd !== info.cwd) {
        const list = h('ul', { class: 'session-rows' });
        group = h('section', { class: 'session-group', 'data-cwd': info.cwd }, h('h2', { class: 'group-title', title: info.cwd }, baseName(info.cwd) || info.cwd, h('span', { class: 'group-path' }, info.cwd)), list);
        this.rows.append(group);
      }
      group.querySelector('ul')!.append(h('li', {}, this.row(info)));
    }
    this.shown = until;
  }

  private row(info: SessionInfo): HTMLElement {
    const tags = info.tag_ids.map((id) => this.store.tags.find((t) => t.id === id)).filter((t): t is TagListing => t !== undefined);
    const secondLine = info.name?.trim() ? info.first_message.split('\n')[0] : '';
    const live = this.store.liveOf(info.path);
    const meta = [relativeTime(info.modified, Date.now()), info.message_count === 1 ? l10n.t('1 message') : l10n.t('{0} messages', info.message_count), info.model ?? ''].filter(Boolean).join(' · ');
    return h(
      'a',
      { class: 'session-row', href: sessionHref(info.path), 'data-path': info.path },
      h('span', { class: 'row-title' }, info.favorite ? h('span', { class: 'fav-mark', role: 'img', 'aria-label': l10n.t('Favorite'), title: l10n.t('Favorite') }, '★') : null, sessionTitle(info)),
      secondLine ? h('span', { class: 'row-sub' }, secondLine) : null,
      h('span', { class: 'row-meta' }, live ? h('span', { class: 'live-mark', 'data-kind': liveMark(live).kind }, liveMark(live).short) : null, meta),
      tags.length > 0 ? h('span', { class: 'row-tags' }, ...tags.map((t) => tagChip(t))) : null,
    );
  }

  private matches(info: SessionInfo): boolean {
    const f = this.filters;
    if (f.favoritesOnly && !info.favorite) return false;
    if (f.project && info.cwd !== f.project) return false;
    if (f.tagId && !info.tag_ids.includes(Number(f.tagId))) return false;
    if (f.date !== 'any' && Date.now() - Date.parse(info.modified) > dateLimitsMs[f.date]) return false;
    if (f.text && ![info.name ?? '', info.first_message, info.cwd].some((v) => v.toLowerCase().includes(f.text))) return false;
    return true;
  }

  /** Projects ordered by their newest session; sessions newest first inside each. */
  private groupedOrder(list: SessionInfo[]): SessionInfo[] {
    const byProject = new Map<string, SessionInfo[]>();
    for (const info of [...list].sort((a, b) => b.modified.localeCompare(a.modified))) {
      const group = byProject.get(info.cwd);
      if (group) group.push(info);
      else byProject.set(info.cwd, [info]);
    }
    return [...byProject.values()].flat();
  }

  private fillProjectOptions(): void {
    const projects = [...new Set(this.store.all().map((s) => s.cwd))].sort((a, b) => baseName(a).localeCompare(baseName(b)));
    const key = projects.join('\n');
    if (this.projectSelect.dataset.key === key) return;
    this.projectSelect.dataset.key = key;
    this.projectSelect.replaceChildren(h('option', { value: '' }, l10n.t('All projects')), ...projects.map((p) => h('option', { value: p, title: p }, baseName(p) || p)));
    this.projectSelect.value = projects.includes(this.filters.project) ? this.filters.project : '';
    this.filters.project = this.projectSelect.value;
  }

  private fillTagOptions(tags: readonly TagListing[]): void {
    const key = tags.map((t) => `${t.id}:${t.name}`).join('\n');
    if (this.tagSelect.dataset.key === key) return;
    this.tagSelect.dataset.key = key;
    this.tagSelect.replaceChildren(h('option', { value: '' }, l10n.t('All tags')), ...tags.map((t) => h('option', { value: String(t.id) }, t.name)));
    this.tagSelect.hidden = tags.length === 0;
    this.tagSelect.value = tags.some((t) => String(t.id) === this.filters.tagId) ? this.filters.tagId : '';
    this.filters.tagId = this.tagSelect.value;
  }
}

/** A tag label; its colour goes through CSSOM, which the CSP allows (style attributes it does not). */
export function tagChip(tag: TagListing): HTMLElement {
  const chip = h('span', { class: 'tag-chip' }, tag.name);
  if (tag.color && /^#[0-9a-f]{3,8}$/i.test(tag.color)) chip.style.setProperty('--tag-color', tag.color);
  return chip;
}
