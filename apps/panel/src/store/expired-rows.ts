import { type Db, expiredRowsTask, type SweepTask } from '@extauth/server-kit/sqlite';

/**
 * The panel tables whose rows expire: sessions past their idle expiry, and failed password
 * attempts older than the login limit's window. Both are already ignored by every lookup, so
 * deleting them changes no answer.
 */
export function panelExpiredRowTasks(
  db: Db,
  options: { clockMs: () => number; loginFailureWindowMs: number },
): SweepTask[] {
  return [
    expiredRowsTask(db, { name: 'sessions', table: 'sessions', expired: 'expires_at <= @now', now: options.clockMs }),
    expiredRowsTask(db, {
      name: 'login_failures',
      table: 'login_failures',
      expired: 'failed_at < @now',
      now: () => options.clockMs() - options.loginFailureWindowMs,
    }),
  ];
}
