import type { Db } from '@extauth/server-kit/sqlite';

/** Signed-in sessions of the account pages (direct use, outside any OIDC interaction). */
export interface AccountSessionStore {
  startAccountSession(session: { idHash: string; accountId: string; createdAt: number; expiresAt: number }): void;
  findAccountSession(idHash: string, nowMs: number): { accountId: string; expiresAt: number } | undefined;
  endAccountSession(idHash: string): void;
  /** Every session of the account, except the one named (the browser that changed the password). */
  endAccountSessionsOfAccount(accountId: string, exceptIdHash?: string): number;
}

export function createSqliteAccountSessionStore(db: Db): AccountSessionStore {
  const insert = db.prepare(
    `INSERT INTO account_sessions (id_hash, account_id, created_at, expires_at)
     VALUES (@idHash, @accountId, @createdAt, @expiresAt)`,
  );
  const find = db.prepare<[string, number], { account_id: string; expires_at: number }>(
    'SELECT account_id, expires_at FROM account_sessions WHERE id_hash = ? AND expires_at > ?',
  );
  const end = db.prepare('DELETE FROM account_sessions WHERE id_hash = ?');
  const endAll = db.prepare('DELETE FROM account_sessions WHERE account_id = ? AND id_hash IS NOT ?');
  return {
    startAccountSession: (session) => {
      insert.run(session);
    },
    findAccountSession: (idHash, nowMs) => {
      const row = find.get(idHash, nowMs);
      return row ? { accountId: row.account_id, expiresAt: row.expires_at } : undefined;
    },
    endAccountSession: (idHash) => {
      end.run(idHash);
    },
    endAccountSessionsOfAccount: (accountId, exceptIdHash) => endAll.run(accountId, exceptIdHash ?? null).changes,
  };
}
