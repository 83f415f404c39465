export interface TokenRecord {
  id: number;
  name: string;
  scopes: Scope[];
  created_at: string;
  last_used_at: string | null;
}

export interface CreatedToken extends TokenRecord {
  /** The secret itself: returned once, never stored. */
  token: string;
  /** One line for each elevated scope, saying plainly what it allows. */
  warnings: string[];
}

export const allScopes = ['read', 'write', 'agent', 'terminal', 'admin', 'bridge'] as const;

/**
 * What a token may do. `agent`, `terminal` and `admin` each amount to running code or
 * changing who may: they are never given by default, and minting them says so. `bridge` is
 * the scope of a pi extension that reports its own live session: it registers sessions and
 * sends their events, and can do nothing else (no reads, no commands that need another scope).
 */
export type Scope = (typeof allScopes)[number];

export const scopeDescriptions: Readonly<Record<Scope, string>> = {
  read: 'list, read and search sessions, and see statistics',
  write: 'rename, delete, tag and favorite sessions, and export them',
  agent: 'prompt pi, which runs tools (shell commands, file edits) on this machine',
  terminal: 'open shells on this machine',
  admin: "change server settings, session folders and pi's models.json, and mint or revoke tokens",
  bridge: 'let a running pi register its session and stream its events (nothing else)',
};

/** Scopes that let a client run code on this machine or widen what others may do. */
export const elevatedScopes: readonly Scope[] = ['agent', 'terminal', 'admin'];

export function isScope(value: unknown): value is Scope {
  return typeof value === 'string' && (allScopes as readonly string[]).includes(value);
}
