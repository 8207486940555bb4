import type { Db } from '@extauth/server-kit/sqlite';

/** WHM API tokens. Only the SHA-256 of a token is stored; it is shown once, at creation. */
export interface ApiTokenRecord {
  username: string;
  name: string;
  createdAt: number;
}

export interface ApiTokenStore {
  /** false when the user already has a token with this name. */
  insertToken(record: ApiTokenRecord & { tokenHash: string }): boolean;
  findTokenByHash(tokenHash: string): ApiTokenRecord | undefined;
  /** Returns whether a token was removed. */
  revokeToken(username: string, name: string): boolean;
}

interface TokenRow {
  username: string;
  name: string;
  created_at: number;
}

export function createApiTokenStore(db: Db): ApiTokenStore {
  const insert = db.prepare<[string, string, string, number]>(
    'INSERT OR IGNORE INTO api_tokens (username, name, token_hash, created_at) VALUES (?, ?, ?, ?)',
  );
  const byHash = db.prepare<[string], TokenRow>(
    'SELECT username, name, created_at FROM api_tokens WHERE token_hash = ?',
  );
  const revoke = db.prepare<[string, string]>('DELETE FROM api_tokens WHERE username = ? AND name = ?');
  return {
    insertToken: (r) => insert.run(r.username, r.name, r.tokenHash, r.createdAt).changes > 0,
    findTokenByHash(tokenHash) {
      const row = byHash.get(tokenHash);
      return row && { username: row.username, name: row.name, createdAt: row.created_at };
    },
    revokeToken: (username, name) => revoke.run(username, name).changes > 0,
  };
}
