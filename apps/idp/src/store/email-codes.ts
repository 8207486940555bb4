import type { Db } from '@extauth/server-kit/sqlite';

/** What a 6-digit email code is for; the one verify endpoint dispatches on it. */
export type EmailCodePurpose = 'verify_email' | 'reset_password';

/** One live code per (purpose, address): issuing a new one replaces, and so invalidates, the old. */
export interface StoredEmailCode {
  purpose: EmailCodePurpose;
  emailNormalized: string;
  /** The account the code acts on; undefined for a decoy (no account to act on, see email-code.ts). */
  accountId: string | undefined;
  salt: string;
  codeHash: string;
  failedAttempts: number;
  /** Epoch milliseconds. */
  sentAt: number;
  expiresAt: number;
}

export interface EmailCodeStore {
  findEmailCode(purpose: EmailCodePurpose, emailNormalized: string): StoredEmailCode | undefined;
  replaceEmailCode(code: Omit<StoredEmailCode, 'failedAttempts'>): void;
  /** Counts a wrong try against this very code (not a newer one); returns the new count, 0 if it is gone. */
  recordWrongEmailCode(purpose: EmailCodePurpose, emailNormalized: string, codeHash: string): number;
  /**
   * Deletes the code in one statement if it is still this code, alive and not dead from wrong
   * tries; of two concurrent consumers exactly one gets the row back.
   */
  consumeEmailCode(
    purpose: EmailCodePurpose,
    emailNormalized: string,
    codeHash: string,
    nowMs: number,
    maxFailedAttempts: number,
  ): { accountId: string | undefined } | undefined;
}

interface Row {
  purpose: EmailCodePurpose;
  email_normalized: string;
  account_id: string | null;
  salt: string;
  code_hash: string;
  failed_attempts: number;
  sent_at: number;
  expires_at: number;
}

export function createSqliteEmailCodeStore(db: Db): EmailCodeStore {
  const find = db.prepare<[string, string], Row>(
    'SELECT * FROM email_codes WHERE purpose = ? AND email_normalized = ?',
  );
  const upsert = db.prepare(
    `INSERT INTO email_codes (purpose, email_normalized, account_id, salt, code_hash, failed_attempts, sent_at, expires_at)
     VALUES (@purpose, @emailNormalized, @accountId, @salt, @codeHash, 0, @sentAt, @expiresAt)
     ON CONFLICT (purpose, email_normalized) DO UPDATE SET account_id = excluded.account_id, salt = excluded.salt,
       code_hash = excluded.code_hash, failed_attempts = 0, sent_at = excluded.sent_at, expires_at = excluded.expires_at`,
  );
  const wrong = db.prepare<[string, string, string], { failed_attempts: number }>(
    `UPDATE email_codes SET failed_attempts = failed_attempts + 1
     WHERE purpose = ? AND email_normalized = ? AND code_hash = ? RETURNING failed_attempts`,
  );
  const consume = db.prepare<[string, string, string, number, number], { account_id: string | null }>(
    `DELETE FROM email_codes WHERE purpose = ? AND email_normalized = ? AND code_hash = ?
       AND expires_at > ? AND failed_attempts < ? RETURNING account_id`,
  );
  return {
    findEmailCode: (purpose, emailNormalized) => {
      const row = find.get(purpose, emailNormalized);
      if (!row) return undefined;
      return {
        purpose: row.purpose,
        emailNormalized: row.email_normalized,
        accountId: row.account_id ?? undefined,
        salt: row.salt,
        codeHash: row.code_hash,
        failedAttempts: row.failed_attempts,
        sentAt: row.sent_at,
        expiresAt: row.expires_at,
      };
    },
    replaceEmailCode: (code) => {
      upsert.run({ ...code, accountId: code.accountId ?? null });
    },
    recordWrongEmailCode: (purpose, emailNormalized, codeHash) =>
      wrong.get(purpose, emailNormalized, codeHash)?.failed_attempts ?? 0,
    consumeEmailCode: (purpose, emailNormalized, codeHash, nowMs, max) => {
      const row = consume.get(purpose, emailNormalized, codeHash, nowMs, max);
      return row ? { accountId: row.account_id ?? undefined } : undefined;
    },
  };
}
