import type { Db } from '@extauth/server-kit/sqlite';

export type MfaStatus = 'pending' | 'confirmed' | 'active';

/** An account's TOTP factor; the secret is ciphertext and the recovery code a hash (see migration 5). */
export interface MfaFactor {
  accountId: string;
  status: MfaStatus;
  sealedSecret: string;
  lastStep: number;
  recoveryCodeHash: string | undefined;
  failures: number;
  lockedUntil: number;
}

export interface MfaStore {
  findMfaFactor(accountId: string): MfaFactor | undefined;
  /** A new pending secret, replacing an earlier pending or confirmed one; never an active factor. */
  startTotpEnrollment(accountId: string, sealedSecret: string, nowMs: number): boolean;
  /** pending → confirmed with the recovery code's hash; false when not pending. */
  confirmTotpEnrollment(accountId: string, recoveryCodeHash: string, nowMs: number): boolean;
  /** confirmed → active ("I have safely recorded this code"); false when not confirmed. */
  activateMfa(accountId: string, nowMs: number): boolean;
  /** Accepts a time step once: true only if it is later than every step accepted before (atomic). */
  claimTotpStep(accountId: string, step: number): boolean;
  /** Replaces the recovery code only if `usedHash` is the current one: one winner under concurrency. */
  consumeRecoveryCode(accountId: string, usedHash: string, replacementHash: string, nowMs: number): boolean;
  replaceRecoveryCode(accountId: string, replacementHash: string, nowMs: number): void;
  /** One more failure in a row; the `max`-th locks the factor until `nowMs + lockMs` and restarts the count. */
  recordMfaFailure(accountId: string, nowMs: number, max: number, lockMs: number): { lockedUntil: number };
  clearMfaFailures(accountId: string): void;
  removeMfa(accountId: string): void;
  /** An active factor with this secret and recovery code at once (seed files, admin API), replacing any other. */
  setActiveTotpFactor(
    accountId: string,
    sealedSecret: string,
    recoveryCodeHash: string | undefined,
    nowMs: number,
  ): void;
  issueEnrollmentLink(link: { tokenHash: string; accountId: string; expiresAt: number }): void;
  /** Read-and-delete in one statement: a link opens the enrolment once. */
  consumeEnrollmentLink(tokenHash: string, nowMs: number): { accountId: string } | undefined;
}

interface FactorRow {
  account_id: string;
  status: MfaStatus;
  sealed_secret: string;
  last_step: number;
  recovery_code_hash: string | null;
  failures: number;
  locked_until: number;
}

export function createSqliteMfaStore(db: Db): MfaStore {
  const find = db.prepare<[string], FactorRow>(
    `SELECT account_id, status, sealed_secret, last_step, recovery_code_hash, failures, locked_until
     FROM mfa_factors WHERE account_id = ?`,
  );
  const start = db.prepare(
    `INSERT INTO mfa_factors (account_id, status, sealed_secret, updated_at) VALUES (@accountId, 'pending', @sealed, @now)
     ON CONFLICT (account_id) DO UPDATE SET status = 'pending', sealed_secret = @sealed, recovery_code_hash = NULL,
       updated_at = @now
     WHERE mfa_factors.status != 'active'`,
  );
  const confirm = db.prepare(
    `UPDATE mfa_factors SET status = 'confirmed', recovery_code_hash = ?, updated_at = ?
     WHERE account_id = ? AND status = 'pending'`,
  );
  const activate = db.prepare(
    `UPDATE mfa_factors SET status = 'active', updated_at = ? WHERE account_id = ? AND status = 'confirmed'`,
  );
  const claim = db.prepare('UPDATE mfa_factors SET last_step = ? WHERE account_id = ? AND last_step < ?');
  const consume = db.prepare(
    `UPDATE mfa_factors SET recovery_code_hash = ?, updated_at = ?
     WHERE account_id = ? AND status = 'active' AND recovery_code_hash = ?`,
  );
  const replace = db.prepare(
    `UPDATE mfa_factors SET recovery_code_hash = ?, updated_at = ? WHERE account_id = ? AND status = 'active'`,
  );
  const fail = db.prepare<{ accountId: string; now: number; max: number; until: number }, { locked_until: number }>(
    `UPDATE mfa_factors SET
       locked_until = CASE WHEN failures + 1 >= @max THEN @until ELSE locked_until END,
       failures = CASE WHEN failures + 1 >= @max THEN 0 ELSE failures + 1 END
     WHERE account_id = @accountId RETURNING locked_until`,
  );
  const clear = db.prepare('UPDATE mfa_factors SET failures = 0 WHERE account_id = ?');
  const remove = db.prepare('DELETE FROM mfa_factors WHERE account_id = ?');
  const setActive = db.prepare(
    `INSERT INTO mfa_factors (account_id, status, sealed_secret, recovery_code_hash, updated_at)
     VALUES (@accountId, 'active', @sealed, @recovery, @now)
     ON CONFLICT (account_id) DO UPDATE SET status = 'active', sealed_secret = @sealed, recovery_code_hash = @recovery,
       last_step = -1, failures = 0, locked_until = 0, updated_at = @now`,
  );
  const dropLinks = db.prepare('DELETE FROM mfa_enrollment_links WHERE account_id = ?');
  const insertLink = db.prepare(
    'INSERT INTO mfa_enrollment_links (token_hash, account_id, expires_at) VALUES (@tokenHash, @accountId, @expiresAt)',
  );
  const consumeLink = db.prepare<[string, number], { account_id: string }>(
    'DELETE FROM mfa_enrollment_links WHERE token_hash = ? AND expires_at > ? RETURNING account_id',
  );
  return {
    findMfaFactor: (accountId) => {
      const row = find.get(accountId);
      return row
        ? {
            accountId: row.account_id,
            status: row.status,
            sealedSecret: row.sealed_secret,
            lastStep: row.last_step,
            recoveryCodeHash: row.recovery_code_hash ?? undefined,
            failures: row.failures,
            lockedUntil: row.locked_until,
          }
        : undefined;
    },
    startTotpEnrollment: (accountId, sealed, now) => start.run({ accountId, sealed, now }).changes === 1,
    confirmTotpEnrollment: (accountId, hash, now) => confirm.run(hash, now, accountId).changes === 1,
    activateMfa: (accountId, now) => activate.run(now, accountId).changes === 1,
    claimTotpStep: (accountId, step) => claim.run(step, accountId, step).changes === 1,
    consumeRecoveryCode: (accountId, used, replacement, now) =>
      consume.run(replacement, now, accountId, used).changes === 1,
    replaceRecoveryCode: (accountId, replacement, now) => {
      replace.run(replacement, now, accountId);
    },
    recordMfaFailure: (accountId, now, max, lockMs) => {
      const row = fail.get({ accountId, now, max, until: now + lockMs });
      return { lockedUntil: row?.locked_until ?? 0 };
    },
    clearMfaFailures: (accountId) => {
      clear.run(accountId);
    },
    removeMfa: (accountId) => {
      remove.run(accountId);
    },
    setActiveTotpFactor: (accountId, sealed, recovery, now) => {
      setActive.run({ accountId, sealed, recovery: recovery ?? null, now });
    },
    issueEnrollmentLink: (link) => {
      // One live link per account: a new email makes the earlier links useless.
      dropLinks.run(link.accountId);
      insertLink.run(link);
    },
    consumeEnrollmentLink: (tokenHash, now) => {
      const row = consumeLink.get(tokenHash, now);
      return row ? { accountId: row.account_id } : undefined;
    },
  };
}
