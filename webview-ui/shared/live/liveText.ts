import { l10n } from '../../../src/shared/l10n';
/**
 * Every user-visible string of the live part of the session view (live header, streaming
 * answer, prompt box), in one place so that the translation catalogue can take them over.
 */
export const liveText = {
  header: {
    get region() {
      return l10n.t('Live pi session');
    },
    get idle() {
      return l10n.t('idle');
    },
    get streaming() {
      return l10n.t('answering…');
    },
    get retrying() {
      return l10n.t('retrying…');
    },
  },
  stream: {
    get region() {
      return l10n.t('pi’s answer so far');
    },
    get role() {
      return l10n.t('pi (live)');
    },
    get thinking() {
      return l10n.t('Thinking');
    },
    get tool() {
      return l10n.t('Tool');
    },
    get running() {
      return l10n.t('running…');
    },
    get done() {
      return l10n.t('done');
    },
    get failed() {
      return l10n.t('failed');
    },
    get aborted() {
      return l10n.t('Stopped.');
    },
    get started() {
      return l10n.t('pi started answering.');
    },
    answered: (text: string) => l10n.t('pi answered: {0}', text),
    get ended() {
      return l10n.t('pi finished.');
    },
    error: (message: string) => l10n.t('pi reported an error: {0}', message),
  },
  prompt: {
    get label() {
      return l10n.t('Message to pi');
    },
    get placeholderIdle() {
      return l10n.t('Ask pi… (Enter sends, Shift+Enter for a new line)');
    },
    get placeholderStreaming() {
      return l10n.t('Steer pi… (Enter steers, Alt+Enter queues a follow-up)');
    },
    get send() {
      return l10n.t('Send');
    },
    get steer() {
      return l10n.t('Steer');
    },
    get followUp() {
      return l10n.t('Follow-up');
    },
    get abort() {
      return l10n.t('Abort');
    },
    get sendTitle() {
      return l10n.t('Send this prompt to pi');
    },
    get steerTitle() {
      return l10n.t('Send it into the answer under way: pi reads it after the current step');
    },
    get followUpTitle() {
      return l10n.t('Queue it: pi takes it when this answer is done');
    },
    get abortTitle() {
      return l10n.t('Stop the answer under way');
    },
    get sending() {
      return l10n.t('Sending…');
    },
    sent: {
      get started() {
        return l10n.t('Sent: pi is answering.');
      },
      get queued() {
        return l10n.t('Queued: pi takes it when the current answer is done.');
      },
      get handled() {
        return l10n.t('pi handled it without a model run.');
      },
      get steer() {
        return l10n.t('Steered into the answer under way.');
      },
      get follow_up() {
        return l10n.t('Queued as a follow-up.');
      },
    },
    get aborted() {
      return l10n.t('Stop requested.');
    },
    get nothingToAbort() {
      return l10n.t('Nothing was running.');
    },
    failed: (message: string) => l10n.t('Not sent: {0}', message),
    abortFailed: (message: string) => l10n.t('Could not stop pi: {0}', message),
    get newSession() {
      return l10n.t('No pi has this session open: sending starts pi for it here.');
    },
    get maybeOpen() {
      return l10n.t('pi may have this session open without the bridge. If one does, sending is refused (connect that pi to prompt it from here); if none does, sending starts pi for it here.');
    },
  },
  reasons: {
    get checking() {
      return l10n.t('Checking whether this device may prompt pi…');
    },
    get noAgentScope() {
      return l10n.t('Prompting pi runs tools on the server’s machine, so it needs a token with the “agent” scope. Sign in with such a token (Pi Sessions: Create API Token, or `node dist/cli.js token create <name> --scopes read,write,agent`).');
    },
    get notLoaded() {
      return l10n.t('The session is not loaded yet.');
    },
    get deleted() {
      return l10n.t('The session file was deleted.');
    },
  },
} as const;
