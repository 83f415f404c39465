/**
 * Every user-visible string of the live part of the session view (live header, streaming
 * answer, prompt box), in one place so that the translation catalogue can take them over.
 */
export const liveText = {
  header: {
    region: 'Live pi session',
    idle: 'idle',
    streaming: 'answering…',
    retrying: 'retrying…',
  },
  stream: {
    region: 'pi’s answer so far',
    role: 'pi (live)',
    thinking: 'Thinking',
    tool: 'Tool',
    running: 'running…',
    done: 'done',
    failed: 'failed',
    aborted: 'Stopped.',
    started: 'pi started answering.',
    answered: (text: string) => `pi answered: ${text}`,
    ended: 'pi finished.',
    error: (message: string) => `pi reported an error: ${message}`,
  },
  prompt: {
    label: 'Message to pi',
    placeholderIdle: 'Ask pi… (Enter sends, Shift+Enter for a new line)',
    placeholderStreaming: 'Steer pi… (Enter steers, Alt+Enter queues a follow-up)',
    send: 'Send',
    steer: 'Steer',
    followUp: 'Follow-up',
    abort: 'Abort',
    sendTitle: 'Send this prompt to pi',
    steerTitle: 'Send it into the answer under way: pi reads it after the current step',
    followUpTitle: 'Queue it: pi takes it when this answer is done',
    abortTitle: 'Stop the answer under way',
    sending: 'Sending…',
    sent: {
      started: 'Sent: pi is answering.',
      queued: 'Queued: pi takes it when the current answer is done.',
      handled: 'pi handled it without a model run.',
      steer: 'Steered into the answer under way.',
      follow_up: 'Queued as a follow-up.',
    },
    aborted: 'Stop requested.',
    nothingToAbort: 'Nothing was running.',
    failed: (message: string) => `Not sent: ${message}`,
    abortFailed: (message: string) => `Could not stop pi: ${message}`,
    newSession: 'No pi has this session open: sending starts pi for it here.',
    maybeOpen: 'pi may have this session open without the bridge; the server refuses to start a second pi on it.',
  },
  reasons: {
    checking: 'Checking whether this device may prompt pi…',
    noAgentScope:
      'Prompting pi runs tools on the server’s machine, so it needs a token with the “agent” scope. Sign in with such a token (Pi Sessions: Create API Token, or `node dist/cli.js token create <name> --scopes read,write,agent`).',
    notLoaded: 'The session is not loaded yet.',
    deleted: 'The session file was deleted.',
  },
} as const;
