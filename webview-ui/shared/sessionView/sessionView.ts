import type { HostBridge } from '../bridge';
import { l10n } from '../../../src/shared/l10n';
import type { SessionEntry } from '../../../src/shared/model/entries';
import { isMessageEntry, roleOf } from '../../../src/shared/render/content';
import type { SessionInfo } from '../../../src/shared/model/sessionInfo';
import { buildTree, renderTreeNav, type SessionTree } from '../../../src/shared/render/tree';
import { renderSessionHeader, summarizeSession, summaryTitle } from '../../../src/shared/render/summary';
import { appendRenderedHtml, element, enableFileLinks, entrySelector, openEnclosingDetails, type PrepareRendered } from './dom';
import { EntryList } from './entryList';
import type { ViewControls } from './controls';
import { FindBar } from './findBar';
import { FollowScroll } from './followScroll';
import { fetchSession, fetchSessionTail, parseSessionsDiff, toParsedSession } from './sessionData';
import type { SessionEntriesReply } from '../../../src/shared/api/commands';
import { installSessionStyles } from './styles';
import { LivePanel } from '../live/livePanel';

/** What a host keeps to show the same thing again after a reload. */
export interface SessionViewState {
  path: string;
  entryId?: string;
}

export interface SessionViewOptions {
  /** Called when the session, or the entry the reader is at, changes. */
  onStateChange?(state: SessionViewState): void;
  /** Called with the session's title once known (and when it is renamed). */
  onTitleChange?(title: string): void;
  /** Opens a file named in a tool call; defaults to the bridge's `openFile`. */
  openFile?(path: string, line?: number): void;
  /**
   * Whether the session header shows the title as the page's h1 (default true). A host with
   * its own heading for the title (the web client's toolbar) turns it off.
   */
  headerTitle?: boolean;
  /** Called when a session cannot be opened, after what was shown before is cleared. */
  onOpenFailed?(message: string): void;
  /** The find bar's controls; plain elements unless the host brings its own (the toolkit's). */
  controls?: ViewControls;
}

/** How a new message is announced in a followed session. */
/** "New … message" for one arrival, a whole sentence per role (translations need them whole). */
const newMessageText: Record<string, () => string> = {
  user: () => l10n.t('New user message'),
  assistant: () => l10n.t('New assistant message'),
  toolResult: () => l10n.t('New tool result message'),
  bashExecution: () => l10n.t('New shell message'),
  custom: () => l10n.t('New extension message'),
};

type Phase = 'idle' | 'loading' | 'ready' | 'error';

/** How long an entry shown by `revealEntry` stays highlighted. */
const flashMs = 2000;

/**
 * One session's conversation, for any host: give it an element and a HostBridge, then call
 * `open(path)`. It renders the header, the branch navigator and the entries (incrementally),
 * follows the file as it grows through `sessions-diff` events, and has its own find bar
 * (Ctrl/Cmd+F). All markup comes from the shared renderer; this class only arranges it.
 */
export class SessionView {
  private readonly scroller: HTMLElement;
  private readonly sessionEl: HTMLElement;
  private readonly headerSlot: HTMLElement;
  private readonly navSlot: HTMLElement;
  private readonly conversation: HTMLElement;
  private readonly banner: HTMLElement;
  /** Screen-reader status line; its data attributes describe the view for hosts and tests. */
  private readonly status: HTMLElement;
  /** Polite announcements of messages appended while the session is open. */
  private readonly announcer: HTMLElement;
  /** File paths become links only where something can open them. */
  private readonly prepare: PrepareRendered | undefined;
  private readonly list: EntryList;
  private readonly find: FindBar;
  private readonly follow: FollowScroll;
  /** Live header, pi's streaming answer and the prompt box. */
  private readonly live: LivePanel;
  private readonly cleanups: (() => void)[] = [];

  private path: string | undefined;
  private knownPaths = new Set<string>();
  private generation = 0;
  private phase: Phase = 'idle';
  private session: SessionEntriesReply | undefined;
  private info: SessionInfo | null = null;
  private tree: SessionTree | undefined;
  /** The branch being shown; null follows the file's own leaf (the newest entry). */
  private selectedLeaf: string | null = null;
  private displayedKeys: string[] = [];
  private nextOffset = 0;
  private pulling = false;
  private pullAgain = false;
  private deleted = false;
  private lastTitle = '';
  private flashTimer: number | undefined;
  private topEntryTimer: number | undefined;

  constructor(
    private readonly root: HTMLElement,
    private readonly bridge: HostBridge,
    private readonly options: SessionViewOptions = {},
  ) {
    installSessionStyles(root.ownerDocument);
    root.classList.add('psm-viewer');
    this.headerSlot = element('div', { class: 'psm-header-slot' });
    this.navSlot = element('div', { class: 'psm-nav-slot' });
    this.conversation = element('div', { class: 'psm-conversation' });
    this.sessionEl = element('div', { class: 'psm-session' }, this.headerSlot, this.navSlot, this.conversation);
    // The stylesheet shows this while the session loads (CSS cannot ask the catalogue).
    this.scroller = element('div', { class: 'psm-viewer-scroll', tabindex: '-1', 'data-loading-text': l10n.t('Loading session…') }, this.sessionEl);
    this.banner = element('div', { class: 'psm-viewer-banner', role: 'status', hidden: '' });
    const latest = element('button', { type: 'button', class: 'psm-viewer-latest', hidden: '', title: l10n.t('Scroll to the newest message and follow it') }, `↓ ${l10n.t('New messages')}`);
    this.status = element('div', { class: 'psm-viewer-status', role: 'status', 'aria-live': 'polite' });
    this.announcer = element('div', { class: 'psm-viewer-live psm-visually-hidden', role: 'log', 'aria-live': 'polite', 'aria-relevant': 'additions text' });
    this.prepare = options.openFile || bridge.openFile ? enableFileLinks : undefined;
    this.list = new EntryList(
      this.conversation,
      () => this.scroller.clientHeight || window.innerHeight,
      (rendered, total) => this.setStatus({ renderedEntries: String(rendered), totalEntries: String(total), renderComplete: String(rendered >= total) }),
      this.prepare,
    );
    this.find = new FindBar({ root: this.sessionEl, prepare: () => this.list.renderAll(), fallbackFocus: this.scroller }, options.controls);
    this.follow = new FollowScroll(this.scroller, latest);
    // Reads whether the reader is at the end before the stream grows: the scroll event that
    // would update it comes after the change.
    this.live = new LivePanel(bridge, { contentGrew: () => this.follow.contentAppended(this.follow.following) });
    this.sessionEl.append(this.live.stream);
    // The "latest" button floats over the bottom of the conversation, not over the prompt box.
    const body = element('div', { class: 'psm-viewer-body' }, this.scroller, latest);
    root.replaceChildren(this.status, this.announcer, this.find.element, this.banner, this.live.header, body, this.live.promptBox);

    this.cleanups.push(
      bridge.onEvent((name, payload) => this.onEvent(name, payload)),
      this.list.onComplete(() => this.find.refresh()),
      listen(root.ownerDocument, 'keydown', (e) => this.onKeyDown(e)),
      listen(this.scroller, 'click', (e) => this.onClick(e)),
      listen(this.scroller, 'keydown', (e) => this.onLinkKey(e)),
      listen(this.scroller, 'scroll', () => this.scheduleTopEntryNote(), { passive: true }),
    );
  }

  /**
   * Shows a session, optionally scrolled to one entry (flashed unless `highlight` is false,
   * e.g. when a reloaded page returns to where the reader was). Resolves after the first paint.
   */
  async open(path: string, entryId?: string, { highlight = true }: { highlight?: boolean } = {}): Promise<void> {
    const generation = ++this.generation;
    this.path = path;
    this.knownPaths = new Set([path]);
    this.phase = 'loading';
    this.deleted = false;
    this.selectedLeaf = null;
    this.setBanner(null);
    this.find.close();
    this.setStatus({ firstPaintMs: undefined, firstPaintAt: undefined, firstScreenEntries: undefined, revealedEntry: undefined, deleted: undefined });
    this.setPhase('loading');
    this.live.open(null, []);
    const started = performance.now();
    let reply: SessionEntriesReply;
    try {
      reply = await fetchSession(this.bridge, path);
    } catch (err) {
      if (generation !== this.generation) return;
      this.clearShown();
      this.setPhase('error');
      const message = l10n.t('Could not open this session: {0}', errorText(err));
      this.setBanner(message, 'error');
      this.root.ownerDocument.title = l10n.t('Session not opened');
      this.options.onOpenFailed?.(message);
      return;
    }
    if (generation !== this.generation) return;
    this.session = reply;
    this.info = reply.info;
    if (reply.info) this.knownPaths.add(reply.info.path);
    this.nextOffset = reply.next_offset;
    this.rebuildTree();
    this.renderChrome();
    this.showBranch(this.tree?.leafId ?? null, false);
    this.setStatus({ firstScreenEntries: String(this.list.renderedCount) });
    this.setPhase('ready');
    this.live.open(reply.header.id, this.knownPaths);
    if (reply.skipped_lines > 0) this.setBanner(reply.skipped_lines === 1 ? l10n.t('1 unreadable line in this file was skipped.') : l10n.t('{0} unreadable lines in this file were skipped.', reply.skipped_lines), 'info');
    if (entryId) this.revealEntry(entryId, { highlight });
    // Time to first paint: the next frame after the first screen is in the DOM.
    await new Promise<void>((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
    if (generation !== this.generation) return;
    this.setStatus({ firstPaintMs: String(Math.round(performance.now() - started)), firstPaintAt: String(Math.round(performance.now())) });
    this.follow.measure();
    this.emitState(entryId);
  }

  /** Scrolls to an entry (rendering up to it first) and flashes it. */
  revealEntry(entryId: string, { highlight = true }: { highlight?: boolean } = {}): boolean {
    if (!this.tree) return false;
    const node = this.tree.nodes.get(entryId);
    if (node && !this.displayedKeys.includes(node.key)) {
      const branch = this.tree.branches.find((b) => b.entryIds.includes(node.key));
      if (branch) this.showBranch(branch.leafId, true);
    }
    const index = this.list.indexOf(entryId);
    if (index >= 0) this.list.renderThrough(index);
    const target = this.conversation.querySelector<HTMLElement>(entrySelector(entryId));
    if (!target) return false;
    openEnclosingDetails(target);
    const scroll = () => target.scrollIntoView({ block: 'start' });
    scroll();
    // Entries above may still change height as they leave content-visibility's estimate.
    requestAnimationFrame(() => requestAnimationFrame(scroll));
    if (highlight) this.flash(target);
    this.setStatus({ revealedEntry: entryId });
    this.emitState(entryId);
    return true;
  }

  openFind(query?: string): void {
    this.find.open(query);
  }

  get state(): SessionViewState | undefined {
    return this.path === undefined ? undefined : { path: this.path };
  }

  dispose(): void {
    this.generation++;
    window.clearTimeout(this.flashTimer);
    window.clearTimeout(this.topEntryTimer);
    for (const cleanup of this.cleanups.splice(0)) cleanup();
    this.live.dispose();
    this.list.dispose();
    this.find.dispose();
    this.follow.dispose();
    this.root.replaceChildren();
  }

  private rebuildTree(): void {
    if (!this.session || !this.path) return;
    this.tree = buildTree(toParsedSession(this.path, this.session));
  }

  /** Forgets the session shown before, so a failed open does not leave it on screen. */
  private clearShown(): void {
    this.session = undefined;
    this.tree = undefined;
    this.info = null;
    this.displayedKeys = [];
    this.lastTitle = '';
    this.headerSlot.replaceChildren();
    this.navSlot.replaceChildren();
    this.list.reset([], {});
    this.announcer.replaceChildren();
  }

  /** Header statistics and branch navigator; cheap enough to redo on every append. */
  private renderChrome(): void {
    if (!this.session || !this.path || !this.tree) return;
    const summary = summarizeSession(toParsedSession(this.path, this.session), this.info, this.tree.branches.length);
    this.headerSlot.replaceChildren();
    appendRenderedHtml(this.headerSlot, renderSessionHeader(summary, { title: this.options.headerTitle ?? true }), this.prepare);
    this.navSlot.replaceChildren();
    if (this.tree.hasBranches) appendRenderedHtml(this.navSlot, renderTreeNav(this.tree, { selectedLeafId: this.selectedLeaf ?? this.tree.leafId }));
    const title = summaryTitle(summary);
    if (title !== this.lastTitle) {
      this.lastTitle = title;
      this.root.ownerDocument.title = title;
      this.options.onTitleChange?.(title);
    }
  }

  /** Renders the branch ending at `leafKey` from its first entry. */
  private showBranch(leafKey: string | null, chosen: boolean): void {
    if (!this.tree || !this.session) return;
    this.selectedLeaf = chosen && leafKey !== this.tree.leafId ? leafKey : null;
    const branch = this.tree.branches.find((b) => b.leafId === (leafKey ?? this.tree!.leafId));
    this.displayedKeys = branch ? [...branch.entryIds] : [...this.tree.currentBranchIds];
    const entries = this.displayedKeys.map((k) => this.tree!.nodes.get(k)!.entry);
    this.list.reset(entries, this.session.labels);
    this.list.renderFirstScreen();
    if (chosen) this.renderChrome();
    this.setStatus({ leafId: leafKey ?? this.tree.leafId ?? '' });
  }

  private onEvent(name: string, payload: unknown): void {
    this.live.onEvent(name, payload);
    if (name !== 'sessions-diff' || this.path === undefined) return;
    const diff = parseSessionsDiff(payload);
    if (!diff) return;
    if (diff.removed.some((p) => this.knownPaths.has(p))) {
      this.deleted = true;
      this.setStatus({ deleted: 'true' });
      this.live.setDeleted(true);
      this.setBanner(l10n.t('This session file was deleted. What is shown is the last version read.'), 'warning');
      return;
    }
    const updated = [...diff.updated, ...diff.added].find((i) => this.knownPaths.has(i.path));
    if (updated && !this.deleted && this.phase === 'ready') {
      this.info = updated;
      void this.pullAppended();
    }
  }

  /** Reads what was appended since the last read; one read at a time, repeated if needed. */
  private async pullAppended(): Promise<void> {
    if (this.pulling) {
      this.pullAgain = true;
      return;
    }
    this.pulling = true;
    const generation = this.generation;
    try {
      do {
        this.pullAgain = false;
        const tail = await fetchSessionTail(this.bridge, this.path!, this.nextOffset);
        if (generation !== this.generation) return;
        this.nextOffset = tail.next_offset;
        if (tail.info) this.info = tail.info;
        this.appendEntries(tail.entries);
      } while (this.pullAgain);
    } catch (err) {
      if (generation === this.generation) this.setBanner(l10n.t('Could not read the new part of this session: {0}', errorText(err)), 'error');
    } finally {
      this.pulling = false;
    }
  }

  private appendEntries(received: readonly SessionEntry[]): void {
    if (!this.session || !this.tree) return;
    const known = new Set(this.session.entries.map((e) => e.id));
    const fresh = received.filter((e) => !known.has(e.id));
    this.live.settle(fresh);
    if (fresh.length === 0) {
      this.renderChrome();
      return;
    }
    const wasFollowing = this.follow.following;
    this.session.entries.push(...fresh);
    this.session.leaf_id = fresh[fresh.length - 1]!.id;
    for (const e of fresh) {
      if (e.type !== 'label' || typeof e.targetId !== 'string') continue;
      if (typeof e.label === 'string' && e.label.trim()) this.session.labels[e.targetId] = e.label.trim();
      else delete this.session.labels[e.targetId];
    }
    const before = this.displayedKeys;
    this.rebuildTree();
    if (this.selectedLeaf === null) {
      const now = this.tree.currentBranchIds;
      const extendsShown = before.length <= now.length && before.every((k, i) => now[i] === k);
      if (extendsShown) {
        this.displayedKeys = [...now];
        const added = now.slice(before.length).map((k) => this.tree!.nodes.get(k)!.entry);
        this.list.append(added);
        this.announce(added);
        this.setStatus({ leafId: this.tree.leafId ?? '' });
      } else {
        // pi moved to another branch: show that one from its start.
        this.showBranch(null, false);
      }
    }
    this.renderChrome();
    this.follow.contentAppended(wasFollowing);
    this.find.refresh();
  }

  /** Says politely that messages arrived, without reading them out (they may be long). */
  private announce(added: readonly SessionEntry[]): void {
    const roles = added.filter(isMessageEntry).map((e) => roleOf(e) ?? '');
    if (roles.length === 0) return;
    const text = roles.length === 1 ? (newMessageText[roles[0]!]?.() ?? l10n.t('New other message')) : l10n.t('{0} new messages', roles.length);
    // One line per announcement; the oldest go, so the log stays short.
    this.announcer.append(element('p', {}, text));
    while (this.announcer.childElementCount > 3) this.announcer.firstElementChild?.remove();
  }

  private onKeyDown(e: KeyboardEvent): void {
    if ((e.ctrlKey || e.metaKey) && !e.altKey && e.key.toLowerCase() === 'f') {
      e.preventDefault();
      this.find.open();
    } else if (e.key === 'F3') {
      e.preventDefault();
      if (this.find.isOpen) this.find.step(e.shiftKey ? -1 : 1);
      else this.find.open();
    } else if (e.key === 'Escape' && this.find.isOpen) {
      this.find.close();
    }
  }

  private onClick(e: MouseEvent): void {
    const target = e.target instanceof Element ? e.target : null;
    if (!target) return;
    const fileLink = target.closest<HTMLElement>('.file-link[data-path]');
    if (fileLink) {
      e.preventDefault();
      this.openFileLink(fileLink);
      return;
    }
    const branchLink = target.closest<HTMLElement>('.psm-branch-link[data-leaf-id]');
    if (branchLink) {
      e.preventDefault();
      this.showBranch(branchLink.dataset.leafId ?? null, true);
      this.scroller.scrollTop = 0;
      return;
    }
    const ref = target.closest<HTMLElement>('[data-target-id]');
    if (ref) {
      e.preventDefault();
      this.revealEntry(ref.dataset.targetId ?? '');
      return;
    }
    const anchor = target.closest<HTMLAnchorElement>('a[href^="#"]');
    if (anchor) e.preventDefault();
  }

  private onLinkKey(e: KeyboardEvent): void {
    if (e.key !== 'Enter' && e.key !== ' ') return;
    const fileLink = e.target instanceof Element ? e.target.closest<HTMLElement>('.file-link[data-path]') : null;
    if (!fileLink) return;
    e.preventDefault();
    this.openFileLink(fileLink);
  }

  private openFileLink(link: HTMLElement): void {
    const path = link.dataset.path;
    if (!path) return;
    const line = Number(link.dataset.line);
    const open = this.options.openFile ?? this.bridge.openFile?.bind(this.bridge);
    open?.(path, Number.isInteger(line) && line > 0 ? line : undefined);
  }

  private flash(target: HTMLElement): void {
    this.conversation.querySelectorAll('.psm-flash').forEach((el) => el.classList.remove('psm-flash'));
    target.classList.add('psm-flash');
    window.clearTimeout(this.flashTimer);
    this.flashTimer = window.setTimeout(() => target.classList.remove('psm-flash'), flashMs);
  }

  /** Remembers the first visible entry, so a reloaded page comes back to the same place. */
  private scheduleTopEntryNote(): void {
    window.clearTimeout(this.topEntryTimer);
    this.topEntryTimer = window.setTimeout(() => {
      const top = this.scroller.getBoundingClientRect().top;
      const first = Array.from(this.conversation.children).find((c) => c.getBoundingClientRect().bottom > top + 4);
      const id = first?.getAttribute('data-entry-id');
      this.emitState(this.scroller.scrollTop > 0 && id ? id : undefined);
    }, 400);
  }

  private emitState(entryId?: string): void {
    if (this.path === undefined) return;
    this.options.onStateChange?.(entryId ? { path: this.path, entryId } : { path: this.path });
  }

  private setPhase(phase: Phase): void {
    this.phase = phase;
    this.setStatus({ state: phase, sessionPath: this.path });
    this.status.textContent = phase === 'loading' ? l10n.t('Loading session') : phase === 'error' ? l10n.t('The session could not be opened') : l10n.t('Session shown');
  }

  private setStatus(values: Record<string, string | undefined>): void {
    for (const [key, value] of Object.entries(values)) {
      if (value === undefined) delete this.status.dataset[key];
      else this.status.dataset[key] = value;
    }
  }

  private setBanner(text: string | null, kind: 'info' | 'warning' | 'error' = 'info'): void {
    // Errors interrupt; notes wait their turn.
    this.banner.setAttribute('role', kind === 'error' ? 'alert' : 'status');
    this.banner.hidden = text === null;
    this.banner.textContent = text ?? '';
    this.banner.dataset.kind = kind;
  }
}

function listen<K extends keyof HTMLElementEventMap>(
  target: HTMLElement | Document,
  type: K,
  handler: (e: HTMLElementEventMap[K]) => void,
  options?: AddEventListenerOptions,
): () => void {
  const listener = handler as EventListener;
  target.addEventListener(type, listener, options);
  return () => target.removeEventListener(type, listener, options);
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
