import type { LiveSession } from '../model/pi';
import { l10n } from '../l10n';

/*
 * How a live pi session reads on every face (the tree, the viewer's live header, the web
 * client): one rule for "live", "streaming" and "maybe open", and for the facts shown about it.
 */

/** Every user-visible word of this module, in one place for the translation catalogue. */
export const liveLabelText = {
  get streaming() {
    return l10n.t('streaming…');
  },
  get live() {
    return l10n.t('● live');
  },
  get maybe() {
    return l10n.t('maybe open in pi');
  },
  get streamingLong() {
    return l10n.t('pi is answering');
  },
  get liveLong() {
    return l10n.t('open in pi');
  },
  get liveRpc() {
    return l10n.t('driven by Pi Sessions');
  },
  get maybeLong() {
    return l10n.t('maybe open in a pi without the bridge');
  },
  get model() {
    return l10n.t('Model');
  },
  get thinking() {
    return l10n.t('Thinking');
  },
  get mode() {
    return l10n.t('Mode');
  },
  get context() {
    return l10n.t('Context');
  },
  get pid() {
    return l10n.t('pid');
  },
  get piVersion() {
    return l10n.t('pi');
  },
  get detected() {
    return l10n.t('Found by');
  },
  detectedBy: {
    get bridge() {
      return l10n.t('its bridge');
    },
    get rpc() {
      return l10n.t('our RPC child');
    },
    get process() {
      return l10n.t('the process list (a guess)');
    },
    get 'file-activity'() {
      return l10n.t('recent writes to the file (a guess)');
    },
  },
} as const;

/** `streaming` and `live` are certain; `maybe` is a guess (a pi without a bridge). */
export type LiveMarkKind = 'streaming' | 'live' | 'maybe';

export interface LiveMark {
  kind: LiveMarkKind;
  /** A few words for a description column or a badge. */
  short: string;
  /** A phrase for a tooltip or a header. */
  long: string;
}

/** Certain sessions (a bridge or our own child) first, then the streaming one. */
function rank(live: LiveSession): number {
  return (live.heuristic ? 0 : 2) + (live.streaming === true ? 1 : 0);
}

/**
 * The live record of one session among `get_pi_live_sessions`, matched by id or by any of the
 * paths the session is known under; the most certain one when several match.
 */
export function findLiveSession(list: readonly LiveSession[], match: { id?: string | null; paths?: Iterable<string> }): LiveSession | null {
  const paths = new Set(match.paths ?? []);
  const hits = list.filter((l) => (match.id && l.session_id === match.id) || (l.session_path !== null && paths.has(l.session_path)));
  if (hits.length === 0) return null;
  return hits.reduce((best, l) => (rank(l) > rank(best) ? l : best));
}

export function liveMark(live: LiveSession): LiveMark {
  if (live.heuristic) return { kind: 'maybe', short: liveLabelText.maybe, long: liveLabelText.maybeLong };
  if (live.streaming === true) return { kind: 'streaming', short: liveLabelText.streaming, long: liveLabelText.streamingLong };
  return { kind: 'live', short: liveLabelText.live, long: live.detected_by === 'rpc' ? liveLabelText.liveRpc : liveLabelText.liveLong };
}

/** The model as pi names it, with the thinking level when it is set (`fake-think · high`). */
export function liveModelText(live: LiveSession): string | null {
  const model = live.bridge?.model ?? null;
  const thinking = live.bridge?.thinking_level ?? null;
  if (!model) return null;
  return thinking && thinking !== 'off' ? `${model} · ${thinking}` : model;
}

/** `42% of 128k`, or null when pi did not say. */
export function contextUsageText(live: LiveSession): string | null {
  const usage = live.bridge?.context_usage;
  if (!usage) return null;
  const windowSize = usage.context_window ? `${Math.round(usage.context_window / 1000)}k` : null;
  if (usage.percent !== null) return windowSize ? l10n.t('{0}% of {1}', Math.round(usage.percent), windowSize) : `${Math.round(usage.percent)}%`;
  if (usage.tokens !== null) return windowSize ? l10n.t('{0} tokens of {1}', usage.tokens, windowSize) : String(usage.tokens);
  return null;
}

/** Facts for a tooltip or a header, in display order. */
export function liveFacts(live: LiveSession): Array<[label: string, value: string]> {
  const facts: Array<[string, string]> = [];
  const model = live.bridge?.model;
  if (model) facts.push([liveLabelText.model, model]);
  const thinking = live.bridge?.thinking_level;
  if (thinking) facts.push([liveLabelText.thinking, thinking]);
  const mode = live.bridge?.mode;
  if (mode) facts.push([liveLabelText.mode, mode]);
  const context = contextUsageText(live);
  if (context) facts.push([liveLabelText.context, context]);
  const version = live.bridge?.pi_version;
  if (version) facts.push([liveLabelText.piVersion, version]);
  if (live.pid !== null) facts.push([liveLabelText.pid, String(live.pid)]);
  facts.push([liveLabelText.detected, liveLabelText.detectedBy[live.detected_by]]);
  return facts;
}
