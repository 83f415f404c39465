import { randomUUID } from 'node:crypto';
import { allScopes, type Caller, type Scope } from './types';

/** The editor itself, or the CLI acting for the local user: every scope. */
export function localUserCaller(transport: 'ui' | 'cli' | 'test' = 'ui', id: string = `${transport}-${randomUUID()}`): Caller {
  return { id, transport, scopes: new Set<Scope>(allScopes), isLocal: true };
}
