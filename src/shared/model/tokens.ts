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
}

export type Scope = 'read' | 'write' | 'terminal';
