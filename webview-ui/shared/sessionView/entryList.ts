import type { AssistantMessage, MessageEntry, SessionEntry, ToolResultMessage } from '../../../src/shared/model/entries';
import { createRenderContext, renderEntry, type RenderContext } from '../../../src/shared/render/entries';
import { contentBlocks, isMessageEntry, roleOf } from '../../../src/shared/render/content';
import { appendRenderedHtml, replaceWithRenderedHtml, type PrepareRendered } from './dom';

/** Entries rendered before the first paint at most, however short they are. */
const firstPaintEntryLimit = 60;
/** Entries per step when the rest is rendered on demand (find, scroll to an entry). */
const syncChunk = 200;

/**
 * The conversation, rendered incrementally: about a screenful at once, the rest in idle
 * time, in file order. A 1,000-message session thus paints as fast as a short one, and
 * `renderThrough` / `renderAll` finish the work at once when something needs it (find,
 * scroll to an entry). Entries only ever append, so the rendered part is always a prefix.
 */
export class EntryList {
  private entries: SessionEntry[] = [];
  private ctx: RenderContext = createRenderContext([]);
  private rendered = 0;
  private idleHandle: number | undefined;
  /** toolCallId → the entry that made the call, to render it again when its result arrives. */
  private readonly callOwners = new Map<string, string>();
  private readonly completeListeners = new Set<() => void>();

  constructor(
    private readonly container: HTMLElement,
    private readonly viewportHeight: () => number,
    private readonly onProgress: (rendered: number, total: number) => void = () => undefined,
    private readonly prepare?: PrepareRendered,
  ) {}

  get size(): number {
    return this.entries.length;
  }

  get renderedCount(): number {
    return this.rendered;
  }

  get complete(): boolean {
    return this.rendered >= this.entries.length;
  }

  /** Starts over with another list of entries (another session or another branch). */
  reset(entries: readonly SessionEntry[], labels: Record<string, string>): void {
    this.cancelIdle();
    this.entries = [...entries];
    this.ctx = createRenderContext(this.entries, labels);
    this.callOwners.clear();
    this.rendered = 0;
    this.container.replaceChildren();
    this.updateProgress();
  }

  /** Renders until the conversation is taller than the viewport, then continues when idle. */
  renderFirstScreen(): void {
    const target = this.viewportHeight() * 1.5;
    const limit = Math.min(this.entries.length, firstPaintEntryLimit);
    while (this.rendered < limit) {
      this.renderRange(this.rendered, Math.min(limit, this.rendered + 4));
      if (this.container.offsetHeight > target) break;
    }
    this.scheduleIdle();
  }

  /** Makes sure the entry at `index` (and everything before it) is in the DOM. */
  renderThrough(index: number): void {
    const before = this.rendered;
    while (this.rendered <= index && this.rendered < this.entries.length) {
      this.renderRange(this.rendered, Math.min(index + 1, this.rendered + syncChunk));
    }
    // Only news is announced: listeners (find) may call back in here.
    if (this.rendered > before && this.complete) this.finish();
  }

  renderAll(): void {
    this.renderThrough(this.entries.length - 1);
  }

  indexOf(entryId: string): number {
    return this.entries.findIndex((e) => e.id === entryId);
  }

  /**
   * Adds entries read from the end of the file. A tool result whose call is already on
   * screen makes that call render again, now with its result inside.
   */
  append(newEntries: readonly SessionEntry[]): void {
    for (const entry of newEntries) {
      this.entries.push(entry);
      if (entry.type === 'label') this.applyLabel(entry);
      const callId = toolResultCallId(entry);
      if (callId === undefined || this.ctx.toolResults.has(callId)) continue;
      this.ctx.toolResults.set(callId, entry as MessageEntry);
      const ownerId = this.callOwners.get(callId);
      if (ownerId !== undefined) this.renderAgain(ownerId);
    }
    if (this.idleHandle === undefined) this.renderAll();
  }

  onComplete(listener: () => void): () => void {
    this.completeListeners.add(listener);
    return () => void this.completeListeners.delete(listener);
  }

  dispose(): void {
    this.cancelIdle();
    this.completeListeners.clear();
  }

  private renderRange(from: number, to: number): void {
    let html = '';
    for (let i = from; i < to; i++) {
      const entry = this.entries[i]!;
      this.noteToolCalls(entry);
      html += renderEntry(entry, this.ctx);
    }
    appendRenderedHtml(this.container, html, this.prepare);
    this.rendered = to;
    this.updateProgress();
  }

  private renderAgain(entryId: string): void {
    const entry = this.entries.find((e) => e.id === entryId);
    const node = Array.from(this.container.children).find((c) => c.getAttribute('data-entry-id') === entryId);
    if (entry && node) replaceWithRenderedHtml(node, renderEntry(entry, this.ctx), this.prepare);
  }

  private applyLabel(entry: SessionEntry): void {
    const target = typeof entry.targetId === 'string' ? entry.targetId : undefined;
    if (target === undefined) return;
    if (typeof entry.label === 'string' && entry.label.trim()) this.ctx.labels[target] = entry.label.trim();
    else delete this.ctx.labels[target];
    if (this.indexOf(target) < this.rendered) this.renderAgain(target);
  }

  private noteToolCalls(entry: SessionEntry): void {
    if (!isMessageEntry(entry) || roleOf(entry) !== 'assistant') return;
    for (const block of contentBlocks((entry.message as AssistantMessage).content)) {
      if (block.type === 'toolCall' && typeof block.id === 'string') this.callOwners.set(block.id, entry.id);
    }
  }

  private scheduleIdle(): void {
    if (this.idleHandle !== undefined) return;
    if (this.complete) {
      this.finish();
      return;
    }
    this.idleHandle = requestIdleCallback(
      (deadline) => {
        this.idleHandle = undefined;
        // At least one entry per callback, so a busy page still makes progress.
        do {
          this.renderRange(this.rendered, Math.min(this.entries.length, this.rendered + 8));
        } while (!this.complete && deadline.timeRemaining() > 4);
        this.scheduleIdle();
      },
      { timeout: 300 },
    );
  }

  private cancelIdle(): void {
    if (this.idleHandle !== undefined) cancelIdleCallback(this.idleHandle);
    this.idleHandle = undefined;
  }

  private finish(): void {
    this.cancelIdle();
    for (const listener of [...this.completeListeners]) listener();
  }

  private updateProgress(): void {
    this.onProgress(this.rendered, this.entries.length);
  }
}

function toolResultCallId(entry: SessionEntry): string | undefined {
  if (!isMessageEntry(entry) || roleOf(entry) !== 'toolResult') return undefined;
  const id = (entry.message as ToolResultMessage).toolCallId;
  return typeof id === 'string' ? id : undefined;
}
