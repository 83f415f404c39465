import type { HostBridge } from '../bridge';
import type { LiveSession, PiDelivery } from '../../../src/shared/model/pi';
import { liveText } from './liveText';

/*
 * What the prompt box offers, decided from facts alone (DOM-free, tested in Node): who may
 * prompt, whether pi is answering, and what the server last refused.
 */

/** Whether this page's caller holds the `agent` scope. */
export type AgentAccess = 'unknown' | 'allowed' | 'denied';

export type PromptAction = PiDelivery | 'abort';

export interface PromptFacts {
  access: AgentAccess;
  /** The header id of the open session; null while it loads. */
  sessionId: string | null;
  deleted: boolean;
  live: LiveSession | null;
  /** A run is under way (from the live list or from the streamed events). */
  streaming: boolean;
  /** The server's last `conflict` answer, shown as it is until the live state changes. */
  refusal: string | null;
}

export interface PromptBoxModel {
  enabled: boolean;
  /** Why the box is disabled; null when it is enabled. */
  reason: string | null;
  /** The buttons, in order; the first is what Enter does. */
  actions: readonly PromptAction[];
  /** A note under the box (what sending will do), never a refusal. */
  hint: string | null;
}

export function promptBoxModel(facts: PromptFacts): PromptBoxModel {
  const actions: readonly PromptAction[] = facts.streaming ? ['steer', 'follow_up', 'abort'] : ['prompt'];
  const disabled = (reason: string): PromptBoxModel => ({ enabled: false, reason, actions, hint: null });
  if (facts.deleted) return disabled(liveText.reasons.deleted);
  if (facts.sessionId === null) return disabled(liveText.reasons.notLoaded);
  if (facts.access === 'denied') return disabled(liveText.reasons.noAgentScope);
  if (facts.access === 'unknown') return disabled(liveText.reasons.checking);
  if (facts.refusal !== null) return disabled(facts.refusal);
  const hint = facts.live === null ? liveText.prompt.newSession : facts.live.heuristic ? liveText.prompt.maybeOpen : null;
  return { enabled: true, reason: null, actions, hint };
}

export interface KeyFacts {
  key: string;
  shiftKey: boolean;
  altKey: boolean;
  ctrlKey: boolean;
  metaKey: boolean;
  /** An input method is composing: Enter confirms the composition, it sends nothing. */
  isComposing: boolean;
}

/**
 * What a key press in the box does, as in pi's own editor: Enter sends (steers while pi is
 * answering), Alt+Enter queues a follow-up, Shift+Enter is a new line.
 */
export function actionForKey(e: KeyFacts, model: PromptBoxModel): PromptAction | null {
  if (e.key !== 'Enter' || e.isComposing || e.shiftKey || !model.enabled) return null;
  if (e.altKey) return model.actions.includes('follow_up') ? 'follow_up' : model.actions[0] ?? null;
  if (e.ctrlKey || e.metaKey) return model.actions[0] ?? null;
  return model.actions[0] ?? null;
}

/**
 * Whether the caller may prompt pi, from the scopes `list_commands` reports for it. Nothing
 * is sent to pi. A caller refused even that cannot prompt either; any other failure (the
 * server restarting) leaves the answer open for a later look.
 */
export async function agentAccess(bridge: HostBridge): Promise<AgentAccess> {
  const reply = await bridge.call('list_commands', {});
  if (reply.success) return reply.data.caller.scopes.includes('agent') ? 'allowed' : 'denied';
  return reply.code === 'forbidden' || reply.code === 'unauthorized' ? 'denied' : 'unknown';
}
