import { randomUUID } from 'node:crypto';
import type { Caller } from './types';
import { allScopes, type Scope } from '../../shared/model/tokens';

/** The editor itself, or the CLI acting for the local user: every scope. */
export function localUserCaller(transport: 'ui' | 'cli' | 'test' = 'ui', id: string = `${transport}-${randomUUID()}`): Caller {
  return { id, transport, scopes: new Set<Scope>(allScopes), isLocal: true };
}
