import { plainControls, type TextControl, type ViewControls } from './controls';
import { element, openEnclosingDetails } from './dom';
import { l10n } from '../../../src/shared/l10n';
import { clearHighlights, highlightMatches, maxMatches } from './textSearch';

export interface FindTarget {
  /** The element whose text is searched. */
  root: HTMLElement;
  /** Called before each search, so content rendered lazily is there to be found. */
  prepare(): void;
  /** Where focus goes on close when what had it before opening is gone. */
  fallbackFocus?: HTMLElement;
}

/**
 * Find within the page: a small bar with a query field, previous/next and a match count.
 * Its controls come from the host: the webview UI toolkit's in the editor, plain elements
 * themed with --vscode-* variables (with fallbacks) in the browser client, where the
 * toolkit's components would not be themed.
 */
export class FindBar {
  readonly element: HTMLElement;
  private readonly input: TextControl;
  private readonly count: HTMLElement;
  private marks: HTMLElement[] = [];
  private current = -1;
  private searchTimer: number | undefined;
  private searching = false;
  /** What had focus when the bar opened; it gets it back when the bar closes. */
  private returnFocus: HTMLElement | null = null;

  constructor(
    private readonly target: FindTarget,
    controls: ViewControls = plainControls,
  ) {
    this.input = controls.textField({ className: 'psm-find-input', label: l10n.t('Find in session'), placeholder: l10n.t('Find in session') });
    this.count = element('span', { class: 'psm-find-count', 'aria-live': 'polite' });
    const prev = controls.button({ className: 'psm-find-button psm-find-prev', title: l10n.t('Previous match (Shift+Enter)'), label: l10n.t('Previous match'), text: '↑' });
    const next = controls.button({ className: 'psm-find-button psm-find-next', title: l10n.t('Next match (Enter)'), label: l10n.t('Next match'), text: '↓' });
    const close = controls.button({ className: 'psm-find-button psm-find-close', title: l10n.t('Close (Escape)'), label: l10n.t('Close find'), text: '×' });
    this.element = element('div', { class: 'psm-find-bar', role: 'search', hidden: '', 'data-find-skip': '' }, this.input, this.count, prev, next, close);

    this.input.addEventListener('input', () => this.scheduleSearch());
    this.input.addEventListener('keydown', (e) => {
      if (e.key === 'Enter') {
        e.preventDefault();
        this.step(e.shiftKey ? -1 : 1);
      } else if (e.key === 'Escape') {
        e.preventDefault();
        this.close();
      }
    });
    prev.addEventListener('click', () => this.step(-1));
    next.addEventListener('click', () => this.step(1));
    close.addEventListener('click', () => this.close());
  }

  get isOpen(): boolean {
    return !this.element.hidden;
  }

  get query(): string {
    return this.input.value;
  }

  get matchCount(): number {
    return this.marks.length;
  }

  open(initialQuery?: string): void {
    const active = document.activeElement;
    if (active instanceof HTMLElement && !this.element.contains(active)) this.returnFocus = active;
    this.element.hidden = false;
    if (initialQuery !== undefined) this.input.value = initialQuery;
    else {
      const selected = window.getSelection()?.toString().trim();
      if (selected && !selected.includes('\n') && selected.length < 200) this.input.value = selected;
    }
    this.input.focus();
    this.input.select();
    this.search();
  }

  close(): void {
    const hadFocus = this.element.contains(document.activeElement);
    this.element.hidden = true;
    this.clear();
    this.updateCount();
    // Focus inside a hidden bar would fall to the page body; it goes back where it was.
    if (hadFocus) {
      const back = this.returnFocus?.isConnected && this.returnFocus !== document.body ? this.returnFocus : this.target.fallbackFocus;
      back?.focus({ preventScroll: true });
    }
    this.returnFocus = null;
  }

  /** Searches again (the content changed), keeping the current match where possible. */
  refresh(): void {
    if (this.isOpen && this.input.value) this.search(this.current);
  }

  step(direction: 1 | -1): void {
    if (this.marks.length === 0) {
      this.search();
      return;
    }
    this.select((this.current + direction + this.marks.length) % this.marks.length);
  }

  dispose(): void {
    window.clearTimeout(this.searchTimer);
    this.clear();
  }

  private scheduleSearch(): void {
    window.clearTimeout(this.searchTimer);
    // A short pause while typing: each search walks the whole conversation.
    this.searchTimer = window.setTimeout(() => this.search(), 120);
  }

  private search(keepIndex = 0): void {
    if (this.searching) return;
    window.clearTimeout(this.searchTimer);
    this.clear();
    const query = this.input.value;
    if (query) {
      // prepare() renders the rest of the conversation, which may ask for a refresh.
      this.searching = true;
      try {
        this.target.prepare();
      } finally {
        this.searching = false;
      }
      this.marks = highlightMatches(this.target.root, query);
    }
    if (this.marks.length > 0) this.select(Math.min(Math.max(keepIndex, 0), this.marks.length - 1));
    else this.updateCount();
  }

  private select(index: number): void {
    this.marks[this.current]?.classList.remove('psm-find-current');
    this.current = index;
    const mark = this.marks[index];
    if (mark) {
      mark.classList.add('psm-find-current');
      openEnclosingDetails(mark);
      mark.scrollIntoView({ block: 'center', inline: 'nearest' });
    }
    this.updateCount();
  }

  private clear(): void {
    clearHighlights(this.marks);
    this.marks = [];
    this.current = -1;
  }

  private updateCount(): void {
    const n = this.marks.length;
    const capped = n >= maxMatches ? '+' : '';
    this.count.textContent = !this.input.value ? '' : n === 0 ? l10n.t('No results') : l10n.t('{0} of {1}', this.current + 1, `${n}${capped}`);
    this.element.dataset.matches = String(n);
    this.element.classList.toggle('psm-find-none', this.input.value !== '' && n === 0);
  }
}
