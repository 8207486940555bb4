import type { Db } from '@extauth/server-kit/sqlite';

/**
 * What a failure is counted against: a wrong password against the user name tried (`user`) and the
 * client address (`ip`); a wrong 2FA security code against the client address (`tfa_ip`).
 */
export type LoginFailureScope = 'user' | 'ip' | 'tfa_ip';

/** One recorded failure, as `removeFailure` takes it back. */
export interface RecordedFailure {
  id: number;
  scope: LoginFailureScope;
  key: string;
  atMs: number;
}

/** Failed WHM password and security-code attempts, one row per failure, for the sliding-window limits. */
export interface LoginFailureStore {
  /** Records one failure at `atMs` (failures past every window go with the row sweeper). */
  recordFailure(scope: LoginFailureScope, key: string, atMs: number): RecordedFailure;
  /**
   * Takes back one recorded failure (an attempt counted before its check that turned out right).
   * The row must still have its scope, key and time: a rowid the sweeper freed and another
   * failure reused is not this one, so someone else's failure is never taken back.
   */
  removeFailure(failure: RecordedFailure): void;
  countFailuresSince(scope: LoginFailureScope, key: string, sinceMs: number): number;
  /** The time of the `index`-th (0-based, oldest first) failure since `sinceMs`, if there are that many. */
  nthFailureSince(scope: LoginFailureScope, key: string, sinceMs: number, index: number): number | undefined;
  clearFailures(scope: LoginFailureScope, key: string): void;
}

export function createLoginFailureStore(db: Db): LoginFailureStore {
  const insert = db.prepare<[LoginFailureScope, string, number]>(
    'INSERT INTO login_failures (scope, key, failed_at) VALUES (?, ?, ?)',
  );
  const count = db.prepare<[LoginFailureScope, string, number], { n: number }>(
    'SELECT COUNT(*) AS n FROM login_failures WHERE scope = ? AND key = ? AND failed_at >= ?',
  );
  const nth = db.prepare<[LoginFailureScope, string, number, number], { failed_at: number }>(
    `SELECT failed_at FROM login_failures WHERE scope = ? AND key = ? AND failed_at >= ?
     ORDER BY failed_at ASC LIMIT 1 OFFSET ?`,
  );
  const clear = db.prepare<[LoginFailureScope, string]>('DELETE FROM login_failures WHERE scope = ? AND key = ?');
  const remove = db.prepare<[number, LoginFailureScope, string, number]>(
    'DELETE FROM login_failures WHERE rowid = ? AND scope = ? AND key = ? AND failed_at = ?',
  );
  return {
    recordFailure: (scope, key, atMs) => ({
      id: Number(insert.run(scope, key, atMs).lastInsertRowid),
      scope,
      key,
      atMs,
    }),
    removeFailure: ({ id, scope, key, atMs }) => {
      remove.run(id, scope, key, atMs);
    },
    countFailuresSince: (scope, key, sinceMs) => count.get(scope, key, sinceMs)?.n ?? 0,
    nthFailureSince: (scope, key, sinceMs, index) => nth.get(scope, key, sinceMs, index)?.failed_at,
    clearFailures: (scope, key) => {
      clear.run(scope, key);
    },
  };
}
