import type { Db } from '@extauth/server-kit/sqlite';

/**
 * WHM two-factor authentication records (spec §2.3, kept in SQLite): the security policy switch,
 * each user's sealed secret with the last time step used, consecutive login failures, and issuers.
 * The store sees ciphertext only; the two-factor use cases seal and open secrets.
 */
export interface TfaUserConfigRecord {
  username: string;
  secretSealed: string;
  lastUsedStep: number;
  configuredAt: number;
}

export type TfaFailure = { failures: number; lockedUntil: number };

/** The issuer WHM writes as `system_wide_issuer` when root sets it (§2.3). */
export const SYSTEM_WIDE_ISSUER_SCOPE = 'system_wide_issuer';
export const TWO_FACTOR_POLICY = 'TwoFactorAuth';

export interface TwoFactorStore {
  isPolicyEnabled(name: string): boolean;
  setPolicyEnabled(name: string, enabled: boolean, nowMs: number): void;
  findUserConfig(username: string): TfaUserConfigRecord | undefined;
  listUserConfigs(): TfaUserConfigRecord[];
  /** Creates or replaces the user's configuration (Reconfigure), with the step its set-up code used. */
  saveUserConfig(record: TfaUserConfigRecord): void;
  /** Returns whether there was one. */
  deleteUserConfig(username: string): boolean;
  /** Atomically moves the last used step forward; false if `step` is not later (a replay). */
  claimTimeStep(username: string, step: number): boolean;
  findFailure(username: string): TfaFailure | undefined;
  /** Adds one consecutive failure and returns the new count, in one statement. */
  recordFailure(username: string): number;
  /** Starts a lock until `untilMs` and resets the count. */
  lockUser(username: string, untilMs: number): void;
  clearFailures(username: string): void;
  findIssuer(scope: string): string | undefined;
  /** An empty issuer removes the setting. */
  setIssuer(scope: string, issuer: string, nowMs: number): void;
}

interface ConfigRow {
  username: string;
  secret_sealed: string;
  last_used_step: number;
  configured_at: number;
}

const toRecord = (r: ConfigRow): TfaUserConfigRecord => ({
  username: r.username,
  secretSealed: r.secret_sealed,
  lastUsedStep: r.last_used_step,
  configuredAt: r.configured_at,
});

export function createTwoFactorStore(db: Db): TwoFactorStore {
  const policy = db.prepare<[string], { enabled: number }>('SELECT enabled FROM security_policies WHERE name = ?');
  const setPolicy = db.prepare<[string, number, number]>(
    `INSERT INTO security_policies (name, enabled, updated_at) VALUES (?, ?, ?)
     ON CONFLICT(name) DO UPDATE SET enabled = excluded.enabled, updated_at = excluded.updated_at`,
  );
  const findConfig = db.prepare<[string], ConfigRow>('SELECT * FROM tfa_user_configs WHERE username = ?');
  const listConfigs = db.prepare<[], ConfigRow>('SELECT * FROM tfa_user_configs ORDER BY username');
  const saveConfig = db.prepare<[string, string, number, number]>(
    `INSERT INTO tfa_user_configs (username, secret_sealed, last_used_step, configured_at) VALUES (?, ?, ?, ?)
     ON CONFLICT(username) DO UPDATE SET secret_sealed = excluded.secret_sealed,
       last_used_step = excluded.last_used_step, configured_at = excluded.configured_at`,
  );
  const deleteConfig = db.prepare<[string]>('DELETE FROM tfa_user_configs WHERE username = ?');
  const claim = db.prepare<[number, string, number]>(
    'UPDATE tfa_user_configs SET last_used_step = ? WHERE username = ? AND last_used_step < ?',
  );
  const findFailure = db.prepare<[string], { failures: number; locked_until: number }>(
    'SELECT failures, locked_until FROM tfa_login_failures WHERE username = ?',
  );
  const addFailure = db.prepare<[string], { failures: number }>(
    `INSERT INTO tfa_login_failures (username, failures, locked_until) VALUES (?, 1, 0)
     ON CONFLICT(username) DO UPDATE SET failures = failures + 1 RETURNING failures`,
  );
  const lock = db.prepare<[string, number]>(
    `INSERT INTO tfa_login_failures (username, failures, locked_until) VALUES (?, 0, ?)
     ON CONFLICT(username) DO UPDATE SET failures = 0, locked_until = excluded.locked_until`,
  );
  const clear = db.prepare<[string]>('DELETE FROM tfa_login_failures WHERE username = ?');
  const findIssuer = db.prepare<[string], { issuer: string }>('SELECT issuer FROM tfa_issuers WHERE scope = ?');
  const setIssuer = db.prepare<[string, string, number]>(
    `INSERT INTO tfa_issuers (scope, issuer, updated_at) VALUES (?, ?, ?)
     ON CONFLICT(scope) DO UPDATE SET issuer = excluded.issuer, updated_at = excluded.updated_at`,
  );
  const deleteIssuer = db.prepare<[string]>('DELETE FROM tfa_issuers WHERE scope = ?');

  return {
    isPolicyEnabled: (name) => policy.get(name)?.enabled === 1,
    setPolicyEnabled: (name, enabled, nowMs) => {
      setPolicy.run(name, enabled ? 1 : 0, nowMs);
    },
    findUserConfig: (username) => {
      const row = findConfig.get(username);
      return row && toRecord(row);
    },
    listUserConfigs: () => listConfigs.all().map(toRecord),
    saveUserConfig: (r) => {
      saveConfig.run(r.username, r.secretSealed, r.lastUsedStep, r.configuredAt);
    },
    deleteUserConfig: (username) => deleteConfig.run(username).changes > 0,
    claimTimeStep: (username, step) => claim.run(step, username, step).changes === 1,
    findFailure: (username) => {
      const row = findFailure.get(username);
      return row && { failures: row.failures, lockedUntil: row.locked_until };
    },
    recordFailure: (username) => addFailure.get(username)?.failures ?? 1,
    lockUser: (username, untilMs) => {
      lock.run(username, untilMs);
    },
    clearFailures: (username) => {
      clear.run(username);
    },
    findIssuer: (scope) => findIssuer.get(scope)?.issuer,
    setIssuer: (scope, issuer, nowMs) => {
      if (issuer === '') deleteIssuer.run(scope);
      else setIssuer.run(scope, issuer, nowMs);
    },
  };
}
