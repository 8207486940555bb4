import type { Db } from '@extauth/server-kit/sqlite';

/**
 * What a correct reset code turns into: a short-lived, single-use permission to choose a new
 * password, held by the browser (its hash here).
 */
export interface PasswordResetTicketStore {
  issuePasswordResetTicket(ticket: { tokenHash: string; accountId: string; expiresAt: number }): void;
  /** Without using it up (to show the form). */
  findPasswordResetTicket(tokenHash: string, nowMs: number): { accountId: string } | undefined;
  /** Read-and-delete in one statement: a ticket resets one password once. */
  consumePasswordResetTicket(tokenHash: string, nowMs: number): { accountId: string } | undefined;
}

export function createSqlitePasswordResetTicketStore(db: Db): PasswordResetTicketStore {
  const insert = db.prepare(
    'INSERT INTO password_reset_tickets (token_hash, account_id, expires_at) VALUES (@tokenHash, @accountId, @expiresAt)',
  );
  const find = db.prepare<[string, number], { account_id: string }>(
    'SELECT account_id FROM password_reset_tickets WHERE token_hash = ? AND expires_at > ?',
  );
  const consume = db.prepare<[string, number], { account_id: string }>(
    'DELETE FROM password_reset_tickets WHERE token_hash = ? AND expires_at > ? RETURNING account_id',
  );
  return {
    issuePasswordResetTicket: (ticket) => {
      insert.run(ticket);
    },
    findPasswordResetTicket: (tokenHash, nowMs) => {
      const row = find.get(tokenHash, nowMs);
      return row ? { accountId: row.account_id } : undefined;
    },
    consumePasswordResetTicket: (tokenHash, nowMs) => {
      const row = consume.get(tokenHash, nowMs);
      return row ? { accountId: row.account_id } : undefined;
    },
  };
}
