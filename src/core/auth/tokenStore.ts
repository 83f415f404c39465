import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { SqliteFile } from '../state/sqliteFile';
import { ApiError } from '../../shared/api/errors';
import type { Scope } from '../../shared/model/tokens';
import { allScopes, elevatedScopes, scopeDescriptions } from '../../shared/model/tokens';
import type { TokenRecord, CreatedToken } from '../../shared/model/tokens';

const tokenPrefix = 'psm_';

function hashToken(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

/**
 * Compares two secrets in constant time. Both sides are hashed first, so inputs of
 * different lengths compare as unequal without throwing (security.md, row 9).
 */
export function secretsEqual(a: string, b: string): boolean {
  return timingSafeEqual(hashToken(a), hashToken(b));
}

/** API tokens, stored only as SHA-256 hashes in the user-data database. */
export class TokenStore {
  constructor(private readonly db: SqliteFile) {}

  async create(name: string, scopes: readonly Scope[] = ['read']): Promise<CreatedToken> {
    const unique = [...new Set(scopes)].filter((sc) => allScopes.includes(sc));
    if (unique.length === 0) throw new ApiError('invalid_payload', `scopes: at least one of ${allScopes.join(', ')}`);
    const token = tokenPrefix + randomBytes(32).toString('base64url');
    const createdAt = new Date().toISOString();
    const id = await this.db.mutate(() => {
      this.db.run('INSERT INTO tokens (name, scopes, token_hash, created_at) VALUES (?, ?, ?, ?)', [
        name,
        unique.join(','),
        hashToken(token).toString('hex'),
        createdAt,
      ]);
      return this.db.lastInsertId();
    });
    const warnings = unique.filter((sc) => elevatedScopes.includes(sc)).map((sc) => `"${sc}" lets this token ${scopeDescriptions[sc]}.`);
    return { id, name, scopes: unique, created_at: createdAt, last_used_at: null, token, warnings };
  }

  /**
   * Another process (the CLI, another editor window) may have created or revoked tokens;
   * callers refresh before trusting what is in memory.
   */
  refresh(): Promise<boolean> {
    return this.db.reloadIfChangedOnDisk();
  }

  list(): TokenRecord[] {
    return this.db
      .all<{ id: number; name: string; scopes: string; created_at: string; last_used_at: string | null }>(
        'SELECT id, name, scopes, created_at, last_used_at FROM tokens ORDER BY id',
      )
      .map((r) => ({ ...r, scopes: r.scopes.split(',') as Scope[] }));
  }

  exists(id: number): boolean {
    return this.db.get('SELECT id FROM tokens WHERE id = ?', [id]) !== undefined;
  }

  count(): number {
    return Number(this.db.get<{ n: number }>('SELECT count(*) AS n FROM tokens')?.n ?? 0);
  }

  revoke(id: number): Promise<boolean> {
    return this.db.mutate(() => {
      if (!this.db.get('SELECT id FROM tokens WHERE id = ?', [id])) return false;
      this.db.run('DELETE FROM tokens WHERE id = ?', [id]);
      return true;
    });
  }

  /**
   * Finds the token a client presented. The lookup is by hash (an index seek), and the
   * stored digest is then compared in constant time, so timing reveals nothing useful.
   */
  verify(presented: string): TokenRecord | undefined {
    if (typeof presented !== 'string' || presented.length === 0 || presented.length > 512) return undefined;
    const digest = hashToken(presented);
    const row = this.db.get<{ id: number; name: string; scopes: string; created_at: string; last_used_at: string | null; token_hash: string }>(
      'SELECT id, name, scopes, created_at, last_used_at, token_hash FROM tokens WHERE token_hash = ?',
      [digest.toString('hex')],
    );
    if (!row || !timingSafeEqual(Buffer.from(row.token_hash, 'hex'), digest)) return undefined;
    return { id: row.id, name: row.name, scopes: row.scopes.split(',') as Scope[], created_at: row.created_at, last_used_at: row.last_used_at };
  }
}
