import type { HostBridge } from '../bridge';
import { callData } from '../bridge';
import type { LiveSession } from '../../../src/shared/model/pi';
import type { SessionEntry } from '../../../src/shared/model/entries';
import type { PayloadOf } from '../../../src/shared/api/commands';
import { findLiveSession, liveMark, liveModelText, contextUsageText, liveFacts } from '../../../src/shared/rules/liveLabels';
import { renderMarkdown } from '../../../src/shared/render/markdown';
import { oneLine, prettyJson } from '../../../src/shared/render/format';
import { appendRenderedHtml, element } from '../sessionView/dom';
import { LiveRun, parseLiveEvent, type StreamBlock, type StreamMessage } from './liveRun';
import { liveText } from './liveText';
import { actionForKey, agentAccess, promptBoxModel, type AgentAccess, type PromptAction, type PromptBoxModel } from './promptModel';

/** The tail of a tool's output shown while it runs; the full result comes with the file. */
const toolOutputChars = 2000;
let nextBoxId = 1;

export interface LivePanelHooks {
  /** Content was added at the end of the conversation (follow it if the reader is there). */
  contentGrew(): void;
}

/**
 * The live part of a session view: a header saying whether pi has the session open and what it
 * is doing, pi's answer as it streams (after the conversation, replaced by the real entries as
 * the file grows), and the prompt box. It keeps to its own elements; the session view places
 * them and hands over events and appended entries.
 */
export class LivePanel {
  /** Above the conversation: live mark, model, state. */
  readonly header: HTMLElement;
  /** After the conversation, inside the scrolled area. */
  readonly stream: HTMLElement;
  /** Below the scrolled area. */
  readonly promptBox: HTMLElement;
  /** Polite announcements of new content for screen readers; never takes focus. */
  private readonly announcer: HTMLElement;
  private readonly textarea: HTMLTextAreaElement;
  private readonly buttons: HTMLElement;
  private readonly reasonEl: HTMLElement;
  private readonly feedbackEl: HTMLElement;

  private readonly run = new LiveRun();
  private sessionId: string | null = null;
  private paths = new Set<string>();
  private live: LiveSession | null = null;
  private liveStreaming = false;
  private access: AgentAccess = 'unknown';
  private refusal: string | null = null;
  private deleted = false;
  private busy = false;
  private generation = 0;
  /** Characters of answer streamed into this view since the session opened (for hosts and tests). */
  private streamedChars = 0;
  /** Live events taken so far: a live list asked for before the latest of them is older than it. */
  private eventCount = 0;
  private frame: number | undefined;
  private model: PromptBoxModel = promptBoxModel({ access: 'unknown', sessionId: null, deleted: false, live: null, streaming: false, refusal: null });

  constructor(
    private readonly bridge: HostBridge,
    private readonly hooks: LivePanelHooks,
  ) {
    this.header = element('div', { class: 'psm-live-header', role: 'group', 'aria-label': liveText.header.region, hidden: '' });
    this.stream = element('section', { class: 'psm-live-stream', 'aria-label': liveText.stream.region, hidden: '' });
    this.announcer = element('div', { class: 'psm-live-announcer', role: 'status', 'aria-live': 'polite', 'aria-atomic': 'true' });
    const id = `psm-prompt-${nextBoxId++}`;
    this.textarea = element('textarea', { id, class: 'psm-prompt-input', rows: '2', 'aria-describedby': `${id}-reason ${id}-feedback` });
    this.buttons = element('div', { class: 'psm-prompt-actions' });
    this.reasonEl = element('p', { id: `${id}-reason`, class: 'psm-prompt-reason', hidden: '' });
    this.feedbackEl = element('p', { id: `${id}-feedback`, class: 'psm-prompt-feedback', role: 'status', 'aria-live': 'polite' });
    const label = element('label', { for: id, class: 'psm-prompt-label' }, liveText.prompt.label);
    this.promptBox = element(
      'form',
      { class: 'psm-prompt', 'aria-label': liveText.prompt.label, hidden: '' },
      label,
      element('div', { class: 'psm-prompt-row' }, this.textarea, this.buttons),
      this.reasonEl,
      this.feedbackEl,
      this.announcer,
    );
    this.promptBox.addEventListener('submit', (e) => {
      e.preventDefault();
      const first = this.model.actions[0];
      if (first) void this.act(first);
    });
    this.textarea.addEventListener('keydown', (e) => {
      const action = actionForKey(e, this.model);
      if (!action) return;
      e.preventDefault();
      void this.act(action);
    });
  }

  /** Starts over for the session just loaded (`sessionId` from its header). */
  open(sessionId: string | null, paths: Iterable<string>): void {
    this.generation++;
    this.sessionId = sessionId;
    this.paths = new Set(paths);
    this.live = null;
    this.liveStreaming = false;
    this.refusal = null;
    this.deleted = false;
    this.busy = false;
    this.feedbackEl.textContent = '';
    this.run.reset();
    this.streamedChars = 0;
    this.stream.dataset.streamedChars = '0';
    this.promptBox.hidden = sessionId === null;
    this.render();
    void this.refreshLive();
    if (this.access !== 'allowed') void this.checkAccess();
  }

  /** The file was deleted: nothing can be sent any more. */
  setDeleted(deleted: boolean): void {
    this.deleted = deleted;
    this.render();
  }

  /** Entries the view read from the end of the file. */
  settle(entries: readonly SessionEntry[]): void {
    if (this.run.settle(entries)) this.scheduleRender();
  }

  /** Every push event the view receives; the live ones are taken here. */
  onEvent(name: string, payload: unknown): void {
    if (this.sessionId === null) return;
    if (name === 'pi-live-event') {
      const event = parseLiveEvent(payload);
      if (!event || (event.session_id !== this.sessionId && !this.paths.has(event.session_path))) return;
      this.eventCount++;
      const wasStreaming = this.run.streaming;
      const openBefore = this.run.snapshot().messages.filter((m) => m.closed).length;
      this.run.apply(event);
      if (event.kind === 'text_delta' || event.kind === 'thinking_delta') {
        this.streamedChars += event.data.delta.length;
        this.stream.dataset.streamedChars = String(this.streamedChars);
      }
      if (event.kind === 'agent_end') this.liveStreaming = false;
      this.announce(event.kind, wasStreaming, openBefore);
      this.scheduleRender();
      return;
    }
    if (name === 'pi-live-changed') {
      const ids = isObject(payload) && Array.isArray(payload.session_ids) ? payload.session_ids : [];
      if (ids.length === 0 || ids.includes(this.sessionId)) void this.refreshLive();
      return;
    }
    if (name === 'resync') void this.refreshLive();
  }

  dispose(): void {
    this.generation++;
    if (this.frame !== undefined) cancelAnimationFrame(this.frame);
  }

  private async refreshLive(): Promise<void> {
    const generation = this.generation;
    const eventsBefore = this.eventCount;
    let list: LiveSession[];
    try {
      list = await callData(this.bridge, 'get_pi_live_sessions', {});
    } catch {
      return;
    }
    if (generation !== this.generation) return;
    const live = findLiveSession(list, { id: this.sessionId, paths: this.paths });
    const changed = JSON.stringify(live) !== JSON.stringify(this.live);
    this.live = live;
    this.liveStreaming = live?.streaming === true;
    // pi's word that it is idle ends a run whose end we missed, unless events came meanwhile.
    if (live?.streaming === false && this.eventCount === eventsBefore && this.run.markIdle()) this.scheduleRender();
    // A refusal holds while the state it was about holds; a change of it is worth a new try.
    if (changed) this.refusal = null;
    this.render();
  }

  private async checkAccess(): Promise<void> {
    const generation = this.generation;
    const access = await agentAccess(this.bridge);
    // Access belongs to the caller, not to the session: a later session may use the answer too.
    if (generation !== this.generation && access === 'unknown') return;
    this.access = access;
    this.render();
  }

  private get streaming(): boolean {
    return this.run.streaming || this.liveStreaming;
  }

  private async act(action: PromptAction): Promise<void> {
    const sessionId = this.sessionId;
    if (!sessionId || this.busy || !this.model.enabled) return;
    const text = this.textarea.value.trim();
    if (action !== 'abort' && !text) {
      this.textarea.focus();
      return;
    }
    const generation = this.generation;
    this.busy = true;
    this.feedbackEl.textContent = liveText.prompt.sending;
    this.render();
    const payload: PayloadOf<'send_pi_agent_rpc'> =
      action === 'abort' ? { session_id: sessionId, abort: true } : action === 'prompt' ? { session_id: sessionId, prompt: text } : { session_id: sessionId, prompt: text, deliver_as: action };
    const reply = await this.bridge.call('send_pi_agent_rpc', payload);
    if (generation !== this.generation) return;
    this.busy = false;
    if (reply.success) {
      const data = reply.data;
      if ('aborted' in data) {
        this.feedbackEl.textContent = data.aborted ? liveText.prompt.aborted : liveText.prompt.nothingToAbort;
      } else {
        // Sent: the box is cleared only now, so a refused prompt is never lost.
        if (this.textarea.value.trim() === text) this.textarea.value = '';
        const as = data.delivered_as ?? (action === 'abort' ? 'prompt' : action);
        this.feedbackEl.textContent = as === 'steer' || as === 'follow_up' ? liveText.prompt.sent[as] : liveText.prompt.sent[data.disposition];
      }
    } else if (reply.code === 'conflict') {
      this.refusal = reply.error;
      this.feedbackEl.textContent = '';
    } else if (reply.code === 'forbidden' && action !== 'abort') {
      this.access = 'denied';
      this.feedbackEl.textContent = '';
    } else {
      this.feedbackEl.textContent = action === 'abort' ? liveText.prompt.abortFailed(reply.error) : liveText.prompt.failed(reply.error);
    }
    this.render();
    if (reply.success && action !== 'abort') void this.refreshLive();
  }

  /** What a reader without sight should hear: the start, each finished message, the end. */
  private announce(kind: string, wasStreaming: boolean, closedBefore: number): void {
    const snapshot = this.run.snapshot();
    if (!wasStreaming && snapshot.phase === 'streaming') this.announcer.textContent = liveText.stream.started;
    if (kind === 'message_end') {
      const closed = snapshot.messages.filter((m) => m.closed);
      const latest = closed.length > closedBefore ? closed[closed.length - 1] : undefined;
      const text = latest ? messageText(latest) : '';
      if (text) this.announcer.textContent = liveText.stream.answered(oneLine(text, 300));
    }
    if (kind === 'agent_end') {
      this.announcer.textContent = snapshot.error
        ? liveText.stream.error(snapshot.error)
        : snapshot.stopReason === 'aborted'
          ? liveText.stream.aborted
          : liveText.stream.ended;
    }
  }

  private scheduleRender(): void {
    if (this.frame !== undefined) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = undefined;
      this.render();
    });
  }

  private render(): void {
    this.renderHeader();
    this.renderStream();
    this.renderPromptBox();
  }

  private renderHeader(): void {
    const live = this.live;
    const streaming = this.streaming;
    this.header.hidden = live === null && !streaming;
    this.header.replaceChildren();
    if (this.header.hidden) {
      delete this.header.dataset.liveKind;
      return;
    }
    // The run as the events tell it, not the live list read before the run ended.
    const mark = live ? liveMark({ ...live, streaming }) : null;
    const kind = mark?.kind ?? 'streaming';
    this.header.dataset.liveKind = kind;
    this.header.dataset.streaming = String(streaming);
    const badge = element('span', { class: 'psm-live-badge', 'data-kind': kind }, mark?.short ?? liveText.header.streaming);
    const parts: (Node | string)[] = [badge];
    if (live) {
      // The badge says live or streaming; the long form adds something only for a guess or our own pi.
      if (kind === 'maybe' || live.detected_by === 'rpc') parts.push(element('span', { class: 'psm-live-long' }, mark!.long));
      const model = liveModelText(live);
      if (model) parts.push(element('span', { class: 'psm-live-model' }, model));
      const context = contextUsageText(live);
      if (context) parts.push(element('span', { class: 'psm-live-context' }, context));
      if (live.bridge?.mode) parts.push(element('span', { class: 'psm-live-mode' }, live.bridge.mode));
      this.header.title = liveFacts(live)
        .map(([label, value]) => `${label}: ${value}`)
        .join('\n');
    }
    const retrying = this.run.snapshot().retrying;
    if (retrying) parts.push(element('span', { class: 'psm-live-state' }, liveText.header.retrying));
    else if (!streaming && kind === 'live') parts.push(element('span', { class: 'psm-live-state' }, liveText.header.idle));
    this.header.append(...parts);
  }

  private renderStream(): void {
    const snapshot = this.run.snapshot();
    const show = this.run.visible;
    const wasEmpty = this.stream.hidden;
    this.stream.hidden = !show;
    this.stream.dataset.phase = snapshot.phase;
    this.stream.setAttribute('aria-busy', String(snapshot.phase === 'streaming'));
    this.stream.replaceChildren();
    if (!show) return;
    for (const message of snapshot.messages) this.stream.append(renderMessage(message));
    if (snapshot.phase === 'streaming' && snapshot.messages.every((m) => m.closed)) {
      this.stream.append(element('p', { class: 'psm-live-waiting' }, snapshot.retrying ? liveText.header.retrying : liveText.header.streaming));
    }
    if (snapshot.phase === 'ended' && snapshot.error) this.stream.append(element('p', { class: 'psm-live-error', role: 'alert' }, liveText.stream.error(snapshot.error)));
    if (snapshot.messages.length > 0 || !wasEmpty) this.hooks.contentGrew();
  }

  private renderPromptBox(): void {
    this.model = promptBoxModel({
      access: this.access,
      sessionId: this.sessionId,
      deleted: this.deleted,
      live: this.live,
      streaming: this.streaming,
      refusal: this.refusal,
    });
    const model = this.model;
    this.promptBox.dataset.enabled = String(model.enabled);
    this.promptBox.dataset.mode = this.streaming ? 'streaming' : 'idle';
    this.textarea.disabled = !model.enabled;
    this.textarea.placeholder = this.streaming ? liveText.prompt.placeholderStreaming : liveText.prompt.placeholderIdle;
    const note = model.reason ?? model.hint;
    this.reasonEl.hidden = note === null;
    this.reasonEl.textContent = note ?? '';
    this.reasonEl.dataset.kind = model.reason !== null ? 'reason' : 'hint';
    const current = [...this.buttons.querySelectorAll<HTMLButtonElement>('button')].map((b) => b.dataset.action).join(',');
    if (current !== model.actions.join(',')) {
      // Rebuilt only when the set changes, so a button keeps focus while pi streams.
      const hadFocus = this.buttons.contains(document.activeElement);
      this.buttons.replaceChildren(...model.actions.map((action, i) => this.button(action, i === 0)));
      if (hadFocus) this.textarea.focus();
    }
    for (const b of this.buttons.querySelectorAll<HTMLButtonElement>('button')) b.disabled = !model.enabled || this.busy;
  }

  private button(action: PromptAction, primary: boolean): HTMLButtonElement {
    const [label, title] = buttonText[action];
    const button = element('button', { type: primary ? 'submit' : 'button', class: `psm-prompt-button${primary ? ' psm-prompt-primary' : ''}${action === 'abort' ? ' psm-prompt-abort' : ''}`, 'data-action': action, title }, label);
    if (!primary) button.addEventListener('click', () => void this.act(action));
    return button;
  }
}

const buttonText: Record<PromptAction, [label: string, title: string]> = {
  prompt: [liveText.prompt.send, liveText.prompt.sendTitle],
  steer: [liveText.prompt.steer, liveText.prompt.steerTitle],
  follow_up: [liveText.prompt.followUp, liveText.prompt.followUpTitle],
  abort: [liveText.prompt.abort, liveText.prompt.abortTitle],
};

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function messageText(message: StreamMessage): string {
  return message.blocks
    .filter((b): b is Extract<StreamBlock, { kind: 'text' }> => b.kind === 'text')
    .map((b) => b.text)
    .join('\n');
}

/** One streamed message, looking like the assistant entries the renderer draws. */
function renderMessage(message: StreamMessage): HTMLElement {
  const body = element('div', { class: 'psm-body' });
  for (const block of message.blocks) body.append(renderBlock(block));
  if (message.stopReason === 'aborted') body.append(element('p', { class: 'psm-live-note' }, liveText.stream.aborted));
  else if (message.errorMessage) body.append(element('p', { class: 'psm-live-error' }, liveText.stream.error(message.errorMessage)));
  return element(
    'article',
    { class: 'psm-entry psm-message psm-role-assistant psm-live-message', 'data-closed': String(message.closed) },
    element('div', { class: 'psm-entry-head' }, element('span', { class: 'psm-role' }, liveText.stream.role), element('span', { class: 'psm-live-dot', 'aria-hidden': 'true' })),
    body,
  );
}

function renderBlock(block: StreamBlock): HTMLElement {
  if (block.kind === 'text') {
    const el = element('div', { class: 'psm-live-text psm-markdown' });
    // The shared renderer escapes and sanitises, as for every entry of the file.
    appendRenderedHtml(el, renderMarkdown(block.text));
    return el;
  }
  if (block.kind === 'thinking') {
    return element('details', { class: 'psm-live-thinking' }, element('summary', {}, liveText.stream.thinking), element('div', { class: 'psm-live-thinking-text' }, block.text));
  }
  const state = block.state === 'running' ? liveText.stream.running : block.state === 'error' ? liveText.stream.failed : liveText.stream.done;
  const args = block.args === undefined ? '' : oneLine(prettyJson(block.args, 400).replace(/\s+/g, ' '), 160);
  const tool = element(
    'div',
    { class: 'psm-live-tool', 'data-state': block.state, 'data-tool-call-id': block.id },
    element('span', { class: 'psm-live-tool-name' }, `${liveText.stream.tool}: ${block.name}`),
    args ? element('code', { class: 'psm-live-tool-args' }, args) : '',
    element('span', { class: 'psm-live-tool-state' }, state),
  );
  if (block.output) tool.append(element('pre', { class: 'psm-live-tool-output' }, block.output.length > toolOutputChars ? `…${block.output.slice(-toolOutputChars)}` : block.output));
  return tool;
}
